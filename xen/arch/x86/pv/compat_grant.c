/* SPDX-License-Identifier: GPL-2.0-only */
/* grant_table_op from a 32-bit PV guest: its element layouts. */
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/pv/compat.h>
#include <asm/uaccess.h>

/* gnttab_setup_table with a 32-bit frame list: 16 bytes. */
struct compat_gnttab_setup_table {
    domid_t dom;
    uint32_t nr_frames;
    int16_t status;
    uint32_t frame_list;
};

/* gnttab_get_status_frames with a 32-bit handle (of 64-bit frames): 12. */
struct compat_gnttab_get_status_frames {
    uint32_t nr_frames;
    domid_t dom;
    int16_t status;
    uint32_t frame_list;
};

/* gnttab_copy with 32-bit gmfns, 4-byte aligned: 24 bytes. */
struct compat_gnttab_copy {
    struct compat_gnttab_copy_ptr {
        uint32_t ref_or_gmfn;
        domid_t domid;
        uint16_t offset;
    } source, dest;
    uint16_t len;
    uint16_t flags;
    int16_t status;
};

/*
 * The sub-ops whose layout is the same at both widths (fixed-width
 * fields at the same offsets): their element sizes, for the range check.
 * Those marked batch take an array of count elements, the rest one.
 */
static const struct {
    uint8_t size;
    bool batch;
} same_layout[] = {
    [GNTTABOP_map_grant_ref] = { sizeof(struct gnttab_map_grant_ref), true },
    [GNTTABOP_unmap_grant_ref] = { sizeof(struct gnttab_unmap_grant_ref),
                                   true },
    [GNTTABOP_unmap_and_replace] = { sizeof(struct gnttab_unmap_and_replace),
                                     true },
    [GNTTABOP_swap_grant_ref] = { sizeof(struct gnttab_swap_grant_ref), true },
    [GNTTABOP_query_size] = { sizeof(struct gnttab_query_size), false },
    [GNTTABOP_set_version] = { sizeof(struct gnttab_set_version), false },
    [GNTTABOP_get_version] = { sizeof(struct gnttab_get_version), false },
};

/*
 * A 32-bit guest's frame list entries are 32 bits: larger frames fail.
 * setup_table() checked the list below the hole.
 */
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

static long setup_table(void *p, uint32_t count)
{
    struct compat_gnttab_setup_table c;
    struct gnttab_setup_table op;

    if ( count != 1 )
        return -EINVAL;
    if ( !pv_compat_range_ok((unsigned long)p, sizeof(c)) ||
         copy_from_guest_bytes(&c, p, sizeof(c)) )
        return -EFAULT;
    /* As the compat handle is checked in Xen: before anything. */
    if ( !pv_compat_range_ok(c.frame_list,
                             (uint64_t)c.nr_frames * sizeof(uint32_t)) )
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
 * Each element widened, copied, its status written back; preempted, the
 * batch continues from the next element as the native one does.
 */
static long copy_batch(uint32_t uop, uint32_t count)
{
    uint32_t i;

    for ( i = 0; i < count; i++ )
    {
        uint8_t *p = (uint8_t *)(unsigned long)uop +
                     i * sizeof(struct compat_gnttab_copy);
        struct compat_gnttab_copy c;
        struct gnttab_copy op;

        if ( i && hypercall_preempt_check() )
            return hypercall_continue(
                __HYPERVISOR_grant_table_op, GNTTABOP_copy,
                uop + i * sizeof(struct compat_gnttab_copy), count - i);
        if ( copy_from_guest_bytes(&c, p, sizeof(c)) )
            return -EFAULT;
        op = (struct gnttab_copy){
            .source = { .domid = c.source.domid, .offset = c.source.offset },
            .dest = { .domid = c.dest.domid, .offset = c.dest.offset },
            .len = c.len,
            .flags = c.flags,
        };
        /* A ref and a gmfn share the word: the flags say which it is. */
        if ( c.flags & GNTCOPY_source_gref )
            op.source.u.ref = c.source.ref_or_gmfn;
        else
            op.source.u.gmfn = c.source.ref_or_gmfn;
        if ( c.flags & GNTCOPY_dest_gref )
            op.dest.u.ref = c.dest.ref_or_gmfn;
        else
            op.dest.u.gmfn = c.dest.ref_or_gmfn;
        c.status = gnttab_copy_one(&op);
        if ( copy_to_guest_bytes(p + offsetof(typeof(c), status), &c.status,
                                 sizeof(c.status)) )
            return -EFAULT;
    }
    return 0;
}

/*
 * One structure; its list, of 64-bit frames at both widths, must lie
 * below the hole whole (-EFAULT before anything, as Xen checks the
 * compat handle), so the native body may write it.
 */
static long get_status_frames(uint32_t uop, uint32_t count)
{
    struct compat_gnttab_get_status_frames c;
    struct gnttab_get_status_frames op;

    if ( count != 1 )
        return -EINVAL;
    if ( !pv_compat_range_ok(uop, sizeof(c)) ||
         copy_from_guest_bytes(&c, (const void *)(unsigned long)uop,
                               sizeof(c)) ||
         !pv_compat_range_ok(c.frame_list,
                             (uint64_t)c.nr_frames * sizeof(uint64_t)) )
        return -EFAULT;
    op = (struct gnttab_get_status_frames){
        .nr_frames = c.nr_frames,
        .dom = c.dom,
        .frame_list = { (uint64_t *)(unsigned long)c.frame_list },
    };
    gnttab_do_get_status_frames(&op);
    return copy_to_guest_bytes(
               (void *)((unsigned long)uop +
                        offsetof(struct compat_gnttab_get_status_frames,
                                 status)),
               &op.status, sizeof(op.status))
               ? -EFAULT
               : 0;
}

/*
 * setup_table, get_status_frames and copy translated; the same-layout
 * sub-ops go to the native handler once their array is known to be the
 * guest's own (below HYPERVISOR_COMPAT_VIRT_START, -EFAULT otherwise, as
 * Xen).
 */
long pv_compat_grant_table_op(uint32_t cmd, uint32_t uop, uint32_t count)
{
    void *p = (void *)(unsigned long)uop;
    size_t size = cmd < ARRAY_SIZE(same_layout) ? same_layout[cmd].size : 0;
    bool batch = size && same_layout[cmd].batch;

    if ( (int32_t)count < 0 )
        return -EINVAL;
    if ( !current->domain->grant_table )
        return -ENOSYS;
    if ( cmd == GNTTABOP_setup_table )
        return setup_table(p, count);
    if ( cmd == GNTTABOP_get_status_frames )
        return get_status_frames(uop, count);
    if ( cmd == GNTTABOP_copy )
    {
        size = sizeof(struct compat_gnttab_copy);
        batch = true;
    }
    else if ( !size )
        return -ENOSYS;
    if ( !pv_compat_range_ok(uop, (uint64_t)size * (batch ? count : 1)) )
        return -EFAULT;
    if ( cmd == GNTTABOP_copy )
        return copy_batch(uop, count);
    return do_grant_table_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ p }, count);
}
