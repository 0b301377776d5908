/* SPDX-License-Identifier: GPL-2.0-only */
/* __start_xen: the whole boot sequence of the bootstrap CPU, in order. */
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/pci.h>
#include <xen/sched-if.h>
#include <xen/serial.h>
#include <xen/shutdown.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/e820.h>
#include <asm/io_apic.h>
#include <asm/mm.h>
#include <asm/m2p.h>
#include <asm/multiboot.h>
#include <asm/processor.h>
#include <asm/pv/dom0_build.h>
#include <asm/pv/entry.h>
#include <asm/selftest.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/traps.h>

extern char boot_stack[];
extern const char _start[], _end[];

boolean_param("noreboot", opt_noreboot);

static struct boot_info __initdata boot_info;
struct e820map e820;
/* The same, less what the hypervisor and the loader occupy: for allocators. */
static struct e820map __initdata boot_e820;

/*
 * The memory map loses what the hypervisor and the loader occupy, and the
 * first MiB (BIOS data, the AP trampoline), before the allocators see it.
 */
static void __init reserve_boot_memory(struct e820map *map,
                                       const struct boot_info *bi)
{
    e820_reserve_ram(map, 0, 0x100000);
    e820_reserve_ram(map, virt_to_maddr(_start), virt_to_maddr(_end));
    e820_reserve_ram(map, bi->info_start, bi->info_end);
    for ( unsigned int i = 0; i < bi->nr_modules; i++ )
        e820_reserve_ram(map, bi->modules[i].start,
                         ROUNDUP(bi->modules[i].end, PAGE_SIZE));
}

/*
 * The boot allocator can only hand out memory that the direct map already
 * covers, so it gets RAM below 4 GiB first; that pays for the mappings of
 * RAM above and the frame table, and then the rest follows.
 */
static void __init init_memory(const struct e820map *map)
{
    unsigned int idx;
    uint64_t s, e;

    for ( idx = 0; e820_next_ram(map, &idx, &s, &e); )
        init_boot_pages(s, min(e, (uint64_t)BOOT_DIRECTMAP_LIMIT));
    for ( idx = 0; e820_next_ram(map, &idx, &s, &e); )
        directmap_add_ram(s, e);
    init_frametable(e820_ram_end(map) >> PAGE_SHIFT);
    for ( idx = 0; e820_next_ram(map, &idx, &s, &e); )
        if ( e > BOOT_DIRECTMAP_LIMIT )
            init_boot_pages(max(s, (uint64_t)BOOT_DIRECTMAP_LIMIT), e);
    end_boot_allocator();
    mm_heap_ready();
    printk("Memory: %lu MiB free of %lu MiB RAM\n",
           total_free_pages() >> (20 - PAGE_SHIFT),
           (unsigned long)(e820_ram_total(map) >> 20));
}

void __start_xen(uint32_t mb_magic, uint32_t mb_info_pa);
void __init __start_xen(uint32_t mb_magic, uint32_t mb_info_pa)
{
    struct boot_info *bi = &boot_info;
    unsigned int cpu;
    int rc;

    get_cpu_info()->processor_id = 0;
    trap_init();
    percpu_traps_init(0, (unsigned long)boot_stack);

    rc = multiboot_parse(mb_magic, mb_info_pa, DIRECTMAP_VIRT_START, bi);
    if ( !rc )
        cmdline_parse(bi->args);
    console_init_preirq();
    printk("Xen version %d.%d%s (hv) %s\n", XEN_VERSION, XEN_SUBVERSION,
           XEN_EXTRAVERSION,
#ifdef CONFIG_DEBUG
           "debug=y"
#else
           "debug=n"
#endif
    );
    if ( rc )
        panic("Not booted by a multiboot loader (magic %#x)", mb_magic);
    printk("Bootloader: %s\n",
           bi->loader_name[0] ? bi->loader_name : "unknown");
    printk("Command line: %s\n", bi->args);
    boot_fault_test();

    if ( e820_from_boot_info(&e820, bi) < 0 )
        panic("The boot loader gave no memory information");
    printk("Xen-e820 RAM map:\n");
    e820_print(&e820);
    boot_e820 = e820;
    reserve_boot_memory(&boot_e820, bi);
    init_memory(&boot_e820);

    timer_init();
    open_softirq(TIMER_SOFTIRQ, timer_softirq_action);
    acpi_boot_init(bi);
    pci_mmcfg_init();
    /* BEGIN platform: APIC, time and SMP bring-up (smpboot owner) */
    early_cpu_init();
    apic_init_bsp();
    init_IRQ(&acpi_info.madt);
    init_xen_time(&acpi_info);
    smp_boot_cpus(&acpi_info.madt, bi);
    /* END platform */
    printk("Brought up %u CPUs\n", num_online_cpus());
    smp_call_init();
    run_selftests();

    scheduler_init();
    for_each_online_cpu(cpu) scheduler_init_cpu(cpu);
    pv_percpu_init(0);
    m2p_init();
    if ( bi->nr_modules )
        construct_boot_domains(bi);
    else
        printk("No dom0 kernel given: the machine idles\n");
    console_init_postirq();
    console_endboot();
    printk("Reached idle loop\n");
    startup_cpu_idle_loop();
}
