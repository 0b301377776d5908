/* SPDX-License-Identifier: GPL-2.0-only */
/* System time from the TSC, its calibration, the APIC timer and the RTC. */
#include <xen/acpi.h>
#include <xen/compat.h>
#include <xen/cpumask.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/smp.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/hpet.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/system.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <xen/perfc.h>

/* No x86 TSC runs at 10 GHz, so delays before calibration err long. */
unsigned long cpu_khz = 10000000;
uint64_t wallclock_time;

/* "tdt=0" uses the APIC timer's one-shot mode even with TSC-deadline. */
static bool opt_tdt = true;
boolean_param("tdt", opt_tdt);

static bool use_tdt;
static bool time_ready;
static uint64_t tsc_stamp; /* the TSC at system time 0 */
static struct time_scale tsc_to_ns, ns_to_tsc, ns_to_apic;

#define NSEC_PER_SEC 1000000000UL
#define CALIBRATE_MS 10
#define PIT_HZ       1193182UL

/* Far-away deadlines are cut to this; the timer code re-arms after it. */
#define MAX_TIMER_SPAN SECONDS(3600)

s_time_t get_s_time(void)
{
    int64_t delta;

    if ( !time_ready )
        return 0;
    /* An AP's TSC a hair behind CPU0's must not wrap to the far future. */
    delta = rdtsc() - tsc_stamp;
    return scale_delta(delta > 0 ? delta : 0, &tsc_to_ns);
}

/* What one calibration window measured. */
struct calibration {
    uint64_t ns;   /* length, by the reference clock */
    uint64_t tsc;  /* TSC ticks in it */
    uint32_t apic; /* APIC timer ticks (divide by 1) in it */
};

/* The APIC timer counts down from its maximum, masked, during a window. */
static void apic_timer_free_run(void)
{
    apic_write(APIC_LVTT, APIC_LVT_MASKED);
    apic_write(APIC_TDCR, APIC_TDR_DIV_1);
    apic_write(APIC_TMICT, ~0U);
}

/*
 * Neither reference can be trusted to be alive: a window taking this many
 * TSC ticks (a second even at 10 GHz) means it is not counting.
 */
#define CALIBRATE_GIVE_UP 10000000000UL

static bool calibrate_hpet(struct calibration *c)
{
    uint32_t target = hpet_rate * CALIBRATE_MS / 1000;
    uint32_t h0, h1, a0;
    uint64_t t0 = rdtsc();

    /* Start on a counter edge so that the window is whole ticks. */
    h0 = hpet_read32();
    while ( (h1 = hpet_read32()) == h0 )
        if ( rdtsc() - t0 > CALIBRATE_GIVE_UP )
            return false;
    apic_timer_free_run();
    t0 = rdtsc();
    a0 = apic_read(APIC_TMCCT);
    do
    {
        h0 = hpet_read32();
        if ( rdtsc() - t0 > CALIBRATE_GIVE_UP )
            return false;
    } while ( h0 - h1 < target );
    c->tsc = rdtsc() - t0;
    c->apic = a0 - apic_read(APIC_TMCCT);
    c->ns = (uint64_t)(h0 - h1) * NSEC_PER_SEC / hpet_rate;
    return true;
}

/*
 * PIT channel 2, whose gate and output are in port 0x61, counts down once
 * (mode 0) with the speaker disconnected; no interrupt is involved.
 */
static bool calibrate_pit(struct calibration *c)
{
    unsigned int latch = PIT_HZ * CALIBRATE_MS / 1000;
    uint32_t a0;
    uint64_t t0;

    outb((inb(0x61) & ~0x02) | 0x01, 0x61);
    outb(0xb0, 0x43); /* channel 2, low then high byte, mode 0 */
    outb(latch & 0xff, 0x42);
    outb(latch >> 8, 0x42);
    apic_timer_free_run();
    t0 = rdtsc();
    a0 = apic_read(APIC_TMCCT);
    while ( !(inb(0x61) & 0x20) )
        if ( rdtsc() - t0 > CALIBRATE_GIVE_UP )
            return false;
    c->tsc = rdtsc() - t0;
    c->apic = a0 - apic_read(APIC_TMCCT);
    c->ns = (uint64_t)latch * NSEC_PER_SEC / PIT_HZ;
    return true;
}

static void apic_timer_interrupt(struct cpu_user_regs *regs)
{
    perfc_incr(timer_irq);
    ack_APIC_irq();
    raise_softirq(TIMER_SOFTIRQ);
}

void init_percpu_time(void)
{
    if ( use_tdt )
    {
        apic_write(APIC_LVTT, APIC_TIMER_TSC_DEADLINE | LOCAL_TIMER_VECTOR);
        /* The mode change must land before any write of the deadline. */
        __asm__ __volatile__("mfence" ::: "memory");
        wrmsr(MSR_TSC_DEADLINE, 0);
    }
    else
    {
        apic_write(APIC_TDCR, APIC_TDR_DIV_1);
        apic_write(APIC_LVTT, APIC_TIMER_ONESHOT | LOCAL_TIMER_VECTOR);
        apic_write(APIC_TMICT, 0);
    }
    /* Timers set before now were not armed: let the softirq re-arm. */
    raise_softirq(TIMER_SOFTIRQ);
}

/*
 * Arms this CPU's timer interrupt for deadline.  A deadline already
 * passed fires at once rather than returning false, which would only
 * make the caller look again; so this never fails.
 */
bool reprogram_timer(s_time_t deadline)
{
    s_time_t now;

    if ( !time_ready )
        return true; /* init_percpu_time() will look */

    if ( deadline == 0 )
    {
        if ( use_tdt )
            wrmsr(MSR_TSC_DEADLINE, 0);
        else
            apic_write(APIC_TMICT, 0);
        return true;
    }

    now = NOW();
    if ( deadline - now > MAX_TIMER_SPAN )
        deadline = now + MAX_TIMER_SPAN;

    if ( use_tdt )
    {
        /* Any non-zero deadline at or before the current TSC fires. */
        uint64_t tsc = tsc_stamp +
                       scale_delta(max(deadline, (s_time_t)0), &ns_to_tsc);

        wrmsr(MSR_TSC_DEADLINE, tsc ?: 1);
    }
    else
    {
        uint64_t ticks = deadline > now
                             ? scale_delta(deadline - now, &ns_to_apic)
                             : 0;

        /* 0 would stop the timer; past and tiny deadlines take 1 tick. */
        apic_write(APIC_TMICT, ticks ? min(ticks, (uint64_t)~0U) : 1);
    }
    return true;
}

/* ---- The CMOS real-time clock ---- */

#define RTC_INDEX  0x70
#define RTC_DATA   0x71
#define RTC_REG_A  0x0a
#define RTC_UIP    0x80 /* update in progress */
#define RTC_REG_B  0x0b
#define RTC_24H    0x02
#define RTC_BINARY 0x04

struct rtc_time {
    unsigned int sec, min, hour, day, mon, year, century;
};

static unsigned int cmos_read(unsigned int reg)
{
    outb(reg, RTC_INDEX);
    return inb(RTC_DATA);
}

/* Waits out an update (under 2 ms), then takes a snapshot. */
static void rtc_snapshot(struct rtc_time *t, unsigned int century_reg)
{
    uint64_t start = rdtsc(), limit = 10 * cpu_khz;

    while ( (cmos_read(RTC_REG_A) & RTC_UIP) && rdtsc() - start < limit )
        cpu_relax();
    t->sec = cmos_read(0x00);
    t->min = cmos_read(0x02);
    t->hour = cmos_read(0x04);
    t->day = cmos_read(0x07);
    t->mon = cmos_read(0x08);
    t->year = cmos_read(0x09);
    t->century = century_reg ? cmos_read(century_reg) : 0;
}

static unsigned int bcd2bin(unsigned int v)
{
    return (v & 0x0f) + (v >> 4) * 10;
}

static void __init read_wallclock(unsigned int century_reg)
{
    struct rtc_time t, again;
    unsigned int regb, pm, year;

    /* An update between reads would tear the time: read until stable. */
    rtc_snapshot(&t, century_reg);
    for ( unsigned int i = 0; i < 5; i++ )
    {
        rtc_snapshot(&again, century_reg);
        if ( !memcmp(&t, &again, sizeof(t)) )
            break;
        t = again;
    }

    regb = cmos_read(RTC_REG_B);
    pm = t.hour & 0x80;
    t.hour &= 0x7f;
    if ( !(regb & RTC_BINARY) )
    {
        t.sec = bcd2bin(t.sec);
        t.min = bcd2bin(t.min);
        t.hour = bcd2bin(t.hour);
        t.day = bcd2bin(t.day);
        t.mon = bcd2bin(t.mon);
        t.year = bcd2bin(t.year);
        t.century = bcd2bin(t.century);
    }
    /* 12-hour mode counts 12, 1, ..., 11 with a PM flag. */
    if ( !(regb & RTC_24H) )
        t.hour = t.hour % 12 + (pm ? 12 : 0);

    if ( t.century >= 19 && t.century <= 99 )
        year = t.century * 100 + t.year;
    else
        year = t.year < 70 ? 2000 + t.year : 1900 + t.year;

    if ( t.sec > 59 || t.min > 59 || t.hour > 23 || !t.day || t.day > 31 ||
         !t.mon || t.mon > 12 || t.year > 99 )
    {
        printk(XENLOG_WARNING "RTC holds an invalid time; wallclock unset\n");
        return;
    }

    wallclock_time = days_since_epoch(year, t.mon, t.day) * 86400 +
                     t.hour * 3600 + t.min * 60 + t.sec;
    printk("RTC time: %04u-%02u-%02u %02u:%02u:%02u\n", year, t.mon, t.day,
           t.hour, t.min, t.sec);
}

void __init init_xen_time(const struct acpi_info *acpi)
{
    const struct acpi_fadt_info *fadt = acpi ? &acpi->fadt : NULL;
    struct calibration c;
    uint64_t tsc_hz, apic_hz;
    const char *source;

    if ( acpi && acpi->hpet.present && hpet_init(acpi->hpet.address) &&
         calibrate_hpet(&c) )
        source = "HPET";
    else if ( calibrate_pit(&c) )
        source = "PIT";
    else
        panic("Neither the HPET nor the PIT counts: cannot time the TSC");

    tsc_hz = c.tsc * NSEC_PER_SEC / c.ns;
    apic_hz = (uint64_t)c.apic * NSEC_PER_SEC / c.ns;
    cpu_khz = tsc_hz / 1000;
    set_time_scale(&tsc_to_ns, tsc_hz, NSEC_PER_SEC);
    set_time_scale(&ns_to_tsc, NSEC_PER_SEC, tsc_hz);

    use_tdt = opt_tdt && cpu_has_tsc_deadline;
    if ( !use_tdt )
    {
        if ( !apic_hz )
            panic("APIC timer does not count");
        set_time_scale(&ns_to_apic, NSEC_PER_SEC, apic_hz);
    }

    printk("TSC calibrated against the %s%s\n", source,
           cpu_has_itsc ? "" : " (not invariant: may drift)");
    printk("Detected %lu.%03lu MHz processor.\n", cpu_khz / 1000,
           cpu_khz % 1000);
    if ( use_tdt )
        printk("APIC timer: TSC-deadline mode\n");
    else
        printk("APIC timer: one-shot mode at %lu.%03lu MHz\n",
               apic_hz / 1000000, (apic_hz / 1000) % 1000);

    tsc_stamp = rdtsc();
    time_ready = true;
    set_vector_handler(LOCAL_TIMER_VECTOR, apic_timer_interrupt);
    init_percpu_time();

    if ( fadt && fadt->present && (fadt->boot_flags & ACPI_FADT_NO_CMOS_RTC) )
        printk("No CMOS RTC (FADT); wallclock unset\n");
    else
        read_wallclock(fadt && fadt->present ? fadt->century : 0);
}

/*
 * Debug key 't': every online CPU reads its clocks at one instant (all
 * spin until the last arrives), and the spread between them is the skew.
 */
static struct {
    unsigned int arrived;
    s_time_t stime[NR_CPUS];
    uint64_t tsc[NR_CPUS];
} clock_sample;

static void sample_clocks(void *unused)
{
    unsigned int cpu = smp_processor_id();

    __atomic_fetch_add(&clock_sample.arrived, 1, __ATOMIC_ACQ_REL);
    while ( __atomic_load_n(&clock_sample.arrived, __ATOMIC_ACQUIRE) <
            num_online_cpus() )
        cpu_relax();
    clock_sample.tsc[cpu] = rdtsc();
    clock_sample.stime[cpu] = NOW();
}

static void dump_clocks(unsigned char key)
{
    s_time_t smin = STIME_MAX, smax = 0;
    uint64_t tmin = ~0UL, tmax = 0;
    unsigned int cpu;

    clock_sample.arrived = 0;
    on_selected_cpus(&cpu_online_map, sample_clocks, NULL);
    for_each_online_cpu(cpu)
    {
        printk("CPU%02u: stime %ld ns, TSC %lu\n", cpu,
               (long)clock_sample.stime[cpu], clock_sample.tsc[cpu]);
        smin = min(smin, clock_sample.stime[cpu]);
        smax = max(smax, clock_sample.stime[cpu]);
        tmin = min(tmin, clock_sample.tsc[cpu]);
        tmax = max(tmax, clock_sample.tsc[cpu]);
    }
    printk("Synced stime skew: max=%ldns\n", (long)(smax - smin));
    printk("Synced cycles skew: max=%lu\n", tmax - tmin);
}
KEYHANDLER('t', dump_clocks, "display multi-cpu clock info");

/*
 * A vCPU's view of system time, by the version protocol: the version goes
 * odd before the fields change and even after, so a guest that reads the
 * same even version before and after its reads has a consistent copy.
 * The guest can write the version: it is made odd (not just incremented)
 * at the start, as Xen does, or one found odd would stay odd for ever and
 * the guest's clock reads would spin.
 */
static inline uint32_t version_begin(uint32_t v)
{
    return (v + 1) | 1;
}

void update_vcpu_system_time(struct vcpu *v)
{
    struct vcpu_time_info *t = &v->vcpu_info->time;
    uint64_t tsc = rdtsc();

    t->version = version_begin(t->version);
    smp_wmb();
    t->tsc_timestamp = tsc;
    t->system_time = scale_delta(tsc - tsc_stamp, &tsc_to_ns);
    t->tsc_to_system_mul = tsc_to_ns.mul_frac;
    t->tsc_shift = tsc_to_ns.shift;
    smp_wmb();
    t->version++;
}

/* The fields of one shared_info layout's wall clock. */
static void write_wallclock(uint32_t *version, uint32_t *sec, uint32_t *nsec,
                            uint32_t *sec_hi)
{
    *version = version_begin(*version);
    smp_wmb();
    *sec = (uint32_t)wallclock_time;
    *sec_hi = wallclock_time >> 32;
    *nsec = 0;
    smp_wmb();
    (*version)++;
}

/*
 * The wallclock at system time 0, in shared_info, same protocol; a
 * 32-bit guest's is at 2304, its high seconds in the arch part.
 */
void update_domain_wallclock_time(struct domain *d)
{
    struct shared_info *s = d->shared_info;
    struct compat_shared_info *c = (struct compat_shared_info *)s;

    if ( has_32bit_shinfo(d) )
        write_wallclock(&c->wc_version, &c->wc_sec, &c->wc_nsec,
                        &c->arch.wc_sec_hi);
    else
        write_wallclock(&s->wc_version, &s->wc_sec, &s->wc_nsec,
                        &s->wc_sec_hi);
}
