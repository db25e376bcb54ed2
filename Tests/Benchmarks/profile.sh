#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `sudo make profile`: where rssh's start-up goes, in figures that hold on a loaded machine, beside the C
# original's (rssh 2.3.4, built as bench.sh does). For each chain (plain: rssh -> sftp-server; chrooted:
# rssh -> rssh_chroot_helper [-> recorder] -> sftp-server): system calls per process (strace -f -c and a
# timed trace), user-space instructions of the shell up to its exec (callgrind), page faults (perf's
# software counter; the kernel may stop counting at the exec of a setuid or file-capability image, so
# compare chains of the same shape only) and peak RSS of each image; then, with perf installed, the sampled
# time of each process of the chrooted chain by class (own image, ld.so, libc, kernel, page faults). Everything
# lands in $PROFILE_OUT (default /tmp/rssh-profile).
set -uo pipefail
NAME=profile
USERS=(rsshprof rsshprof_jail)
JAIL_USER=rsshprof_jail
# shellcheck source=Tests/EndToEnd/lib.sh
. "$(dirname "$0")/../EndToEnd/lib.sh"
OUT=${PROFILE_OUT:-/tmp/rssh-profile}

harness_install
harness_auditd
# As in bench.sh: no sftpserveroptions, so every chain runs sftp-server with the same work.
harness_config <<CONF
logfacility = LOG_USER
user = rsshprof:022:00010
user = rsshprof_jail:022:00010:$JAIL
CONF
harness_users
harness_rsyslog
# shellcheck source=Tests/Benchmarks/c-original.sh
. "$(dirname "$0")/c-original.sh"
build_c_original rsshprof
rm -rf "$OUT" && install -d -m 1777 "$OUT"
# valgrind cannot read the Embedded binaries' DWARF: it profiles copies without it (symbols kept).
for b in "$RSSH" "$HELPER" ${C_RSSH:+"$C_RSSH"}; do strip --strip-debug -o "$WORK/cg-$(basename "$(dirname "$(dirname "$b")")")-$(basename "$b")" "$b"; done
cg_copy() { case $1 in /bin/sh) echo /bin/sh ;; *) echo "$WORK/cg-$(basename "$(dirname "$(dirname "$1")")")-$(basename "$1")" ;; esac; }

as_user() { local u=$1; shift; setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --init-groups "$@"; }
# instructions FILE: the user-space instructions in FILE and its parts (--dump-before=execve writes one part
# before each execve, since the image that replaces valgrind's never reports).
instructions() {
    local f n=0 c
    for f in "$1" "$1".*; do
        [ -s "$f" ] || continue
        c=$(callgrind_annotate "$f" 2>/dev/null | sed -n 's/^\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
        n=$((n + ${c:-0}))
    done
    echo "$n"
}

# chain NAME USER RSSH: every measurement of one chain.
chain() {
    local name=$1 user=$2 shell=$3
    as_user "$user" "$shell" -c "$SFTP_SERVER" </dev/null >"$OUT/$name.check" 2>&1
    echo "$name: status $? $(cat "$OUT/$name.check")"
    strace -f -c -U calls,name -S calls -u "$user" -o "$OUT/$name.strace-c" "$shell" -c "$SFTP_SERVER" </dev/null >/dev/null 2>&1
    strace -f -tt -T -u "$user" -o "$OUT/$name.strace" "$shell" -c "$SFTP_SERVER" </dev/null >/dev/null 2>&1
    perf stat -x, -e page-faults,task-clock -r 50 -o "$OUT/$name.perf" -- setpriv --reuid="$(id -u "$user")" \
        --regid="$(id -g "$user")" --init-groups "$shell" -c "$SFTP_SERVER" </dev/null >/dev/null 2>&1
    # Valgrind execs a setuid image natively, so the shell is measured up to its exec; valgrind itself gives
    # up an effective uid 0 that differs from the real uid, so the helper is measured by its system calls.
    as_user "$user" valgrind --tool=callgrind --dump-before=execve --callgrind-out-file="$OUT/$name.shell.cg" "$(cg_copy "$shell")" -c "$SFTP_SERVER" \
        </dev/null >/dev/null 2>&1
    echo "  shell instructions: $(instructions "$OUT/$name.shell.cg")"
    echo "  page faults (mean of 50, see above): $(sed -n 's/^\([0-9.]*\),,page-faults.*/\1/p' "$OUT/$name.perf")"
    echo "  system calls (all processes): $(awk '$NF=="total" {print $(NF-1)}' "$OUT/$name.strace-c")"
}
chain swift-plain rsshprof "$RSSH"
chain swift-jail rsshprof_jail "$RSSH"
if [ -n "$C_RSSH" ]; then
    chain c-plain rsshprof "$C_RSSH"
    chain c-jail rsshprof_jail "$C_RSSH"
fi
chain direct rsshprof /bin/sh

# Sampled as root over the whole system, perf sees the setuid helper and the file-capability shell, audit
# path included: callgrind runs a copy of the shell without the file capability, which skips that path.
echo "== sampled time per chrooted chain, by process and class (perf record -a -g, cpu-clock at 20 kHz, µs)"
if command -v perf >/dev/null && perf record -q -a -o /dev/null -- true >/dev/null 2>&1; then
    CHAINS=${PROFILE_CHAINS:-300}
    FREQUENCY=20000
    for side in swift ${C_RSSH:+c}; do
        shell=$RSSH
        [ "$side" = c ] && shell=$C_RSSH
        perf record -q -F "$FREQUENCY" -a -g -o "$OUT/$side.perf.data" -- setpriv --reuid="$(id -u rsshprof_jail)" \
            --regid="$(id -g rsshprof_jail)" --init-groups bash -c \
            'for _ in $(seq "$1"); do "$2" -c "$3" </dev/null >/dev/null 2>&1; done' _ "$CHAINS" "$shell" "$SFTP_SERVER" \
            >/dev/null 2>&1
        echo "$side ($CHAINS chains):"
        perf script -i "$OUT/$side.perf.data" -F comm,ip,sym,dso 2>/dev/null \
            | python3 "$(dirname "$0")/perf_stages.py" "$CHAINS" $((1000000 / FREQUENCY))
    done
else
    echo "perf is not installed or may not sample (apt-get install linux-perf): skipped"
fi

echo "== peak RSS (KiB): refused path of the shell; helper failing at its final execve"
echo "shell $(as_user rsshprof /usr/bin/time -f %M "$RSSH" -c "scp -t ." </dev/null 2>&1 >/dev/null | tail -1)"
mv "$JAIL/usr/bin/scp" "$WORK/scp.away"
printf 'user = rsshprof_jail:022:00011:%s\n' "$JAIL" >"$ETC/rssh.conf"
echo "helper $(as_user rsshprof_jail /usr/bin/time -f %M "$HELPER" "scp -t ." </dev/null 2>&1 >/dev/null | tail -1)"
mv "$WORK/scp.away" "$JAIL/usr/bin/scp"
chmod -R a+r "$OUT"
echo "== details in $OUT"
