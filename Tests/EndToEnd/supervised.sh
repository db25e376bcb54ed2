# shellcheck shell=bash
# SPDX-License-Identifier: BSD-2-Clause
# Issue 20, the supervised mode, sourced by e2e.sh (its users, sshd, syslog and audit set-up): rsshctl who and
# last, maxsessions, faults, exit statuses and signals, for a plain ($S), a landlocked ($LL) and a jailed ($J)
# user. Each user's line gets the option for this block only and is restored at its end.

SFTPS=/usr/lib/openssh/sftp-server
RSSHCTL=$PREFIX/sbin/rsshctl
SUP=$WORK/supervised
mkdir -p "$SUP"
RUN_RSSH_NEW=; [ -d /run/rssh ] || RUN_RSSH_NEW=1
cp "$ETC/rssh.conf" "$SUP/rssh.conf.before"
sed -i -e "s/^user = $S:022:00010::checksums\$/&,maxsessions=2/" \
    -e "s/^user = $LL:022:10011::landlock,checksums\$/&,supervised/" \
    -e "s/^\(user = $J:027:10011:.*:checksums\)\$/\1,supervised/" "$ETC/rssh.conf"
last_args=()
[ "${AUSEARCH_INPUT[0]}" = --input ] && last_args=(--input "${AUSEARCH_INPUT[1]}")
# hold USER N: starts sftp-server sessions for USER that stay open until `release`.
hold() {
    mkfifo "$SUP/hold.$1.$2"
    # The client must not hold the other sessions' fifos open (they would never see their end of file).
    (
        for v in ${!HOLD_FD_@}; do eval "exec ${!v}>&-" 2>/dev/null; done
        exec "$SSH" -T "$1@127.0.0.1" "$SFTPS" <"$SUP/hold.$1.$2" >/dev/null 2>"$SUP/hold.$1.$2.err"
    ) &
    eval "HOLD_PID_$2=$!"
    exec {fd}>"$SUP/hold.$1.$2"
    eval "HOLD_FD_$2=$fd"
}
release() { local fd; eval "fd=\$HOLD_FD_$1"; exec {fd}>&-; unset "HOLD_FD_$1"; }
# sessions_of USER: the number of that user's supervisors rsshctl who lists.
sessions_of() { "$RSSHCTL" who | awk -v u="$1" '$1 == u' | wc -l; }
wait_sessions() { for _ in $(seq 100); do [ "$(sessions_of "$1")" = "$2" ] && return 0; sleep 0.1; done; return 1; }

if grep -q "maxsessions=2" "$ETC/rssh.conf" && grep -q "landlock,checksums,supervised" "$ETC/rssh.conf"; then
    pass "supervised: options supervised and maxsessions=2 parse ($RSSH -v is clean)"
else fail "supervised: options supervised and maxsessions=2 parse" "$(grep "^user" "$ETC/rssh.conf")"; fi

# rsshctl who: exactly the open sessions while they run, none after.
hold $S 1; hold $LL 2; hold $J 3
if wait_sessions $S 1 && wait_sessions $LL 1 && wait_sessions $J 1 \
    && "$RSSHCTL" who | grep -q "^$S .* 127.0.0.1 *sftp-server"; then
    pass "supervised: rsshctl who lists the open plain, landlocked and jailed sessions"
else fail "supervised: rsshctl who lists the open plain, landlocked and jailed sessions" "$("$RSSHCTL" who 2>&1)"; fi
# Each row's session id and bytes come from the supervisor's progress memfd (with or without maxsessions).
who=$("$RSSHCTL" who 2>&1)
if [ "$(awk -v a=$S -v b=$LL -v c=$J '($1 == a || $1 == b || $1 == c) && $2 ~ /^[0-9a-f]+$/ && length($2) == 16 \
        && $7 ~ /^[0-9]+$/ && $8 ~ /^[0-9]+$/' <<<"$who" | wc -l)" = 3 ]; then
    pass "supervised: rsshctl who shows each session's id and bytes so far"
else fail "supervised: rsshctl who shows each session's id and bytes so far" "$who"; fi
# The slot files are root's: the plain user's sftp can neither write into its own nor see one as its own.
slot=/run/rssh/sessions/$(id -u $S)/slot0
if [ "$(stat -c %U:%a "$slot" 2>&1)" = root:600 ] \
    && ! (cd "$SUP" && printf 'put %s %s\n' "$SUP/rssh.conf.before" "$slot" | sftp_batch $S >/dev/null 2>&1) \
    && [ ! -s "$slot" ]; then
    pass "maxsessions: the slot files are root's (mode 0600) and the user's sftp cannot write into them"
else fail "maxsessions: the slot files are root's (mode 0600) and the user's sftp cannot write into them" \
    "$(ls -l "$slot" 2>&1)"; fi
release 1; release 2; release 3
wait "$HOLD_PID_1" "$HOLD_PID_2" "$HOLD_PID_3"
# A slot file not as the helper makes it (an earlier release's, the account's own) is not taken as it is: the
# helper's quick path finds it first and leaves it to the preparation, which replaces it.
chown "$S:" "$slot" && chmod 644 "$slot"
if printf 'ls\n' | sftp_batch $S >/dev/null 2>&1 && [ "$(stat -c %U:%a "$slot" 2>&1)" = root:600 ]; then
    pass "maxsessions: a slot file of the account's own (mode 0644) is replaced by root's, and the session runs"
else fail "maxsessions: a slot file of the account's own (mode 0644) is replaced by root's, and the session runs" \
    "$(ls -l "$slot" 2>&1)"; fi
rm -f "$SUP"/hold.*
if wait_sessions $S 0 && wait_sessions $LL 0 && wait_sessions $J 0; then pass "supervised: rsshctl who lists nothing once they end"
else fail "supervised: rsshctl who lists nothing once they end" "$("$RSSHCTL" who 2>&1)"; fi

# Transfers, then rsshctl last: its newest row for the user shows at least the file's size, and exit 0.
# Larger than the 4 MiB of file data from which a supervised scp moves it in rested pieces, and than the 8 MiB from
# which any relayed channel rests behind its reader's backlog (SessionRelay).
head -c 24000000 /dev/urandom >"$SUP/up.bin"
size=$(stat -c %s "$SUP/up.bin")
for u in $S $LL; do cp "$SUP/up.bin" "$(home $u)/down.bin" && chown $u "$(home $u)/down.bin"; done
# last_shows USER COLUMN WHAT: rsshctl last's newest row for USER has COLUMN >= size and exit=0 (the audit log
# is written asynchronously: retried for up to 5 s).
last_shows() {
    local rows
    for _ in $(seq 50); do
        rows=$("$RSSHCTL" last "${last_args[@]}" "$1" 2>&1)
        tail -1 <<<"$rows" | awk -v c="$2" -v s="$size" '{ exit !($c >= s && $9 == "exit=0") }' && break
        sleep 0.1
    done
    if tail -1 <<<"$rows" | awk -v c="$2" -v s="$size" '{ exit !($c >= s && $9 == "exit=0") }'; then
        pass "supervised: rsshctl last shows $1's $3 with at least $size bytes and exit=0"
    else fail "supervised: rsshctl last shows $1's $3 with at least $size bytes and exit=0" "$(tail -3 <<<"$rows")"; fi
}
if (cd "$SUP" && printf 'put up.bin\n' | sftp_batch $S >/dev/null) && cmp -s "$SUP/up.bin" "$(home $S)/up.bin"; then
    last_shows $S 7 "sftp put"
else fail "supervised: plain sftp put" ""; fi
if (cd "$SUP" && printf 'get down.bin sftp-down.bin\n' | sftp_batch $S >/dev/null) && cmp -s "$SUP/up.bin" "$SUP/sftp-down.bin"; then
    last_shows $S 8 "sftp get"
else fail "supervised: plain sftp get" ""; fi
if scp -O -q -S "$SSH" "$SUP/up.bin" "$LL@127.0.0.1:up.bin" && cmp -s "$SUP/up.bin" "$(home $LL)/up.bin"; then
    last_shows $LL 7 "scp -O put"
else fail "supervised: landlocked scp -O put" ""; fi
if scp -O -q -S "$SSH" "$LL@127.0.0.1:down.bin" "$SUP/down.bin" && cmp -s "$SUP/up.bin" "$SUP/down.bin"; then
    last_shows $LL 8 "scp -O get"
else fail "supervised: landlocked scp -O get" ""; fi
if rsync -q -e "$SSH" "$SUP/up.bin" "$J@127.0.0.1:up.bin" && cmp -s "$SUP/up.bin" "$JHOME/up.bin"; then
    last_shows $J 7 "rsync push"
else fail "supervised: jailed rsync push" ""; fi
id=$(grep -o "session-end session=[0-9a-f]* user=\"$S\"" "$SYSLOG" | tail -1 | sed 's/session-end session=\([0-9a-f]*\).*/\1/')
if [ -n "$id" ] && grep -q "allowed user=\"$S\".* session=$id\$" "$SYSLOG" && grep "session-end session=$id " "$SYSLOG" | grep -q "bytes_from_client=[1-9]"; then
    pass "supervised: the start and the end line carry the same session id"
else fail "supervised: the start and the end line carry the same session id" "$(grep "$S" "$SYSLOG" | tail -3)"; fi
for u in $S $LL $J; do rm -f "$(home $u)/up.bin" "$(home $u)/down.bin" "$JHOME/up.bin"; done
rm -f "$SUP/sftp-down.bin"

# Enlarged pipes go back once their session idles: a 64 MB put, past the 8 MiB a second from which a relayed
# channel rests behind its reader's backlog in pipes enlarged to 1 MiB (SessionRelay), then the session idle.
# pipe_sizes PID: the capacity in KiB of each pipe PID holds, opened through /proc (F_GETPIPE_SZ).
pipe_sizes() {
    $PY - "$1" <<'PY'
import fcntl, os, sys
pid = sys.argv[1]
for fd in os.listdir(f"/proc/{pid}/fd"):
    if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("pipe:"):
        pipe = os.open(f"/proc/{pid}/fd/{fd}", os.O_RDONLY | os.O_NONBLOCK)
        print(fcntl.fcntl(pipe, 1032) // 1024)  # F_GETPIPE_SZ
        os.close(pipe)
PY
}
head -c 64000000 /dev/urandom >"$SUP/pipes.bin"
mkfifo "$SUP/pipes.cmd"
exec {pipes_cmd}<>"$SUP/pipes.cmd"
sftp_batch $S <"$SUP/pipes.cmd" >/dev/null 2>&1 &
pipes_client=$!
echo "put $SUP/pipes.bin pipes.bin" >&$pipes_cmd
for _ in $(seq 300); do [ "$(stat -c %s "$(home $S)/pipes.bin" 2>/dev/null)" = 64000000 ] && break; sleep 0.1; done
pipes_supervisor=$(pgrep -u $S -x rssh-session | head -1)
busy=$(pipe_sizes "$pipes_supervisor" | sort -n | tr '\n' ' ')
sleep 4
idle=$(pipe_sizes "$pipes_supervisor" | sort -n | tr '\n' ' ')
echo bye >&$pipes_cmd
exec {pipes_cmd}>&-
if wait $pipes_client && cmp -s "$SUP/pipes.bin" "$(home $S)/pipes.bin" && grep -qw 1024 <<<"$busy" \
    && [ -n "$idle" ] && ! grep -qw 1024 <<<"$idle"; then
    pass "supervised: a bulk put enlarges the relay's pipes to 1 MiB, and they shrink back once the session idles"
else fail "supervised: a bulk put enlarges the relay's pipes to 1 MiB, and they shrink back once the session idles" \
    "busy KiB: $busy; idle KiB: $idle"; fi
rm -f "$SUP/pipes.bin" "$SUP/pipes.cmd" "$(home $S)/pipes.bin"

# maxsessions=2: the third is refused with a message and a record, the first two end intact.
hold $S 1; hold $S 2
wait_sessions $S 2
out=$("$SSH" -T "$S@127.0.0.1" "$SFTPS" </dev/null 2>&1); rc=$?
if [ $rc -eq 1 ] && grep -q "too many sessions: this account may have 2 at once" <<<"$out" \
    && logged "denied user=\"$S\".*reason=\"maxsessions=2: 2 sessions of this account are already open\""; then
    pass "maxsessions=2: the third session is refused, with a message and a log line"
else fail "maxsessions=2: the third session is refused, with a message and a log line" "rc=$rc $out"; fi
release 1; release 2
if wait "$HOLD_PID_1" && wait "$HOLD_PID_2"; then pass "maxsessions=2: the first two end normally (exit 0)"
else fail "maxsessions=2: the first two end normally (exit 0)" "$(cat "$SUP"/hold.$S.*.err)"; fi
rm -f "$SUP"/hold.*

# kill -9 of a session's program, of a supervisor, and of a client: each frees its slot.
hold $S 1; hold $S 2
wait_sessions $S 2
prog=$(pgrep -u $S -x sftp-server | head -1)
kill -9 "$prog"
hold $S 3
if wait_sessions $S 2; then pass "maxsessions=2: after kill -9 of a program its slot is free"
else fail "maxsessions=2: after kill -9 of a program its slot is free" "$("$RSSHCTL" who)"; fi
read -r sup id < <("$RSSHCTL" who | awk -v u=$S '$1 == u { print $6, $2; exit }')
kill -9 "$sup"
for _ in $(seq 50); do [ "$(pgrep -u $S -x sftp-server | wc -l)" -le 1 ] && break; sleep 0.1; done
if [ "$(pgrep -u $S -x sftp-server | wc -l)" -le 1 ] && wait_sessions $S 1; then
    pass "maxsessions=2: kill -9 of a supervisor ends its program too (no session outside the limit)"
else fail "maxsessions=2: kill -9 of a supervisor ends its program too" "$(pgrep -a -u $S)"; fi
if [ -n "$id" ] && logged "session-end session=$id user=\"$S\".* exit=unknown supervisor=killed"; then
    pass "supervised: a supervisor killed with SIGKILL still gets its end record (from its watcher)"
else fail "supervised: a supervisor killed with SIGKILL still gets its end record" "$(grep "session=$id" "$SYSLOG")"; fi
# SIGKILL to the session's process group mid-upload, as sshd delivers a client's `signal` request: the
# watcher's record has the bytes counted so far.
head -c 200000000 /dev/zero >"$SUP/big.bin"
# Rate-limited (16 Mbit/s), so the progress line (once a second) shows bytes well before the upload ends.
( cd "$SUP" && printf 'put big.bin\n' | sftp -l 16000 -b - -i "$WORK/client/id" -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -P "$PORT" "$S@127.0.0.1" >/dev/null 2>&1 ) &
client=$!
sup="" id=""
for _ in $(seq 200); do
    read -r sup id < <("$RSSHCTL" who | awk -v u=$S '$1 == u && $7 ~ /^[0-9]+$/ && $7 + 0 > 1000000 { print $6, $2; exit }')
    [ -n "$sup" ] && break; sleep 0.05
done
[ -n "$sup" ] && kill -KILL -- "-$(ps -o pgid= -p "$sup" | tr -d ' ')"
wait "$client" 2>/dev/null
if [ -n "$id" ] && wait_sessions $S 1 \
    && logged "session-end session=$id user=\"$S\".* bytes_from_client=[1-9][0-9]* .*exit=unknown supervisor=killed"; then
    pass "supervised: SIGKILL to the session's process group (a client's signal request) leaves an end record with the bytes so far"
else fail "supervised: SIGKILL to the session's process group leaves an end record with the bytes so far" \
    "$(grep "session=$id" "$SYSLOG"; "$RSSHCTL" who)"; fi
rm -f "$SUP/big.bin" "$(home $S)/big.bin"
hold $S 4
wait_sessions $S 2
kill -9 "$HOLD_PID_4"
if wait_sessions $S 1; then pass "maxsessions=2: a client killed (kill -9) frees its slot"
else fail "maxsessions=2: a client killed (kill -9) frees its slot" "$("$RSSHCTL" who)"; fi
for n in 1 2 3 4; do eval "fd=\${HOLD_FD_$n:-}"; [ -n "$fd" ] && exec {fd}>&- 2>/dev/null; done
# Never a bare wait: the harness's own auditd may be a background child too.
wait "$HOLD_PID_1" "$HOLD_PID_2" "$HOLD_PID_3" "$HOLD_PID_4" 2>/dev/null
wait_sessions $S 0
rm -f "$SUP"/hold.*

# 50 simultaneous starts (rssh run directly as the user, sshd's MaxStartups would drop connections): exactly 2.
mkfifo "$SUP/gate"
exec {gate}<>"$SUP/gate"
starters=()
for i in $(seq 50); do
    (exec {gate}>&-  # only the suite holds the gate's writing end, so closing it ends the admitted sessions
        SSH_CONNECTION="127.0.0.1 1 127.0.0.1 22" timeout 60 setpriv --reuid=$S --regid="$(id -g $S)" --init-groups \
        "$RSSH" -c "$SFTPS" <"$SUP/gate" >/dev/null 2>"$SUP/start.$i.err"; echo $? >"$SUP/start.$i") &
    starters+=($!)
done
for _ in $(seq 300); do [ "$(ls "$SUP"/start.[0-9]* 2>/dev/null | grep -cv err)" -ge 48 ] && break; sleep 0.1; done
refused=$(grep -l "too many sessions" "$SUP"/start.*.err | wc -l)
running=$(sessions_of $S)
exec {gate}>&-
wait "${starters[@]}"
admitted=$(grep -lx 0 "$SUP"/start.[0-9] "$SUP"/start.[0-9][0-9] | wc -l)
if [ "$refused" = 48 ] && [ "$running" = 2 ] && [ "$admitted" = 2 ]; then pass "maxsessions=2: 50 simultaneous starts admit exactly 2"
else fail "maxsessions=2: 50 simultaneous starts admit exactly 2" "refused $refused, running $running, admitted $admitted"; fi
rm -f "$SUP"/gate "$SUP"/start.*

# A client killed mid-transfer: the record has the partial bytes.
head -c 200000000 /dev/zero >"$SUP/big.bin"
( cd "$SUP" && printf 'put big.bin\n' | sftp_batch $S >/dev/null 2>&1 ) &
client=$!
for _ in $(seq 100); do [ "$(stat -c %s "$(home $S)/big.bin" 2>/dev/null || echo 0)" -gt 1000000 ] && break; sleep 0.05; done
pkill -9 -f "$S@127.0.0.1"; kill -9 "$client" 2>/dev/null; wait "$client" 2>/dev/null
for _ in $(seq 100); do [ "$(sessions_of $S)" = 0 ] && break; sleep 0.1; done
sleep 1
row=$("$RSSHCTL" last "${last_args[@]}" $S | tail -1)
if awk '{ exit !($7 > 0 && $7 < 200000000) }' <<<"$row"; then pass "supervised: a client killed mid-transfer leaves a record with the partial bytes"
else fail "supervised: a client killed mid-transfer leaves a record with the partial bytes" "$row"; fi
rm -f "$SUP/big.bin" "$(home $S)/big.bin"

# The client sees the program's exit status and signal as in exec mode (the same user, with and without).
probe() {
    "$SSH" -T "$LL@127.0.0.1" "rsync --server --sender -vlogDtpre.iLsfxCIvu . nonexistent-dir/" </dev/null \
        >/dev/null 2>&1; echo "status $?"
    hold $LL 9; sleep 1; pkill -TERM -u $LL -x sftp-server; wait "$HOLD_PID_9"; echo "signal $?"
    release 9; rm -f "$SUP"/hold.*
}
supervised=$(probe)
sed -i "s/^\(user = $LL:.*\),supervised\$/\1/" "$ETC/rssh.conf"
execmode=$(probe)
if [ "$supervised" = "$execmode" ] && ! grep -q "status [01]$" <<<"$supervised"; then
    pass "supervised: the client sees the program's exit status and signal as in exec mode ($(tr '\n' ' ' <<<"$supervised"))"
else fail "supervised: the client sees the program's exit status and signal as in exec mode" "supervised: $supervised / exec: $execmode"; fi
if logged "session-end .*user=\"$LL\".*signal=15 signame=TERM"; then pass "supervised: the end record names the program's signal"
else fail "supervised: the end record names the program's signal" "$(grep "session-end.*$LL" "$SYSLOG" | tail -2)"; fi

# sshd restarted while a session runs: the session goes on (sshd's per-connection process outlives its
# listener), ends normally and still gets its end record.
hold $S 10
wait_sessions $S 1
id=$("$RSSHCTL" who | awk -v u=$S '$1 == u { print $2; exit }')
listener=$(cat "$WORK/sshd.pid")
kill -TERM "$listener"
for _ in $(seq 50); do kill -0 "$listener" 2>/dev/null || break; sleep 0.1; done
rm -f "$WORK/sshd.pid"
/usr/sbin/sshd -f "$WORK/sshd_config" -E "$WORK/sshd.log"
for _ in $(seq 50); do [ -s "$WORK/sshd.pid" ] && break; sleep 0.1; done
listed=$(sessions_of $S)
release 10; wait "$HOLD_PID_10"; rc=$?
rm -f "$SUP"/hold.*
wait_sessions $S 0
if [ "$listed" = 1 ] && [ $rc -eq 0 ] && [ -s "$WORK/sshd.pid" ] && [ -n "$id" ] \
    && logged "session-end session=$id user=\"$S\".* exit=0"; then
    pass "supervised: a session outlives an sshd restart and ends with its record (exit 0)"
else fail "supervised: a session outlives an sshd restart and ends with its record" "listed=$listed rc=$rc id=$id"; fi

# WinSCP's SCP mode supervised (the supervisor's child answers it): a plain user with maxsessions=1 and a
# jailed supervised user. The replay must give bash's transcript, as unsupervised (above), and rsshctl last
# must show the session; while the plain user's one session is open, a second login is refused.
sed -i -e "s/^user = $WP:022:00001::winscp,checksums\$/&,maxsessions=1/" \
    -e "s/^\(user = $WJ:022:00001:.*:winscp,checksums\)\$/\1,supervised/" "$ETC/rssh.conf"
for pair in "$WP:plain, maxsessions=1" "$WJ:chrooted, supervised"; do
    u=${pair%%:*} kind=${pair#*:}
    if out=$(replay "$u" "$SUP/winscp-$u.txt" 2>&1) \
        && diff <(normalized "$SUP/winscp-$u.txt" "$u") "$WORK/winscp-bash.norm" >"$SUP/winscp-$u.diff"; then
        pass "supervised: WinSCP's SCP mode ($kind): the replay passes and matches bash's transcript"
    else fail "supervised: WinSCP's SCP mode ($kind): the replay passes and matches bash's transcript" \
        "$out $(head -20 "$SUP/winscp-$u.diff" 2>/dev/null)"; fi
    rows=""
    for _ in $(seq 50); do
        rows=$("$RSSHCTL" last "${last_args[@]}" "$u" 2>&1)
        tail -1 <<<"$rows" | awk '{ exit !($4 == "winscp" && $7 > 0 && $8 > 0 && $9 == "exit=0") }' && break
        sleep 0.1
    done
    if tail -1 <<<"$rows" | awk '{ exit !($4 == "winscp" && $7 > 0 && $8 > 0 && $9 == "exit=0") }'; then
        pass "supervised: rsshctl last shows the WinSCP session ($kind) with its bytes and exit=0"
    else fail "supervised: rsshctl last shows the WinSCP session ($kind) with its bytes and exit=0" "$(tail -3 <<<"$rows")"; fi
    # The replay's scp runs (winscp_replay.py): an upload of files and a directory, then two downloads.
    expect_lines "supervised: WinSCP's SCP mode ($kind): transfer lines name each file its scp runs move, with its size" "$u" \
        "op=upload path=\"[^\"]*/winscp replay/a file\.txt\" bytes=14 result=ok" \
        "op=upload path=\"[^\"]*/winscp replay/empty\" bytes=0 result=ok" \
        "op=upload path=\"[^\"]*/winscp replay/sub dir/inner\.bin\" bytes=70000 result=ok" \
        "op=download path=\"[^\"]*/winscp replay/we.*\.txt\" bytes=10240 result=ok" \
        "op=download path=\"[^\"]*/winscp replay/sub dir/inner\.bin\" bytes=70000 result=ok"
    if ! grep -qE "transfer session=[^ ]+ user=\"$u\" .*result=(failed|partial)" "$SYSLOG"; then
        pass "supervised: WinSCP's SCP mode ($kind): no transfer line is failed or partial (its listings are no transfers)"
    else fail "supervised: WinSCP's SCP mode ($kind): no transfer line is failed or partial" \
        "$(grep -E "transfer session=[^ ]+ user=\"$u\" .*result=(failed|partial)" "$SYSLOG" | head -3)"; fi
done
mkfifo "$SUP/winscp.hold"
( exec "$SSH" -T "$WP@127.0.0.1" <"$SUP/winscp.hold" >/dev/null 2>"$SUP/winscp.hold.err" ) &
winscp_client=$!
exec {winscp_fd}>"$SUP/winscp.hold"
listed=no; wait_sessions $WP 1 && "$RSSHCTL" who | grep -q "^$WP .* winscp " && listed=yes
out=$("$SSH" -T "$WP@127.0.0.1" </dev/null 2>&1); rc=$?
exec {winscp_fd}>&-
wait "$winscp_client"; held=$?
if [ $listed = yes ] && [ $rc -eq 1 ] && grep -q "too many sessions: this account may have 1 at once" <<<"$out" \
    && logged "denied user=\"$WP\".*reason=\"maxsessions=1: 1 sessions of this account are already open\"" \
    && [ $held -eq 0 ] && wait_sessions $WP 0; then
    pass "maxsessions=1: a second WinSCP login is refused while the first is open (listed by rsshctl who), which ends with 0"
else fail "maxsessions=1: a second WinSCP login is refused while the first is open" \
    "listed=$listed rc=$rc held=$held $out $(cat "$SUP/winscp.hold.err")"; fi
rm -f "$SUP"/winscp.hold*
rm -rf "/run/rssh/sessions/$(id -u $WP)"

cp "$SUP/rssh.conf.before" "$ETC/rssh.conf"
rm -rf "/run/rssh/sessions/$(id -u $S)"
[ -n "$RUN_RSSH_NEW" ] && rm -rf /run/rssh
