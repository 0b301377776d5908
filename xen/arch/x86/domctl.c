/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 domctl parts: PV vCPU contexts (both widths) and the x86-only ops. */
#include <xen/compat.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <xen/xmalloc.h>
#include <asm/cpu_policy.h>
#include <asm/debugreg.h>
#include <asm/domain.h>
#include <asm/processor.h>
#include <asm/pv/compat.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/entry.h>
#include <asm/pv/mm.h>
#include <asm/uaccess.h>
#include <public/callback.h>

/* What a 64-bit PV guest may ask vm_assist for, as Xen 4.17 allows. */
#define VM_ASSIST_VALID                                                       \
    ((1UL << VMASST_TYPE_4gb_segments) |                                      \
     (1UL << VMASST_TYPE_4gb_segments_notify) |                               \
     (1UL << VMASST_TYPE_writable_pagetables) |                               \
     (1UL << VMASST_TYPE_pae_extended_cr3) |                                  \
     (1UL << VMASST_TYPE_architectural_iopl) |                                \
     (1UL << VMASST_TYPE_runstate_update_flag) |                              \
     (1UL << VMASST_TYPE_m2p_strict))

/* The most LDT entries a selector can reach. */
#define LDT_MAX_ENTS 8192

static bool canonical(unsigned long addr)
{
    return ((long)addr >> 47) == 0 || ((long)addr >> 47) == -1;
}

/* Where the guest gets entered: its own code, or 0 for "none". */
static bool entry_ok(unsigned long addr)
{
    return !addr || guest_range_ok(addr, 1);
}

/*
 * A 64-bit PV kernel runs in ring 3, so any selector with a lower RPL is
 * made RPL 3, as Xen fixes them rather than refusing; a 32-bit one runs
 * in ring 1, and RPL 0 is made 1.  What the selector then names is not
 * checked, as Xen does not: one that will not load (null, the
 * hypervisor's own, not present) faults the return to the guest, which
 * the guest takes as its own #GP, #NP or #SS (pv_iret_fault).
 */
static uint16_t fix_rpl(const struct domain *d, uint16_t sel)
{
    if ( d->arch.pv.is_32bit )
        return (sel & 3) ? sel : sel | 1;
    return sel | 3;
}

/* A CR3 value for a root: an L4's, or a 32-bit guest's folded L3 one. */
static unsigned long root_cr3(const struct domain *d, mfn_t root)
{
    return d->arch.pv.is_32bit ? pv32_pfn_to_cr3(mfn_x(root))
                               : xen_pfn_to_cr3(mfn_x(root));
}

bool arch_vcpu_initialised(const struct vcpu *v)
{
    /* A PV vCPU cannot run without a page table, and always has one after. */
    return mfn_valid(v->arch.pv.guest_table);
}

static int check_context(const struct domain *d,
                         const struct vcpu_guest_context *c)
{
    if ( !canonical(c->user_regs.rsp) || !canonical(c->kernel_sp) ||
         !canonical(c->fs_base) || !canonical(c->gs_base_kernel) ||
         !canonical(c->gs_base_user) || !entry_ok(c->user_regs.rip) ||
         !entry_ok(c->event_callback_eip) ||
         !entry_ok(c->failsafe_callback_eip) ||
         !entry_ok(c->syscall_callback_eip) )
        return -EINVAL;
    for ( unsigned int i = 0; i < ARRAY_SIZE(c->trap_ctxt); i++ )
        if ( !entry_ok(c->trap_ctxt[i].address) )
            return -EINVAL;
    if ( (c->ldt_ents && !guest_range_ok(c->ldt_base, c->ldt_ents * 8)) ||
         (c->ldt_base & ~PAGE_MASK) || c->ldt_ents > LDT_MAX_ENTS )
        return -EINVAL;
    if ( c->gdt_ents > FIRST_RESERVED_GDT_ENTRY )
        return -EINVAL;
    if ( c->vm_assist & ~VM_ASSIST_VALID )
        return -EINVAL;
    /*
     * User mode needs the user page table it would run on; a 32-bit
     * guest has none (its user mode is ring 3 on the kernel's tables).
     */
    if ( !d->arch.pv.is_32bit && !(c->flags & VGCF_in_kernel) &&
         !c->ctrlreg[1] )
        return -EINVAL;
    return 0;
}

/*
 * Only what does not touch the tables may change once a vCPU ran.  As in
 * Xen 4.17, another LDT base is not refused but ignored: the vCPU keeps
 * its own (install_tables() alone sets it).
 */
static bool same_tables(const struct vcpu *v,
                        const struct vcpu_guest_context *c)
{
    const struct arch_vcpu *a = &v->arch;
    bool pv32 = v->domain->arch.pv.is_32bit;
    unsigned long user = mfn_valid(a->pv.guest_table_user)
                             ? xen_pfn_to_cr3(mfn_x(a->pv.guest_table_user))
                             : 0;

    /* A 32-bit guest's ctrlreg[1] means nothing, as in Xen. */
    if ( root_cr3(v->domain, a->pv.guest_table) != c->ctrlreg[3] ||
         (!pv32 && user != c->ctrlreg[1]) || a->pv.gdt_ents != c->gdt_ents ||
         a->pv.ldt_ents != c->ldt_ents )
        return false;
    for ( unsigned int i = 0; i < ARRAY_SIZE(a->pv.gdt_frames); i++ )
        if ( a->pv.gdt_frames[i] != c->gdt_frames[i] )
            return false;
    return true;
}

/*
 * A type reference on the root at cr3 (an L4, or a 32-bit guest's L3),
 * which the vCPU keeps while it uses it.
 */
static int get_root_table(struct domain *d, unsigned long cr3, mfn_t *mfn)
{
    bool pv32 = d->arch.pv.is_32bit;

    *mfn = _mfn(pv32 ? pv32_cr3_to_pfn(cr3) : xen_cr3_to_pfn(cr3));
    if ( !mfn_valid(*mfn) )
        return -EINVAL;
    return get_page_and_type(mfn_to_page(*mfn), d,
                             pv32 ? PGT_l3_page_table : PGT_l4_page_table);
}

/* Page tables and GDT of a vCPU not yet initialised, or nothing at all. */
static int install_tables(struct vcpu *v, const struct vcpu_guest_context *c)
{
    struct domain *d = v->domain;
    mfn_t kernel, user = INVALID_MFN;
    int rc;

    if ( (rc = get_root_table(d, c->ctrlreg[3], &kernel)) )
        return rc;
    if ( !d->arch.pv.is_32bit && c->ctrlreg[1] &&
         (rc = get_root_table(d, c->ctrlreg[1], &user)) )
        goto put_kernel;
    if ( (rc = pv_set_gdt(v, c->gdt_frames, c->gdt_ents)) )
        goto put_user;
    v->arch.pv.guest_table = kernel;
    v->arch.pv.guest_table_user = user;
    /* The hardware runs a 32-bit vCPU on its L4, slot 0 the guest's L3. */
    if ( d->arch.pv.is_32bit )
        pv32_set_l4_root(v);
    v->arch.pv.ldt_base = c->ldt_base;
    v->arch.pv.ldt_ents = c->ldt_ents;
    return 0;

put_user:
    if ( mfn_valid(user) )
        put_page_and_type(mfn_to_page(user));
put_kernel:
    put_page_and_type(mfn_to_page(kernel));
    return rc;
}

int arch_set_info_guest(struct vcpu *v, const struct vcpu_guest_context *c)
{
    struct arch_vcpu *a = &v->arch;
    unsigned long cb_flags;
    bool installed = true;
    int rc;

    if ( (rc = check_context(v->domain, c)) )
        return rc;
    if ( arch_vcpu_initialised(v) )
    {
        if ( !same_tables(v, c) )
            return -EOPNOTSUPP;
        installed = false;
    }
    else if ( (rc = install_tables(v, c)) )
        return rc;

    /* Nothing can fail from here on. */
    a->flags = c->flags & ~VGCF_online;
    a->user_regs = c->user_regs;
    a->user_regs.cs = fix_rpl(v->domain, c->user_regs.cs);
    a->user_regs.ss = fix_rpl(v->domain, c->user_regs.ss);
    /*
     * The guest's IOPL is virtual (physdev set_iopl), and real interrupts
     * stay enabled in guest mode whatever it asks; there is no virtual-8086
     * mode in long mode to return to.
     */
    a->pv.iopl = (c->user_regs.rflags & X86_EFLAGS_IOPL) >> 12;
    a->user_regs.rflags = (c->user_regs.rflags &
                           ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) |
                          X86_EFLAGS_IF;
    memcpy(a->pv.trap_ctxt, c->trap_ctxt, sizeof(a->pv.trap_ctxt));
    for ( unsigned int i = 0; i < ARRAY_SIZE(a->pv.trap_ctxt); i++ )
        a->pv.trap_ctxt[i].cs = fix_rpl(v->domain, c->trap_ctxt[i].cs);
    a->pv.kernel_ss = fix_rpl(v->domain, c->kernel_ss);
    a->pv.kernel_sp = c->kernel_sp;
    a->pv.fs_base = c->fs_base;
    a->pv.gs_base_kernel = c->gs_base_kernel;
    a->pv.gs_base_user = c->gs_base_user;
    a->pv.fpu_ts = c->ctrlreg[0] & X86_CR0_TS;

    a->pv.event_callback_eip = c->event_callback_eip;
    a->pv.failsafe_callback_eip = c->failsafe_callback_eip;
    a->pv.syscall_callback_eip = c->syscall_callback_eip;
    /* Event upcalls always mask events; the others as the flags say. */
    cb_flags = 1UL << CALLBACKTYPE_event;
    if ( c->flags & VGCF_failsafe_disables_events )
        cb_flags |= 1UL << CALLBACKTYPE_failsafe;
    if ( c->flags & VGCF_syscall_disables_events )
        cb_flags |= 1UL << CALLBACKTYPE_syscall;
    a->pv.callback_flags = cb_flags;
    v->domain->arch.pv.vm_assist = c->vm_assist;
    /*
     * As Xen, with the assists just set; a 32-bit guest's root is an L3,
     * whose slots past 3 map nothing, so it has no such slot.
     */
    if ( installed && !v->domain->arch.pv.is_32bit )
    {
        pv_root_ro_mpt(v->domain, a->pv.guest_table, false);
        if ( mfn_valid(a->pv.guest_table_user) )
            pv_root_ro_mpt(v->domain, a->pv.guest_table_user, true);
    }

    /* As Xen does, a debug register that fails its check is left clear. */
    memset(a->debugreg, 0, sizeof(a->debugreg));
    for ( unsigned int i = 0; i < ARRAY_SIZE(a->debugreg); i++ )
        if ( i != 4 && i != 5 )
            pv_set_debugreg(v, i, c->debugreg[i]);

    if ( c->flags & VGCF_online )
        __atomic_fetch_and(&v->pause_flags, ~VPF_down, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_or(&v->pause_flags, VPF_down, __ATOMIC_SEQ_CST);
    return 0;
}

void arch_get_info_guest(struct vcpu *v, struct vcpu_guest_context *c)
{
    const struct arch_vcpu *a = &v->arch;

    memset(c, 0, sizeof(*c));
    c->flags = a->flags;
    if ( !(v->pause_flags & VPF_down) )
        c->flags |= VGCF_online;
    c->user_regs = a->user_regs;
    c->user_regs.rflags |= (unsigned long)a->pv.iopl << 12;
    memcpy(c->trap_ctxt, a->pv.trap_ctxt, sizeof(c->trap_ctxt));
    c->ldt_base = a->pv.ldt_base;
    c->ldt_ents = a->pv.ldt_ents;
    memcpy(c->gdt_frames, a->pv.gdt_frames, sizeof(c->gdt_frames));
    c->gdt_ents = a->pv.gdt_ents;
    c->kernel_ss = a->pv.kernel_ss;
    c->kernel_sp = a->pv.kernel_sp;
    /* The real CR0 with the guest's virtual TS, as it reads CR0. */
    c->ctrlreg[0] = (read_cr0() & ~X86_CR0_TS) |
                    (a->pv.fpu_ts ? X86_CR0_TS : 0);
    c->ctrlreg[2] = v->vcpu_info->arch.cr2;
    if ( mfn_valid(a->pv.guest_table) )
        c->ctrlreg[3] = root_cr3(v->domain, a->pv.guest_table);
    if ( mfn_valid(a->pv.guest_table_user) )
        c->ctrlreg[1] = xen_pfn_to_cr3(mfn_x(a->pv.guest_table_user));
    for ( unsigned int i = 0; i < ARRAY_SIZE(c->debugreg); i++ )
        c->debugreg[i] = pv_get_debugreg(v, i);
    c->event_callback_eip = a->pv.event_callback_eip;
    c->failsafe_callback_eip = a->pv.failsafe_callback_eip;
    c->syscall_callback_eip = a->pv.syscall_callback_eip;
    if ( a->pv.callback_flags & (1UL << CALLBACKTYPE_failsafe) )
        c->flags |= VGCF_failsafe_disables_events;
    if ( a->pv.callback_flags & (1UL << CALLBACKTYPE_syscall) )
        c->flags |= VGCF_syscall_disables_events;
    c->vm_assist = v->domain->arch.pv.vm_assist;
    c->fs_base = a->pv.fs_base;
    c->gs_base_kernel = a->pv.gs_base_kernel;
    c->gs_base_user = a->pv.gs_base_user;
}

/*
 * Where the caller names a context of len bytes: a 32-bit caller's must
 * lie below its hole, as every structure it names (the domctl itself was
 * checked on entry, not what its handle points at).
 */
static bool context_range_ok(uint64_t addr, size_t len)
{
    return !is_pv_32bit_domain(current->domain) ||
           pv_compat_range_ok(addr, len);
}

int arch_vcpu_context_from_guest(const struct domain *d, uint64_t addr,
                                 struct vcpu_guest_context *c)
{
    struct compat_vcpu_context *cc;
    int rc = -EFAULT;

    if ( !is_pv_32bit_domain(d) )
        return context_range_ok(addr, sizeof(*c)) &&
                       !copy_from_guest_bytes(c, (const void *)addr,
                                              sizeof(*c))
                   ? 0
                   : -EFAULT;
    if ( !(cc = xmalloc(struct compat_vcpu_context)) )
        return -ENOMEM;
    if ( context_range_ok(addr, sizeof(*cc)) &&
         !copy_from_guest_bytes(cc, (const void *)addr, sizeof(*cc)) )
    {
        pv_compat_widen_context(cc, c);
        rc = 0;
    }
    xfree(cc);
    return rc;
}

int arch_vcpu_context_to_guest(const struct domain *d, uint64_t addr,
                               const struct vcpu_guest_context *c)
{
    struct compat_vcpu_context *cc;
    int rc = -EFAULT;

    if ( !is_pv_32bit_domain(d) )
        return context_range_ok(addr, sizeof(*c)) &&
                       !copy_to_guest_bytes((void *)addr, c, sizeof(*c))
                   ? 0
                   : -EFAULT;
    if ( !(cc = xmalloc(struct compat_vcpu_context)) )
        return -ENOMEM;
    pv_compat_narrow_context(c, cc);
    if ( context_range_ok(addr, sizeof(*cc)) &&
         !copy_to_guest_bytes((void *)addr, cc, sizeof(*cc)) )
        rc = 0;
    xfree(cc);
    return rc;
}

/*
 * A builder that is not the hypervisor (the toolstack) asks for the
 * stubs in the page the kernel's HYPERCALL_PAGE note names.  For a PV
 * guest gmfn is a machine frame, which must be the domain's own.
 */
static long hypercall_init(struct domain *d, uint64_t gmfn)
{
    struct page_info *pg;

    if ( !mfn_valid(_mfn(gmfn)) )
        return -EINVAL;
    pg = mfn_to_page(_mfn(gmfn));
    if ( !get_page(pg, d) )
        return -EINVAL;
    /* As Xen, a frame of d's in use as something else is -EPERM. */
    if ( get_page_type(pg, PGT_writable_page) )
    {
        put_page(pg);
        return -EPERM;
    }
    pv_write_hypercall_page(d, page_to_virt(pg));
    put_page_and_type(pg);
    return 0;
}

long arch_do_domctl(struct xen_domctl *op, struct domain *d, bool *copyback)
{
    switch ( op->cmd )
    {
    case XEN_DOMCTL_set_address_size:
        /* As Xen: a 32-bit domain never goes back to 64-bit. */
        if ( op->u.address_size.size == 32 )
            return pv_switch_compat(d);
        if ( op->u.address_size.size == 64 && !is_pv_32bit_domain(d) )
            return 0;
        return -EINVAL;

    case XEN_DOMCTL_get_address_size:
        op->u.address_size.size = is_pv_32bit_domain(d) ? 32 : 64;
        *copyback = true;
        return 0;

    case XEN_DOMCTL_hypercall_init:
        return hypercall_init(d, op->u.hypercall_init.gmfn);

    case XEN_DOMCTL_get_cpu_policy:
        return domctl_get_cpu_policy(d, &op->u.cpu_policy, copyback);

    case XEN_DOMCTL_set_cpu_policy:
        return domctl_set_cpu_policy(d, &op->u.cpu_policy, copyback);

    /* Xen refuses HVM state for a PV domain, and every domain here is PV. */
    case XEN_DOMCTL_sethvmcontext:
    case XEN_DOMCTL_gethvmcontext:
    case XEN_DOMCTL_gethvmcontext_partial:
        return -EINVAL;

    default:
        return -ENOSYS;
    }
}
