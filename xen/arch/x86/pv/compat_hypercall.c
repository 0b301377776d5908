/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PV guests' hypercalls whose arguments need translating. */
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/pv/compat.h>
#include <asm/current.h>
#include <asm/pv/mm.h>
#include <asm/uaccess.h>
#include <public/version.h>

/* A 64-bit value passed as two 32-bit arguments, low half first. */
static uint64_t join(uint32_t lo, uint32_t hi)
{
    return lo | ((uint64_t)hi << 32);
}

/* gnttab_setup_table with a 32-bit frame list: 16 bytes. */
struct compat_gnttab_setup_table {
    domid_t dom;
    uint32_t nr_frames;
    int16_t status;
    uint32_t frame_list;
};

/* A 32-bit guest's frame list entries are 32 bits: larger frames fail. */
static int put_compat_frame(const struct gnttab_setup_table *op,
                            unsigned int i, xen_pfn_t mfn)
{
    uint32_t f = mfn;

    if ( f != mfn )
        return -ERANGE;
    return copy_to_guest_bytes((uint32_t *)op->frame_list.p + i, &f, sizeof(f))
               ? -EFAULT
               : 0;
}

/*
 * setup_table translated; query_size has the same layout at both widths.
 * The rest (map, unmap, copy, ...) are -ENOSYS until checked.
 */
static long compat_grant_table_op(uint32_t cmd, uint32_t uop, uint32_t count)
{
    struct compat_gnttab_setup_table c;
    struct gnttab_setup_table op;
    void *p = (void *)(unsigned long)uop;

    if ( cmd == GNTTABOP_query_size )
        return do_grant_table_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ p },
                                 count);
    if ( cmd != GNTTABOP_setup_table )
        return -ENOSYS;
    if ( count != 1 )
        return -EINVAL;
    if ( copy_from_guest_bytes(&c, p, sizeof(c)) )
        return -EFAULT;
    op = (struct gnttab_setup_table){ .dom = c.dom, .nr_frames = c.nr_frames };
    op.frame_list.p = (xen_pfn_t *)(unsigned long)c.frame_list;
    gnttab_do_setup_table(&op, put_compat_frame);
    c.status = op.status;
    return copy_to_guest_bytes((uint8_t *)p + offsetof(typeof(c), status),
                               &c.status, sizeof(c.status))
               ? -EFAULT
               : 0;
}

/*
 * Arguments from ebx, ecx, edx, esi, edi (pv_compat_hypercall()); the
 * result narrowed into eax.  Only what is here is translated: everything
 * else goes by the same-layout list or is -ENOSYS.
 */
bool pv_compat_translated(uint32_t nr, struct cpu_user_regs *regs)
{
    uint32_t a1 = regs->rbx, a2 = regs->rcx, a3 = regs->rdx, a4 = regs->rsi,
             a5 = regs->rdi;
    long rc;

    switch ( nr )
    {
    case __HYPERVISOR_set_trap_table:
        rc = pv_compat_set_trap_table(a1);
        break;
    case __HYPERVISOR_set_callbacks:
        rc = pv_compat_set_callbacks(a1, a2, a3, a4);
        break;
    case __HYPERVISOR_callback_op:
        rc = pv_compat_callback_op(a1, a2);
        break;
    case __HYPERVISOR_stack_switch:
        rc = pv_compat_stack_switch(a1, a2);
        break;
    /* (va, PTE low, PTE high, flags [, domid]): a PAE PTE is 64-bit. */
    case __HYPERVISOR_update_va_mapping:
        rc = do_update_va_mapping(a1, join(a2, a3), a4);
        break;
    case __HYPERVISOR_update_va_mapping_otherdomain:
        rc = do_update_va_mapping_otherdomain(a1, join(a2, a3), a4, a5);
        break;
    /* platform_parameters' virt_start is a 32-bit long there. */
    case __HYPERVISOR_xen_version:
        if ( a1 != XENVER_platform_parameters )
            return false;
        rc = copy_to_guest_bytes((void *)(unsigned long)a2,
                                 &current->domain->arch.pv.compat_virt_start,
                                 sizeof(uint32_t))
                 ? -EFAULT
                 : 0;
        break;
    case __HYPERVISOR_grant_table_op:
        rc = compat_grant_table_op(a1, a2, a3);
        break;
    /* (timeout low, high). */
    case __HYPERVISOR_set_timer_op:
        rc = do_set_timer_op(join(a1, a2));
        break;
    default:
        return false;
    }
    regs->rax = (uint32_t)rc;
    return true;
}
