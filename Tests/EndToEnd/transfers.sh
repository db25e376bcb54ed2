# shellcheck shell=bash
# SPDX-License-Identifier: BSD-2-Clause
# Issue 20, the transfer log of the supervised mode, sourced by e2e.sh (its users, sshd, syslog and audit
# set-up): one line per file for sftp (put, get, rename), scp -O (both ways, recursive) and rsync (push, pull,
# several files), with each file's size, for a plain ($S), a landlocked ($LL) and a jailed ($J) user; sftp-
# server's log stays off the client's stderr; the audit record op=rssh-transfer; the rsyslog example in
# Config/rsyslog-rssh-uploads acting on finished uploads. Each user's line gets `supervised` for this block
# only ($S also scp and rsync) and is restored at its end. (The cap's closing line needs 1,001 files in one
# session: covered by the unit tests with a small cap, not here.)

TR=$WORK/transfers
mkdir -p "$TR/src/sub" "$TR/back"
cp "$ETC/rssh.conf" "$TR/rssh.conf.before"
sed -i -e "s/^user = $S:022:00010::checksums\$/user = $S:022:10011::checksums,supervised/" \
    -e "s/^user = $LL:022:10011::landlock,checksums\$/&,supervised/" \
    -e "s/^\(user = $J:027:10011:.*:checksums\)\$/\1,supervised/" "$ETC/rssh.conf"
head -c 1234 /dev/urandom >"$TR/src/a.txt"
head -c 70000 /dev/urandom >"$TR/src/b.bin"
printf 'four\n' >"$TR/src/sub/c.txt"

# The example handler behind rsyslog: the suite's rsyslogd restarted with the drop-in and imuxsock's trusted
# properties (the original configuration comes back at the end of the block).
UPQ=$TR/uploads.queue
if [ "${OWN_DEVLOG:-}" = 1 ]; then
    cp "$WORK/rsyslog.conf" "$TR/rsyslog.conf.before"
    sed -i 's/module(load="imuxsock" SysSock.Use="on")/module(load="imuxsock" SysSock.Use="on" SysSock.Annotate="on" SysSock.ParseTrusted="on")/' \
        "$WORK/rsyslog.conf"
    sed "s#/usr/local/libexec/rssh-upload-handler /var/spool/rssh-uploads/queue#$REPO/Config/rsyslog-rssh-uploads/rssh-upload-handler $UPQ#" \
        "$REPO/Config/rsyslog-rssh-uploads/rssh-uploads.conf" >>"$WORK/rsyslog.conf"
    tr_rsyslog_restart() {
        kill "$(cat "$WORK/rsyslogd.pid")" 2>/dev/null
        for _ in $(seq 50); do [ -e "$WORK/rsyslogd.pid" ] || break; sleep 0.1; done
        rsyslogd -f "$WORK/rsyslog.conf" -i "$WORK/rsyslogd.pid"
        for _ in $(seq 50); do [ -S /dev/log ] && [ -S "$JAIL/dev/log" ] && break; sleep 0.1; done
    }
    if rsyslogd -N1 -f "$WORK/rsyslog.conf" >"$TR/rsyslog-check.out" 2>&1; then
        pass "transfers: the rsyslog example (omprog drop-in) passes rsyslogd's configuration check"
        tr_rsyslog_restart
    else fail "transfers: the rsyslog example (omprog drop-in) passes rsyslogd's configuration check" "$(cat "$TR/rsyslog-check.out")"; fi
fi

size() { stat -c %s "$TR/src/$1"; }
A=$(size a.txt) B=$(size b.bin) C=$(size sub/c.txt)

for u in $S $LL $J; do
    rhome=$(home $u)
    [ "$u" = "$J" ] && rhome=$JAIL/home/$J
    kind=plain; [ "$u" = "$LL" ] && kind=landlocked; [ "$u" = "$J" ] && kind=jailed
    rm -rf "$TR/back"/* "$rhome/tr-"* "$rhome/src" "$rhome/trrs"

    # sftp: put, get, rename; sftp-server's log never reaches the client.
    (cd "$TR" && printf 'put src/a.txt tr-a.txt\nget tr-a.txt back/a.txt\nrename tr-a.txt tr-b.txt\n' \
        | sftp_batch "$u" >"$TR/sftp.out" 2>"$TR/sftp.err")
    if cmp -s "$TR/src/a.txt" "$TR/back/a.txt" && [ -f "$rhome/tr-b.txt" ]; then
        expect_lines "transfers: $kind sftp put, get and rename each have their line with the size" "$u" \
            "op=upload path=\"[^\"]*/tr-a\.txt\" bytes=$A result=ok" \
            "op=download path=\"[^\"]*/tr-a\.txt\" bytes=$A result=ok" \
            "op=rename path=\"[^\"]*/tr-a\.txt\" to=\"[^\"]*/tr-b\.txt\" bytes=0 result=ok"
    else fail "transfers: $kind sftp put, get and rename" "$(cat "$TR/sftp.err")"; fi
    if ! grep -qE 'open "|close "|session opened|debug1' "$TR/sftp.err"; then
        pass "transfers: $kind sftp-server's log is not on the client's stderr"
    else fail "transfers: $kind sftp-server's log is not on the client's stderr" "$(head -3 "$TR/sftp.err")"; fi

    # scp -O, recursive, both ways (into the home: `scp -r -t .`).
    if scp -O -r -q -S "$SSH" "$TR/src" "$u@127.0.0.1:" 2>"$TR/scp.err" \
        && scp -O -r -q -S "$SSH" "$u@127.0.0.1:src" "$TR/back/" 2>>"$TR/scp.err" \
        && diff -r "$TR/src" "$TR/back/src" >/dev/null; then
        expect_lines "transfers: $kind scp -O -r both ways names every file with its size" "$u" \
            "op=upload path=\"(\./)?src/a\.txt\" bytes=$A result=ok" \
            "op=upload path=\"(\./)?src/b\.bin\" bytes=$B result=ok" \
            "op=upload path=\"(\./)?src/sub/c\.txt\" bytes=$C result=ok" \
            "op=download path=\"src/a\.txt\" bytes=$A result=ok" \
            "op=download path=\"src/b\.bin\" bytes=$B result=ok" \
            "op=download path=\"src/sub/c\.txt\" bytes=$C result=ok"
    else fail "transfers: $kind scp -O -r both ways" "$(cat "$TR/scp.err")"; fi

    # rsync: several files pushed into a directory, then pulled back.
    rm -rf "$TR/back/rs"
    if rsync -r -e "$SSH" "$TR/src/" "$u@127.0.0.1:trrs/" 2>"$TR/rsync.err" \
        && rsync -r -e "$SSH" "$u@127.0.0.1:trrs/" "$TR/back/rs/" 2>>"$TR/rsync.err" \
        && diff -r "$TR/src" "$TR/back/rs" >/dev/null && [ ! -s "$TR/rsync.err" ]; then
        if [ "$u" = "$J" ]; then
            # No /proc in the jail: rsync gets no --log-file (it would fall back and tell the client).
            if ! grep -qE "user=\"$u\" op=(upload|download) path=\"[^\"]*trrs" "$SYSLOG"; then
                pass "transfers: jailed rsync runs without a transfer log and without an error to the client"
            else fail "transfers: jailed rsync runs without a transfer log" "$(grep "user=\"$u\".*trrs" "$SYSLOG" | head -3)"; fi
        else
            expect_lines "transfers: $kind rsync push and pull name every file with its size" "$u" \
                "op=upload path=\"trrs/a\.txt\" bytes=$A result=ok" \
                "op=upload path=\"trrs/b\.bin\" bytes=$B result=ok" \
                "op=upload path=\"trrs/sub/c\.txt\" bytes=$C result=ok" \
                "op=download path=\"[^\"]*a\.txt\" bytes=$A result=ok" \
                "op=download path=\"[^\"]*b\.bin\" bytes=$B result=ok" \
                "op=download path=\"[^\"]*sub/c\.txt\" bytes=$C result=ok"
        fi
    else fail "transfers: $kind rsync push and pull" "$(cat "$TR/rsync.err")"; fi
done

# The transfer lines carry the session id of the session's end record.
sid=$(grep -oE "transfer session=[^ ]+ user=\"$S\" op=upload path=\"[^\"]*/tr-a\.txt\"" "$SYSLOG" | tail -1 \
    | sed 's/transfer session=\([^ ]*\) .*/\1/')
if [ -n "$sid" ] && logged "session-end session=$sid user=\"$S\""; then
    pass "transfers: a transfer line's session id is its session's end record's"
else fail "transfers: a transfer line's session id is its session's end record's" "sid=$sid"; fi

# The audit record, which no local user can forge.
# (Read whole first: grep -q closing the pipe early would fail the pipeline under pipefail.)
wait_record "op=rssh-transfer"
records=$(audit_records "op=rssh-transfer")
if grep -q "acct=$LL .*transfer=upload .*bytes=$B" <<<"$records" && grep -q "acct=$S .*transfer=download" <<<"$records"; then
    pass "transfers: each line is also an audit record op=rssh-transfer (with acct=)"
else fail "transfers: each line is also an audit record op=rssh-transfer" "$(tail -3 <<<"$records")"; fi

# Exec mode is unchanged: no transfer line for a session of a user without the option.
cp "$TR/rssh.conf.before" "$ETC/rssh.conf"
before=$(grep -c "user=\"$LL\" op=" "$SYSLOG")
(cd "$TR" && printf 'put src/a.txt tr-exec.txt\n' | sftp_batch "$LL" >/dev/null 2>&1)
sleep 1
if [ -f "$(home $LL)/tr-exec.txt" ] && [ "$(grep -c "user=\"$LL\" op=" "$SYSLOG")" = "$before" ]; then
    pass "transfers: exec mode writes no transfer line"
else fail "transfers: exec mode writes no transfer line" "$(grep "user=\"$LL\" op=" "$SYSLOG" | tail -2)"; fi

# The rsyslog example: every finished upload of the three users is in the handler's queue, a forged line
# (another uid) is not.
if [ "${OWN_DEVLOG:-}" = 1 ]; then
    logger -t rssh "transfer session=forged user=\"$S\" op=upload path=\"forged.txt\" bytes=1 result=ok"
    sleep 1
    missing=""
    for u in $S $LL; do
        for p in "/tr-a.txt	$A" "src/b.bin	$B" "trrs/sub/c.txt	$C"; do
            grep -qF "$u	" "$UPQ" 2>/dev/null && grep -F "$u	" "$UPQ" | grep -qF "$p" || missing="$missing $u:$p"
        done
    done
    grep -qF "$J	src/b.bin	$B" "$UPQ" 2>/dev/null || missing="$missing $J:src/b.bin"
    if [ -z "$missing" ] && ! grep -q forged "$UPQ"; then
        pass "transfers: the rsyslog example queues every finished upload (user, path, bytes), not a forged line"
    else fail "transfers: the rsyslog example queues every finished upload, not a forged line" "missing:$missing; $(head -5 "$UPQ" 2>&1)"; fi
    cp "$TR/rsyslog.conf.before" "$WORK/rsyslog.conf"
    tr_rsyslog_restart
else
    skip "transfers: the rsyslog example queues every finished upload" "no /dev/log of the suite's own (see lib.sh)"
fi

cp "$TR/rssh.conf.before" "$ETC/rssh.conf"
for u in $S $LL; do rm -rf "$(home $u)/tr-"* "$(home $u)/src" "$(home $u)/trrs"; done
rm -rf "$JAIL/home/$J/tr-"* "$JAIL/home/$J/src" "$JAIL/home/$J/trrs" "$TR"
