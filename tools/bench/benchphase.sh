# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the xl/xm benchmarks' dom0 scripts: where a create's time goes.
# Needs say(), up(), since() and $log (the guest's console log).

# Each input line with dom0's uptime in front, without a fork per line.
stamp_lines() {
    while IFS= read -r l; do
        read -r u _ </proc/uptime
        echo "$u $l"
    done
}

# xl create -vvv of $1, each line of its progress stamped (its phases, in
# /tmp/xl.log for phases()); fails as xl create does.
xl_create() {
    { xl -vvv create "$1" 2>&1 >/dev/null || echo create-failed; } |
        stamp_lines >/tmp/xl.log
    ! grep -q ' create-failed$' /tmp/xl.log
}

# Seconds from $1 until the guest's first console output reaches its log
# (xenconsoled's copy of the console ring).
first_console() {
    until [ -s $log ]; do sleep 0.05; done
    say "phase first-console $(since $1)"
}

# After the guest reached userspace: the toolstack's own phases ($1: xm or
# xl; xl's from its -vvv output stamped by stamp_lines, relative to $t0)
# and the guest's console with its printk times, for the per-phase table.
phases() {
    if [ "$1" = xm ]; then
        grep -E ' took |libhvxc: ' /var/log/xen/xend.log |
            grep -v 'list took' | sed 's/^/hv-bench: phase xend /'
    elif [ -f /tmp/xl.log ]; then
        awk -v t0=$t0 '{ t = $1; $1 = ""; printf "hv-bench: phase xl %.2f%s\n", t - t0, $0 }' \
            /tmp/xl.log
    fi
    sed 's/^/hv-glog: /' $log
}
