/* SPDX-License-Identifier: GPL-2.0-only */
/* Grant tables: a domain's table set-up and teardown, and grant_table_op. */
#ifndef XEN_GRANT_TABLE_H
#define XEN_GRANT_TABLE_H

#include <xen/types.h>
#include <public/grant_table.h>

struct domain;

/*
 * Xen 4.17's defaults: a table starts with one frame and may grow to
 * gnttab_max_frames (64); a domain may hold up to gnttab_max_maptrack_frames
 * (1024) frames' worth of mapping handles.
 */
#define GNTTAB_INITIAL_FRAMES       1
#define GNTTAB_DEFAULT_MAX_FRAMES   64
#define GNTTAB_DEFAULT_MAX_MAPTRACK 1024

/*
 * Gives d a version 1 table of GNTTAB_INITIAL_FRAMES frames, shared with
 * d, with the default limits.  0 or -ENOMEM; on failure d has no table.
 */
int grant_table_init(struct domain *d);

/*
 * The limits of XEN_DOMCTL_createdomain (max_grant_frames,
 * max_maptrack_frames, the version bits of grant_opts), for a table not
 * yet in use.  -EINVAL if a limit is out of range or below what the table
 * already has.
 */
int grant_table_set_limits(struct domain *d, unsigned int max_frames,
                           unsigned int max_maptrack_frames,
                           unsigned int max_version);

/*
 * Domain destruction: d's own mappings of other domains' grants are
 * released (their PTEs must already be gone with d's page tables) and
 * d's table frames lose their allocation reference.  The table stays
 * usable by other domains holding a reference to d.  Call once d runs no
 * more, after its page tables are torn down.
 */
void grant_table_release(struct domain *d);

/*
 * Frees d's table with its frames (releasing first, if that wasn't done):
 * when d itself is freed, as nobody can reach the table any more.
 */
void grant_table_destroy(struct domain *d);

/*
 * The machine frame of shared frame idx (or, with status, v2 status frame
 * idx) of d's table, growing the table up to its limit to reach it: for
 * XENMEM_add_to_physmap and XENMEM_acquire_resource.  0 or -EINVAL.
 */
int grant_table_frame_mfn(struct domain *d, unsigned int idx, bool status,
                          mfn_t *mfn);

long do_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop,
                       unsigned int count);

/*
 * GNTTABOP_setup_table on op, read already: op->status set, each frame i
 * of the table handed to put() (non-zero: the list is not writable).
 * For the 32-bit guests' translation (pv/compat_grant.c).
 */
long gnttab_do_setup_table(struct gnttab_setup_table *op,
                           int (*put)(const struct gnttab_setup_table *op,
                                      unsigned int i, xen_pfn_t mfn));

/*
 * One GNTTABOP_copy element, read already: its status.  For the 32-bit
 * guests' translation (pv/compat_grant.c), whose elements are narrower.
 */
int16_t gnttab_copy_one(const struct gnttab_copy *op);

/*
 * GNTTABOP_get_status_frames on op, read already: op->status set, the
 * frames written to op->frame_list.  For the 32-bit guests' translation.
 */
void gnttab_do_get_status_frames(struct gnttab_get_status_frames *op);

#endif /* XEN_GRANT_TABLE_H */
