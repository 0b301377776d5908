/* SPDX-License-Identifier: GPL-2.0-only */
/* Local APIC: mode selection, per-CPU setup, EOI and interrupt messages. */
#include <xen/lib.h>
#include <xen/param.h>
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/current.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/system.h>
#include <asm/traps.h>
#include <xen/perfc.h>

bool x2apic_enabled;

/* "x2apic=0" keeps the xAPIC even where x2APIC exists. */
static bool opt_x2apic = true;
boolean_param("x2apic", opt_x2apic);

static void *apic_va;

/*
 * The boot page tables map the low 4 GiB with 2 MiB write-back pages.
 * Device registers must not be cached (firmware's MTRRs usually cover
 * the MMIO hole too, but we don't rely on it), so the 2 MiB page holding
 * pa gets PCD|PWT.  All aliases of it share the same L2 table, and the
 * MMIO hole holds no RAM that would suffer from the change.
 */
void *map_platform_mmio(paddr_t pa)
{
    unsigned long va = DIRECTMAP_VIRT_START + pa;
    pte_t *l4 = maddr_to_virt(read_cr3() & PTE_ADDR_MASK);
    pte_t *l3, *l2;

    if ( pa >= (1UL << 32) )
        return NULL;
    /* Anything but 4K-table / 2 MiB-page mappings is left as it is. */
    if ( (l4[l4_table_offset(va)] & (_PAGE_PRESENT | _PAGE_PSE)) !=
         _PAGE_PRESENT )
        return (void *)va;
    l3 = maddr_to_virt(l4[l4_table_offset(va)] & PTE_ADDR_MASK);
    if ( (l3[l3_table_offset(va)] & (_PAGE_PRESENT | _PAGE_PSE)) !=
         _PAGE_PRESENT )
        return (void *)va;
    l2 = maddr_to_virt(l3[l3_table_offset(va)] & PTE_ADDR_MASK);
    if ( (l2[l2_table_offset(va)] & (_PAGE_PRESENT | _PAGE_PSE)) ==
         (_PAGE_PRESENT | _PAGE_PSE) )
    {
        l2[l2_table_offset(va)] |= _PAGE_PCD | _PAGE_PWT;
        flush_tlb_local();
    }
    return (void *)va;
}

static unsigned int x2apic_msr(unsigned int reg)
{
    return MSR_X2APIC_FIRST + (reg >> 4);
}

uint32_t apic_read(unsigned int reg)
{
    if ( x2apic_enabled )
        return rdmsr(x2apic_msr(reg));
    return readl((char *)apic_va + reg);
}

void apic_write(unsigned int reg, uint32_t val)
{
    if ( x2apic_enabled )
        wrmsr(x2apic_msr(reg), val);
    else
        writel(val, (char *)apic_va + reg);
}

unsigned int get_apic_id(void)
{
    if ( x2apic_enabled )
        return rdmsr(x2apic_msr(APIC_ID));
    return apic_read(APIC_ID) >> 24;
}

static void xapic_wait_icr_idle(void)
{
    while ( apic_read(APIC_ICR) & APIC_ICR_BUSY )
        cpu_relax();
}

void apic_send_ipi(uint32_t icr, unsigned int dest_apic_id)
{
    unsigned long flags;

    perfc_incr(ipi_out);
    if ( x2apic_enabled )
    {
        /*
         * x2APIC MSR writes are not serialising: without the fences the
         * message could overtake the stores it announces.
         */
        __asm__ __volatile__("mfence; lfence" ::: "memory");
        wrmsr(x2apic_msr(APIC_ICR), ((uint64_t)dest_apic_id << 32) | icr);
        return;
    }

    /* ICR2 then ICR: an interrupt in between must not send its own IPI. */
    local_irq_save(flags);
    xapic_wait_icr_idle();
    apic_write(APIC_ICR2, dest_apic_id << 24);
    apic_write(APIC_ICR, icr);
    xapic_wait_icr_idle();
    local_irq_restore(flags);
}

/* Spurious interrupts are not in service: no EOI. */
static void spurious_interrupt(struct cpu_user_regs *regs)
{
}

static void error_interrupt(struct cpu_user_regs *regs)
{
    uint32_t esr;

    /* ESR latches on a write; the value then read is the new one. */
    apic_write(APIC_ESR, 0);
    esr = apic_read(APIC_ESR);
    ack_APIC_irq();
    printk(XENLOG_WARNING "APIC error on CPU%u: %02x\n", smp_processor_id(),
           esr);
}

static void setup_local_apic(bool bsp)
{
    unsigned int maxlvt = APIC_LVR_MAXLVT(apic_read(APIC_LVR));

    /* Quiet every source before enabling, whatever firmware left. */
    apic_write(APIC_LVTT, APIC_LVT_MASKED);
    apic_write(APIC_LVT0, APIC_LVT_MASKED);
    apic_write(APIC_LVT1, APIC_LVT_MASKED);
    apic_write(APIC_LVTERR, APIC_LVT_MASKED);
    if ( maxlvt >= 4 )
        apic_write(APIC_LVTPC, APIC_LVT_MASKED);
    if ( maxlvt >= 5 )
        apic_write(APIC_LVTTHMR, APIC_LVT_MASKED);
    if ( maxlvt >= 6 )
        apic_write(APIC_LVTCMCI, APIC_LVT_MASKED);

    apic_write(APIC_TASKPRI, 0);
    apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_APIC_VECTOR);

    /*
     * Interrupts that firmware left in service would block lower-priority
     * ones forever: retire them.  There can be at most one per vector.
     */
    for ( unsigned int i = 0; i < 256; i++ )
    {
        bool in_service = false;

        for ( unsigned int reg = 0x100; reg < 0x180; reg += 0x10 )
            if ( apic_read(reg) )
                in_service = true;
        if ( !in_service )
            break;
        ack_APIC_irq();
    }

    /*
     * The 8259 stays masked (LINT0 off); LINT1 carries the platform's NMI
     * on PCs, delivered to the boot CPU only.
     */
    if ( bsp )
        apic_write(APIC_LVT1, APIC_DM_NMI);

    /* A write latches the errors so far, a second one clears them. */
    apic_write(APIC_ESR, 0);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);
}

/* xAPIC to x2APIC is allowed directly; the reverse is not. */
static void enable_x2apic(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    if ( !(base & APIC_BASE_EXTD) )
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_EXTD);
}

void __init apic_init_bsp(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    if ( !(base & APIC_BASE_ENABLE) )
    {
        base |= APIC_BASE_ENABLE;
        wrmsr(MSR_APIC_BASE, base);
    }

    /* Leaving x2APIC mode needs a full disable: keep what firmware chose. */
    if ( base & APIC_BASE_EXTD )
    {
        if ( !opt_x2apic )
            printk(XENLOG_WARNING "x2APIC already enabled by firmware; "
                                  "ignoring x2apic=0\n");
        x2apic_enabled = true;
    }
    else if ( opt_x2apic && cpu_has_x2apic )
    {
        enable_x2apic();
        x2apic_enabled = true;
    }
    else if ( !(apic_va = map_platform_mmio(base & APIC_BASE_ADDR_MASK)) )
        panic("Local APIC at %#lx is above 4 GiB", base & APIC_BASE_ADDR_MASK);

    set_vector_handler(SPURIOUS_APIC_VECTOR, spurious_interrupt);
    set_vector_handler(ERROR_APIC_VECTOR, error_interrupt);
    setup_local_apic(true);

    if ( x2apic_enabled )
        printk("Local APIC: x2APIC mode, CPU0 APIC ID %u\n", get_apic_id());
    else
        printk("Local APIC: xAPIC mode at %#lx, CPU0 APIC ID %u\n",
               base & APIC_BASE_ADDR_MASK, get_apic_id());
}

void apic_init_secondary(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    if ( x2apic_enabled )
        enable_x2apic();
    else if ( !(base & APIC_BASE_ENABLE) )
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    setup_local_apic(false);
}
