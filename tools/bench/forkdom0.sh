#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Dom0's side of tools/bench/fork.py: process creation and page-fault loops.
say() { echo "hv-bench: $*"; }
loop=/usr/lib/hv-bench/forkloop
# Runs forkloop "$@" with the hypervisor's event counters (debug builds of
# ours, xen/perfc.h; the keys do nothing on a release build) zeroed before
# and printed after, on its serial console: what one loop made it do.
counted() {
    xl debug-keys P
    $loop "$@" || say "$2 failed"
    xl debug-keys p
}
say start
# Each loop a second or more on ours under TCG (Xen 4.17 takes three to
# seven times as long); FIGURES in fork.py reads
# them in this order.
counted spawn exec-true 100 /bin/true true
counted spawn sh-c-true 100 /bin/sh sh -c true
counted spawn hotplug-like 8 /bin/bash bash /etc/xen/scripts/hv-bench-hotplug
counted fork fork-16m 60 16
counted fault fault 10 16
say done
