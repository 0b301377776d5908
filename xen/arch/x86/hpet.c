/* SPDX-License-Identifier: GPL-2.0-only */
/* HPET: find and start the main counter, the TSC's calibration reference. */
#include <xen/lib.h>
#include <asm/apic.h>
#include <asm/hpet.h>
#include <asm/io.h>

uint64_t hpet_rate;
static void *hpet_va;

bool __init hpet_init(paddr_t addr)
{
    uint64_t id, period;

    if ( !addr || !(hpet_va = map_platform_mmio(addr)) )
        return false;

    /* A period of zero or above 100 ns breaks the specification. */
    id = readq((char *)hpet_va + HPET_ID);
    period = HPET_ID_PERIOD(id);
    if ( !period || period > 100000000UL )
    {
        printk(XENLOG_WARNING "HPET at %#lx: bad period %lu fs, ignored\n",
               addr, period);
        return false;
    }
    hpet_rate = 1000000000000000UL / period;

    /* Count in normal (not legacy replacement) mode. */
    writeq((readq((char *)hpet_va + HPET_CFG) & ~HPET_CFG_LEGACY) |
               HPET_CFG_ENABLE,
           (char *)hpet_va + HPET_CFG);

    printk("HPET at %#lx: %lu.%03lu MHz, %u timers\n", addr,
           hpet_rate / 1000000, (hpet_rate / 1000) % 1000,
           (unsigned int)((id >> 8) & 0x1f) + 1);
    return true;
}

uint32_t hpet_read32(void)
{
    return readl((char *)hpet_va + HPET_COUNTER);
}
