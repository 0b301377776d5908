#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dom0's side of tools/bench/domain_build.py: times PV domain builds.
# Each round builds the same mini-os (32 MiB, one vCPU) with our
# xen-create-pv (libhvxc) and with Debian's `xl create`, and destroys it;
# each time is the command's wall time in dom0, in milliseconds.
n=$(cat /etc/hv-bench/runs 2>/dev/null || echo 5)
ms() { awk '{printf "%d", $1 * 1000}' /proc/uptime; }
echo "hv-bench: start"
i=0
while [ $i -lt "$n" ]; do
    t0=$(ms)
    # The builder's phase times, shown after the timed command (the log).
    out=$(XEN_CREATE_PV_TIMES=1 xen-create-pv -k /guests/mini-os -m 32 \
          -n benchpv -c role=spin 2>/tmp/create-pv.times) ||
        { cat /tmp/create-pv.times; echo "hv-bench: create-pv failed"; break; }
    t1=$(ms)
    cat /tmp/create-pv.times
    id=${out#built d}
    xen-create-pv --destroy "${id%% *}" >/dev/null
    echo "hv-bench: create-pv $((t1 - t0))"
    t0=$(ms)
    xl create -q /etc/hv-bench/minios.cfg ||
        { echo "hv-bench: xl-create failed"; break; }
    t1=$(ms)
    xl destroy benchxl
    echo "hv-bench: xl-create $((t1 - t0))"
    i=$((i + 1))
done
echo "hv-bench: done"
