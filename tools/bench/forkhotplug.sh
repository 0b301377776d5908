#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# What Debian's vif-bridge and block do around their own work (fork.py).
# Installed beside them in /etc/xen/scripts: it sources their common
# files, takes and drops their lock, reads xenstore and looks at a link,
# which is most of the forks such a script makes before the unpause.
dir=$(dirname "$0")
. "$dir/xen-hotplug-common.sh"
claim_lock hv-bench
name=$(xenstore_read /local/domain/0/name)
mode=$(xenstore_read_default /local/domain/0/hv-bench-none w)
[ "$name" = Domain-0 ] && [ "$mode" = w ] || fatal "unexpected xenstore"
ip link show lo >/dev/null
release_lock hv-bench
