#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Dom0's side of tools/bench/xl.py: xl create, the guest's figures, xl destroy.
cd /etc/xen
say() { echo "hv-bench: $*"; }
up() { cut -d' ' -f1 /proc/uptime; }
since() { echo $1 $(up) | awk '{printf "%.2f", $2 - $1}'; }
rate() { awk -v mb="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", mb / (b - a) }'; }
log=/var/log/xen/console/guest-bench.log
# Waits up to $2 seconds for $1 in the guest's console.
wait_log() {
    timeout "$2" sh -c "until grep -q '$1' $log 2>/dev/null; do sleep 0.1; done"
}
. /etc/hv-rootfs/benchphase.sh
TCP_MB=32
guest=192.168.100.2

# The guest's disk lives in dom0's memory, so the disk under the loop
# device costs the same on both hypervisors.
dd if=/dev/zero of=/tmp/xvda.img bs=1M count=80 2>/dev/null
losetup /dev/loop0 /tmp/xvda.img || say "loop failed"
brctl addbr xenbr0 && ip addr add 192.168.100.1/24 dev xenbr0 &&
    ip link set xenbr0 up || say "bridge failed"
# The guest's sender (netfront -> netback).  Its stdin is a FIFO this
# shell holds open, so the listener never sends and only the guest's
# close ends it; then the count of bytes received goes back to the
# guest's port 5003, which stops the guest's clock: the figure is what
# arrived here, not what the guest's nc handed to its socket.
mkfifo /tmp/hold && exec 3<>/tmp/hold
(
    n=$(nc -l -p 5001 </tmp/hold | wc -c)
    echo $n | nc $guest 5003
) &

say start
t0=$(up)
first_console $t0 &
xl_create bench.cfg || say "create failed"
say "xl-create $(since $t0)"
wait_log "hv-guest: userspace" 90 && say "userspace $(since $t0)"
# netback -> netfront: the guest counts what it read until this side's
# close and sends the count to port 5004; the clock stops on that.
if wait_log "hv-guest: rx-listening" 120; then
    nc -l -p 5004 </dev/null >/tmp/rx-count &
    ack=$!
    t1=$(up)
    dd if=/dev/zero bs=64k count=$((TCP_MB * 16)) 2>/dev/null | nc $guest 5002
    wait $ack
    t2=$(up)
    n=$(cat /tmp/rx-count)
    if [ "$n" = $((TCP_MB << 20)) ]; then
        say "tcp-rx $(rate $TCP_MB $t1 $t2)"
    else
        say "tcp-rx-short ${n:-0} bytes"
    fi
fi
wait_log "hv-guest: bench-done" 60 || tail -20 $log
grep "^hv-guest: " $log
phases xl
# What the TCP figures rest on: the offloads netback and netfront agreed
# on, and the vif's packets and bytes (bytes per packet near the MTU:
# no GSO, every 1.5 KB a ring slot, a grant copy and maybe an event).
domid=$(xl domid bench)
for p in /local/domain/0/backend/vif/$domid/0 \
    /local/domain/$domid/device/vif/0; do
    xenstore-ls -f $p | grep -E 'feature|multi-queue|request-rx-copy' |
        sed 's/^/hv-diag: /'
done
grep "vif$domid.0:" /proc/net/dev | sed 's/^ */hv-diag: netdev /'
grep "vif$domid" /proc/interrupts | sed 's/^ */hv-diag: irq /'
t0=$(up)
xl destroy bench || say "destroy failed"
say "xl-destroy $(since $t0)"
say done
