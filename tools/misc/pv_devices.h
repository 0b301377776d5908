/* SPDX-License-Identifier: GPL-2.0-only */
/* xen-create-pv's PV devices: a disk and a vif through dom0's backends. */
#ifndef PV_DEVICES_H
#define PV_DEVICES_H

#include <stdint.h>

#include "xs_client.h"

/* Where the hotplug scripts are (tools/hotplug/Linux installed). */
#define PV_SCRIPTS_DIR "/etc/xen/scripts"

/*
 * Gives domid the disk xvda over path (a block device: type phy; a file:
 * type file, which the `block` script puts on a loop device), served by
 * dom0's blkback.  Returns 0, or -1 with a message on stderr.
 */
int pv_add_disk(struct xsc *xs, uint32_t domid, const char *path,
                const char *scripts);

/* Gives domid a vif (devid 0) whose backend joins bridge. */
int pv_add_vif(struct xsc *xs, uint32_t domid, const char *bridge,
               const char *scripts);

/*
 * After the domain is destroyed and its frontends' entries removed: runs
 * each backend's script to take the device down and removes the
 * backends' entries.
 */
void pv_remove_devices(struct xsc *xs, uint32_t domid);

#endif /* PV_DEVICES_H */
