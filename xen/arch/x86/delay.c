/* SPDX-License-Identifier: GPL-2.0-only */
/* udelay()/mdelay(): spin on the TSC for at least the time asked. */
#include <asm/delay.h>
#include <asm/processor.h>
#include <asm/system.h>
#include <asm/time.h>

void udelay(unsigned long usecs)
{
    uint64_t start = rdtsc();
    /* Rounded up: a delay may be longer than asked, never shorter. */
    uint64_t ticks = (usecs * cpu_khz + 999) / 1000;

    while ( rdtsc() - start < ticks )
        cpu_relax();
}

void mdelay(unsigned long msecs)
{
    while ( msecs-- )
        udelay(1000);
}
