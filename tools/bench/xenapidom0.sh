#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Dom0's side of tools/bench/xenapi.py: says when xend answers; the host's clients do the rest.
say() { echo "hv-bench: $*"; }
i=0
until xm list >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 150 ] && { say "xend failed"; exit 1; }
    sleep 0.2
done
say "start xend"
