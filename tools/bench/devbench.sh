#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Dom0's side of tools/bench/devices.py: virtio-blk MB/s, then a TCP listener.
say() { echo "hv-bench: $*"; }
diag() { echo "hv-diag: $*"; }
# Seconds since boot, to the hundredth.
now() { cut -d' ' -f1 /proc/uptime; }
# Interrupts taken so far by virtio-net's receive queues, on every CPU.
rx_irqs() {
    awk '/virtio[0-9]*-input/ {
        for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i
    } END { print n + 0 }' /proc/interrupts
}
# MB/s for $1 MiB moved between $2 and $3.
rate() { awk -v mb="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", mb / (b - a) }'; }
# What a phase made dom0 do, to explain its figure: snap NAME before it,
# then after it (the hypervisor's event counters of a debug build of ours,
# xen/perfc.h, are zeroed and printed on its console around it; the keys
# do nothing elsewhere).
snap() {
    xl debug-keys P 2>/dev/null
    cat /proc/interrupts >/tmp/irq."$1"
    cat /proc/softirqs >/tmp/sirq."$1"
    head -1 /proc/stat >/tmp/stat."$1"
}
# Per interrupt source and softirq, what changed since snap NAME (one line
# each, counts per CPU), and dom0's CPU time split in hundredths of s.
counted() {
    cat /proc/interrupts >/tmp/irq."$1".b
    cat /proc/softirqs >/tmp/sirq."$1".b
    head -1 /proc/stat >/tmp/stat."$1".b
    xl debug-keys p 2>/dev/null
    for f in irq sirq; do
        awk -v tag="$1 $f" '
        FNR == NR { n[$1] = FNR
            for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) c[FNR, i] = $i
            next }
        { k = $1
          d = ""; any = 0
          for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) {
              v = $i - c[n[k], i]; d = d " " v; if (v) any = 1 }
          if (any) { $1 = ""; sub(/^[ 0-9]*/, ""); print tag, k d, "(" $0 ")" } }
        ' /tmp/$f."$1" /tmp/$f."$1".b | while read -r l; do diag "$l"; done
    done
    diag "$1 cpu-time $(awk 'FNR == NR { for (i = 2; i <= 9; i++) a[i] = $i; next }
        { printf "user %d sys %d idle %d iowait %d irq %d softirq %d steal %d",
          $2 - a[2], $4 - a[4], $5 - a[5], $6 - a[6], $7 - a[7], $8 - a[8],
          $9 - a[9] }' /tmp/stat."$1" /tmp/stat."$1".b)"
}

say start
MB=64
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
snap write
t0=$(now)
dd if=/dev/zero of=/dev/vda bs=1M count=$MB conv=fsync 2>/dev/null
t1=$(now)
counted write
echo 3 >/proc/sys/vm/drop_caches
t2=$(now)
dd if=/dev/vda of=/dev/null bs=1M count=$MB 2>/dev/null
t3=$(now)
say "blk-write $(rate $MB $t0 $t1)"
say "blk-read $(rate $MB $t2 $t3)"

# The host connects through QEMU's hostfwd and sends; nc ends at EOF.
for n in /sys/class/net/*; do
    [ "$(basename "$(readlink "$n/device/driver" 2>/dev/null)")" = virtio_net ] &&
        ifc=${n##*/}
done
ip link set "$ifc" up
udhcpc -i "$ifc" -n -q -f -t 10 -T 2 -s /etc/hv-devtest/udhcpc.script >/dev/null 2>&1 ||
    say "no lease on $ifc"
# Interrupt round trip: each echo request is a virtio-net kick, each reply
# an interrupt QEMU raises that reaches dom0 as an event; -A sends the next
# request when the reply is in, so the average RTT is one such round trip.
PINGS=500
i0=$(rx_irqs)
rtt=$(ping -A -q -c $PINGS 10.0.2.2 |
      sed -n 's|^round-trip .* = [0-9.]*/\([0-9.]*\)/.*|\1|p')
i1=$(rx_irqs)
say "ping-rtt ${rtt:-none} ms, $((i1 - i0)) rx irqs for $PINGS"
nc -l -p 5001 >/dev/null &
sleep 0.5
snap tcp
say listening
wait
counted tcp
say done
