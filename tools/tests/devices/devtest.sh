#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Dom0's side of the devices suite: each disk and NIC used, one verdict line each.
# Run by mkrootfs's /init from /etc/hv-rootfs/init.d; run.py reads the
# "hv-devtest:" lines from the console.
say() { echo "hv-devtest: $*"; }
verdict() { # name rc detail
    if [ "$2" = 0 ]; then say "PASS $1 $3"; else say "FAIL $1 $3"; fi
}

# A block device appears once its driver has probed: wait for it.
wait_for() {
    i=0
    while [ ! -e "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    [ -e "$1" ]
}

# mkfs, write 16 MiB, unmount, fsck, mount again and read it back: the
# sums must agree (the page cache goes with the unmount, so the second
# read comes from the disk).
disk() { # name device
    name=$1 dev=$2 mnt=/mnt/$1
    wait_for "$dev" || { verdict "$name" 1 "no $dev"; return; }
    mkdir -p "$mnt"
    t0=$(date +%s)
    mkfs.ext4 -q -F -L "$name" "$dev" >/tmp/$name.log 2>&1 ||
        { verdict "$name" 1 "mkfs.ext4 failed: $(tail -n1 /tmp/$name.log)"; return; }
    mount -t ext4 "$dev" "$mnt" ||
        { verdict "$name" 1 "mount failed"; return; }
    dd if=/dev/urandom of="$mnt/data" bs=64k count=256 2>/dev/null
    mkdir -p "$mnt/dir" && echo hv-devtest >"$mnt/dir/note"
    wrote=$(sha256sum <"$mnt/data")
    umount "$mnt" || { verdict "$name" 1 "umount failed"; return; }
    e2fsck -f -n "$dev" >/tmp/$name.log 2>&1
    rc=$?
    [ $rc = 0 ] || { verdict "$name" 1 "e2fsck -f -n: status $rc: $(tail -n1 /tmp/$name.log)"; return; }
    mount -t ext4 -o ro "$dev" "$mnt" ||
        { verdict "$name" 1 "second mount failed"; return; }
    read=$(sha256sum <"$mnt/data")
    note=$(cat "$mnt/dir/note")
    umount "$mnt"
    [ "$read" = "$wrote" ] && [ "$note" = hv-devtest ]
    verdict "$name" $? "ext4 on $dev: made, 16 MiB written, fsck clean, read back ($(($(date +%s) - t0)) s)"
}

# The interface whose driver is $1.
iface_of() {
    for n in /sys/class/net/*; do
        d=$(readlink "$n/device/driver" 2>/dev/null)
        [ "${d##*/}" = "$1" ] && { echo "${n##*/}"; return 0; }
    done
    return 1
}

# A DHCP lease from QEMU's user network, then pings to its gateway.  One
# NIC at a time: both leases are 10.0.2.15 (two separate user networks).
nic() { # name driver
    name=$1 i=0
    while ! ifc=$(iface_of "$2") && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    [ -n "$ifc" ] || { verdict "$name" 1 "no interface driven by $2"; return; }
    ip link set "$ifc" up
    udhcpc -i "$ifc" -n -q -f -t 10 -T 2 -s /etc/hv-devtest/udhcpc.script \
        >/tmp/$name.log 2>&1 ||
        { verdict "$name" 1 "$ifc ($2): no lease: $(tail -n1 /tmp/$name.log)"; return; }
    addr=$(ip -4 -o addr show dev "$ifc" | awk '{print $4}')
    ping -c 3 -W 3 -I "$ifc" 10.0.2.2 >/tmp/$name.ping 2>&1
    rc=$?
    ip addr flush dev "$ifc"
    ip link set "$ifc" down
    verdict "$name" $rc "$ifc ($2): lease $addr, $(grep -o '[0-9]* packets received' /tmp/$name.ping) from 10.0.2.2"
}

say "start"
disk ide-disk /dev/sda
disk virtio-disk /dev/vda
nic e1000-nic e1000
nic virtio-nic virtio_net
# What must never show in dom0's log.
bad=$(dmesg | grep -E 'xen map irq failed|Failed to add|swiotlb.*(error|fail|full)|No low mem|WARNING:|BUG:|Oops|Call Trace' | head -n 3)
[ -z "$bad" ]
verdict dom0-log $? "no map irq, PCI add, swiotlb, WARN or BUG line${bad:+: $bad}"
say "done"
