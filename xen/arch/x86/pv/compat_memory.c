/* SPDX-License-Identifier: GPL-2.0-only */
/* memory_op from a 32-bit PV guest: reservations and exchange narrowed. */
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/pv/compat.h>
#include <asm/uaccess.h>
#include <public/memory.h>

/* xen_memory_reservation at 32 bits: a 32-bit list handle, 20 bytes. */
struct compat_memory_reservation {
    uint32_t extent_start; /* of 32-bit frame numbers */
    uint32_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;
    domid_t domid;
};

/* xen_memory_exchange at 32 bits: 44 bytes, nr_exchanged at 40. */
struct compat_memory_exchange {
    struct compat_memory_reservation in, out;
    uint32_t nr_exchanged;
};

static void widen(const struct compat_memory_reservation *c,
                  struct xen_memory_reservation *r)
{
    *r = (struct xen_memory_reservation){
        .nr_extents = c->nr_extents,
        .extent_order = c->extent_order,
        .mem_flags = c->mem_flags,
        .domid = c->domid,
    };
    r->extent_start.p = (xen_pfn_t *)(unsigned long)c->extent_start;
}

/* xen_foreign_memory_map at 32 bits: the map's handle 32-bit, 12 bytes. */
struct compat_foreign_memory_map {
    domid_t domid;
    uint16_t pad;
    uint32_t nr_entries;
    uint32_t buffer;
};

/*
 * xen_mem_acquire_resource at 32 bits: frame 4-byte aligned, a 32-bit
 * handle of 32-bit frames, 28 bytes.
 */
struct compat_mem_acquire_resource {
    domid_t domid;
    uint16_t type;
    uint32_t id;
    uint32_t nr_frames;
    uint32_t pad;
    uint32_t frame_lo, frame_hi;
    uint32_t frame_list;
};

/* Whether a 32-bit list of n entries at addr is the guest's own. */
static bool list_ok(uint32_t addr, uint32_t n)
{
    return pv_compat_range_ok(addr, (uint64_t)n * sizeof(uint32_t));
}

/*
 * increase/decrease_reservation, populate_physmap: the common code with
 * 32-bit lists.  As there, a structure or list that cannot be used is no
 * extent done (the start), not an errno.
 */
static long reservation(uint32_t cmd, uint32_t arg)
{
    struct compat_memory_reservation c;
    struct xen_memory_reservation r;
    uint32_t start = cmd >> MEMOP_EXTENT_SHIFT;

    if ( !pv_compat_range_ok(arg, sizeof(c)) ||
         copy_from_guest_bytes(&c, (void *)(unsigned long)arg, sizeof(c)) ||
         !list_ok(c.extent_start, c.nr_extents) )
        return start;
    widen(&c, &r);
    return memory_reservation(cmd & MEMOP_CMD_MASK, start, &r, true,
                              (XEN_GUEST_HANDLE_PARAM(void)){
                                  (void *)(unsigned long)arg });
}

/*
 * XENMEM_exchange: the common code's checks in its order, chunks and
 * partial-failure answer (nr_exchanged, 32 bits here, says how far it
 * got); lists reaching HYPERVISOR_COMPAT_VIRT_START are -EFAULT where a
 * 64-bit guest's reaching the hypervisor would be.
 */
static long exchange(uint32_t cmd, uint32_t arg)
{
    struct compat_memory_exchange *p =
        (struct compat_memory_exchange *)(unsigned long)arg;
    struct compat_memory_exchange c;
    struct xen_memory_exchange x;

    if ( cmd >> MEMOP_EXTENT_SHIFT )
        return -EINVAL;
    if ( !pv_compat_range_ok(arg, sizeof(c)) ||
         copy_from_guest_bytes(&c, p, sizeof(c)) )
        return -EFAULT;
    widen(&c.in, &x.in);
    widen(&c.out, &x.out);
    x.nr_exchanged = c.nr_exchanged;
    return memory_exchange(&x, &p->nr_exchanged,
                           current->domain->arch.pv.compat_virt_start,
                           (XEN_GUEST_HANDLE_PARAM(void)){ p });
}

/*
 * The sub-ops whose structures hold 32-bit lists are translated here; the
 * same-layout ones (reservation sizes, maximum_gpfn, maximum_ram_page)
 * and the machphys and machine-map queries, which read a 32-bit caller's
 * layouts themselves (mm/memory_op.c), go to do_memory_op() once the
 * domid or structure is the guest's own, as does get_vnumainfo, whose
 * handles sit in 64-bit slots at both widths; the rest are -ENOSYS.
 */
long pv_compat_memory_op(uint32_t cmd, uint32_t arg)
{
    switch ( cmd & MEMOP_CMD_MASK )
    {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation(cmd, arg);
    case XENMEM_exchange:
        return exchange(cmd, arg);
    }
    switch ( cmd )
    {
    case XENMEM_set_memory_map:
    {
        struct compat_foreign_memory_map m;

        if ( !pv_compat_range_ok(arg, sizeof(m)) ||
             copy_from_guest_bytes(&m, (void *)(unsigned long)arg, sizeof(m)) )
            return -EFAULT;
        return memory_set_memory_map(m.domid);
    }
    case XENMEM_get_vnumainfo:
        if ( !pv_compat_range_ok(arg, sizeof(struct xen_vnuma_topology_info)) )
            return -EFAULT;
        break;
    case XENMEM_acquire_resource:
    {
        struct compat_mem_acquire_resource c;
        struct xen_mem_acquire_resource r;

        if ( !pv_compat_range_ok(arg, sizeof(c)) ||
             copy_from_guest_bytes(&c, (void *)(unsigned long)arg, sizeof(c)) )
            return -EFAULT;
        r = (struct xen_mem_acquire_resource){
            .domid = c.domid,
            .type = c.type,
            .id = c.id,
            .nr_frames = c.nr_frames,
            .pad = c.pad,
            .frame = (uint64_t)c.frame_hi << 32 | c.frame_lo,
        };
        /* Nothing is mapped yet, so the 32-bit list is never written. */
        return memory_acquire_resource(&r);
    }
    case XENMEM_maximum_ram_page:
        break;
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        if ( !pv_compat_range_ok(arg, sizeof(domid_t)) )
            return -EFAULT;
        break;
    case XENMEM_machphys_mapping:
    case XENMEM_machphys_mfn_list:
    case XENMEM_machphys_compat_mfn_list:
    case XENMEM_machine_memory_map:
        /* Three 32-bit words; the machine map's two. */
        if ( !pv_compat_range_ok(arg,
                                 (cmd == XENMEM_machine_memory_map ? 2 : 3) *
                                     sizeof(uint32_t)) )
            return -EFAULT;
        break;
    default:
        return -ENOSYS;
    }
    return do_memory_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){
                                 (void *)(unsigned long)arg });
}
