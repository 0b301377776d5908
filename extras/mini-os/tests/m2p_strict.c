/* SPDX-License-Identifier: GPL-2.0-only */
/* VMASST_TYPE_m2p_strict: who gets the read-only M2P's L4 slot, and when. */

#include "hostile.h"
#include "mmu.h"
#include <hypercall.h>
#include <mm.h>

/* L4 slot 256: the read-only machine-to-phys table. */
#define RO_MPT_SLOT 256

/* The same entry, but for the accessed bit our walks through it set. */
#define SAME_ENTRY(a, b) (!(((a) ^ (b)) & ~_PAGE_ACCESSED))

/*
 * As Xen keeps it: a new L4 has the slot only in strict mode; installed
 * as a kernel table it gets it unless strict, as a user table it loses it
 * if strict.  Run in a domU of its own: it installs user page tables and
 * a copy of its kernel one, and leaves the assist on.
 */
HOSTILE(m2p_strict, ro_mpt_slot)
{
    const uint64_t *live = (const uint64_t *)start_info->pt_base;
    unsigned long live_mfn = virt_to_mfn(live);
    uint64_t *a = table_page(), *b = alloc_page();

    CHECK(a && b, "no pages");
    CHECK(live[RO_MPT_SLOT], "our own L4 has no M2P");
    /* Not strict: a pinned L4 has none, a kernel one gets it. */
    CHECK_RC(ext1(MMUEXT_PIN_L4_TABLE, virt_to_mfn(a), 0), 0);
    CHECK(!a[RO_MPT_SLOT], "a new L4 has %" PRI64 "x", a[RO_MPT_SLOT]);
    CHECK_RC(ext1(MMUEXT_NEW_USER_BASEPTR, virt_to_mfn(a), 0), 0);
    CHECK(!a[RO_MPT_SLOT], "a user L4 has %" PRI64 "x", a[RO_MPT_SLOT]);
    CHECK_RC(ext1(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(a), 0), 0);
    memcpy(b, live, PAGE_SIZE);
    CHECK_RC(make_readonly(b), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L4_TABLE, virt_to_mfn(b), 0), 0);
    CHECK(!b[RO_MPT_SLOT], "a copy of our L4 has %" PRI64 "x", b[RO_MPT_SLOT]);
    CHECK_RC(ext1(MMUEXT_NEW_BASEPTR, virt_to_mfn(b), 0), 0);
    CHECK(SAME_ENTRY(b[RO_MPT_SLOT], live[RO_MPT_SLOT]),
          "the kernel L4 has %" PRI64 "x", b[RO_MPT_SLOT]);
    CHECK_RC(ext1(MMUEXT_NEW_BASEPTR, live_mfn, 0), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(b), 0), 0);

    /* Strict: every new L4 has it, a user table loses it. */
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable,
                                  VMASST_TYPE_m2p_strict), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L4_TABLE, virt_to_mfn(a), 0), 0);
    CHECK(SAME_ENTRY(a[RO_MPT_SLOT], live[RO_MPT_SLOT]), "a new L4 has %" PRI64 "x",
          a[RO_MPT_SLOT]);
    CHECK_RC(ext1(MMUEXT_NEW_USER_BASEPTR, virt_to_mfn(a), 0), 0);
    CHECK(!a[RO_MPT_SLOT], "a user L4 has %" PRI64 "x", a[RO_MPT_SLOT]);
}
