/* SPDX-License-Identifier: GPL-2.0-only */
/* TSC-based system time, its fixed-point scaling and the boot wallclock. */
#ifndef ASM_X86_TIME_H
#define ASM_X86_TIME_H

#include <xen/types.h>

/*
 * Converts counts at one rate into counts at another without division:
 * out = ((in << shift) * mul_frac) >> 32, with a negative shift meaning a
 * right shift.  shift is chosen so that mul_frac is at least 2^31, which
 * keeps 31 significant bits (an error under 1 ns per second).
 */
struct time_scale {
    int shift;
    uint32_t mul_frac;
};

static inline uint64_t scale_delta(uint64_t delta, const struct time_scale *s)
{
    /* 128 bits: neither the shift nor the product can overflow. */
    unsigned __int128 d = delta;

    if ( s->shift < 0 )
        d >>= -s->shift;
    else
        d <<= s->shift;
    return (d * s->mul_frac) >> 32;
}

/*
 * The scale turning counts at in_hz into counts at out_hz.  Both rates
 * must be non-zero and below 2^62.
 */
static inline void set_time_scale(struct time_scale *s, uint64_t in_hz,
                                  uint64_t out_hz)
{
    uint64_t num = out_hz, den = in_hz;
    uint32_t frac = 0;
    int shift = 0;

    /* Bring num / den into [1/2, 1); the shift makes up the difference. */
    while ( den <= num )
    {
        den <<= 1;
        shift++;
    }
    while ( den > 2 * num )
    {
        num <<= 1;
        shift--;
    }

    /* 32 bits of num / den by long division (no 128-bit divide here). */
    for ( unsigned int i = 0; i < 32; i++ )
    {
        num <<= 1;
        frac <<= 1;
        if ( num >= den )
        {
            num -= den;
            frac |= 1;
        }
    }

    s->shift = shift;
    s->mul_frac = frac;
}

/* TSC frequency; a deliberately high guess until init_xen_time(). */
extern unsigned long cpu_khz;

/* Seconds since 1970 read from the RTC at boot, at system time 0ish. */
extern uint64_t wallclock_time;

struct acpi_info;
/*
 * Calibrates the TSC and the APIC timer against the HPET (or the PIT
 * without one), arms CPU0's timer and reads the RTC.  acpi may be NULL.
 */
void init_xen_time(const struct acpi_info *acpi);
/* Points this CPU's APIC timer at the timer softirq. */
void init_percpu_time(void);
/*
 * Days from 1970-01-01 to a Gregorian date (month 1-12).  Counting years
 * from March puts the leap day last, so month lengths follow a fixed
 * pattern of 153 days per 5 months.
 */
static inline uint64_t days_since_epoch(unsigned int year, unsigned int mon,
                                        unsigned int day)
{
    uint64_t y = year;

    if ( mon <= 2 )
    {
        y--;
        mon += 12;
    }
    return 365 * y + y / 4 - y / 100 + y / 400 + (153 * (mon - 3) + 2) / 5 +
           day - 1 - 719468; /* 719468: days from 0000-03-01 to 1970 */
}

struct vcpu;
struct domain;
/* Refresh the time fields guests read (on every switch to the vCPU). */
void update_vcpu_system_time(struct vcpu *v);
void update_domain_wallclock_time(struct domain *d);

#endif /* ASM_X86_TIME_H */
