#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs the hotplug scripts against fakes and checks what they leave behind.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SCRIPTS=$HERE/../../hotplug/Linux
T=$(mktemp -d /tmp/hotplug-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
nfail=0

# The fake xenstore: a node is a file under $T/xs at its path.
mkdir -p "$T/bin" "$T/xs"
cat > "$T/bin/xs-read" <<'X'
#!/bin/sh
cat "$XS_DIR$1" 2>/dev/null
X
cat > "$T/bin/xs-write" <<'X'
#!/bin/sh
mkdir -p "$(dirname "$XS_DIR$1")" && printf %s "$2" > "$XS_DIR$1"
X
# Programs the scripts run: each call is logged.
for p in brctl ip losetup; do
    cat > "$T/bin/$p" <<X
#!/bin/sh
echo "$p \$*" >> "$T/calls"
[ "$p \$1" = "losetup -f" ] && echo "$T/blk"
exit 0
X
done
chmod +x "$T/bin/"*
export XS_DIR=$T/xs XENSTORE_READ=$T/bin/xs-read XENSTORE_WRITE=$T/bin/xs-write
export HOTPLUG_LOG=$T/log SYSFS_NET=$T/net HOTPLUG_LOCK=$T/run/lock
export PATH=$T/bin:$PATH
BE=/local/domain/0/backend/vbd/5/51712
VBE=/local/domain/0/backend/vif/5/0

# A block device of our own for phy and file (a loop device's numbers).
have_blk=false
mknod "$T/blk" b 7 200 2>/dev/null && have_blk=true

reset() {
    rm -rf "$T/xs" "$T/net" "$T/calls"
    mkdir -p "$T/xs" "$T/net"
    : > "$T/calls"
}
put() { mkdir -p "$(dirname "$T/xs$1")"; printf %s "$2" > "$T/xs$1"; }
get() { cat "$T/xs$1" 2>/dev/null; }

# check NAME: passes when every expectation since the last check held.
bad=
expect() {
    if [ "$1" != "$2" ]; then
        bad="$bad; $3: got '$1', want '$2'"
    fi
}
check() {
    if [ -z "$bad" ]; then
        echo "PASS: $1"
    else
        echo "FAIL: $1:${bad#;}"
        nfail=$((nfail + 1))
    fi
    bad=
}
skip() { echo "SKIP: $1: $2"; }

reset
XENBUS_PATH="" "$SCRIPTS/block" add 2>/dev/null
expect $? 2 "exit status"
check block_needs_xenbus_path

reset
put $BE/type nbd; put $BE/params x
XENBUS_PATH=$BE "$SCRIPTS/block" add 2>/dev/null
expect $? 1 "exit status"
expect "$(get $BE/hotplug-status)" error hotplug-status
expect "$(get $BE/hotplug-error)" "type 'nbd' is not phy or file" \
    hotplug-error
expect "$(get $BE/physical-device)" "" physical-device
check block_unknown_type

reset
put $BE/type file; put $BE/params "$T/none"
XENBUS_PATH=$BE "$SCRIPTS/block" add 2>/dev/null
expect "$(get $BE/hotplug-status)" error hotplug-status
expect "$(cat "$T/calls")" "" "programs run"
check block_missing_file

reset
put $BE/type phy; put $BE/params "$T/no-such-device"
XENBUS_PATH=$BE "$SCRIPTS/block" add 2>/dev/null
expect "$(get $BE/hotplug-status)" error hotplug-status
check block_phy_not_a_device

if $have_blk; then
    reset
    put $BE/type phy; put $BE/params "$T/blk"
    XENBUS_PATH=$BE "$SCRIPTS/block" add
    expect $? 0 "exit status"
    expect "$(get $BE/physical-device)" 7:c8 physical-device
    expect "$(get $BE/node)" "$T/blk" node
    expect "$(get $BE/hotplug-status)" connected hotplug-status
    XENBUS_PATH=$BE "$SCRIPTS/block" remove
    expect "$(cat "$T/calls")" "" "programs run"
    check block_phy

    reset
    : > "$T/img"
    put $BE/type file; put $BE/params "$T/img"; put $BE/mode r
    XENBUS_PATH=$BE "$SCRIPTS/block" add
    expect "$(get $BE/physical-device)" 7:c8 physical-device
    expect "$(get $BE/hotplug-status)" connected hotplug-status
    XENBUS_PATH=$BE "$SCRIPTS/block" remove
    expect "$(cat "$T/calls" | tr '\n' '|')" \
        "losetup -f|losetup -r $T/blk $T/img|losetup -d $T/blk|" \
        "programs run"
    check block_file_on_loop
else
    skip block_phy "cannot make a device node here"
    skip block_file_on_loop "cannot make a device node here"
fi

reset
mkdir -p "$T/net/xenbr0/bridge" "$T/net/vif5.0"
put $VBE/bridge xenbr0
XENBUS_PATH=$VBE "$SCRIPTS/vif-bridge" online
expect $? 0 "exit status"
expect "$(get $VBE/hotplug-status)" connected hotplug-status
expect "$(cat "$T/calls" | tr '\n' '|')" \
    "brctl addif xenbr0 vif5.0|ip link set vif5.0 up|" "programs run"
check vif_bridge_online

reset
mkdir -p "$T/net/br1/bridge" "$T/net/vif5.0"
vif=vif5.0 XENBUS_PATH=backend/vif/5/0 "$SCRIPTS/vif-bridge" add
expect "$(get /local/domain/0/backend/vif/5/0/hotplug-status)" "" \
    "absolute path written"
expect "$(cat "$T/calls" | head -1)" "brctl addif br1 vif5.0" \
    "dom0's first bridge"
check vif_bridge_default_bridge

reset
mkdir -p "$T/net/vif5.0"
put $VBE/bridge xenbr9
XENBUS_PATH=$VBE "$SCRIPTS/vif-bridge" online 2>/dev/null
expect $? 1 "exit status"
expect "$(get $VBE/hotplug-status)" error hotplug-status
expect "$(get $VBE/hotplug-error)" "xenbr9 is no bridge" hotplug-error
expect "$(cat "$T/calls")" "" "programs run"
check vif_bridge_no_bridge

reset
mkdir -p "$T/net/xenbr0/bridge" "$T/net/xenbr0/brif/vif5.0"
XENBUS_PATH=$VBE "$SCRIPTS/vif-bridge" offline
expect $? 0 "exit status"
expect "$(cat "$T/calls" | tr '\n' '|')" \
    "brctl delif xenbr0 vif5.0|ip link set vif5.0 down|" "programs run"
check vif_bridge_offline

# The bridge is made; a NIC that is there joins it with its addresses
# (the fake ip reports none), one that is not is left out.
reset
mkdir -p "$T/net/eth0"
"$SCRIPTS/network-bridge" start bridge=xenbr0 netdev=eth0 >/dev/null
expect $? 0 "exit status"
expect "$(grep brctl "$T/calls" | tr '\n' '|')" \
    "brctl addbr xenbr0|brctl setfd xenbr0 0|brctl addif xenbr0 eth0|" \
    "bridge calls"
reset
mkdir -p "$T/net/xenbr0/bridge"
"$SCRIPTS/network-bridge" start netdev=none >/dev/null
expect "$(grep brctl "$T/calls")" "" "bridge calls when it exists"
"$SCRIPTS/network-bridge" start bogus=1 2>/dev/null
expect $? 2 "exit status for a bad argument"
check network_bridge_start

[ $nfail -eq 0 ]
