/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PAE PV guests: the hypervisor's part of their page tables. */
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <asm/pv/compat_mm.h>

void pv32_fill_xen_l2(pte_t *l2)
{
    /* Nothing of the hypervisor's is mapped there until the compat M2P is. */
    memset(&l2[PV32_L2_XEN_FIRST], 0, (512 - PV32_L2_XEN_FIRST) * sizeof(*l2));
}
