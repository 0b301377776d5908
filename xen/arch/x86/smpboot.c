/* SPDX-License-Identifier: GPL-2.0-only */
/* Starting the APs: CPU numbering, INIT-SIPI-SIPI and each AP's setup. */
#include <xen/acpi.h>
#include <xen/cpumask.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/sched-if.h>
#include <xen/smp.h>
#include <xen/string.h>
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/current.h>
#include <asm/delay.h>
#include <asm/desc.h>
#include <asm/e820.h>
#include <asm/multiboot.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv/entry.h>
#include <asm/smp.h>
#include <asm/system.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <xen/perfc.h>

cpumask_t cpu_online_map, cpu_present_map;
unsigned int x86_cpu_to_apicid[NR_CPUS] = { [0 ... NR_CPUS - 1] = BAD_APICID };

static unsigned int max_cpus = NR_CPUS;
integer_param("maxcpus", max_cpus);

/* trampoline.S: the real-mode part to copy, and what the APs read. */
extern const char trampoline_start[], trampoline_end[];
uint32_t ap_boot_cr3;
unsigned long ap_boot_stack;
/* The APIC ID of the one AP that may take ap_boot_stack now. */
uint32_t ap_boot_apicid = BAD_APICID;

/* The page below 1 MiB the STARTUP IPI points at. */
static paddr_t trampoline_phys;

/* Hand-shake with the AP being started (one at a time). */
static volatile unsigned int ap_alive;
static volatile uint64_t ap_tsc;

/*
 * How long an AP may take from its STARTUP IPI to being online: long, as
 * Linux allows, since eight emulated CPUs on a loaded two-core host may
 * each wait seconds for a turn.
 */
#define AP_START_TIMEOUT_MS 10000

/* TSC reads ordered after the loads before them. */
static uint64_t rdtsc_ordered(void)
{
    __asm__ __volatile__("lfence" ::: "memory");
    return rdtsc();
}

/*
 * A STARTUP IPI can only point at a page below 1 MiB.  Setup keeps the
 * whole first MiB from the allocators, so any RAM page there is ours
 * unless the loader put something in it that is still needed.  Take the
 * highest such page under the EBDA, from the loader's own memory map.
 */
static paddr_t __init find_trampoline_page(const struct boot_info *bi)
{
    static struct e820map __initdata low;
    paddr_t limit = 0xa0000, found = 0;
    unsigned int idx = 0;
    uint64_t s, e;

    /* mem_lower is the conventional memory below the EBDA, in KiB. */
    if ( bi->has_meminfo && bi->mem_lower && bi->mem_lower < 640 )
        limit = ROUNDDOWN((paddr_t)bi->mem_lower << 10, PAGE_SIZE);

    low = bi->mmap;
    if ( !low.nr_map && bi->has_meminfo )
        e820_add_range(&low, 0, limit, E820_RAM);
    e820_sanitize(&low);

    while ( e820_next_ram(&low, &idx, &s, &e) && s < limit )
    {
        /* Page 0 holds the real-mode IVT and the BIOS data area. */
        s = max(s, (uint64_t)PAGE_SIZE);
        for ( paddr_t p = ROUNDDOWN(min(e, (uint64_t)limit), PAGE_SIZE);
              p >= s + PAGE_SIZE; p -= PAGE_SIZE )
        {
            paddr_t page = p - PAGE_SIZE;
            bool used = page < bi->info_end &&
                        page + PAGE_SIZE > bi->info_start;

            for ( unsigned int m = 0; m < bi->nr_modules; m++ )
                if ( page < bi->modules[m].end &&
                     page + PAGE_SIZE > bi->modules[m].start )
                    used = true;
            if ( !used )
            {
                found = max(found, page);
                break;
            }
        }
    }
    return found;
}

static void event_check_interrupt(struct cpu_user_regs *regs)
{
    /* The softirq bit was set by the sender; waking us was the point. */
    perfc_incr(event_check_in);
    ack_APIC_irq();
}

void send_IPI_mask(const cpumask_t *mask, unsigned int vector)
{
    unsigned int cpu;

    for_each_cpu(cpu, mask)
        apic_send_ipi(APIC_DM_FIXED | vector, cpu_physical_id(cpu));
}

void send_event_check_ipi(unsigned int cpu)
{
    apic_send_ipi(APIC_DM_FIXED | EVENT_CHECK_VECTOR, cpu_physical_id(cpu));
}

/* The C entry of an AP, on its own stack with cpu_info filled in. */
void start_secondary(void);
void start_secondary(void)
{
    struct cpu_info *info = get_cpu_info();
    unsigned int cpu = info->processor_id;

    ap_tsc = rdtsc_ordered();
    __atomic_store_n(&ap_alive, cpu, __ATOMIC_RELEASE);

    percpu_traps_init(cpu, (unsigned long)info & ~(STACK_SIZE - 1));
    cpu_init_secondary(cpu);
    apic_init_secondary();
    if ( get_apic_id() != info->apic_id )
        printk(XENLOG_WARNING "CPU%u: APIC ID %u, but the MADT said %u\n", cpu,
               get_apic_id(), info->apic_id);
    init_percpu_time();
    pv_percpu_init(cpu);

    cpumask_set_cpu(cpu, &cpu_online_map);
    local_irq_enable();
    startup_cpu_idle_loop();
}

/* Polls for up to us microseconds for the AP to be alive or online. */
static bool wait_for(unsigned int cpu, bool online, unsigned long us)
{
    uint64_t start = rdtsc(), ticks = us * cpu_khz / 1000;

    do
    {
        if ( online ? cpumask_test_cpu(cpu, &cpu_online_map)
                    : __atomic_load_n(&ap_alive, __ATOMIC_ACQUIRE) == cpu )
            return true;
        cpu_relax();
    } while ( rdtsc() - start < ticks );
    return false;
}

/*
 * The INIT then STARTUP sequence of the multiprocessor specification.
 * The 10 ms INIT delay is for processors before the P6 and K8 families;
 * their successors accept the STARTUP IPI at once.  A second STARTUP
 * follows only if the first seems lost (a running AP ignores it anyway).
 */
static bool __init do_boot_cpu(unsigned int cpu)
{
    unsigned int apicid = cpu_physical_id(cpu);
    /* Buddy allocations are aligned to their size, as cpu_info needs. */
    char *stack = alloc_xenheap_pages(STACK_ORDER, 0);
    struct cpu_info *info;
    const struct cpuinfo_x86 *c = &boot_cpu_data;
    bool modern = (c->vendor == X86_VENDOR_INTEL && c->family >= 6) ||
                  (c->vendor != X86_VENDOR_INTEL && c->family >= 0xf);
    uint32_t sipi = APIC_DM_STARTUP | APIC_INT_ASSERT |
                    (trampoline_phys >> PAGE_SHIFT);
    uint64_t tsc_before, tsc_after;

    if ( !stack )
    {
        printk(XENLOG_WARNING "WARNING: CPU%u (APIC id %u): no memory for "
                              "its stack\n",
               cpu, apicid);
        return false;
    }
    info = (void *)(stack + STACK_SIZE - CPUINFO_SIZE);
    memset(info, 0, CPUINFO_SIZE);
    info->processor_id = cpu;
    info->apic_id = apicid;
    ap_boot_stack = (unsigned long)info;
    ap_boot_apicid = apicid;
    ap_alive = 0;

    tsc_before = rdtsc_ordered();
    apic_send_ipi(APIC_DM_INIT | APIC_INT_ASSERT, apicid);
    if ( !modern )
        mdelay(10);
    apic_send_ipi(sipi, apicid);
    if ( !wait_for(cpu, false, 200) )
    {
        apic_send_ipi(sipi, apicid);
        if ( !wait_for(cpu, false, AP_START_TIMEOUT_MS * 1000UL) )
        {
            printk(XENLOG_WARNING "WARNING: CPU%u (APIC id %u) did not "
                                  "start\n",
                   cpu, apicid);
            /*
             * Back to waiting for STARTUP; and should it run late anyway,
             * the trampoline parks it.
             */
            ap_boot_apicid = BAD_APICID;
            apic_send_ipi(APIC_DM_INIT | APIC_INT_ASSERT, apicid);
            free_xenheap_pages(stack, STACK_ORDER);
            return false;
        }
    }
    tsc_after = rdtsc_ordered();

    /*
     * The AP read its TSC between our two reads; if it is outside that
     * window the TSCs disagree by at least the distance to it.
     */
    if ( ap_tsc < tsc_before || ap_tsc > tsc_after )
        printk(XENLOG_WARNING "WARNING: CPU%u TSC differs from CPU0's by at "
                              "least %lu cycles\n",
               cpu,
               ap_tsc < tsc_before ? tsc_before - ap_tsc : ap_tsc - tsc_after);

    if ( !wait_for(cpu, true, AP_START_TIMEOUT_MS * 1000UL) )
    {
        printk(XENLOG_WARNING "WARNING: CPU%u (APIC id %u) started but did "
                              "not come online\n",
               cpu, apicid);
        return false;
    }
    return true;
}

/*
 * Numbers the MADT's enabled CPUs after the boot CPU, in table order.
 * Returns how many CPUs there are now, the boot CPU included.
 */
static unsigned int __init enumerate_cpus(const struct acpi_madt_info *madt,
                                          unsigned int bsp_apicid)
{
    unsigned int limit = min(max_cpus, (unsigned int)NR_CPUS);
    unsigned int nr = min(madt->nr_cpus, (unsigned int)ACPI_MAX_CPUS);
    unsigned int next = 1, over_limit = 0, unreachable = 0;

    if ( madt->nr_cpus > ACPI_MAX_CPUS )
        printk(XENLOG_WARNING "MADT lists %u CPUs; only %u were recorded\n",
               madt->nr_cpus, ACPI_MAX_CPUS);
    for ( unsigned int i = 0; i < nr; i++ )
    {
        const struct acpi_cpu *c = &madt->cpus[i];
        bool dup = c->apic_id == bsp_apicid;

        if ( !c->enabled )
            continue;
        /* Firmware may list a CPU in both an xAPIC and an x2APIC entry. */
        for ( unsigned int j = 1; j < next; j++ )
            if ( x86_cpu_to_apicid[j] == c->apic_id )
                dup = true;
        if ( dup )
            continue;
        /* Without x2APIC mode only 8-bit IDs can be sent IPIs. */
        if ( !x2apic_enabled && c->apic_id > 0xfe )
            unreachable++;
        else if ( next >= limit )
            over_limit++;
        else
        {
            x86_cpu_to_apicid[next] = c->apic_id;
            cpumask_set_cpu(next, &cpu_present_map);
            next++;
        }
    }
    if ( over_limit )
        printk("%u CPUs ignored (maxcpus=%u, NR_CPUS=%u)\n", over_limit,
               max_cpus, NR_CPUS);
    if ( unreachable )
        printk(XENLOG_WARNING "%u CPUs ignored: APIC IDs above 254 need "
                              "x2APIC mode\n",
               unreachable);
    return next;
}

void __init smp_boot_cpus(const struct acpi_madt_info *madt,
                          const struct boot_info *bi)
{
    unsigned int bsp_apicid = get_apic_id();
    unsigned int cpu;

    get_cpu_info()->apic_id = bsp_apicid;
    x86_cpu_to_apicid[0] = bsp_apicid;
    cpumask_set_cpu(0, &cpu_present_map);
    cpumask_set_cpu(0, &cpu_online_map);
    set_vector_handler(EVENT_CHECK_VECTOR, event_check_interrupt);

    if ( !madt || !madt->present )
    {
        printk(XENLOG_WARNING "WARNING: no ACPI MADT; running on the boot "
                              "CPU only\n");
        return;
    }
    if ( enumerate_cpus(madt, bsp_apicid) == 1 )
        return;
    trampoline_phys = find_trampoline_page(bi);
    if ( !trampoline_phys )
    {
        printk(XENLOG_WARNING "WARNING: no AP trampoline page; running on "
                              "the boot CPU only\n");
        return;
    }

    printk("Starting %u APs from %#lx\n", num_present_cpus() - 1,
           trampoline_phys);
    memcpy(maddr_to_virt(trampoline_phys), trampoline_start,
           trampoline_end - trampoline_start);
    /*
     * The APs enable paging on our page tables from 32-bit code, so they
     * must be below 4 GiB and keep the identity map of the image.
     */
    BUG_ON(read_cr3() >> 32);
    ap_boot_cr3 = read_cr3();

    for_each_present_cpu(cpu) if ( cpu && !do_boot_cpu(cpu) )
        cpumask_clear_cpu(cpu, &cpu_present_map);
}
