/* SPDX-License-Identifier: GPL-2.0-only */
/* Grant table v1: our shared entries, and granting pages to domains. */

#include <lib.h>
#include <mm.h>
#include <gnttab.h>
#include <hypercall.h>

#define ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(grant_entry_v1_t))

/* Frames sit on a reserved virtual range inside our image. */
static char table_area[GNTTAB_MAX_FRAMES * PAGE_SIZE] __aligned(PAGE_SIZE);

grant_entry_v1_t *gnttab_table;
unsigned int gnttab_nr_frames;
unsigned long gnttab_frames[GNTTAB_MAX_FRAMES];

static unsigned int nr_entries;

long gnttab_grant_access(domid_t domid, unsigned long mfn, bool readonly)
{
    grant_ref_t ref;

    for ( ref = GNTTAB_NR_RESERVED_ENTRIES; ref < nr_entries; ref++ )
    {
        grant_entry_v1_t *e = &gnttab_table[ref];

        if ( e->flags || e->frame )
            continue;
        e->domid = domid;
        e->frame = mfn;
        /* Xen must see frame and domid before the entry becomes valid. */
        wmb();
        e->flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
        return ref;
    }
    return -1;
}

bool gnttab_end_access(grant_ref_t ref)
{
    volatile uint16_t *flags = &gnttab_table[ref].flags;
    uint16_t old = *flags;

    /* Clear the entry only if Xen is not using it right now. */
    do {
        if ( old & (GTF_reading | GTF_writing) )
            return false;
    } while ( !__atomic_compare_exchange_n(flags, &old, 0, false,
                                           __ATOMIC_SEQ_CST,
                                           __ATOMIC_SEQ_CST) );
    gnttab_table[ref].frame = 0;
    return true;
}

void gnttab_init(void)
{
    struct gnttab_query_size query = { .dom = DOMID_SELF };
    struct gnttab_setup_table setup = { .dom = DOMID_SELF };
    unsigned int i;
    long rc;

    rc = HYPERVISOR_grant_table_op(GNTTABOP_query_size, &query, 1);
    if ( rc || query.status )
        panic("GNTTABOP_query_size failed: %ld/%d", rc, query.status);
    setup.nr_frames = query.max_nr_frames < GNTTAB_MAX_FRAMES
                      ? query.max_nr_frames : GNTTAB_MAX_FRAMES;
    set_xen_guest_handle(setup.frame_list, gnttab_frames);
    rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &setup, 1);
    if ( rc || setup.status )
        panic("GNTTABOP_setup_table failed: %ld/%d", rc, setup.status);

    for ( i = 0; i < setup.nr_frames; i++ )
    {
        unsigned long va = (unsigned long)table_area + i * PAGE_SIZE;

        rc = set_pte(va, ((uint64_t)gnttab_frames[i] << PAGE_SHIFT) |
                         PTE_KERNEL_RW);
        if ( rc )
            panic("mapping grant frame %u failed: %ld", i, rc);
    }
    gnttab_table = (grant_entry_v1_t *)table_area;
    gnttab_nr_frames = setup.nr_frames;
    nr_entries = setup.nr_frames * ENTRIES_PER_FRAME;
}
