/* SPDX-License-Identifier: GPL-2.0-only */
/* Grant table v1: our shared entries, and granting pages to domains. */

#ifndef MINIOS_GNTTAB_H
#define MINIOS_GNTTAB_H

#include <os.h>
#include <public/grant_table.h>

void gnttab_init(void);

/* A free reference now letting domid use frame; negative if none left. */
long gnttab_grant_access(domid_t domid, unsigned long mfn, bool readonly);
/* Revoke a grant; false if the page is still mapped by the grantee. */
bool gnttab_end_access(grant_ref_t ref);

/* The table Xen gave us (GNTTABOP_setup_table), mapped read-write. */
extern grant_entry_v1_t *gnttab_table;
extern unsigned int gnttab_nr_frames;
extern unsigned long gnttab_frames[];

#define GNTTAB_MAX_FRAMES 4

#endif /* MINIOS_GNTTAB_H */
