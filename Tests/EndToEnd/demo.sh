#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `sudo make demo`: see rssh work. Installs into a private prefix, starts a throwaway sshd on 127.0.0.1
# with a demo user restricted to chrooted sftp, runs a real sftp session, shows a refused shell, and the
# audit and syslog lines for both. Everything is removed afterwards.
#
# It is also a tested path (`make check` runs it as root): it asserts that the sftp session transferred the
# file, that `bash` was refused, and that both decisions are in the audit trail and in syslog, ends with
# "demo: N passed, N failed" and exits non-zero when an assertion failed.
set -uo pipefail
NAME=demo
USERS=(rsshdemo)
JAIL_USER=rsshdemo
# shellcheck source=Tests/EndToEnd/lib.sh
. "$(dirname "$0")/lib.sh"

step() { printf '\n==> %s\n' "$*"; }

step "Building and installing rssh into a private prefix"
harness_install
harness_auditd
# The demo's sshd runs `sftp-server -l INFO` (lib.sh), so rssh.conf must allow that option: without
# sftpserveroptions rssh refuses the session and sftp ends in "Connection closed".
harness_config <<CONF
logfacility = LOG_USER
sftpserveroptions = -l INFO
# rsshdemo may use sftp only, inside the jail $JAIL
user = rsshdemo:022:00010:$JAIL
CONF
echo "rssh.conf:"; sed 's/^/    /' "$ETC/rssh.conf"
step "Creating user rsshdemo and building its jail with: rsshctl jail build $JAIL --user rsshdemo"
harness_users
harness_rsyslog
harness_sshd
"$PREFIX/sbin/rsshctl" jail check "$JAIL" | sed 's/^/    /'
# Audit records from now on only (a host's audit log may hold an earlier run's).
AUDIT_SINCE=("$(LC_ALL=C date +%x)" "$(LC_ALL=C date +%T)")

step "rsshdemo runs a real sftp session: upload a file, list the home directory and /"
echo "hello from the demo $$" >"$WORK/hello.txt"
out=$(printf 'put %s\nls -l\nls /\n' "$WORK/hello.txt" | sftp_batch rsshdemo 2>&1); rc=$?
sed 's/^/    /' <<<"$out"
if [ $rc -eq 0 ] && cmp -s "$WORK/hello.txt" "$JAIL/home/rsshdemo/hello.txt"; then
    pass "sftp: the session ran and hello.txt arrived in the jail ($JAIL/home/rsshdemo/hello.txt)"
else fail "sftp: the session ran and hello.txt arrived in the jail ($JAIL/home/rsshdemo/hello.txt)" "rc=$rc $out"; fi

step "rsshdemo tries to get a shell: ssh rsshdemo@127.0.0.1 bash"
out=$("$SSH" rsshdemo@127.0.0.1 bash </dev/null 2>&1); rc=$?
sed 's/^/    /' <<<"$out"
echo "    (exit status $rc)"
if [ $rc -ne 0 ] && grep -q "This account is restricted by rssh" <<<"$out"; then pass "bash: refused"
else fail "bash: refused" "rc=$rc $out"; fi

# audit_for WHAT PATTERN...: waits until the demo's audit records hold a line matching every PATTERN.
audit_for() {
    local what=$1 r; shift
    for _ in $(seq 100); do
        r=$(LC_ALL=C ausearch -m USER_CMD "${AUSEARCH_INPUT[@]}" -ts "${AUDIT_SINCE[@]}" -i 2>/dev/null | grep -F "acct=rsshdemo")
        for p in "$@"; do r=$(grep -E -- "$p" <<<"$r"); done
        [ -n "$r" ] && { pass "audit: $what"; return 0; }
        sleep 0.1
    done
    fail "audit: $what" "$(LC_ALL=C ausearch -m USER_CMD "${AUSEARCH_INPUT[@]}" -ts "${AUDIT_SINCE[@]}" -i 2>&1 | tail -4)"
}
# syslog_for WHAT PATTERN: waits until the suite's syslog file holds a line matching PATTERN.
syslog_for() {
    for _ in $(seq 100); do grep -qE -- "$2" "$SYSLOG" 2>/dev/null && { pass "syslog: $1"; return 0; }; sleep 0.1; done
    fail "syslog: $1" "$(tail -4 "$SYSLOG" 2>&1)"
}

step "The kernel audit trail (ausearch -m USER_CMD -i):"
LC_ALL=C ausearch -m USER_CMD "${AUSEARCH_INPUT[@]}" -ts "${AUDIT_SINCE[@]}" -i 2>/dev/null | grep -F "acct=rsshdemo" | sed 's/^/    /' | tail -4
audit_for "the sftp session allowed inside the jail" 'comm=rssh_chroot_helper' 'op=rssh-allow' 'program="?sftp-server' 'res=success'
audit_for "bash refused" 'comm=rssh ' 'op=rssh-deny' 'res=failed'

step "The syslog lines (rssh, and the helper and sftp-server through the jail's /dev/log):"
grep -E 'rssh(_chroot_helper)?\[' "$SYSLOG" 2>/dev/null | sed 's/^/    /' | tail -4
grep -E 'sftp-server\[' "$SYSLOG" 2>/dev/null | sed 's/^/    /' | head -3
syslog_for "the sftp session allowed by the helper inside the jail" \
    'rssh_chroot_helper\[[0-9]+\]: allowed user="rsshdemo" .* program=sftp-server'
if [ "${OWN_DEVLOG:-}" != 1 ]; then
    skip "syslog: bash refused by rssh" "no /dev/log of the demo's own in its mount namespace (see lib.sh)"
else syslog_for "bash refused by rssh" 'rssh\[[0-9]+\]: denied user="rsshdemo" uid=[0-9]+ addr=127\.0\.0\.1 .*command="bash"'; fi
syslog_for "sftp-server logged the upload from inside the jail" 'sftp-server\[[0-9]+\]: .*hello\.txt'

step "Cleaning up (users, sshd, rsyslogd, the private auditd if one was started, files)"
echo
for f in "${SKIPS[@]}"; do echo "skipped: $f"; done
for f in "${FAILURES[@]}"; do echo "failed: $f"; done
echo "demo: $PASSED passed, $FAILED failed$([ "$SKIPPED" -gt 0 ] && echo ", $SKIPPED skipped")"
[ "$FAILED" -eq 0 ]
