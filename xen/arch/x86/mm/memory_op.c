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
#include <public/memory.h>
#include <xsm/xsm.h>

/* The host's map, as the firmware gave it, for the hardware domain. */
static long machine_memory_map(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_map map;
    unsigned int n;

    if ( xsm_machine_memory_map(current->domain) )
        return -EPERM;
    if ( copy_from_guest(&map, arg, 1) )
        return -EFAULT;
    n = min(map.nr_entries, e820.nr_map);
    if ( copy_to_guest(map.buffer, e820.map, n) )
        return -EFAULT;
    map.nr_entries = n;
    return copy_to_guest(arg, &map, 1) ? -EFAULT : 0;
}

/* The read-only M2P every PV guest sees, one 2 MiB chunk per extent. */
static long machphys_mfn_list(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_machphys_mfn_list l;
    unsigned long chunks = DIV_ROUND_UP(max_page * sizeof(unsigned long),
                                        L2_PAGE_SIZE);
    unsigned int i;

    if ( copy_from_guest(&l, arg, 1) )
        return -EFAULT;
    for ( i = 0; i < l.max_extents && i < chunks; i++ )
    {
        xen_pfn_t mfn = mfn_x(m2p_chunk_mfn(i));

        if ( copy_to_guest_offset(l.extent_start, i, &mfn, 1) )
            return -EFAULT;
    }
    l.nr_extents = i;
    return copy_to_guest(arg, &l, 1) ? -EFAULT : 0;
}

long arch_memory_op(unsigned int op, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch ( op )
    {
    case XENMEM_machphys_mapping:
    {
        struct xen_machphys_mapping m = {
            .v_start = MACH2PHYS_VIRT_START,
            .v_end = MACH2PHYS_VIRT_START + max_page * sizeof(unsigned long),
            .max_mfn = max_page - 1,
        };

        return copy_to_guest(arg, &m, 1) ? -EFAULT : 0;
    }
    case XENMEM_machphys_mfn_list:
        return machphys_mfn_list(arg);
    case XENMEM_machine_memory_map:
        return machine_memory_map(arg);
    /* A PV guest's own map is the machine's in dom0; none is kept. */
    case XENMEM_memory_map:
    default:
        return -ENOSYS;
    }
}
