#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Dom0's side of tools/bench/xm.py: xm create (our xend) or xl create (Xen's).
cd /etc/xen
say() { echo "hv-bench: $*"; }
up() { cut -d' ' -f1 /proc/uptime; }
since() { echo $1 $(up) | awk '{printf "%.2f", $2 - $1}'; }
log=/var/log/xen/console/guest-bench.log
# Waits up to $2 seconds for $1 in the guest's console.
wait_log() {
    timeout "$2" sh -c "until grep -q '$1' $log 2>/dev/null; do sleep 0.1; done"
}
. /etc/hv-rootfs/benchphase.sh

# Our dom0 has xend (started by xen-start); Xen 4.17's has Debian's xl.
if [ -x /usr/sbin/xend ]; then
    tool=xm
    i=0
    until xm list >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -gt 150 ] && { say "xend failed"; exit 1; }
        sleep 0.2
    done
else
    tool=xl
fi
say "start $tool"
t0=$(up)
first_console $t0 &
if [ $tool = xl ]; then
    xl_create bench.cfg || say "create failed"
else
    $tool create bench.cfg >/dev/null || say "create failed"
fi
say "create $(since $t0)"
wait_log "hv-guest: userspace" 120 && say "userspace $(since $t0)"
phases $tool
# The quick commands on the running guest: ours is xm's C front end.
for c in list pause unpause; do
    t0=$(up)
    if [ $c = list ]; then $tool list >/dev/null; else $tool $c bench; fi ||
        say "$c failed"
    say "$c $(since $t0)"
done
# The same through the Python xm alone (what xm was before its C front end).
if [ $tool = xm ]; then
    for c in list pause unpause; do
        t0=$(up)
        /usr/lib/hv-xen/bin/xm.py $c $([ $c = list ] || echo bench) >/dev/null
        say "phase python xm $c $(since $t0)"
    done
fi
t0=$(up)
$tool destroy bench || say "destroy failed"
say "destroy $(since $t0)"
# A second domain of the same kernel, as a user starting several: ours
# takes the unpacked kernel from xend's cache (xend-kernel-cache), xl
# unpacks it again.
: >$log
t0=$(up)
$tool create bench.cfg >/dev/null 2>&1 || say "create2 failed"
say "create again $(since $t0)"
wait_log "hv-guest: userspace" 120 && say "userspace again $(since $t0)"
$tool destroy bench || say "destroy failed"
# xm create through the C front end and through the Python xm alone, each
# paused (no guest boot to wait for), both from the cache.
if [ $tool = xm ]; then
    for x in xm /usr/lib/hv-xen/bin/xm.py; do
        t0=$(up)
        $x create -p -q bench.cfg || say "paused_create failed"
        say "phase $x create -p $(since $t0)"
        xm destroy bench
    done
fi
# Where xm's create and destroy went: xend's own time for each call and
# its phases (xend.log at DEBUG), the rest is xm starting and talking to
# xend.
if [ $tool = xm ]; then
    grep -E 'xend\.domain(s_with_state|\.[a-z]+) took|create bench:|libhvxc: (build d|kernel unpacked)|hard_shutdown:|: (build|xenstore skeleton|introduce|destroy: [a-z]+) took' \
        /var/log/xen/xend.log | sed 's/^/hv-bench: phase /'
    t0=$(up)
    python3 -c pass
    say "phase python3 -c pass $(since $t0)"
    t0=$(up)
    python3 -S -c pass
    say "phase python3 -S -c pass $(since $t0)"
    t0=$(up)
    xm domid Domain-0 >/dev/null
    say "phase xm domid Domain-0 $(since $t0)"
fi
say done
