#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs every xenstore test program; each prints PASS/FAIL/SKIP lines.
set -u
B=${1:-build}
FUZZ_SECONDS=${2:-18}
FUZZ_PERSIST_SECONDS=${3:-6}
cd "$(dirname "$0")" || exit 1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# run NAME CMD...: a program that crashes or exits non-zero without having
# said why still counts as a failure.
run() {
    name=$1
    shift
    out=$("$@" 2>&1)
    st=$?
    printf '%s\n' "$out"
    if [ $st -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL: '; then
        echo "FAIL: $name: exited with status $st"
    fi
}

run unit "$B/test_unit"
run domain "$B/test_domain"
run model "$B/test_model"
run sock "$B/test_sock" "$B/xenstored"
run client "$B/test_client" "$B"
run interop ./interop.sh "$B"
run cli ./cli.sh "$B"

# The shipped build (-O2, no sanitizers) under load from the benchmark,
# run under valgrind when it is there.
smoke() {
    d=$(mktemp -d /tmp/xs-smoke.XXXXXX)
    vg=""
    if command -v valgrind >/dev/null 2>&1; then
        vg="valgrind -q --error-exitcode=99 --leak-check=full"
        vg="$vg --errors-for-leak-kinds=definite"
    fi
    $vg "$B/opt/xenstored" -s "$d/sock" -S "$d/state" 2>"$d/log" &
    dp=$!
    i=0
    while [ ! -S "$d/sock" ] && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    if "$B/opt/bench" -s "$d/sock" -t 0.1 >"$d/bench.out" 2>&1 &&
       kill -0 $dp 2>/dev/null; then
        kill $dp
        wait $dp
        st=$?
        if [ $st -eq 0 ]; then
            echo "PASS: smoke_optimized_daemon${vg:+_valgrind}"
        else
            sed 's/^/daemon: /' "$d/log"
            echo "FAIL: smoke_optimized_daemon: exit status $st"
        fi
    else
        kill $dp 2>/dev/null
        wait $dp
        cat "$d/bench.out"
        sed 's/^/daemon: /' "$d/log"
        echo "FAIL: smoke_optimized_daemon: bench failed or daemon died"
    fi
    rm -rf "$d"
}
smoke

# fuzz TARGET SECONDS SEEDDIR MAXLEN
fuzz() {
    t=$1
    if [ ! -x "$B/$t" ]; then
        echo "SKIP: $t: clang with libFuzzer not available"
        return
    fi
    rm -rf "$B/$t-corpus"
    mkdir -p "$B/$t-corpus"
    # Fixed seed: the same mutations every time, bounded in time.
    if "$B/$t" -seed=1 -max_total_time="$2" -max_len="$4" \
           -print_final_stats=0 -artifact_prefix="$B/" \
           "$B/$t-corpus" "$3" >"$B/$t.log" 2>&1; then
        echo "$t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' \
                   "$B/$t.log")"
        echo "PASS: $t"
    else
        tail -40 "$B/$t.log"
        echo "FAIL: $t: see the crash above (input saved in $B)"
    fi
}

rm -rf "$B/seeds" "$B/pseeds"
python3 ./gen_seeds.py "$B/seeds" "$B/pseeds"
fuzz fuzz_msg "$FUZZ_SECONDS" "$B/seeds" 8192
fuzz fuzz_persist "$FUZZ_PERSIST_SECONDS" "$B/pseeds" 65536
