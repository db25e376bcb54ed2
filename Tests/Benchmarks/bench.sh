#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `sudo make bench`: what rssh adds to every session, as ratios measured side by side in one run.
# Medians over many runs (hyperfine), so the figures hold on a noisy machine. Not a test: nothing fails.
set -uo pipefail
NAME=bench
USERS=(rsshbench rsshbench_jail rsshbench_sh rsshbench_grp rsshbench_sup rsshbench_x)
JAIL_USER=rsshbench_jail
# shellcheck source=Tests/EndToEnd/lib.sh
. "$(dirname "$0")/../EndToEnd/lib.sh"
RUNS=${BENCH_RUNS:-300}

harness_install
harness_auditd
RUN_RSSH_BEFORE=no; [ -d /run/rssh ] && RUN_RSSH_BEFORE=yes
# No sftpserveroptions for rows 1 to 5: they compare rssh with sftp-server run alone, by /bin/sh and by the C
# original, which pass it no options. With `-l INFO` there only rssh's sftp-server logged its session (two
# syslog lines, about 0.08 ms of the program's own time), and that stood in rssh's column. Through sshd (row 6
# on) every login shell gets the harness's `Subsystem sftp ... -l INFO`, which rssh runs only as configured.
harness_config <<CONF
logfacility = LOG_USER
user = rsshbench:022:00010::checksums
user = rsshbench_jail:022:00010:$JAIL
user = rsshbench_sup:022:10011::checksums,maxsessions=200
user = rsshbench_x:022:10011::checksums
CONF
# The homes are on a tmpfs: rows 6 to 9 write hundreds of MiB into them, and the disk's writeback moved those
# rows' ratios by up to 14 % from run to run (row 9's rsync, whose supervised path adds nothing per byte,
# measured 0.93 and 1.14). Both columns of every row get the same file system; the jail stays on disk.
HOME_BASE=$WORK/homes HOME_TMPFS_SIZE=4g
harness_users
usermod -s /bin/sh rsshbench_sh
harness_rsyslog
harness_sshd

# The C original, rssh 2.3.4, built into the run's own prefix (c-original.sh): sets C_RSSH, or leaves it empty.
# shellcheck source=Tests/Benchmarks/c-original.sh
. "$(dirname "$0")/c-original.sh"
build_c_original rsshbench

as_user() { local u=$1; shift; setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --init-groups "$@"; }
median() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(str(r["median"]) for r in d["results"]))' "$1"; }
ratio() { $PY -c 'import sys; print(f"{float(sys.argv[1])/float(sys.argv[2]):.3f}")' "$1" "$2"; }
ms() { $PY -c 'import sys; print(f"{float(sys.argv[1])*1000:.3f} ms")' "$1"; }
# interleaved USER NAME COMMAND...: the commands' median times, measured in BENCH_BATCHES batches of
# RUNS/BENCH_BATCHES runs each (hyperfine -N), every other batch in reverse order. hyperfine runs all of one
# command's runs before the next command's; on a machine whose load drifts over the minute a row takes, that
# alone moved a ratio by a fifth. Batched and alternated, a drift weighs on every command alike. Each batch
# warms up 3 runs per command (30 in all, as a single run of 300 did).
BATCHES=${BENCH_BATCHES:-10}
((BATCHES >= 2 && BATCHES % 2 == 0)) || BATCHES=10
interleaved() {
    local user=$1 name=$2 batch i runs=$((RUNS / BATCHES > 2 ? RUNS / BATCHES : 2))
    shift 2
    local forward=("$@") backward=()
    for ((i = $# - 1; i >= 0; i--)); do backward+=("${forward[$i]}"); done
    for batch in $(seq 1 "$BATCHES"); do
        if [ $((batch % 2)) = 1 ]; then set -- "${forward[@]}"; else set -- "${backward[@]}"; fi
        as_user "$user" hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$OUT/$name.$batch.json" \
            --style basic "$@" >/dev/null 2>&1
    done
    $PY - "$OUT/$name" "$BATCHES" <<'MERGE'
import json, statistics, sys
name, batches = sys.argv[1], int(sys.argv[2])
times = {}
for batch in range(1, batches + 1):
    for result in json.load(open(f"{name}.{batch}.json"))["results"]:
        times.setdefault(result["command"], []).extend(result["times"])
order = json.load(open(f"{name}.1.json"))["results"]
print(" ".join(str(statistics.median(times[r["command"]])) for r in order))
MERGE
}
OUT=$WORK/out
install -d -m 1777 "$OUT"
cd "$OUT" || exit 1

C_CMD=()
if [ -n "$C_RSSH" ]; then
    # hyperfine -i ignores exit statuses: each chain must really reach sftp-server (status 0, nothing said).
    for u in rsshbench rsshbench_jail; do
        out=$(as_user "$u" "$C_RSSH" -c "$SFTP_SERVER" </dev/null 2>&1); rc=$?
        if [ $rc -ne 0 ] || [ -n "$out" ]; then echo "   the C original fails for $u (status $rc): $out"; C_RSSH=""; fi
    done
fi
[ -n "$C_RSSH" ] && C_CMD=("$C_RSSH -c $SFTP_SERVER")
echo "== 1. start-to-exec, no chroot: rssh -c sftp-server vs sftp-server vs /bin/sh -c sftp-server vs C rssh (stdin at EOF)"
read -r R1_RSSH R1_DIRECT R1_SH R1_C < <(interleaved rsshbench b1 \
    "$RSSH -c $SFTP_SERVER" "$SFTP_SERVER" "/bin/sh -c $SFTP_SERVER" "${C_CMD[@]}")

echo "== 2. start-to-exec, chrooted: rssh -> rssh_chroot_helper -> sftp-server vs sftp-server vs C rssh's chain"
read -r R2_JAIL R2_DIRECT R2_C < <(interleaved rsshbench_jail b2 "$RSSH -c $SFTP_SERVER" "$SFTP_SERVER" "${C_CMD[@]}")

echo "== 3. configuration scale: 10-line rssh.conf vs 10,000 users with the user's line last"
small=$(cat "$ETC/rssh.conf")
{
    echo "logfacility = LOG_USER"
    for i in $(seq 1 9999); do echo "user = benchuser$i:022:00011:/srv/jail$i"; done
    echo "user = rsshbench:022:00010"
} >"$WORK/large.conf"
R3_SMALL=() R3_LARGE=()
for round in 1 2 3; do
    printf '%s\n' "$small" >"$ETC/rssh.conf"
    as_user rsshbench hyperfine -N -i --warmup 20 --runs $((RUNS / 3)) --export-json "$OUT/b3s.json" --style basic "$RSSH -c $SFTP_SERVER" >/dev/null 2>&1
    R3_SMALL+=("$(median "$OUT/b3s.json")")
    cp "$WORK/large.conf" "$ETC/rssh.conf"
    as_user rsshbench hyperfine -N -i --warmup 20 --runs $((RUNS / 3)) --export-json "$OUT/b3l.json" --style basic "$RSSH -c $SFTP_SERVER" >/dev/null 2>&1
    R3_LARGE+=("$(median "$OUT/b3l.json")")
done
printf '%s\n' "$small" >"$ETC/rssh.conf"
R3S=$(printf '%s\n' "${R3_SMALL[@]}" | sort -g | sed -n 2p)
R3L=$(printf '%s\n' "${R3_LARGE[@]}" | sort -g | sed -n 2p)

echo "== 3g. the same 10,000 users plus 100 group lines, for a user without a user line in the last line's group"
# Worst case for group lines: every line's group is resolved before the last one matches (from /etc/group read
# once, which answers for NSS on Debian's default nsswitch.conf: LocalGroupFile).
for i in $(seq 1 100); do groupadd "rsshbg$i" && E2E_GROUPS+=("rsshbg$i"); done
usermod -a -G rsshbg100 rsshbench_grp
{ cat "$WORK/large.conf"; for i in $(seq 1 100); do echo "group = rsshbg$i:022:00010"; done; } >"$WORK/groups.conf"
cp "$WORK/groups.conf" "$ETC/rssh.conf"
GROUP_OK=no
out=$(as_user rsshbench_grp "$RSSH" -c "$SFTP_SERVER" </dev/null 2>&1) && [ -z "$out" ] && GROUP_OK=yes
as_user rsshbench_grp hyperfine -N -i --warmup 20 --runs $((RUNS / 3)) --export-json "$OUT/b3g.json" --style basic "$RSSH -c $SFTP_SERVER" >/dev/null 2>&1
R3G=$(median "$OUT/b3g.json")
printf '%s\n' "$small" >"$ETC/rssh.conf"

echo "== 4. peak memory before exec (the refused path does all the work and execs nothing)"
rss() { as_user "$1" /usr/bin/time -f %M "${@:2}" </dev/null 2>&1 >/dev/null | tail -1; }
R4_SHELL=$(rss rsshbench "$RSSH" -c "scp -t .")   # scp is not allowed: parse, vet, log, audit, refuse
mv "$JAIL/usr/bin/scp" "$WORK/scp.away"           # the helper then fails only at its final execve
printf 'user = rsshbench_jail:022:00011:%s\n' "$JAIL" >"$ETC/rssh.conf"
R4_HELPER=$(rss rsshbench_jail "$HELPER" "scp -t .")
mv "$WORK/scp.away" "$JAIL/usr/bin/scp"
printf '%s\n' "$small" >"$ETC/rssh.conf"

echo "== 5. size of each privileged binary, stripped"
strip_size() { local t; t=$(mktemp) && strip -o "$t" "$1" && stat -c %s "$t" && rm -f "$t"; }
R5_SHELL=$(strip_size "$RSSH"); R5_HELPER=$(strip_size "$HELPER")

echo "== 6. through sshd: 50 concurrent sftp sessions each uploading 4 MiB, rssh vs /bin/sh as login shell"
echo "sftpserveroptions = -l INFO" >>"$ETC/rssh.conf"
head -c 4194304 /dev/urandom >"$WORK/payload"
SUM=$(sha256sum <"$WORK/payload" | cut -d' ' -f1)
sessions() { # USER ROUND: 50 concurrent uploads, then verify
    local user=$1 round=$2 home
    home=$(getent passwd "$user" | cut -d: -f6)
    local pids=()
    for i in $(seq 1 50); do
        printf 'put %s f%s_%s\n' "$WORK/payload" "$round" "$i" | sftp_batch "$user" >/dev/null 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}"   # not a bare wait: the harness's own auditd is a background child too
    for i in $(seq 1 50); do [ "$(sha256sum <"$home/f${round}_$i" 2>/dev/null | cut -d' ' -f1)" = "$SUM" ] || { echo "corrupt $user $i"; return 1; }; done
    rm -f "$home"/f"${round}"_*
}
# paired A_TIMES B_TIMES: for two lists of seconds measured in rounds, A and B back to back in each, the
# median of the rounds' ratios A/B, its lowest and highest, and the medians of A and of B. A ratio within one
# round is taken seconds apart, so the machine's drift over minutes (this one's throughput moved by a fifth
# between rounds) weighs on both of its sides alike; a ratio of the two medians would mix rounds.
paired() {
    $PY - "$1" "$2" <<'PAIRED'
import statistics, sys
a, b = ([float(x) for x in arg.split()] for arg in sys.argv[1:3])
r = sorted(x / y for x, y in zip(a, b))
print(f"{statistics.median(r):.3f} {r[0]:.3f} {r[-1]:.3f} {statistics.median(a):.3f} {statistics.median(b):.3f}")
PAIRED
}
SESSION_ROUNDS=${BENCH_SESSION_ROUNDS:-9}
# timed NAME COMMAND...: runs COMMAND and appends its seconds to the list in variable NAME; its status is
# COMMAND's.
timed() {
    local -n list=$1
    local t0 t1 rc
    shift
    t0=$(date +%s.%N); "$@"; rc=$?; t1=$(date +%s.%N)
    list+="$($PY -c "print($t1 - $t0)") "
    return $rc
}
# turns ROUND A B: "A B" in odd rounds, "B A" in even ones, so that neither side always goes first.
turns() { if (($1 % 2)); then echo "$2 $3"; else echo "$3 $2"; fi; }
# rounds USER_A USER_B TAG: SESSION_ROUNDS rounds of `sessions` for A and B back to back, taking `turns`;
# prints `paired`'s five figures for A over B and whether every file arrived intact.
rounds() {
    local times_a="" times_b="" intact=yes round side user
    for round in $(seq 1 "$SESSION_ROUNDS"); do
        for side in $(turns "$round" a b); do
            user=$1; [ "$side" = b ] && user=$2
            timed "times_$side" sessions "$user" "$3$round" >&2 || intact=no
        done
    done
    echo "$(paired "$times_a" "$times_b") $intact"
}
read -r R6 R6LO R6HI R6R R6S INTACT < <(rounds rsshbench rsshbench_sh r)

echo "== 7. hashing throughput on a 1 GiB file: rssh -c 'sha256sum FILE' (checksums option) vs coreutils' sha256sum"
HASHFILE=$(getent passwd rsshbench | cut -d: -f6)/hash-1g.bin
head -c 1073741824 /dev/urandom >"$HASHFILE" && chown rsshbench: "$HASHFILE"
HASH_OK=no
[ "$(cd "$(dirname "$HASHFILE")" && as_user rsshbench "$RSSH" -c "sha256sum hash-1g.bin" </dev/null 2>/dev/null | cut -d' ' -f1)" \
    = "$(sha256sum <"$HASHFILE" | cut -d' ' -f1)" ] && HASH_OK=yes
(cd "$(dirname "$HASHFILE")" && as_user rsshbench hyperfine -N -i --warmup 1 --runs "${BENCH_HASH_RUNS:-5}" \
    --export-json "$OUT/b7.json" --style basic "$RSSH -c 'sha256sum hash-1g.bin'" "sha256sum hash-1g.bin") >/dev/null 2>&1
read -r R7_RSSH R7_DIRECT < <(median "$OUT/b7.json")
rm -f "$HASHFILE"

# Issue 20's rows: rsshbench_sup is supervised with maxsessions=200 (the costlier case: its slot comes from the
# setuid helper), rsshbench_x the same line in exec mode.
echo "== 8. start-up, supervised (maxsessions) vs exec mode: rssh -c sftp-server (stdin at EOF)"
as_user rsshbench_sup hyperfine -N -i --warmup 30 --runs "$RUNS" --export-json "$OUT/b8s.json" --style basic \
    "$RSSH -c $SFTP_SERVER" >/dev/null 2>&1
read -r R8_SUP < <(median "$OUT/b8s.json")

echo "== 8b. through sshd: 50 concurrent sftp sessions each uploading 4 MiB, supervised vs exec mode"
read -r R8B R8BLO R8BHI R8BS R8BE INTACT8 < <(rounds rsshbench_sup rsshbench_x s)

BIG_ROUNDS=${BENCH_BIG_ROUNDS:-9}
echo "== 9. through sshd: a 1 GiB sftp put, scp -O put and rsync push, supervised vs exec mode (median of $BIG_ROUNDS rounds' ratios)"
head -c 1073741824 /dev/urandom >"$HOME_BASE/big"
R9_sftp_sup="" R9_sftp_x="" R9_scp_sup="" R9_scp_x="" R9_rsync_sup="" R9_rsync_x=""
BIG_OK=yes
# send PROGRAM USER: one 1 GiB upload.
send() {
    case $1 in
    sftp) printf 'put %s big\n' "$HOME_BASE/big" | sftp_batch "$2" ;;
    scp) scp -O -q -S "$SSH" "$HOME_BASE/big" "$2@127.0.0.1:big" ;;
    rsync) rsync -q -e "$SSH" "$HOME_BASE/big" "$2@127.0.0.1:big" ;;
    esac >/dev/null 2>&1
}
# big PROGRAM USER [LIST]: `send`, timed into the list named LIST if given (`timed`); then the upload is
# compared with its source and removed.
big() {
    local home
    home=$(getent passwd "$2" | cut -d: -f6)
    sync # no other file's writeback in flight (untimed)
    if [ $# -ge 3 ]; then timed "$3" send "$1" "$2"; else send "$1" "$2"; fi || BIG_OK=no
    cmp -s "$HOME_BASE/big" "$home/big" || BIG_OK=no
    rm -f "$home/big"
}
# The two modes take `turns` going first. The first transfers after the 1 GiB source was written ran up to 40 %
# slower: one untimed transfer per program and mode goes before the rounds.
for program in sftp scp rsync; do big $program rsshbench_x; big $program rsshbench_sup; done
for round in $(seq 1 "$BIG_ROUNDS"); do
    for program in sftp scp rsync; do
        for mode in $(turns "$round" sup x); do big $program "rsshbench_$mode" "R9_${program}_$mode"; done
    done
done
rm -f "$HOME_BASE/big"

echo "== 10. the supervising processes' memory: PSS and private memory per session (supervisor and watcher), 100 sftp sessions held open through sshd"
mkfifo "$WORK/gate"
exec {gate}<>"$WORK/gate"
holders=()
for i in $(seq 1 100); do
    (exec {gate}>&-; exec "$SSH" -T rsshbench_sup@127.0.0.1 "$SFTP_SERVER" <"$WORK/gate" >/dev/null 2>&1) &
    holders+=($!)
    [ $((i % 20)) = 0 ] && sleep 1
done
for _ in $(seq 300); do [ "$(pgrep -u rsshbench_sup -x rssh-session | wc -l)" -ge 100 ] && break; sleep 0.1; done
R10_COUNT=$(pgrep -u rsshbench_sup -x rssh-session | wc -l)
# Per session: its supervisor and its watcher (the process that writes the end record should the supervisor
# be killed), summed, divided by the number of sessions.
read -r R10_PSS R10_PRIVATE < <(for pid in $(pgrep -u rsshbench_sup -x 'rssh-session|rssh-watch'); do
    cat "/proc/$pid/smaps_rollup" 2>/dev/null; done |
    awk -v n="$R10_COUNT" '/^Pss:/ { p += $2 } /^Private_(Clean|Dirty):/ { q += $2 } END { if (n) printf "%.0f %.0f\n", p / n, q / n; else print "0 0" }')
exec {gate}>&-
wait "${holders[@]}"
# The session slots rsshbench_sup's sessions took (the helper makes them under /run/rssh, root's); the
# directory itself only if this run made it.
rm -rf "/run/rssh/sessions/$(id -u rsshbench_sup)"
[ "$RUN_RSSH_BEFORE" = no ] && rmdir /run/rssh/sessions /run/rssh 2>/dev/null

target() { $PY -c 'import sys; print("met" if float(sys.argv[1]) <= float(sys.argv[2]) else "MISSED")' "$1" "$2"; }
echo
echo "medians: rssh $(ms "$R1_RSSH"), sftp-server $(ms "$R1_DIRECT"), /bin/sh -c $(ms "$R1_SH"); chrooted $(ms "$R2_JAIL") vs $(ms "$R2_DIRECT")"
echo "medians: 10-line config $(ms "$R3S"), 10,000-user config $(ms "$R3L"); sshd round of 50: rssh ${R6R}s, /bin/sh ${R6S}s; files intact: $INTACT"
R1=$(ratio "$R1_RSSH" "$R1_SH"); R1D=$(ratio "$R1_RSSH" "$R1_DIRECT"); R2=$(ratio "$R2_JAIL" "$R2_DIRECT")
R3=$(ratio "$R3L" "$R3S")
echo "ratio 1  rssh / (/bin/sh -c)            = $R1   (target <= 1.0: $(target "$R1" 1.0)); rssh / direct = $R1D"
echo "ratio 2  chrooted rssh / direct          = $R2   (target <= 2.5: $(target "$R2" 2.5))"
if [ -n "${R1_C:-}" ] && [ -n "${R2_C:-}" ]; then
    RC1=$(ratio "$R1_RSSH" "$R1_C"); RC2=$(ratio "$R2_JAIL" "$R2_C")
    echo "medians: C rssh 2.3.4 $(ms "$R1_C"), its chroot chain $(ms "$R2_C")"
    echo "ratio 1c rssh / C rssh, plain            = $RC1   (target <= 1.0: $(target "$RC1" 1.0))"
    echo "ratio 2c rssh / C rssh, chrooted          = $RC2   (target <= 1.0: $(target "$RC2" 1.0))"
else
    echo "ratio 1c, 2c: the C original was not measured"
fi
echo "ratio 3  10,000-user / 10-line config    = $R3   (target <= 1.1: $(target "$R3" 1.1))"
R3GR=$(ratio "$R3G" "$R3S")
echo "ratio 3g 10,000 users + 100 groups / 10 lines = $R3GR   (target <= 1.1: $(target "$R3GR" 1.1)); $(ms "$R3G"), the group line applied: $GROUP_OK"
echo "peak 4   max RSS shell $R4_SHELL KiB, helper $R4_HELPER KiB (target <= 2560 KiB: $(target "$R4_SHELL" 2560), $(target "$R4_HELPER" 2560))"
echo "size 5   stripped rssh $R5_SHELL bytes, helper $R5_HELPER bytes (target <= 1048576: $(target "$R5_SHELL" 1048576), $(target "$R5_HELPER" 1048576))"
echo "ratio 6  50 sftp sessions, rssh / sh     = $R6   (target <= 1.02: $(target "$R6" 1.02)); rounds from $R6LO to $R6HI"
R7=$(ratio "$R7_RSSH" "$R7_DIRECT")
echo "ratio 7  1 GiB sha256sum, rssh / direct  = $R7   (target <= 1.1: $(target "$R7" 1.1)); $(ms "$R7_RSSH") vs $(ms "$R7_DIRECT"), same digest: $HASH_OK"
R8=$(ratio "$R8_SUP" "$R1_RSSH")
echo "ratio 8  start-up, supervised / exec mode = $R8   ($(ms "$R8_SUP") vs $(ms "$R1_RSSH"); the fork, the slot from the helper, the end record)"
echo "ratio 8b 50 sftp sessions through sshd, supervised / exec = $R8B   (target <= 1.03: $(target "$R8B" 1.03)); rounds from $R8BLO to $R8BHI; medians ${R8BS}s vs ${R8BE}s, files intact: $INTACT8"
for program in sftp scp rsync; do
    sup=R9_${program}_sup x=R9_${program}_x
    read -r R9 R9LO R9HI S9 E9 < <(paired "${!sup}" "${!x}")
    echo "ratio 9  1 GiB $program through sshd, supervised / exec = $R9   (target <= 1.03: $(target "$R9" 1.03)); rounds from $R9LO to $R9HI; medians ${S9}s vs ${E9}s, intact: $BIG_OK"
done
echo "memory 10 per session (supervisor + watcher), $R10_COUNT sessions held: PSS $R10_PSS KiB (target <= 256: $(target "$R10_PSS" 256)), private $R10_PRIVATE KiB"
