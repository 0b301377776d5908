#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The command lines of xenstored and xs-tool: options, exit codes, closed
# standard descriptors.
set -u
B=${1:?usage: cli.sh BUILD_DIR}
case "$B" in /*) ;; *) B="$(pwd)/$B" ;; esac
tmp=$(mktemp -d /tmp/xs-cli.XXXXXX)
pid=""
wpid=""
cleanup() {
    [ -n "$wpid" ] && kill "$wpid" 2>/dev/null && wait "$wpid" 2>/dev/null
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export XENSTORED_PATH="$tmp/sock"

# expect NAME EXPECTED ACTUAL
expect() {
    if [ "$2" = "$3" ]; then
        echo "PASS: cli_$1"
    else
        echo "FAIL: cli_$1: expected [$2] got [$3]" | tr '\n' ' '
        echo
    fi
}

# up: true once the daemon ($pid) answers; false once it has exited (a
# zombie still passes kill -0) or after 10 s.
up() {
    end=$(($(date +%s) + 10))
    until "$B/xs-exists" / 2>/dev/null; do
        state=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)
        if [ -z "$state" ] || [ "$state" = Z ] ||
           [ "$(date +%s)" -ge $end ]; then
            return 1
        fi
        sleep 0.05
    done
}

# Started with stdin, stdout and stderr closed (as by some init systems),
# logging every connection: the tree it keeps survives a crash.
"$B/xenstored" -v --sync always -s "$tmp/sock" -S "$tmp/state" \
    <&- >&- 2>&- &
pid=$!
if up; then
    "$B/xs-write" /a 1 /b 2
    "$B/xs-write" /c 3
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    "$B/xenstored" --sync=never -s "$tmp/sock" -S "$tmp/state" \
        2>"$tmp/log" &
    pid=$!
    up
    expect stdio_closed "1 2 3" "$("$B/xs-read" /a /b /c 2>&1 | tr '\n' ' ' |
                                   sed 's/ $//')"
else
    expect stdio_closed "daemon up" "daemon not up"
fi

# Bounded: a daemon that took such options would serve forever.
r=0; timeout 10 "$B/xenstored" --sync sometimes --no-persist -s "$tmp/bad" \
    2>/dev/null || r=$?
r2=0; timeout 10 "$B/xenstored" --no-persist -s "$tmp/bad" stray \
    2>/dev/null || r2=$?
r3=0; timeout 10 "$B/xenstored" --quota-nodes 1x --no-persist -s "$tmp/bad" \
    2>/dev/null || r3=$?
expect daemon_bad_options "2 2 2" "$r $r2 $r3"

# Usage errors exit 2 and change nothing.
st=""
for args in "read" "write /u" "write /u 1 /v" "list" "list /a /b" \
            "ls -q" "chmod /a" "chmod /a q1" "frob /u 1" "mkdir" "rm" \
            "exists" "watch" "control"; do
    r=0
    # shellcheck disable=SC2086
    "$B/xs-tool" $args 2>/dev/null || r=$?
    st="$st$r"
done
expect tool_usage "22222222222222 1" "$st $("$B/xs-exists" /u /v || echo 1)"

# A command without arguments through xs-tool.
r=0; "$B/xs-tool" ls >/dev/null 2>&1 || r=$?
expect tool_command_alone "0" "$r"

# Several paths are listed in turn, as xenstore-ls lists them.
"$B/xs-write" /p/x 1 /q/y 2
expect tool_ls_paths 'x = "1"
y = "2"
/p/x = "1"
/q/y = "2"' "$("$B/xs-ls" /p /q 2>&1; "$B/xs-ls" -f /p /q 2>&1)"

# One path and no count: events until killed.
"$B/xs-watch" /w >"$tmp/watch.out" 2>&1 &
wpid=$!
i=0
until [ -s "$tmp/watch.out" ] || [ $i -gt 100 ]; do
    sleep 0.05
    i=$((i + 1))
done
"$B/xs-write" /w/x 1
i=0
until grep -q /w/x "$tmp/watch.out" || [ $i -gt 100 ]; do
    sleep 0.05
    i=$((i + 1))
done
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
wpid=""
expect tool_watch_one_path "/w
/w/x" "$(cat "$tmp/watch.out")"

# Values are printed escaped: quotes, backslashes, control characters.
"$B/xs-write" /e/v "$(printf 'a\001b\tc"d\\e~')"
expect tool_ls_escapes 'v = "a\x01b\x09c\"d\\e~"' "$("$B/xs-ls" /e 2>&1)"

# An orderly stop: exit status 0 and nothing logged.
if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    wait "$pid"
    st=$?
    pid=""
    expect daemon_orderly_stop "0 " "$st $(cat "$tmp/log")"
else
    echo "FAIL: cli_daemon_alive: daemon died"
    sed 's/^/daemon: /' "$tmp/log"
    pid=""
fi

# An empty XENSTORED_PATH means the default socket, to the daemon and to
# the tools alike: tried in a mount namespace of our own, with a tmpfs on
# /run, so that the real default path is not touched.
if unshare -m true 2>/dev/null; then
    r=$(XENSTORED_PATH="" unshare -m sh -c '
        mount -t tmpfs none /run 2>/dev/null || { echo skip; exit; }
        "$1/xenstored" --no-persist 2>/dev/null &
        p=$!
        i=0
        until "$1/xs-exists" / 2>/dev/null || [ $i -gt 100 ]; do
            sleep 0.05
            i=$((i + 1))
        done
        [ -S /var/run/xenstored/socket ] && "$1/xs-exists" / && echo up
        kill $p
        wait $p
        echo "exit $?"' sh "$B" 2>&1 | tr '\n' ' ')
    case "$r" in
    skip*) echo "SKIP: cli_empty_xenstored_path: cannot mount a tmpfs" ;;
    *) expect empty_xenstored_path "up exit 0 " "$r" ;;
    esac
else
    echo "SKIP: cli_empty_xenstored_path: no mount namespaces"
fi

# The socket's directory is made if missing.
"$B/xenstored" --no-persist -s "$tmp/new/dir/sock" 2>"$tmp/log" &
pid=$!
XENSTORED_PATH="$tmp/new/dir/sock"
r=0; up || r=$?
expect daemon_socket_dir "0" "$r"
exit 0
