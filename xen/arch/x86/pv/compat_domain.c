/* SPDX-License-Identifier: GPL-2.0-only */
/* Making a PV domain 32-bit (the compat ABI, docs/misc/compat32.md). */
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/pv/compat.h>
#include <asm/pv/compat_mm.h>
#include <asm/time.h>

/*
 * 32-bit PV guests only with pv=32 (Xen's option; its default is on):
 * until every hypercall is translated and the fuzzer reaches the compat
 * path, a 32-bit guest would meet hypervisor code no hostile-guest test
 * has tried, and runs with SMEP and SMAP off (docs/misc/compat32.md).
 */
bool opt_pv32;

/* pv=<list>: "32", "no-32" or "32=<bool>"; other elements are errors. */
static int parse_pv(const char *s)
{
    int rc = 0;

    while ( *s )
    {
        const char *e = strchr(s, ',') ?: s + strlen(s);
        bool negated = !strncmp(s, "no-", 3);
        const char *name = negated ? s + 3 : s;
        const char *eq = memchr(name, '=', e - name);
        size_t len = (eq ?: e) - name;
        /* "no-32=<bool>" is refused, as a boolean option's would be. */
        int val = !eq ? !negated : negated ? -1 : parse_bool(eq + 1, e);

        if ( len == 2 && !strncmp(name, "32", 2) && val >= 0 )
            opt_pv32 = val;
        else
            rc = -EINVAL;
        s = *e ? e + 1 : e;
    }
    return rc;
}
custom_param("pv", parse_pv);

/* 32-bit PAE PV guests too with pv=32 (docs/misc/compat32.md), as PV32. */
const char *arch_xen_capabilities(void)
{
    return opt_pv32 ? "xen-3.0-x86_64 xen-3.0-x86_32p " : "xen-3.0-x86_64 ";
}

/*
 * Once the domain has memory its frames may already be typed as 64-bit
 * page tables, and once a vCPU is up it runs on the 64-bit GDT and ABI:
 * neither can change kind afterwards.  A toolstack sets the width first
 * thing, as Xen expects.
 */
int pv_switch_compat(struct domain *d)
{
    if ( !is_pv_domain(d) )
        return -EINVAL;
    /* Xen without 32-bit PV answers the same. */
    if ( !opt_pv32 )
        return -EOPNOTSUPP;
    if ( d->arch.pv.is_32bit )
        return 0;
    if ( ACCESS_ONCE(d->tot_pages) )
        return -EACCES;
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] && !(d->vcpu[i]->pause_flags & VPF_down) )
            return -EACCES;
    /* Each vCPU runs on an L4 of ours, its L3 under slot 0. */
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] && pv32_vcpu_init(d->vcpu[i]) )
        {
            while ( i-- )
                if ( d->vcpu[i] )
                    pv32_vcpu_destroy(d->vcpu[i]);
            return -ENOMEM;
        }
    d->arch.pv.compat_virt_start = COMPAT_VIRT_START_DEFAULT;
    d->arch.pv.is_32bit = true;
    /* domain_create() wrote the wall clock where a 64-bit guest has it. */
    update_domain_wallclock_time(d);
    evtchn_switch_compat(d);
    return 0;
}

/*
 * HV_START_LOW is the lowest address the kernel lets the hypervisor have,
 * rounded up to a whole L2 entry (2 MiB under PAE).  It may raise the
 * start to where the compat M2P really begins (machines with little
 * memory need less of it) but never above the default: the kernel would
 * not leave room for the M2P Xen promises at least there.
 */
int pv_compat_virt_start(uint64_t hv_start_low, uint32_t m2p_start,
                         uint32_t *start)
{
    const uint64_t l2_size = 1u << 21;
    uint64_t want;

    if ( hv_start_low == ~0ull )
    {
        *start = COMPAT_VIRT_START_DEFAULT;
        return 0;
    }
    if ( hv_start_low > COMPAT_VIRT_START_DEFAULT )
        return -EINVAL;
    want = (hv_start_low + l2_size - 1) & ~(l2_size - 1);
    if ( want > COMPAT_VIRT_START_DEFAULT )
        return -EINVAL;
    *start = want > m2p_start ? want : m2p_start;
    return 0;
}
