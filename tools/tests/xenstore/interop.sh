#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Debian's xenstore-utils (and our xs-* tools) against our xenstored.
set -u
B=${1:?usage: interop.sh BUILD_DIR}
case "$B" in /*) ;; *) B="$(pwd)/$B" ;; esac
tmp=$(mktemp -d /tmp/xs-interop.XXXXXX)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

cases="write_read exists list ls chmod rm watch big_directory control
relative our_tools parallel_writers"
if [ ! -x /usr/bin/xenstore-read ]; then
    for c in $cases; do
        echo "SKIP: interop_$c: xenstore-utils not installed"
    done
    exit 0
fi

"$B/xenstored" -s "$tmp/sock" -S "$tmp/state" 2>"$tmp/daemon.log" &
pid=$!
export XENSTORED_PATH="$tmp/sock"
i=0
until xenstore-exists / 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 100 ]; then
        for c in $cases; do echo "FAIL: interop_$c: daemon not up"; done
        exit 1
    fi
    sleep 0.05
done

failed=0
# expect NAME EXPECTED ACTUAL
expect() {
    if [ "$2" = "$3" ]; then
        echo "PASS: interop_$1"
    else
        echo "FAIL: interop_$1: expected [$2] got [$3]" | tr '\n' ' '
        echo
        failed=1
    fi
}

xenstore-write /vm/a 1 /vm/b "two words"
expect write_read "1
two words" "$(xenstore-read /vm/a /vm/b 2>&1)"

r1=0; xenstore-exists /vm/a || r1=$?
r2=0; xenstore-exists /vm/zz 2>/dev/null || r2=$?
expect exists "0 1" "$r1 $([ $r2 -ne 0 ] && echo 1 || echo 0)"

expect list "a
b" "$(xenstore-list /vm 2>&1)"

expect ls '/vm/a = "1"
/vm/b = "two words"' "$(xenstore-ls -f /vm 2>&1)"

xenstore-chmod /vm/a n0 r5
expect chmod "(n0,r5) n0,r5" "$(xenstore-ls -p /vm 2>&1 | grep -o '(n0,r5)')\
 $("$B/xs-ls" -p /vm | grep -o 'n0,r5')"

xenstore-rm /vm/b
r=0; xenstore-read /vm/b 2>/dev/null || r=$?
expect rm "gone a" "$([ $r -ne 0 ] && echo gone) $(xenstore-list /vm)"

xenstore-watch -n 2 /w >"$tmp/watch.out" 2>&1 &
wpid=$!
sleep 0.3
xenstore-write /w/x 1
i=0
while kill -0 $wpid 2>/dev/null && [ $i -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
kill $wpid 2>/dev/null
wait $wpid 2>/dev/null
expect watch "/w
/w/x" "$(cat "$tmp/watch.out")"

# Too big for one DIRECTORY reply: Debian's library falls back to
# DIRECTORY_PART after our E2BIG.
args=""
n=0
while [ $n -lt 300 ]; do
    args="$args /big/node-with-quite-a-long-name-$n x"
    n=$((n + 1))
done
# shellcheck disable=SC2086
"$B/xs-write" $args
expect big_directory "300" "$(xenstore-list /big 2>&1 | wc -l)"

expect control "OK" "$("$B/xs-control" check 2>&1)"

xenstore-write rel/x 5
expect relative "5" "$(xenstore-read /local/domain/0/rel/x 2>&1)"

"$B/xs-write" /ours/k "from ours"
xenstore-write /ours/j "from debian"
"$B/xs-chmod" /ours/k b3
"$B/xs-watch" -n 1 /ours >"$tmp/ours.watch" 2>&1
r=0; "$B/xs-exists" /ours/nope || r=$?
expect our_tools "from ours|from debian|b3|/ours|1|j k" \
"$(xenstore-read /ours/k)|$("$B/xs-read" /ours/j)|\
$(xenstore-ls -p /ours | grep -o 'b3')|$(cat "$tmp/ours.watch")|$r|\
$("$B/xs-list" /ours | sort | tr '\n' ' ' | sed 's/ $//')"

# Debian's tools wrap each command in a transaction: run several at once.
wpids=""
for w in 1 2 3 4; do
    (
        n=0
        while [ $n -lt 15 ]; do
            # Bounded: a client stuck in a retry loop is a failure here.
            timeout 30 xenstore-write "/par/w$w/k$n" "$n" ||
                echo "write failed"
            n=$((n + 1))
        done
    ) >"$tmp/par$w.out" 2>&1 &
    wpids="$wpids $!"
done
for j in $wpids; do
    wait "$j"
done
expect parallel_writers "60 0" \
"$(xenstore-ls -f /par | grep -c '/k') $(cat "$tmp"/par*.out | wc -l)"

if ! kill -0 "$pid" 2>/dev/null; then
    echo "FAIL: interop_daemon_alive: daemon died"
    failed=1
fi
kill "$pid"
wait "$pid"
st=$?
pid=""
if [ $st -ne 0 ]; then
    echo "FAIL: interop_daemon_exit: status $st"
    failed=1
fi
if [ $failed -ne 0 ]; then
    sed 's/^/daemon: /' "$tmp/daemon.log"
fi
exit 0
