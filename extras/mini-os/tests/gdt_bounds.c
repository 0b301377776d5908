/* SPDX-License-Identifier: GPL-2.0-only */
/* set_gdt at the edge of the guest's part of the GDT, with good frames. */

#include "test.h"
#include <hypercall.h>
#include <mm.h>

/* The guest's part: FIRST_RESERVED_GDT_PAGE frames, one more for the edge. */
#define GDT_FRAMES (FIRST_RESERVED_GDT_PAGE + 1)

/*
 * With only good frames, the count alone decides: every entry below
 * Xen's reserved ones may be the guest's, and one more is refused (its
 * frame would lie where Xen's own descriptors are mapped).
 */
TEST(gdt, set_gdt_entry_limit_with_good_frames)
{
    static unsigned long frames[16];
    void *pages[GDT_FRAMES];
    unsigned int n = 0;

    for ( ; n < GDT_FRAMES; n++ )
    {
        if ( !(pages[n] = alloc_page()) )
            break;
        memset(pages[n], 0, PAGE_SIZE);
        if ( make_readonly(pages[n]) )
        {
            free_page(pages[n]);
            break;
        }
        frames[n] = virt_to_mfn(pages[n]);
    }
    if ( n == GDT_FRAMES )
    {
        long rc = HYPERVISOR_set_gdt(frames, FIRST_RESERVED_GDT_ENTRY + 1);

        if ( rc != -XEN_EINVAL )
            test_fail("%u entries: %ld", FIRST_RESERVED_GDT_ENTRY + 1, rc);
        else if ( (rc = HYPERVISOR_set_gdt(frames,
                                           FIRST_RESERVED_GDT_ENTRY)) )
            test_fail("%u entries: %ld", FIRST_RESERVED_GDT_ENTRY, rc);
        else if ( (rc = HYPERVISOR_set_gdt(frames, 0)) )
            test_fail("an empty GDT: %ld", rc);
    }
    else
        test_fail("no pages");
    while ( n-- > 0 )
        if ( make_writable(pages[n]) == 0 )
            free_page(pages[n]);
}

/*
 * The count is checked before the frame list is read: one entry too many
 * is -EINVAL even when the list cannot be read at all, as in Xen.
 */
TEST(gdt, set_gdt_count_checked_before_list)
{
    CHECK_RC(HYPERVISOR_set_gdt(BAD_PTR, FIRST_RESERVED_GDT_ENTRY + 1),
             -XEN_EINVAL);
    CHECK_RC(HYPERVISOR_set_gdt(BAD_PTR, FIRST_RESERVED_GDT_ENTRY),
             -XEN_EFAULT);
}
