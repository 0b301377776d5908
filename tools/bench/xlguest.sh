#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The Linux domU's side of tools/bench/xl.py: blkfront MB/s, TCP with dom0.
say() { echo "hv-guest: $*"; }
now() { cut -d' ' -f1 /proc/uptime; }
rate() { awk -v mb="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", mb / (b - a) }'; }
peer=192.168.100.1
for a in $(cat /proc/cmdline); do
    case "$a" in hv_peer=*) peer=${a#*=} ;; esac
done
MB=64
TCP_MB=32

# xvda is a loop device in dom0 served by blkback; O_DIRECT keeps the
# guest's page cache out, so every MiB crosses the ring and the grants.
t0=$(now)
dd if=/dev/zero of=/dev/xvda bs=1M count=$MB oflag=direct 2>/dev/null
t1=$(now)
dd if=/dev/xvda of=/dev/null bs=1M count=$MB iflag=direct 2>/dev/null
t2=$(now)
say "blk-write $(rate $MB $t0 $t1)"
say "blk-read $(rate $MB $t1 $t2)"

# To dom0's listener on xenbr0 (netfront -> netback).  At its input's
# end busybox nc only half-closes (shutdown SHUT_WR) and exits at dom0's
# close, but the clock stops only when dom0 sends back, on port 5003,
# how many bytes it received: a failed connection gives no figure.
mkdir -p /tmp
nc -l -p 5003 </dev/null >/tmp/tx-count &
ack=$!
t0=$(now)
dd if=/dev/zero bs=64k count=$((TCP_MB * 16)) 2>/dev/null | nc $peer 5001
wait $ack
t1=$(now)
n=$(cat /tmp/tx-count)
if [ "$n" = $((TCP_MB << 20)) ]; then
    say "tcp-tx $(rate $TCP_MB $t0 $t1)"
else
    say "tcp-tx-short ${n:-0} bytes"
fi

# From dom0 (netback -> netfront), timed by dom0 until the count of
# bytes read here reaches it on port 5004.  The listener reads a FIFO held
# open here, so it never sends and only the sender's close ends it.
mkfifo /tmp/hold
(
    n=$(nc -l -p 5002 </tmp/hold | wc -c)
    echo $n | nc $peer 5004
) &
rx=$!
exec 3>/tmp/hold
sleep 0.3
say "rx-listening"
wait $rx
exec 3>&-
say "rx-done"

# Event-channel round trip between two domains: each echo request is a
# notification from netfront to netback and each reply one back.
rtt=$(ping -A -q -c 300 $peer |
      sed -n 's|^round-trip .* = [0-9.]*/\([0-9.]*\)/.*|\1|p')
say "ping-rtt ${rtt:-none}"
say "bench-done"
