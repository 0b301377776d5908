#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs ./bench against our xenstored, then tries Xen 4.17's for comparison.
set -u
O=${1:-build}
SECS=${BENCH_SECONDS:-1}
tmp=$(mktemp -d /tmp/xs-bench.XXXXXX)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

wait_sock() {
    i=0
    while [ ! -S "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    [ -S "$1" ]
}

echo "== ours: $O/xenstored (journal in $tmp/state, fsync once a second)"
"$O/xenstored" -s "$tmp/ours.sock" -S "$tmp/state" &
pids="$pids $!"
if ! wait_sock "$tmp/ours.sock"; then
    echo "bench: our daemon did not start"
    exit 1
fi
"$O/bench" -s "$tmp/ours.sock" -t "$SECS" -l ours || exit 1

XEN=/usr/lib/xen-4.17/bin/xenstored
echo "== Xen 4.17: $XEN"
if [ ! -x "$XEN" ]; then
    echo "not installed (apt-get install xen-utils-4.17); ours alone above"
    exit 0
fi
# Without a hypervisor it must skip dom0 setup (-D); see whether it serves.
XENSTORED_RUNDIR="$tmp" XENSTORED_PATH="$tmp/xen.sock" \
    "$XEN" -N -D -T "$tmp/xen.trace" >"$tmp/xen.log" 2>&1 &
xpid=$!
pids="$pids $xpid"
if wait_sock "$tmp/xen.sock" &&
   XENSTORED_PATH="$tmp/xen.sock" timeout 5 xenstore-write /probe 1 \
       >/dev/null 2>&1 &&
   kill -0 "$xpid" 2>/dev/null; then
    "$O/bench" -s "$tmp/xen.sock" -t "$SECS" -l xen-4.17
else
    sleep 0.2
    if kill -0 "$xpid" 2>/dev/null; then state="still running"
    else wait "$xpid"; state="exited with status $?"; fi
    echo "cannot benchmark it here: started with -N -D (no hypervisor," \
         "no dom0 setup) it accepts the socket but a first WRITE fails and" \
         "the daemon $state (status 139 = SIGSEGV); without -D it needs" \
         "/dev/xen/privcmd. Ours alone above."
fi
