/* SPDX-License-Identifier: GPL-2.0-only */
/* set_debugreg and get_debugreg: a PV guest's hardware breakpoints. */
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <asm/debugreg.h>
#include <asm/domain.h>
#include <asm/uaccess.h>

/* Bits the CPU fixes: DR6 reads ones in 4-11 and 16-31, zero in 12. */
#define DR6_RSVD_ONES  0xffff0ff0UL
#define DR6_RSVD_ZEROS 0x00001000UL
/* B0-B3: which breakpoint condition was met; BS: a single step. */
#define DR6_HITS 0x0000000fUL
#define DR6_BS   0x00004000UL
/* DR7 reads one in bit 10, zero in 11, 12, 14 and 15. */
#define DR7_RSVD_ONES  0x00000400UL
#define DR7_RSVD_ZEROS 0x0000d800UL
/* General detect: any DR access faults. */
#define DR7_GD (1UL << 13)
/* From here, each breakpoint's R/W and LEN fields, 4 bits per breakpoint. */
#define DR7_RW_SHIFT 16
#define DR7_RW_IO    2

#define read_dr(n)                                                            \
    ({                                                                        \
        unsigned long v_;                                                     \
        __asm__ __volatile__("mov %%db" #n ", %0" : "=r"(v_));                \
        v_;                                                                   \
    })
#define write_dr(n, v)                                                        \
    __asm__ __volatile__("mov %0, %%db" #n : : "r"((unsigned long)(v)))

static void write_addr_dr(unsigned int reg, unsigned long value)
{
    switch ( reg )
    {
    case 0:
        write_dr(0, value);
        break;
    case 1:
        write_dr(1, value);
        break;
    case 2:
        write_dr(2, value);
        break;
    case 3:
        write_dr(3, value);
        break;
    }
}

static bool dr7_active(const struct vcpu *v)
{
    return v->arch.debugreg[7] & DR7_ACTIVE_MASK;
}

void pv_save_debugregs(struct vcpu *v)
{
    if ( !dr7_active(v) )
        return;
    v->arch.debugreg[6] = read_dr(6);
    /* Whoever runs next must not inherit armed breakpoints. */
    write_dr(7, 0);
}

void pv_load_debugregs(struct vcpu *v)
{
    const unsigned long *dr = v->arch.debugreg;

    if ( !dr7_active(v) )
        return;
    write_dr(0, dr[0]);
    write_dr(1, dr[1]);
    write_dr(2, dr[2]);
    write_dr(3, dr[3]);
    write_dr(6, dr[6]);
    write_dr(7, dr[7]);
}

void pv_debugreg_hypervisor_trap(void)
{
    struct vcpu *v = current;
    unsigned long dr6 = read_dr(6);

    /* While its breakpoints are armed, the guest reads hardware DR6. */
    if ( v && dr7_active(v) )
        return;
    if ( v )
        v->arch.debugreg[6] |= dr6 & (DR6_HITS | DR6_BS);
    write_dr(6, DR6_RSVD_ONES);
}

/*
 * The guest has no CR4.DE, so DR4 and DR5 are the old aliases of DR6
 * and DR7, as on hardware.
 */
long pv_set_debugreg(struct vcpu *v, unsigned int reg, unsigned long value)
{
    unsigned long *dr = v->arch.debugreg;
    bool live = v == current;

    switch ( reg )
    {
    case 0 ... 3:
        /* A breakpoint may only watch the guest's own addresses. */
        if ( !guest_range_ok(value, sizeof(long)) )
            return -EPERM;
        dr[reg] = value;
        if ( live )
            write_addr_dr(reg, value);
        return 0;

    case 4:
    case 6:
        if ( value != (uint32_t)value )
            return -EINVAL;
        value = (value | DR6_RSVD_ONES) & ~DR6_RSVD_ZEROS;
        dr[6] = value;
        if ( live )
            write_dr(6, value);
        return 0;

    case 5:
    case 7:
        if ( value != (uint32_t)value )
            return -EINVAL;
        value = (value | DR7_RSVD_ONES) & ~DR7_RSVD_ZEROS;
        /* The hypervisor cannot let the guest fault its own DR accesses. */
        if ( value & DR7_GD )
            return -EPERM;
        /* I/O breakpoints need CR4.DE, which PV guests do not get. */
        if ( value & DR7_ACTIVE_MASK )
            for ( unsigned int i = DR7_RW_SHIFT; i < 32; i += 4 )
                if ( ((value >> i) & 3) == DR7_RW_IO )
                    return -EPERM;
        if ( live )
        {
            /* Arming: the address registers were not loaded at switch-in. */
            if ( (value & DR7_ACTIVE_MASK) && !dr7_active(v) )
            {
                dr[7] = value;
                pv_load_debugregs(v);
                return 0;
            }
            /* Disarming: hardware DR6 may hold a hit the guest will read. */
            if ( !(value & DR7_ACTIVE_MASK) && dr7_active(v) )
                dr[6] = read_dr(6);
            write_dr(7, value);
        }
        dr[7] = value;
        return 0;

    default:
        return -ENODEV;
    }
}

long pv_get_debugreg(struct vcpu *v, unsigned int reg)
{
    switch ( reg )
    {
    case 0 ... 3:
    case 7:
        return v->arch.debugreg[reg];
    case 4:
    case 6:
        /* While breakpoints are armed, a hit updates hardware DR6 only. */
        if ( v == current && dr7_active(v) )
            return read_dr(6);
        return v->arch.debugreg[6];
    case 5:
        return v->arch.debugreg[7];
    default:
        return -ENODEV;
    }
}

long do_set_debugreg(int reg, unsigned long value)
{
    return pv_set_debugreg(current, reg, value);
}

long do_get_debugreg(int reg)
{
    return pv_get_debugreg(current, reg);
}
