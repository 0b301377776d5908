/* SPDX-License-Identifier: GPL-2.0-only */
/* The PV MMU hypercalls: mmu_update, mmuext_op, update_va_mapping. */
#include <xen/cpumask.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/perfc.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/domain.h>
#include <asm/flushtlb.h>
#include <asm/iocap.h>
#include <asm/m2p.h>
#include <asm/page.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/mm.h>
#include <xsm/xsm.h>

/*
 * Whose frames a request names (foreigndom), with Xen's errors: naming
 * oneself by id or a domain that doesn't exist is -ESRCH, another existing
 * domain needs privilege (-EPERM).  DOMID_IO stands for the caller's own
 * access to I/O memory, which get_l1e_refs() checks.  The caller d itself
 * (DOMID_SELF, DOMID_IO) comes back without a reference, as Xen takes its
 * current domain: its vCPU running this hypercall keeps it, and nearly
 * every call (each of Linux's set_pte()s) names it, so the lookup and two
 * atomic updates of its count are saved there.  put_pg_owner() matches.
 */
static struct domain *get_pg_owner(struct domain *d, domid_t domid, int *rc)
{
    *rc = 0;
    if ( domid == DOMID_SELF )
        return d;
    if ( domid != DOMID_IO )
        return domain_lookup(domid,
                             DOMAIN_LOOKUP_NOT_OWN_ID | DOMAIN_LOOKUP_TARGET,
                             rc);
    if ( (*rc = xsm_mmu_io(d)) )
        return NULL;
    return d;
}

/* Any other domain holds the reference domain_lookup() took. */
static void put_pg_owner(struct domain *d, struct domain *pg_owner)
{
    if ( pg_owner != d )
        put_domain(pg_owner);
}

static void this_cpu_mask(cpumask_t *mask)
{
    cpumask_clear(mask);
    cpumask_set_cpu(smp_processor_id(), mask);
}

/*
 * The CPUs the vCPUs in the guest's bitmap at `bits` last ran on; -EFAULT
 * if the bitmap can't be read.  It has a bit per possible vCPU, in words
 * of the guest's width (a 32-bit guest's last word may end a page).
 */
static int vcpumask_to_pcpumask(struct domain *d, unsigned long bits,
                                cpumask_t *mask)
{
    unsigned int i, b, width = d->arch.pv.is_32bit ? 32 : BITS_PER_LONG;

    cpumask_clear(mask);
    for ( i = 0; i < d->max_vcpus; i += width )
    {
        unsigned long word;
        uint32_t half;

        if ( width == 32 ? copy_from_guest_addr(&half, bits + i / 8)
                         : copy_from_guest_addr(&word, bits + i / 8) )
            return -EFAULT;
        if ( width == 32 )
            word = half;
        for ( b = 0; b < width && i + b < d->max_vcpus; b++ )
        {
            const struct vcpu *v = d->vcpu[i + b];
            unsigned int lazy;

            if ( !(word & (1UL << b)) || !v )
                continue;
            cpumask_set_cpu(v->processor, mask);
            /* A CPU still idling on its tables holds its translations. */
            lazy = __atomic_load_n(&v->arch.pv.lazy_cpu, __ATOMIC_RELAXED);
            if ( lazy )
                cpumask_set_cpu(lazy - 1, mask);
        }
    }
    return 0;
}

/*
 * pdone counts across continuations: each pass writes the total so far,
 * and a resumed pass (MMU_UPDATE_PREEMPTED in count) starts from it.  The
 * guest may have changed it in between; that only misleads the guest.
 */
static void read_done(XEN_GUEST_HANDLE_PARAM(uint) pdone, unsigned int *done)
{
    if ( !guest_handle_is_null(pdone) && copy_from_guest(done, pdone, 1) )
        *done = 0;
}

static void write_done(XEN_GUEST_HANDLE_PARAM(uint) pdone, unsigned int done)
{
    if ( !guest_handle_is_null(pdone) )
        (void)copy_to_guest(pdone, &done, 1);
}

/*
 * First of all, the teardown the last pass left stopped (pv/mm.h): true
 * if it stopped again, and then hypercall op (whose arguments these are)
 * is to be issued again unchanged, nothing more being done.
 */
static bool old_table_stopped(unsigned int op, unsigned long list,
                              unsigned int count,
                              XEN_GUEST_HANDLE_PARAM(uint) pdone,
                              unsigned int done, unsigned int foreigndom)
{
    if ( !pv_put_old_guest_table(current, true) )
        return false;
    write_done(pdone, done);
    hypercall_continue(op, list, count | MMU_UPDATE_PREEMPTED,
                       guest_handle_addr(pdone), foreigndom);
    return true;
}

long do_mmu_update(XEN_GUEST_HANDLE_PARAM(mmu_update_t) ureqs,
                   unsigned int count, XEN_GUEST_HANDLE_PARAM(uint) pdone,
                   unsigned int foreigndom)
{
    struct domain *d = current->domain, *pt_owner, *pg_owner = NULL;
    unsigned int i = 0, done = 0, pt_dom = foreigndom >> 16;
    int rc = 0;

    if ( count & MMU_UPDATE_PREEMPTED )
    {
        count &= ~MMU_UPDATE_PREEMPTED;
        read_done(pdone, &done);
    }
    if ( old_table_stopped(__HYPERVISOR_mmu_update, guest_handle_addr(ureqs),
                           count, pdone, done, foreigndom) )
        return __HYPERVISOR_mmu_update;

    /*
     * The top half names whose page tables these are (id + 1); none, the
     * caller's, taken as get_pg_owner() takes it: without a reference.
     */
    pt_owner = pt_dom ? domain_lookup(pt_dom - 1, DOMAIN_LOOKUP_TARGET, &rc)
                      : d;
    if ( !pt_owner )
        goto out;
    pg_owner = get_pg_owner(d, foreigndom & 0xffff, &rc);
    if ( !pg_owner )
        goto out;

    for ( ; i < count; i++ )
    {
        struct mmu_update req;
        struct page_info *pg;
        unsigned long mfn;

        if ( i && hypercall_preempt_check() )
        {
            rc = -ERESTART;
            break;
        }
        if ( copy_from_guest_offset(&req, ureqs, i, 1) )
        {
            rc = -EFAULT;
            break;
        }
        perfc_incr(mmu_update_entry);
        /* The command is in the bits that an entry's alignment frees. */
        switch ( req.ptr & (sizeof(pte_t) - 1) )
        {
        case MMU_NORMAL_PT_UPDATE:
        case MMU_PT_UPDATE_PRESERVE_AD:
        case MMU_PT_UPDATE_NO_TRANSLATE: /* PV has nothing to translate */
            rc = pv_mmu_update_entry(req.ptr & ~(sizeof(pte_t) - 1), req.val,
                                     (req.ptr & (sizeof(pte_t) - 1)) ==
                                         MMU_PT_UPDATE_PRESERVE_AD,
                                     pt_owner, pg_owner);
            if ( !rc )
                pv_audit_pt_write(req.ptr);
            /*
             * The old entry's table stopped on its way down: this one is
             * done, the re-issue carries that on before anything else.
             */
            if ( !rc && current->arch.pv.old_guest_table )
            {
                i++;
                rc = -ERESTART;
            }
            break;

        case MMU_MACHPHYS_UPDATE:
            mfn = req.ptr >> PAGE_SHIFT;
            if ( d != pt_owner )
                rc = -EPERM;
            else if ( !mfn_valid(_mfn(mfn)) ||
                      !get_page(pg = mfn_to_page(_mfn(mfn)), pg_owner) )
                rc = -EINVAL;
            else
            {
                set_gpfn_from_mfn(mfn, req.val);
                put_page(pg);
            }
            break;

        default:
            rc = -ENOSYS;
            break;
        }
        if ( rc )
            break;
    }

out:
    if ( pg_owner )
        put_pg_owner(d, pg_owner);
    if ( pt_dom && pt_owner )
        put_domain(pt_owner);
    write_done(pdone, done + i);
    if ( rc == -ERESTART )
        return hypercall_continue(__HYPERVISOR_mmu_update,
                                  guest_handle_addr(ureqs) +
                                      i * sizeof(mmu_update_t),
                                  (count - i) | MMU_UPDATE_PREEMPTED,
                                  guest_handle_addr(pdone), foreigndom);
    return rc;
}

/*
 * A frame's page-table type reference, preemptible or not.  A validation
 * that stops (-ERESTART) leaves the table partial, and the guest's re-issue
 * of the same command carries it on (pv/mm.h).
 */
static int get_table_type(struct domain *pg_owner, struct page_info *pg,
                          unsigned long type, bool preemptible)
{
    bool drop;
    int rc;

    rc = preemptible ? get_page_and_type_preemptible(pg, pg_owner, type)
                     : get_page_and_type(pg, pg_owner, type);
    if ( rc != -ERESTART )
        return rc;
    /*
     * As in pin_table(): destruction's walk may have passed the frame
     * already, and a stopped validation would then keep the domain for ever.
     */
    spin_lock(&pg_owner->page_alloc_lock);
    drop = pg_owner->state == DOMSTATE_dying;
    spin_unlock(&pg_owner->page_alloc_lock);
    if ( drop )
        pv_drop_partial(pg);
    return drop ? -EINVAL : rc;
}

/*
 * NEW_BASEPTR / NEW_USER_BASEPTR: the installed L4 holds a type reference.
 * Preemptible (the MMUEXT commands), validating a large new tree may stop
 * and be carried on by the re-issue, and the old tree's teardown may stop
 * in v's old_guest_table (as Xen does since XSA-45).
 */
int pv_new_guest_table(struct vcpu *v, unsigned long mfn, bool user,
                       bool preemptible)
{
    mfn_t *slot = user ? &v->arch.pv.guest_table_user
                       : &v->arch.pv.guest_table;
    mfn_t old = *slot, new = _mfn(mfn);
    struct page_info *old_pg;
    bool pv32 = v->domain->arch.pv.is_32bit;
    int rc;

    if ( user && pv32 )
        return -EINVAL;
    /* A kernel-only guest has no user tables: frame 0 means none. */
    if ( user && !mfn )
        new = INVALID_MFN;
    if ( mfn_eq(new, old) )
        return 0;
    /* Only one teardown may be left stopped: the last one goes first. */
    if ( preemptible && (rc = pv_put_old_guest_table(v, true)) )
        return rc;
    if ( !mfn_eq(new, INVALID_MFN) )
    {
        if ( !mfn_valid(new) )
            return -EINVAL;
        rc = get_table_type(v->domain, mfn_to_page(new),
                            pv32 ? PGT_l3_page_table : PGT_l4_page_table,
                            preemptible);
        if ( rc )
            return rc;
        if ( !pv32 )
            pv_root_ro_mpt(v->domain, new, user);
    }
    *slot = new;
    if ( pv32 )
        pv32_set_l4_root(v);
    pv_update_cr3(v);
    if ( mfn_eq(old, INVALID_MFN) )
        return 0;
    /* An idle CPU may still have it loaded (flushtlb.c). */
    flush_lazy_root(old);
    old_pg = mfn_to_page(old);
    if ( !preemptible )
        put_page_and_type(old_pg);
    else if ( put_page_type_preemptible(old_pg) )
        v->arch.pv.old_guest_table = old_pg;
    else
        put_page(old_pg);
    return 0;
}

/* Pinned, a table keeps its type until UNPIN_TABLE. */
static int pin_table(struct domain *pg_owner, unsigned long mfn,
                     unsigned long type, bool preemptible)
{
    struct page_info *pg;
    bool drop;
    int rc;

    if ( !mfn_valid(_mfn(mfn)) )
        return -EINVAL;
    pg = mfn_to_page(_mfn(mfn));
    rc = get_table_type(pg_owner, pg, type, preemptible);
    if ( rc )
        return rc;
    /* The pin keeps both references until UNPIN_TABLE. */
    if ( __atomic_fetch_or(&pg->u.inuse.type_info, PGT_pinned,
                           __ATOMIC_SEQ_CST) &
         PGT_pinned )
    {
        put_page_and_type(pg);
        return -EINVAL;
    }
    /*
     * The privileged domain may pin a frame of a domain being destroyed;
     * if destruction's walk over the pins may have passed it already, the
     * pin is ours to drop, or it would keep the domain for ever.
     */
    spin_lock(&pg_owner->page_alloc_lock);
    drop = pg_owner->state == DOMSTATE_dying &&
           (__atomic_fetch_and(&pg->u.inuse.type_info, ~PGT_pinned,
                               __ATOMIC_SEQ_CST) &
            PGT_pinned);
    spin_unlock(&pg_owner->page_alloc_lock);
    if ( drop )
        put_page_and_type(pg);
    return 0;
}

int pv_pin_table(struct domain *pg_owner, unsigned long mfn,
                 unsigned long type)
{
    return pin_table(pg_owner, mfn, type, false);
}

/*
 * The teardown of a large tree may stop midway: the pin's references then
 * go to curr's old_guest_table, and the unpin itself has succeeded.
 */
static int unpin_table(struct vcpu *curr, struct domain *pg_owner,
                       unsigned long mfn)
{
    struct page_info *pg;

    if ( !mfn_valid(_mfn(mfn)) ||
         !get_page(pg = mfn_to_page(_mfn(mfn)), pg_owner) )
        return -EINVAL;
    if ( !(__atomic_fetch_and(&pg->u.inuse.type_info, ~PGT_pinned,
                              __ATOMIC_ACQ_REL) &
           PGT_pinned) )
    {
        put_page(pg);
        return -EINVAL;
    }
    if ( put_page_type_preemptible(pg) )
        curr->arch.pv.old_guest_table = pg;
    else
        put_page(pg);
    put_page(pg);
    return 0;
}

/* CLEAR_PAGE (src 0) and COPY_PAGE: only into an ordinary writable frame. */
static int clear_or_copy_page(struct domain *pg_owner, unsigned long dst,
                              bool copy, unsigned long src)
{
    struct page_info *dpg, *spg = NULL;

    if ( copy && (!mfn_valid(_mfn(src)) ||
                  !get_page(spg = mfn_to_page(_mfn(src)), pg_owner)) )
        return -EINVAL;
    if ( !mfn_valid(_mfn(dst)) ||
         get_page_and_type(dpg = mfn_to_page(_mfn(dst)), pg_owner,
                           PGT_writable_page) )
    {
        if ( spg )
            put_page(spg);
        return -EINVAL;
    }
    if ( copy )
    {
        memcpy(page_to_virt(dpg), page_to_virt(spg), PAGE_SIZE);
        put_page(spg);
    }
    else
        memset(page_to_virt(dpg), 0, PAGE_SIZE);
    put_page_and_type(dpg);
    return 0;
}

static int do_one_mmuext(struct vcpu *curr, struct domain *pg_owner,
                         const struct mmuext_op *op)
{
    struct domain *d = curr->domain;
    cpumask_t mask;

    perfc_incra(mmuext_op, op->cmd, 32);
    switch ( op->cmd )
    {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        /* A 32-bit guest's tables stop at its L3. */
        if ( op->cmd == MMUEXT_PIN_L4_TABLE && pg_owner->arch.pv.is_32bit )
            return -EINVAL;
        return pin_table(pg_owner, op->arg1.mfn,
                         PGT_lx_page_table(op->cmd - MMUEXT_PIN_L1_TABLE + 1),
                         true);

    case MMUEXT_UNPIN_TABLE:
        return unpin_table(curr, pg_owner, op->arg1.mfn);

    case MMUEXT_CLEAR_PAGE:
        return clear_or_copy_page(pg_owner, op->arg1.mfn, false, 0);

    case MMUEXT_COPY_PAGE:
        return clear_or_copy_page(pg_owner, op->arg1.mfn, true,
                                  op->arg2.src_mfn);

    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -EOPNOTSUPP;

    case MMUEXT_NEW_BASEPTR:
    case MMUEXT_NEW_USER_BASEPTR:
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_ALL:
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
    case MMUEXT_SET_LDT:
        /* These act on the caller itself, never on a foreign domain. */
        if ( pg_owner != d )
            return -EPERM;
        break;

    default:
        return -ENOSYS;
    }

    switch ( op->cmd )
    {
    case MMUEXT_NEW_BASEPTR:
        return pv_new_guest_table(curr, op->arg1.mfn, false, true);

    case MMUEXT_NEW_USER_BASEPTR:
        return pv_new_guest_table(curr, op->arg1.mfn, true, true);

    case MMUEXT_TLB_FLUSH_LOCAL:
        this_cpu_mask(&mask);
        flush_tlb_mask(&mask);
        return 0;

    case MMUEXT_INVLPG_LOCAL:
        this_cpu_mask(&mask);
        if ( pv_guest_addr_ok(op->arg1.linear_addr) )
            flush_tlb_one_mask(&mask, op->arg1.linear_addr);
        return 0;

    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI:
        if ( vcpumask_to_pcpumask(d, guest_handle_addr(op->arg2.vcpumask),
                                  &mask) )
            return -EINVAL;
        if ( op->cmd == MMUEXT_TLB_FLUSH_MULTI )
            flush_tlb_mask(&mask);
        else if ( pv_guest_addr_ok(op->arg1.linear_addr) )
            flush_tlb_one_mask(&mask, op->arg1.linear_addr);
        return 0;

    /* "All": every CPU that has the domain's tables loaded. */
    case MMUEXT_TLB_FLUSH_ALL:
        flush_tlb_domain(d);
        return 0;

    case MMUEXT_INVLPG_ALL:
        if ( pv_guest_addr_ok(op->arg1.linear_addr) )
            flush_tlb_one_domain(d, op->arg1.linear_addr);
        return 0;

    /* Cache control is for the domain that drives hardware. */
    case MMUEXT_FLUSH_CACHE:
        if ( !cache_flush_permitted(d) )
            return -EACCES;
        this_cpu_mask(&mask);
        flush_cache_mask(&mask);
        return 0;

    case MMUEXT_FLUSH_CACHE_GLOBAL:
        if ( !cache_flush_permitted(d) )
            return -EINVAL;
        flush_cache_mask(&cpu_online_map);
        return 0;

    case MMUEXT_SET_LDT:
        return pv_set_ldt(curr, op->arg1.linear_addr, op->arg2.nr_ents);
    }
    BUG();
}

/* mmuext_op as a 32-bit guest lays it out: every field 32 bits. */
struct compat_mmuext_op {
    uint32_t cmd;
    uint32_t arg1; /* mfn, linear_addr */
    uint32_t arg2; /* nr_ents, vcpumask, src_mfn */
};

/* Element i of the list at uops, widened if the guest is 32-bit. */
static int read_mmuext(struct mmuext_op *op, unsigned long uops,
                       unsigned int i, bool compat)
{
    struct compat_mmuext_op c;

    if ( !compat )
        return copy_from_guest_addr(op, uops + i * sizeof(*op)) ? -EFAULT : 0;
    if ( copy_from_guest_addr(&c, uops + i * sizeof(c)) )
        return -EFAULT;
    /* The unions' 64-bit members zero-extend what their 32-bit ones say. */
    memset(op, 0, sizeof(*op));
    op->cmd = c.cmd;
    op->arg1.mfn = c.arg1;
    op->arg2.src_mfn = c.arg2;
    return 0;
}

static long mmuext_ops(unsigned long uops, unsigned int count,
                       XEN_GUEST_HANDLE_PARAM(uint) pdone,
                       unsigned int foreigndom, bool compat)
{
    struct vcpu *curr = current;
    struct domain *pg_owner;
    unsigned int i = 0, done = 0;
    int rc = 0;

    if ( count & MMU_UPDATE_PREEMPTED )
    {
        count &= ~MMU_UPDATE_PREEMPTED;
        read_done(pdone, &done);
    }
    if ( old_table_stopped(__HYPERVISOR_mmuext_op, uops, count, pdone, done,
                           foreigndom) )
        return __HYPERVISOR_mmuext_op;
    pg_owner = get_pg_owner(curr->domain, foreigndom, &rc);
    if ( pg_owner )
        for ( ; i < count; i++ )
        {
            struct mmuext_op op;

            if ( i && hypercall_preempt_check() )
                rc = -ERESTART;
            else if ( read_mmuext(&op, uops, i, compat) )
                rc = -EFAULT;
            else
                rc = do_one_mmuext(curr, pg_owner, &op);
            if ( rc )
                break;
            /* The pins are commands 0-3. */
            if ( op.cmd <= MMUEXT_PIN_L4_TABLE )
                pv_audit_pinned(op.arg1.mfn);
            /*
             * An unpin whose teardown stopped is done; the re-issue
             * carries the teardown on before anything else.
             */
            if ( curr->arch.pv.old_guest_table )
            {
                i++;
                rc = -ERESTART;
                break;
            }
        }
    if ( pg_owner )
        put_pg_owner(curr->domain, pg_owner);

    write_done(pdone, done + i);
    if ( rc == -ERESTART )
        return hypercall_continue(
            __HYPERVISOR_mmuext_op,
            uops + i * (compat ? sizeof(struct compat_mmuext_op)
                               : sizeof(mmuext_op_t)),
            (count - i) | MMU_UPDATE_PREEMPTED, guest_handle_addr(pdone),
            foreigndom);
    return rc;
}

long do_mmuext_op(XEN_GUEST_HANDLE_PARAM(mmuext_op_t) uops, unsigned int count,
                  XEN_GUEST_HANDLE_PARAM(uint) pdone, unsigned int foreigndom)
{
    return mmuext_ops(guest_handle_addr(uops), count, pdone, foreigndom,
                      false);
}

long pv32_mmuext_op(XEN_GUEST_HANDLE_PARAM(void) uops, unsigned int count,
                    XEN_GUEST_HANDLE_PARAM(uint) pdone,
                    unsigned int foreigndom)
{
    return mmuext_ops(guest_handle_addr(uops), count, pdone, foreigndom, true);
}

/* update_va_mapping's flags: flush kind in bits 0-1, then whose TLBs. */
static int flush_after_update(struct domain *d, unsigned long va,
                              unsigned long flags)
{
    unsigned long which = flags & ~UVMF_FLUSHTYPE_MASK;
    cpumask_t mask;

    if ( !(flags & UVMF_FLUSHTYPE_MASK) ||
         (flags & UVMF_FLUSHTYPE_MASK) == UVMF_FLUSHTYPE_MASK )
        return 0;
    if ( which == UVMF_ALL )
    {
        if ( (flags & UVMF_FLUSHTYPE_MASK) == UVMF_TLB_FLUSH )
            flush_tlb_domain(d);
        else
            flush_tlb_one_domain(d, va);
        return 0;
    }
    if ( which == UVMF_LOCAL )
        this_cpu_mask(&mask);
    else if ( vcpumask_to_pcpumask(d, which, &mask) )
        return -EFAULT;

    if ( (flags & UVMF_FLUSHTYPE_MASK) == UVMF_TLB_FLUSH )
        flush_tlb_mask(&mask);
    else
        flush_tlb_one_mask(&mask, va);
    return 0;
}

static long update_va_mapping(unsigned long va, uint64_t val,
                              unsigned long flags, struct domain *pg_owner)
{
    struct vcpu *curr = current;
    int rc = pv_update_va_l1e(curr, va, val, pg_owner);

    if ( !rc )
    {
        pv_audit_l1e(val);
        rc = flush_after_update(curr->domain, va, flags);
    }
    return rc;
}

long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags)
{
    return update_va_mapping(va, val, flags, current->domain);
}

long do_update_va_mapping_otherdomain(unsigned long va, uint64_t val,
                                      unsigned long flags, domid_t domid)
{
    int rc = 0;
    struct domain *pg_owner = get_pg_owner(current->domain, domid, &rc);

    if ( !pg_owner )
        return rc;
    rc = update_va_mapping(va, val, flags, pg_owner);
    put_pg_owner(current->domain, pg_owner);
    return rc;
}
