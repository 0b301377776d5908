/* SPDX-License-Identifier: MIT */
/* 9pfs split driver: 9P messages over flex byte rings (see ring.h). */

#ifndef __XEN_PUBLIC_IO_9PFS_H__
#define __XEN_PUBLIC_IO_9PFS_H__

#include "../grant_table.h"
#include "ring.h"

/*
 * Per ring: an interface page (struct xen_9pfs_data_intf) granted by
 * the frontend, listing ring_order data page grants in ref[].  The
 * frontend writes requests into the out half and the backend replies
 * into the in half, following the flex ring ownership rules.
 */
DEFINE_XEN_FLEX_RING_AND_INTF(xen_9pfs);

#endif /* __XEN_PUBLIC_IO_9PFS_H__ */
