# SPDX-License-Identifier: GPL-2.0-only
# Shared by our hotplug scripts: xenstore access under XENBUS_PATH, logging.
#
# The caller (a toolstack, or a uevent handler) gives the backend's
# xenstore directory in XENBUS_PATH, absolute or relative to dom0's
# /local/domain/0 (the form Linux's backends put in their uevents).
# Results go back where Linux's backends and toolstacks look:
# `hotplug-status` ("connected" or "error") and `hotplug-error` (why).

XENSTORE_READ=${XENSTORE_READ:-xenstore-read}
XENSTORE_WRITE=${XENSTORE_WRITE:-xenstore-write}
HOTPLUG_LOG=${HOTPLUG_LOG:-/var/log/xen/hotplug.log}
# Serialises the scripts' choices of shared resources (a free loop device).
HOTPLUG_LOCK=${HOTPLUG_LOCK:-/run/xen/hotplug.lock}
# Where network interfaces are listed (a test points it at a fake tree).
SYSFS_NET=${SYSFS_NET:-/sys/class/net}

log() {
    echo "$(basename "$0") ${XENBUS_PATH:-?}: $*" >>"$HOTPLUG_LOG" 2>/dev/null
}

# The node $1 under the backend's directory; empty (and status 1) if absent.
xs_get() {
    $XENSTORE_READ "$XENBUS_PATH/$1" 2>/dev/null
}

xs_put() {
    $XENSTORE_WRITE "$XENBUS_PATH/$1" "$2"
}

# Tells the waiting toolstack why, logs it and ends the script.
fail() {
    log "error: $*"
    echo "$(basename "$0"): $*" >&2
    xs_put hotplug-error "$*" 2>/dev/null
    xs_put hotplug-status error 2>/dev/null
    exit 1
}

connected() {
    xs_put hotplug-status connected || fail "cannot write hotplug-status"
    log "connected"
}

[ -n "$XENBUS_PATH" ] || {
    echo "$(basename "$0"): XENBUS_PATH is not set" >&2
    exit 2
}
