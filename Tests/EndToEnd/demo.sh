#!/usr/bin/env bash
# `sudo make demo`: see rssh work. Installs into a private prefix, starts a throwaway sshd on 127.0.0.1
# with a demo user restricted to chrooted sftp, runs a real sftp session, shows a refused shell, and the
# audit and syslog lines for both. Everything is removed afterwards.
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
harness_config <<CONF
logfacility = LOG_USER
# rsshdemo may use sftp only, inside the jail $JAIL
user = rsshdemo:022:00010:$JAIL
CONF
echo "rssh.conf:"; sed 's/^/    /' "$ETC/rssh.conf"
step "Creating user rsshdemo and building its jail with: rsshctl jail build $JAIL --user rsshdemo"
harness_users
harness_rsyslog
harness_sshd
"$PREFIX/sbin/rsshctl" jail check "$JAIL" | sed 's/^/    /'

step "rsshdemo runs a real sftp session: upload a file, list the home directory and /"
echo "hello from the demo" >"$WORK/hello.txt"
printf 'put %s\nls -l\nls /\n' "$WORK/hello.txt" | sftp_batch rsshdemo 2>&1 | sed 's/^/    /'

step "rsshdemo tries to get a shell: ssh rsshdemo@127.0.0.1 bash"
"$SSH" rsshdemo@127.0.0.1 bash </dev/null 2>&1 | sed 's/^/    /'
echo "    (exit status $?)"

sleep 1
step "The kernel audit trail (ausearch -m USER_CMD -i):"
ausearch -m USER_CMD "${AUSEARCH_INPUT[@]}" -ts recent -i 2>/dev/null | grep -F "acct=rsshdemo" | sed 's/^/    /' | tail -4

step "The syslog lines (rssh, and the helper and sftp-server through the jail's /dev/log):"
grep -E 'rssh(_chroot_helper)?\[' "$SYSLOG" 2>/dev/null | sed 's/^/    /' | tail -4
grep -E 'sftp-server\[' "$SYSLOG" 2>/dev/null | sed 's/^/    /' | head -3

step "Cleaning up (users, sshd, rsyslogd, the private auditd if one was started, files)"
