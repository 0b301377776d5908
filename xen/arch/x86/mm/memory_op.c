/* SPDX-License-Identifier: GPL-2.0-only */
/* x86's memory_op sub-ops: where the M2P is and its frames, memory maps. */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <asm/e820.h>
#include <asm/m2p.h>
#include <asm/pv/compat_mm.h>
#include <public/memory.h>
#include <xsm/xsm.h>

/* A 32-bit PV guest's arguments have the compat layouts. */
static bool caller_is_pv32(void)
{
    const struct domain *d = current->domain;

    return is_pv_domain(d) && d->arch.pv.is_32bit;
}

/*
 * The host's map, as the firmware gave it, for the hardware domain.  A
 * 32-bit caller's xen_memory_map is two 32-bit words (count, buffer);
 * the entries are fixed-width at both.
 */
static long machine_memory_map(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_map map;
    struct {
        uint32_t nr_entries, buffer;
    } cmap;
    bool pv32 = caller_is_pv32();
    unsigned long addr = guest_handle_addr(arg);
    unsigned int n;

    if ( xsm_machine_memory_map(current->domain) )
        return -EPERM;
    if ( pv32 ? copy_from_guest_addr(&cmap, addr)
              : copy_from_guest(&map, arg, 1) )
        return -EFAULT;
    if ( pv32 )
    {
        map.nr_entries = cmap.nr_entries;
        map.buffer.p = (void *)(unsigned long)cmap.buffer;
    }
    n = min(map.nr_entries, e820.nr_map);
    if ( copy_to_guest_bytes(map.buffer.p, e820.map, n * sizeof(*e820.map)) )
        return -EFAULT;
    if ( pv32 )
    {
        cmap.nr_entries = n;
        return copy_to_guest_addr(addr, &cmap) ? -EFAULT : 0;
    }
    map.nr_entries = n;
    return copy_to_guest(arg, &map, 1) ? -EFAULT : 0;
}

/* xen_machphys_mfn_list as a 32-bit guest lays it out. */
struct compat_mfn_list {
    uint32_t max_extents;
    uint32_t extent_start; /* of 32-bit frame numbers */
    uint32_t nr_extents;
};

/*
 * The first frame of each 2 MiB piece of the M2P a caller sees: the
 * 8-byte one, or the compat one (compat, and all a 32-bit caller gets,
 * as in Xen).  Each piece is contiguous.
 */
static long machphys_mfn_list(XEN_GUEST_HANDLE_PARAM(void) arg, bool compat)
{
    struct xen_machphys_mfn_list l;
    struct compat_mfn_list cl;
    bool pv32 = caller_is_pv32();
    unsigned long chunks, addr = guest_handle_addr(arg), list;
    unsigned int i, max;

    if ( pv32 ? copy_from_guest_addr(&cl, addr) : copy_from_guest(&l, arg, 1) )
        return -EFAULT;
    compat |= pv32;
    chunks = compat ? m2p_compat_nr_chunks()
                    : DIV_ROUND_UP(max_page * sizeof(unsigned long),
                                   L2_PAGE_SIZE);
    max = pv32 ? cl.max_extents : l.max_extents;
    list = pv32 ? cl.extent_start : guest_handle_addr(l.extent_start);
    for ( i = 0; i < max && i < chunks; i++ )
    {
        xen_pfn_t mfn = mfn_x(compat ? m2p_compat_chunk_mfn(i)
                                     : m2p_chunk_mfn(i));
        uint32_t mfn32 = mfn;

        if ( pv32 ? copy_to_guest_addr(list + i * sizeof(mfn32), &mfn32)
                  : copy_to_guest_addr(list + i * sizeof(mfn), &mfn) )
            return -EFAULT;
    }
    if ( !pv32 )
    {
        l.nr_extents = i;
        return copy_to_guest(arg, &l, 1) ? -EFAULT : 0;
    }
    cl.nr_extents = i;
    return copy_to_guest_addr(addr, &cl) ? -EFAULT : 0;
}

/*
 * Where a 32-bit guest finds the compat M2P: from its own
 * HYPERVISOR_COMPAT_VIRT_START, as Xen's (entry 0 there).
 */
static long compat_machphys_mapping(unsigned long addr)
{
    uint32_t start = current->domain->arch.pv.compat_virt_start;
    struct {
        uint32_t v_start, v_end, max_mfn;
    } m = {
        .v_start = start,
        .v_end = PV32_M2P_END,
        .max_mfn = (PV32_M2P_END - start) / sizeof(uint32_t) - 1,
    };

    return copy_to_guest_addr(addr, &m) ? -EFAULT : 0;
}

long arch_memory_op(unsigned int op, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch ( op )
    {
    case XENMEM_machphys_mapping:
    {
        if ( caller_is_pv32() )
            return compat_machphys_mapping(guest_handle_addr(arg));
        struct xen_machphys_mapping m = {
            .v_start = MACH2PHYS_VIRT_START,
            .v_end = MACH2PHYS_VIRT_START + max_page * sizeof(unsigned long),
            .max_mfn = max_page - 1,
        };

        return copy_to_guest(arg, &m, 1) ? -EFAULT : 0;
    }
    case XENMEM_machphys_mfn_list:
    case XENMEM_machphys_compat_mfn_list:
        return machphys_mfn_list(arg, op == XENMEM_machphys_compat_mfn_list);
    case XENMEM_machine_memory_map:
        return machine_memory_map(arg);
    /* A PV guest's own map is the machine's in dom0; none is kept. */
    case XENMEM_memory_map:
    default:
        return -ENOSYS;
    }
}
