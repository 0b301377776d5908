/* SPDX-License-Identifier: GPL-2.0-only */
/* CPUID/MSR policies for the toolstack: sysctl and domctl cpu_policy. */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <xen/xmalloc.h>
#include <asm/cpu_policy.h>
#include <asm/cpufeature.h>
#include <asm/domain.h>
#include <asm/pv/emulate.h>

#define MSR_INTEL_PLATFORM_INFO 0x000000ce
#define MSR_ARCH_CAPABILITIES   0x0000010a

/* Leaf 4's and 0xb's subleaves end at the first of type 0. */
static unsigned int cache_type(const struct cpuid_regs *r)
{
    return r->eax & 0x1f;
}

static unsigned int topo_type(const struct cpuid_regs *r)
{
    return (r->ecx >> 8) & 0xff;
}

/* The state components leaf 0xd describes: XCR0's and XSS's. */
static uint64_t policy_xstates(const struct cpu_policy *p)
{
    return (p->xstate[0].eax | ((uint64_t)p->xstate[0].edx << 32) |
            p->xstate[1].ecx | ((uint64_t)p->xstate[1].edx << 32));
}

static void zero_from(struct cpuid_regs *l, unsigned int first,
                      unsigned int nr)
{
    if ( first < nr )
        memset(&l[first], 0, sizeof(*l) * (nr - first));
}

/*
 * Leaves past the maximums the policy states read as zero, as in Xen,
 * so that what is serialised and what a guest would see agree.
 */
static void clear_out_of_range(struct cpu_policy *p)
{
    unsigned int i, max = p->basic[0].eax;

    zero_from(p->basic, max >= CPUID_NR_BASIC ? CPUID_NR_BASIC : max + 1,
              CPUID_NR_BASIC);
    for ( i = 0; max >= 4 && i < CPUID_NR_CACHE && cache_type(&p->cache[i]);
          i++ )
        ;
    zero_from(p->cache, i, CPUID_NR_CACHE);
    zero_from(p->feat, max < 7 ? 0 : min(p->feat[0].eax + 1, CPUID_NR_FEAT),
              CPUID_NR_FEAT);
    for ( i = 0; max >= 0xb && i < CPUID_NR_TOPO && topo_type(&p->topo[i]);
          i++ )
        ;
    zero_from(p->topo, i, CPUID_NR_TOPO);
    if ( max < 0xd || !policy_xstates(p) )
        zero_from(p->xstate, 0, CPUID_NR_XSTATE);
    else
        zero_from(p->xstate, max(2, 64 - __builtin_clzll(policy_xstates(p))),
                  CPUID_NR_XSTATE);
    zero_from(p->extd, min((p->extd[0].eax & 0xffff) + 1, CPUID_NR_EXTD),
              CPUID_NR_EXTD);
}

/*
 * A policy from the host's CPUID (raw, host) or from what a PV guest is
 * offered (pv_max, pv_default: the same here, as our PV guests get one
 * policy), with the maximum leaves cut to what the tables hold.
 */
static void build_policy(struct cpu_policy *p, bool pv)
{
    void (*query)(uint32_t, uint32_t, struct cpuid_regs *) = pv ? pv_cpuid
                                                                : cpuid_count;
    unsigned int i;

    memset(p, 0, sizeof(*p));
    query(0, 0, &p->basic[0]);
    p->basic[0].eax = min(p->basic[0].eax, CPUID_NR_BASIC - 1);
    for ( i = 1; i <= p->basic[0].eax; i++ )
        if ( i != 4 && i != 7 && i != 0xb && i != 0xd )
            query(i, 0, &p->basic[i]);
    for ( i = 0; p->basic[0].eax >= 4 && i < CPUID_NR_CACHE; i++ )
        query(4, i, &p->cache[i]);
    if ( p->basic[0].eax >= 7 )
    {
        query(7, 0, &p->feat[0]);
        p->feat[0].eax = min(p->feat[0].eax, CPUID_NR_FEAT - 1);
        for ( i = 1; i <= p->feat[0].eax; i++ )
            query(7, i, &p->feat[i]);
    }
    for ( i = 0; p->basic[0].eax >= 0xb && i < CPUID_NR_TOPO; i++ )
        query(0xb, i, &p->topo[i]);
    for ( i = 0; p->basic[0].eax >= 0xd && i < CPUID_NR_XSTATE; i++ )
        query(0xd, i, &p->xstate[i]);
    query(0x80000000, 0, &p->extd[0]);
    if ( (p->extd[0].eax & 0xffff0000) != 0x80000000 )
        memset(&p->extd[0], 0, sizeof(p->extd[0]));
    p->extd[0].eax = min(p->extd[0].eax, 0x80000000 + CPUID_NR_EXTD - 1);
    for ( i = 1; i <= (p->extd[0].eax & 0xffff); i++ )
        query(0x80000000 + i, 0, &p->extd[i]);
    clear_out_of_range(p);
}

static void domain_policy(const struct domain *d, struct cpu_policy *p)
{
    if ( d->arch.cpu_policy )
        *p = *d->arch.cpu_policy;
    else
        build_policy(p, true);
}

void domain_cpu_policy_free(struct domain *d)
{
    xfree(d->arch.cpu_policy);
    d->arch.cpu_policy = NULL;
}

static int put_leaf(XEN_GUEST_HANDLE_64(xen_cpuid_leaf_t) h, uint32_t *nr,
                    uint32_t room, uint32_t leaf, uint32_t subleaf,
                    const struct cpuid_regs *r)
{
    xen_cpuid_leaf_t l = {
        .leaf = leaf,
        .subleaf = subleaf,
        .a = r->eax,
        .b = r->ebx,
        .c = r->ecx,
        .d = r->edx,
    };

    if ( *nr >= room )
        return -ENOBUFS;
    if ( copy_to_guest_offset(h, *nr, &l, 1) )
        return -EFAULT;
    ++*nr;
    return 0;
}

/*
 * Xen's serialised order: basic leaves with their subleaves in place
 * (those that exist: leaf 4's and 0xb's to the first of type 0, 0xd's
 * to the last state component), the two hypervisor-range limits, then
 * the extended leaves.  *nr is the
 * room on entry and the count on success; too little room is -ENOBUFS
 * after the entries that fitted are written.
 */
static int leaves_to_guest(const struct cpu_policy *p,
                           XEN_GUEST_HANDLE_64(xen_cpuid_leaf_t) h,
                           uint32_t *nr)
{
    struct cpuid_regs hv = { 0 };
    uint32_t n = 0, room = *nr;
    unsigned int leaf, sub;
    int rc = 0;

#define PUT(l, s, r)                                                          \
    do                                                                        \
    {                                                                         \
        if ( (rc = put_leaf(h, &n, room, l, s, r)) )                          \
            return rc;                                                        \
    } while ( 0 )

    for ( leaf = 0; leaf <= min(p->basic[0].eax, CPUID_NR_BASIC - 1); leaf++ )
        switch ( leaf )
        {
        case 4:
            /* Up to and including the first of type 0. */
            for ( sub = 0; sub < CPUID_NR_CACHE; sub++ )
            {
                PUT(leaf, sub, &p->cache[sub]);
                if ( !cache_type(&p->cache[sub]) )
                    break;
            }
            break;
        case 7:
            for ( sub = 0; sub <= min(p->feat[0].eax, CPUID_NR_FEAT - 1);
                  sub++ )
                PUT(leaf, sub, &p->feat[sub]);
            break;
        case 0xb:
            for ( sub = 0; sub < CPUID_NR_TOPO; sub++ )
            {
                PUT(leaf, sub, &p->topo[sub]);
                if ( !topo_type(&p->topo[sub]) )
                    break;
            }
            break;
        case 0xd:
        {
            /* Subleaves 0 and 1, then one per state component to the last. */
            uint64_t xstates = policy_xstates(p) >> 2;

            PUT(leaf, 0, &p->xstate[0]);
            PUT(leaf, 1, &p->xstate[1]);
            for ( sub = 2; xstates && sub < CPUID_NR_XSTATE;
                  sub++, xstates >>= 1 )
                PUT(leaf, sub, &p->xstate[sub]);
            break;
        }
        default:
            PUT(leaf, XEN_CPUID_NO_SUBLEAF, &p->basic[leaf]);
            break;
        }
    hv.eax = p->hv_limit;
    PUT(0x40000000, XEN_CPUID_NO_SUBLEAF, &hv);
    hv.eax = p->hv2_limit;
    PUT(0x40000100, XEN_CPUID_NO_SUBLEAF, &hv);
    for ( leaf = 0; leaf <= min(p->extd[0].eax & 0xffff, CPUID_NR_EXTD - 1);
          leaf++ )
        PUT(0x80000000 + leaf, XEN_CPUID_NO_SUBLEAF, &p->extd[leaf]);
#undef PUT
    *nr = n;
    return 0;
}

static int msrs_to_guest(const struct cpu_policy *p,
                         XEN_GUEST_HANDLE_64(xen_msr_entry_t) h, uint32_t *nr)
{
    const xen_msr_entry_t e[MSR_MAX_SERIALISED_ENTRIES] = {
        { .idx = MSR_INTEL_PLATFORM_INFO, .val = p->platform_info },
        { .idx = MSR_ARCH_CAPABILITIES, .val = p->arch_caps },
    };

    for ( unsigned int i = 0; i < ARRAY_SIZE(e); i++ )
    {
        if ( i >= *nr )
            return -ENOBUFS;
        if ( copy_to_guest_offset(h, i, &e[i], 1) )
            return -EFAULT;
    }
    *nr = ARRAY_SIZE(e);
    return 0;
}

/* A leaf the toolstack sent, into the slot the tables have for it. */
static struct cpuid_regs *leaf_slot(struct cpu_policy *p,
                                    const xen_cpuid_leaf_t *l)
{
    uint32_t sub = l->subleaf;

    if ( l->leaf < CPUID_NR_BASIC )
        switch ( l->leaf )
        {
        case 4:
            return sub < CPUID_NR_CACHE ? &p->cache[sub] : NULL;
        case 7:
            return sub < CPUID_NR_FEAT ? &p->feat[sub] : NULL;
        case 0xb:
            return sub < CPUID_NR_TOPO ? &p->topo[sub] : NULL;
        case 0xd:
            return sub < CPUID_NR_XSTATE ? &p->xstate[sub] : NULL;
        default:
            return sub == XEN_CPUID_NO_SUBLEAF ? &p->basic[l->leaf] : NULL;
        }
    if ( sub != XEN_CPUID_NO_SUBLEAF )
        return NULL;
    if ( l->leaf - 0x80000000 < CPUID_NR_EXTD )
        return &p->extd[l->leaf - 0x80000000];
    return NULL;
}

/*
 * The toolstack's leaves and MSRs over p, as Xen merges them: more than
 * a policy can hold is -E2BIG; a leaf or MSR it has no room for -ERANGE,
 * a reserved flag -EINVAL, an MSR value too wide -EOVERFLOW, each naming
 * the culprit in op's err_* fields.
 */
static int merge_from_guest(struct cpu_policy *p,
                            struct xen_domctl_cpu_policy *op)
{
    xen_cpuid_leaf_t l;
    xen_msr_entry_t m;

    if ( op->nr_leaves > CPUID_MAX_SERIALISED_LEAVES )
        return -E2BIG;
    for ( uint32_t i = 0; i < op->nr_leaves; i++ )
    {
        struct cpuid_regs *r;

        if ( copy_from_guest_offset(&l, op->leaves, i, 1) )
            return -EFAULT;
        if ( l.leaf == 0x40000000 || l.leaf == 0x40000100 )
        {
            if ( l.subleaf != XEN_CPUID_NO_SUBLEAF )
                r = NULL;
            else
            {
                *(l.leaf == 0x40000000 ? &p->hv_limit : &p->hv2_limit) = l.a;
                continue;
            }
        }
        else
            r = leaf_slot(p, &l);
        if ( !r )
        {
            op->err_leaf = l.leaf;
            op->err_subleaf = l.subleaf;
            return -ERANGE;
        }
        *r = (struct cpuid_regs){ l.a, l.b, l.c, l.d };
    }

    if ( op->nr_msrs > MSR_MAX_SERIALISED_ENTRIES )
        return -E2BIG;
    for ( uint32_t i = 0; i < op->nr_msrs; i++ )
    {
        int rc = 0;

        if ( copy_from_guest_offset(&m, op->msrs, i, 1) )
            return -EFAULT;
        if ( m.flags )
            rc = -EINVAL;
        else if ( m.idx != MSR_INTEL_PLATFORM_INFO &&
                  m.idx != MSR_ARCH_CAPABILITIES )
            rc = -ERANGE;
        /* PLATFORM_INFO is 32 bits wide in Xen 4.17's policy. */
        else if ( m.idx == MSR_INTEL_PLATFORM_INFO && (m.val >> 32) )
            rc = -EOVERFLOW;
        else if ( m.idx == MSR_INTEL_PLATFORM_INFO )
            p->platform_info = m.val;
        else
            p->arch_caps = m.val;
        if ( rc )
        {
            op->err_msr = m.idx;
            return rc;
        }
    }
    return 0;
}

/* Xen's audit: no more leaves than the maximum policy, no new MSR bits. */
static int compatible(const struct cpu_policy *max, const struct cpu_policy *p,
                      struct xen_domctl_cpu_policy *op)
{
    if ( p->basic[0].eax > max->basic[0].eax )
    {
        op->err_leaf = 0;
        op->err_subleaf = XEN_CPUID_NO_SUBLEAF;
        return -EINVAL;
    }
    if ( p->feat[0].eax > max->feat[0].eax )
    {
        op->err_leaf = 7;
        op->err_subleaf = 0;
        return -EINVAL;
    }
    if ( p->extd[0].eax > max->extd[0].eax )
    {
        op->err_leaf = 0x80000000;
        op->err_subleaf = XEN_CPUID_NO_SUBLEAF;
        return -EINVAL;
    }
    if ( p->platform_info & ~max->platform_info )
    {
        op->err_msr = MSR_INTEL_PLATFORM_INFO;
        return -EINVAL;
    }
    return 0;
}

static int policy_to_guest(const struct cpu_policy *p,
                           XEN_GUEST_HANDLE_64(xen_cpuid_leaf_t) leaves,
                           uint32_t *nr_leaves,
                           XEN_GUEST_HANDLE_64(xen_msr_entry_t) msrs,
                           uint32_t *nr_msrs, bool *leaves_done)
{
    int rc;

    /* A null handle asks how much room the largest policy needs. */
    if ( guest_handle_is_null(leaves) )
        *nr_leaves = CPUID_MAX_SERIALISED_LEAVES;
    else if ( (rc = leaves_to_guest(p, leaves, nr_leaves)) )
        return rc;
    *leaves_done = true;
    if ( guest_handle_is_null(msrs) )
        *nr_msrs = MSR_MAX_SERIALISED_ENTRIES;
    else if ( (rc = msrs_to_guest(p, msrs, nr_msrs)) )
        return rc;
    return 0;
}

long sysctl_cpu_policy(struct xen_sysctl_cpu_policy *op, bool *copy_on_error)
{
    struct cpu_policy *p;
    uint32_t nr_leaves = op->nr_leaves, nr_msrs = op->nr_msrs;
    bool leaves_done = false;
    long rc;

    if ( op->_rsvd || op->index > XEN_SYSCTL_cpu_policy_hvm_default )
        return -EINVAL;
    /* No HVM here: its policies do not exist, as in a PV-only Xen. */
    if ( op->index == XEN_SYSCTL_cpu_policy_hvm_max ||
         op->index == XEN_SYSCTL_cpu_policy_hvm_default )
        return -EOPNOTSUPP;
    if ( !(p = xmalloc(struct cpu_policy)) )
        return -ENOMEM;
    build_policy(p, op->index == XEN_SYSCTL_cpu_policy_pv_max ||
                        op->index == XEN_SYSCTL_cpu_policy_pv_default);
    rc = policy_to_guest(p, op->leaves, &nr_leaves, op->msrs, &nr_msrs,
                         &leaves_done);
    xfree(p);
    /* As in Xen, the leaf count goes back once the leaves are written. */
    if ( leaves_done )
        op->nr_leaves = nr_leaves;
    if ( !rc )
        op->nr_msrs = nr_msrs;
    *copy_on_error = leaves_done;
    return rc;
}

/* The featureset words of a policy; those from word 8 on stay zero. */
static void policy_featureset(const struct cpu_policy *p, uint32_t *fs)
{
    memset(fs, 0, FSCAPINTS * sizeof(*fs));
    fs[0] = p->basic[1].edx;
    fs[1] = p->basic[1].ecx;
    fs[2] = p->extd[1].edx;
    fs[3] = p->extd[1].ecx;
    fs[4] = p->xstate[1].eax;
    fs[5] = p->feat[0].ebx;
    fs[6] = p->feat[0].ecx;
    fs[7] = p->extd[7].edx;
}

long sysctl_cpu_featureset(struct xen_sysctl_cpu_featureset *op,
                           bool *copy_on_error)
{
    uint32_t fs[FSCAPINTS];
    struct cpu_policy *p;
    uint32_t nr;

    *copy_on_error = false;
    if ( guest_handle_is_null(op->features) )
    {
        op->nr_features = FSCAPINTS;
        return 0;
    }
    if ( op->index > XEN_SYSCTL_cpu_featureset_hvm_max )
        return -EINVAL;
    if ( op->index == XEN_SYSCTL_cpu_featureset_hvm ||
         op->index == XEN_SYSCTL_cpu_featureset_hvm_max )
        return -EOPNOTSUPP;
    if ( !(p = xmalloc(struct cpu_policy)) )
        return -ENOMEM;
    build_policy(p, op->index == XEN_SYSCTL_cpu_featureset_pv ||
                        op->index == XEN_SYSCTL_cpu_featureset_pv_max);
    policy_featureset(p, fs);
    xfree(p);
    nr = min(op->nr_features, (uint32_t)FSCAPINTS);
    if ( copy_to_guest(op->features, fs, nr) )
        return -EFAULT;
    op->nr_features = nr;
    /* Too short a buffer still gets the words that fit, and their count. */
    *copy_on_error = true;
    return nr < FSCAPINTS ? -ENOBUFS : 0;
}

long domctl_get_cpu_policy(struct domain *d, struct xen_domctl_cpu_policy *op,
                           bool *copyback)
{
    struct cpu_policy *p = xmalloc(struct cpu_policy);
    bool leaves_done = false;
    long rc;

    if ( !p )
        return -ENOMEM;
    domain_policy(d, p);
    rc = policy_to_guest(p, op->leaves, &op->nr_leaves, op->msrs, &op->nr_msrs,
                         &leaves_done);
    xfree(p);
    *copyback = !rc;
    return rc;
}

/*
 * Only before the domain first runs, and never on the caller itself:
 * the new policy is the old one with the toolstack's entries merged in,
 * audited against the maximum PV policy.  Our guests' CPUID answers do
 * not follow it (yet): it is kept and reported back.
 */
long domctl_set_cpu_policy(struct domain *d, struct xen_domctl_cpu_policy *op,
                           bool *copyback)
{
    struct cpu_policy *p, *max;
    long rc;

    if ( d == current->domain )
        return -EINVAL;
    if ( d->state != DOMSTATE_creating )
        return -EEXIST;
    p = xmalloc(struct cpu_policy);
    max = xmalloc(struct cpu_policy);
    if ( !p || !max )
    {
        xfree(p);
        xfree(max);
        return -ENOMEM;
    }
    domain_policy(d, p);
    build_policy(max, true);
    op->err_leaf = op->err_subleaf = op->err_msr = ~0u;
    if ( !(rc = merge_from_guest(p, op)) )
    {
        clear_out_of_range(p);
        rc = compatible(max, p, op);
    }
    if ( !rc && !d->arch.cpu_policy )
    {
        d->arch.cpu_policy = p;
        p = NULL;
    }
    else if ( !rc )
        *d->arch.cpu_policy = *p;
    *copyback = rc != 0;
    xfree(p);
    xfree(max);
    return rc;
}
