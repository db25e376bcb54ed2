#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# End-to-end suite for directory (LDAP) users: a private slapd on 127.0.0.1 holds the users and groups, NSS
# reaches it through libnss-ldapd + nslcd, and real OpenSSH sftp, scp -O and rsync drive an LDAP user whose
# loginShell is the rssh under test, plain and chrooted, through a private sshd; then the directory goes
# away mid-run and rssh must refuse cleanly, saying the directory could not be reached.
#
# Must run as root (Debian). Installs slapd ldap-utils libnss-ldapd nslcd when missing (debconf-preseeded,
# services not started and left disabled). /etc/nsswitch.conf and /etc/nslcd.conf are restored byte for byte
# to what they were when the suite started, on any exit; nslcd and slapd are stopped; the work directory
# (homes, jail, directory database) is removed. Ends with "N passed, N failed, N skipped".
set -uo pipefail

NAME=ldap
LDAP_PACKAGES=${LDAP_PACKAGES:-slapd ldap-utils libnss-ldapd nslcd gcc}
if [ "$(id -u)" -ne 0 ]; then
    echo "skip - ldap: must run as root (it installs packages, edits /etc/nsswitch.conf and starts daemons)"
    echo "ldap: 0 passed, 0 failed, 1 skipped"
    exit 0
fi
USERS=() # lib.sh's cleanup deletes local users; the directory users are not local
# shellcheck source=Tests/EndToEnd/lib.sh
. "$(dirname "$0")/lib.sh"
# The lock below keeps two runs apart (they would share /etc/nsswitch.conf and nslcd anyway).
work_directory /opt/rssh-ldap
SLAPD_DIR=$WORK/slapd
BACKUP=/var/tmp/rssh-ldap-e2e.backup
BASE=dc=rssh,dc=test
PLAIN=rsshldap_plain   # uid 64201, primary group rsshldap_users (64201), member of rsshldap_team (64210)
JUSER=rsshldap_jail    # uid 64202, primary group rsshldap_users, member of rsshldap_team
PLAIN_UID=64201
JUSER_UID=64202
UNKNOWN_UID=64299      # in no database
TEAM=rsshldap_team
TEAM_GID=64210
PLAIN_HOME=$WORK/home/$PLAIN
JHOME=$JAIL/home/$JUSER
GRACE=20               # sshd's LoginGraceTime in this suite
BOUND=$((GRACE + 15))  # no client may take longer than this in the outage

PASSED=0
FAILED=0
SKIPPED=0
FAILURES=()
pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); FAILURES+=("$1"); echo "FAIL - $1"; [ -n "${2:-}" ] && sed 's/^/       /' <<<"$2" | head -20; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "skip - $1${2:+ ($2)}"; }
check() { local name=$1; shift; local out; if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi; }
summary() {
    echo
    for f in "${FAILURES[@]}"; do echo "failed: $f"; done
    echo "ldap: $PASSED passed, $FAILED failed, $SKIPPED skipped"
}
# give_up REASON: the suite cannot run here; counted as skipped, exit 0.
give_up() { skip "ldap: suite not run" "$1"; summary; exit 0; }

# --- restoring the system on any exit ---------------------------------------------------------------
# Remembers whether FILE existed and its exact bytes, once per run (a killed run leaves the backup behind,
# and the next run restores from it before taking a new one).
snapshot() { # snapshot FILE
    local f=$1 b
    b=$BACKUP/$(basename "$1")
    if [ -e "$f" ]; then cp -p "$f" "$b"; else rm -f "$b"; touch "$b.absent"; fi
}
restore() { # restore FILE
    local f=$1 b
    b=$BACKUP/$(basename "$1")
    if [ -e "$b.absent" ]; then rm -f "$f" "$b.absent"
    elif [ -e "$b" ]; then
        cp -p "$b" "$f" && cmp -s "$b" "$f" && rm -f "$b" || echo "ldap: WARNING: could not restore $f (the original is in $b)"
    fi
}
stop_pidfile() { # stop_pidfile FILE: TERM the process named in FILE and wait (5 s) until it is gone
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 0
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
}
ldap_cleanup() {
    [ -n "${SSHD_STARTED:-}" ] && stop_pidfile "$WORK/sshd.pid"
    for cm in "$WORK"/client/cm-*; do [ -S "$cm" ] && ssh -S "$cm" -O exit x >/dev/null 2>&1; done
    for uid in $PLAIN_UID $JUSER_UID; do pkill -U "$uid" 2>/dev/null; done
    [ -n "${NSLCD_STARTED:-}" ] && stop_pidfile /run/nslcd/nslcd.pid
    [ -n "${SLAPD_STARTED:-}" ] && stop_pidfile "$SLAPD_DIR/slapd.pid"
    if [ -n "${SNAPSHOT_TAKEN:-}" ]; then
        restore /etc/nsswitch.conf
        restore /etc/nslcd.conf
        rm -f "$BACKUP/apt.log"; rmdir "$BACKUP" 2>/dev/null
    fi
    harness_cleanup # sshd (again), rsyslogd, /dev/log if ours, the /etc/shells line, $WORK
    [ -n "${LOCKED:-}" ] && rm -f /run/rssh-ldap-e2e.lock
}
# Nothing is cleaned up before the lock is ours: the work directory may be another run's.
trap - EXIT
exec 9>>/run/rssh-ldap-e2e.lock
flock -n 9 || { echo "ldap: another run holds /run/rssh-ldap-e2e.lock"; exit 1; }
LOCKED=1
trap ldap_cleanup EXIT
trap 'exit 130' INT TERM
pgrep -x nslcd >/dev/null && give_up "nslcd is already running: this machine uses it, and the suite would have to replace its configuration"
pgrep -x nscd >/dev/null && give_up "nscd is running: its cache would hide the directory outage"
mkdir -p "$BACKUP"
for f in nsswitch.conf nslcd.conf; do restore "/etc/$f"; done # left over from a killed run
snapshot /etc/nsswitch.conf
snapshot /etc/nslcd.conf
SNAPSHOT_TAKEN=1
harness_unprotect "$WORK" # a killed run's jail home has an immutable .ssh
rm -rf "$WORK"

# --- packages -------------------------------------------------------------------------------------
install_ldap_packages "$BACKUP/apt.log" $LDAP_PACKAGES || { cat "$BACKUP/apt.log"; give_up "could not install $LDAP_PACKAGES"; }
for prog in slapd slapadd ldapsearch nslcd; do
    command -v $prog >/dev/null || [ -x /usr/sbin/$prog ] || give_up "$prog is not installed"
done
ls /lib/*/libnss_ldap.so.2 /usr/lib/*/libnss_ldap.so.2 >/dev/null 2>&1 || give_up "libnss_ldap.so.2 (libnss-ldapd) is missing"

# --- rssh, the directory, NSS ------------------------------------------------------------------
harness_install
install -d -m 755 "$WORK/home" "$SLAPD_DIR" "$SLAPD_DIR/db"
gcc -O1 -Wall -o "$WORK/nss_probe" "$REPO/Tests/EndToEnd/nss_probe.c" || give_up "cannot build nss_probe (gcc)"
for id in $PLAIN_UID $JUSER_UID $UNKNOWN_UID; do
    getent passwd "$id" >/dev/null && give_up "uid $id is already taken on this machine"
done
getent group $TEAM_GID >/dev/null && give_up "gid $TEAM_GID is already taken on this machine"
LDAP_PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$SLAPD_DIR/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
loglevel none
pidfile $SLAPD_DIR/slapd.pid
argsfile $SLAPD_DIR/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 16777216
suffix "$BASE"
rootdn "cn=admin,$BASE"
rootpw rssh-test-only
directory $SLAPD_DIR/db
index objectClass,uid,uidNumber,gidNumber,memberUid eq
access to attrs=userPassword by * none
access to * by * read
CONF
cat >"$SLAPD_DIR/tree.ldif" <<LDIF
dn: $BASE
objectClass: dcObject
objectClass: organization
dc: rssh
o: rssh test

dn: ou=people,$BASE
objectClass: organizationalUnit
ou: people

dn: ou=groups,$BASE
objectClass: organizationalUnit
ou: groups

dn: cn=rsshldap_users,ou=groups,$BASE
objectClass: posixGroup
cn: rsshldap_users
gidNumber: 64201

dn: cn=$TEAM,ou=groups,$BASE
objectClass: posixGroup
cn: $TEAM
gidNumber: $TEAM_GID
memberUid: $PLAIN
memberUid: $JUSER

dn: uid=$PLAIN,ou=people,$BASE
objectClass: inetOrgPerson
objectClass: posixAccount
uid: $PLAIN
cn: rssh LDAP plain
sn: plain
uidNumber: $PLAIN_UID
gidNumber: 64201
homeDirectory: $PLAIN_HOME
loginShell: $RSSH

dn: uid=$JUSER,ou=people,$BASE
objectClass: inetOrgPerson
objectClass: posixAccount
uid: $JUSER
cn: rssh LDAP jailed
sn: jailed
uidNumber: $JUSER_UID
gidNumber: 64201
homeDirectory: $JHOME
loginShell: $RSSH
LDIF
slapadd -q -f "$SLAPD_DIR/slapd.conf" -l "$SLAPD_DIR/tree.ldif" >"$SLAPD_DIR/slapadd.log" 2>&1 \
    || { cat "$SLAPD_DIR/slapadd.log"; give_up "slapadd could not load the test tree"; }
start_slapd() {
    /usr/sbin/slapd -h "ldap://127.0.0.1:$LDAP_PORT/" -f "$SLAPD_DIR/slapd.conf" 9>&- || return 1
    SLAPD_STARTED=1
    for _ in $(seq 100); do
        ldapsearch -x -LLL -H "ldap://127.0.0.1:$LDAP_PORT/" -b "$BASE" -s base dn >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}
start_slapd || give_up "slapd did not start on 127.0.0.1:$LDAP_PORT"

# nslcd reads only /etc/nslcd.conf (restored on exit). Short timeouts so an outage is an error, not a hang;
# local users' initgroups never ask the directory.
cat >/etc/nslcd.conf <<CONF
# written by rssh's Tests/EndToEnd/ldap.sh; the original is restored when the suite ends
uid nslcd
gid nslcd
uri ldap://127.0.0.1:$LDAP_PORT/
base $BASE
base passwd ou=people,$BASE
base group ou=groups,$BASE
bind_timelimit 3
timelimit 5
reconnect_sleeptime 1
reconnect_retrytime 5
nss_initgroups_ignoreusers ALLLOCAL
CONF
chmod 640 /etc/nslcd.conf
chgrp nslcd /etc/nslcd.conf 2>/dev/null
start_nslcd() {
    install -d -m 755 -o nslcd -g nslcd /run/nslcd
    /usr/sbin/nslcd 9>&- || return 1
    NSLCD_STARTED=1
    for _ in $(seq 100); do [ -S /run/nslcd/socket ] && return 0; sleep 0.1; done
    return 1
}
start_nslcd || give_up "nslcd did not start"
# "files ldap" for passwd and group only; everything else as it was.
sed -i -E 's/^(passwd|group):([^#]*)$/\1:\2 ldap/' /etc/nsswitch.conf
grep -qE '^passwd:.* ldap' /etc/nsswitch.conf && grep -qE '^group:.* ldap' /etc/nsswitch.conf \
    || give_up "could not add ldap to the passwd and group lines of /etc/nsswitch.conf"

if [ "$(getent passwd $PLAIN | cut -d: -f3,7)" = "$PLAIN_UID:$RSSH" ]; then pass "nss: the directory user resolves through nslcd, loginShell rssh"
else fail "nss: the directory user resolves through nslcd, loginShell rssh" "$(getent passwd $PLAIN 2>&1)"; fi
if id -nG $PLAIN | tr ' ' '\n' | grep -qx $TEAM; then pass "nss: the supplementary posixGroup (memberUid) is among the user's groups"
else fail "nss: the supplementary posixGroup (memberUid) is among the user's groups" "$(id $PLAIN 2>&1)"; fi
PROBE_UP=$("$WORK/nss_probe" $PLAIN_UID $UNKNOWN_UID)

# --- rssh config, homes, jail, syslog, sshd ------------------------------------------------------
harness_config <<CONF
logfacility = LOG_USER
umask = 022
sftpserveroptions = -l INFO
user = $PLAIN:022:10011
user = $JUSER:022:10011:$JAIL
CONF
echo "$RSSH" >>/etc/shells
install -d -m 750 -o $PLAIN_UID -g 64201 "$PLAIN_HOME"
install -d -m 2770 -o root -g $TEAM_GID "$PLAIN_HOME/team"
"$PREFIX/sbin/rsshctl" jail build "$JAIL" --user $JUSER >"$WORK/jail-build.log" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q "^$JUSER:x:$JUSER_UID:64201:.*:$JHOME:$RSSH\$" "$JAIL/etc/passwd" && [ "$(stat -c %u "$JHOME" 2>/dev/null)" = $JUSER_UID ]; then
    pass "rsshctl jail build --user: takes the directory user from NSS (jail passwd line, home)"
else fail "rsshctl jail build --user: takes the directory user from NSS (jail passwd line, home)" "rc=$rc $(cat "$WORK/jail-build.log"; cat "$JAIL/etc/passwd" 2>&1)"; fi
install -d -m 2770 -o root -g $TEAM_GID "$JHOME/team"

# A private rsyslogd on its own socket and the jail's. The host's /dev/log is never touched (other suites may
# own it and remove it at any time): sshd runs in its own mount namespace, on a small /dev of its own whose
# log entry points at this suite's socket, so rssh's lines (and PAM's, sshd's children's) arrive here.
cat >"$WORK/rsyslog.conf" <<CONF
global(workDirectory="$WORK")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$WORK/log.sock")
input(type="imuxsock" Socket="$JAIL/dev/log" CreatePath="on")
*.* action(type="omfile" file="$SYSLOG" template="RSYSLOG_TraditionalFileFormat")
CONF
rsyslogd -f "$WORK/rsyslog.conf" -i "$WORK/rsyslogd.pid" 9>&- || give_up "rsyslogd did not start"
for _ in $(seq 50); do [ -S "$JAIL/dev/log" ] && [ -S "$WORK/log.sock" ] && break; sleep 0.1; done
check "rsshctl jail check passes on the jail (with its log socket)" "$PREFIX/sbin/rsshctl" jail check "$JAIL"

harness_sshd_config $PLAIN $JUSER <<CONF
LoginGraceTime $GRACE
MaxStartups 50
MaxSessions 50
CONF
unshare --mount --propagation private sh -ec "
    mount -t tmpfs -o mode=755,size=64k rssh-ldap-dev /dev
    mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5; mknod -m 666 /dev/full c 1 7
    mknod -m 666 /dev/random c 1 8; mknod -m 666 /dev/urandom c 1 9; mknod -m 666 /dev/tty c 5 0
    ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin; ln -s /proc/self/fd/1 /dev/stdout
    ln -s /proc/self/fd/2 /dev/stderr; ln -s '$WORK/log.sock' /dev/log
    exec /usr/sbin/sshd -f '$WORK/sshd_config' -E '$WORK/sshd.log'" </dev/null 9>&- \
    || { cat "$WORK/sshd.log"; give_up "sshd did not start"; }
SSHD_STARTED=1
harness_client
# sftp_to USER [sftp options...]: OpenSSH sftp in batch mode, commands on stdin, at most 60 s.
sftp_to() {
    local user=$1; shift
    timeout 60 sftp -b - "${SSHOPTS[@]}" -P "$PORT" "$@" "$user@127.0.0.1"
}
logged() { for _ in $(seq 50); do grep -q -- "$1" "$SYSLOG" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

LOCAL=$WORK/local
mkdir -p "$LOCAL/rs"
head -c 262144 /dev/urandom >"$LOCAL/blob.bin"
printf 'hello\n' >"$LOCAL/a.txt"
cp "$LOCAL/blob.bin" "$LOCAL/a.txt" "$LOCAL/rs/"

# --- a directory user, not chrooted --------------------------------------------------------------
check "plain: sftp put, ls, get as the directory user" bash -c "
cd '$LOCAL' && printf 'put blob.bin\nls -l\nget blob.bin back.bin\n' | timeout 60 sftp -b - ${SSHOPTS[*]} -P $PORT $PLAIN@127.0.0.1 >/dev/null \
 && cmp blob.bin back.bin && cmp blob.bin '$PLAIN_HOME/blob.bin' && [ \"\$(stat -c %u:%g '$PLAIN_HOME/blob.bin')\" = $PLAIN_UID:64201 ] && rm back.bin"
check "plain: scp -O upload and download" bash -c "
timeout 60 scp -O -q -S '$SSH' '$LOCAL/a.txt' $PLAIN@127.0.0.1:o.txt && timeout 60 scp -O -q -S '$SSH' $PLAIN@127.0.0.1:o.txt '$WORK/o.txt' \
 && cmp '$LOCAL/a.txt' '$WORK/o.txt' && cmp '$LOCAL/a.txt' '$PLAIN_HOME/o.txt'"
check "plain: rsync push and pull" bash -c "
timeout 60 rsync -a -e '$SSH' '$LOCAL/rs/' $PLAIN@127.0.0.1:rs/ && timeout 60 rsync -a -e '$SSH' $PLAIN@127.0.0.1:rs/ '$WORK/rs-pulled/' \
 && cmp '$LOCAL/blob.bin' '$PLAIN_HOME/rs/blob.bin' && cmp '$LOCAL/blob.bin' '$WORK/rs-pulled/blob.bin'"
# team/ is 2770 root:rsshldap_team: only a session that holds the supplementary group can create a file in it.
out=$(cd "$LOCAL" && printf 'put a.txt team/t.txt\nls -l team\n' | sftp_to $PLAIN 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(stat -c %g "$PLAIN_HOME/team/t.txt" 2>/dev/null)" = $TEAM_GID ]; then
    pass "plain: the session holds the supplementary directory group (writes into a 2770 root:$TEAM directory)"
else fail "plain: the session holds the supplementary directory group (writes into a 2770 root:$TEAM directory)" "rc=$rc $out"; fi
# sftp-server resolves the names (OpenSSH's users-groups-by-id extension), on the host, through NSS.
if grep -qE "^-[^ ]+ +[^ ]+ +$PLAIN +$TEAM .*t\.txt\$" <<<"$out"; then
    pass "plain: sftp ls -l names the supplementary group ($TEAM) on the uploaded file"
else fail "plain: sftp ls -l names the supplementary group ($TEAM) on the uploaded file" "$out"; fi
out=$("$SSH" $PLAIN@127.0.0.1 "bash -c id" </dev/null 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "This account is restricted by rssh" <<<"$out"; then pass "plain: a shell command is refused for the directory user"
else fail "plain: a shell command is refused for the directory user" "rc=$rc $out"; fi
if logged "rssh\[[0-9]*\]: allowed user=\"$PLAIN\" uid=$PLAIN_UID"; then pass "syslog: rssh names the directory user and uid"
else fail "syslog: rssh names the directory user and uid" "$(grep 'rssh\[' "$SYSLOG" | tail -3)"; fi

# --- a directory user in a jail --------------------------------------------------------------------
check "jail: sftp put and get inside the jail" bash -c "
cd '$LOCAL' && printf 'put blob.bin\nget blob.bin jback.bin\n' | timeout 60 sftp -b - ${SSHOPTS[*]} -P $PORT $JUSER@127.0.0.1 >/dev/null \
 && cmp blob.bin jback.bin && cmp blob.bin '$JHOME/blob.bin' && rm jback.bin"
out=$(printf 'ls -1 /\n' | sftp_to $JUSER 2>&1)
if [ "$(grep -v '^sftp>' <<<"$out" | sed 's|^/||' | sort | tr '\n' ' ')" = "dev etc home lib lib64 tmp usr " ]; then pass "jail: the directory user sees only the jail at /"
else fail "jail: the directory user sees only the jail at /" "$out"; fi
check "jail: scp -O upload and download" bash -c "
timeout 60 scp -O -q -S '$SSH' '$LOCAL/a.txt' $JUSER@127.0.0.1:o.txt && timeout 60 scp -O -q -S '$SSH' $JUSER@127.0.0.1:o.txt '$WORK/jo.txt' \
 && cmp '$LOCAL/a.txt' '$WORK/jo.txt' && cmp '$LOCAL/a.txt' '$JHOME/o.txt'"
check "jail: rsync push and pull" bash -c "
timeout 60 rsync -a -e '$SSH' '$LOCAL/rs/' $JUSER@127.0.0.1:rs/ && timeout 60 rsync -a -e '$SSH' $JUSER@127.0.0.1:rs/ '$WORK/jrs-pulled/' \
 && cmp '$LOCAL/blob.bin' '$JHOME/rs/blob.bin' && cmp '$LOCAL/blob.bin' '$WORK/jrs-pulled/blob.bin'"
out=$(cd "$LOCAL" && printf 'put a.txt team/t.txt\nls -l team\n' | sftp_to $JUSER 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(stat -c %g "$JHOME/team/t.txt" 2>/dev/null)" = $TEAM_GID ] && grep -qE "^-[^ ]+ +[^ ]+ +$JUSER +($TEAM|$TEAM_GID) .*t\.txt\$" <<<"$out"; then
    pass "jail: the helper gives the session the supplementary directory group (writes into a 2770 root:$TEAM directory)"
else fail "jail: the helper gives the session the supplementary directory group (writes into a 2770 root:$TEAM directory)" "rc=$rc $out"; fi
# Inside the jail the name comes from the jail's /etc/group, which rsshctl writes from NSS, supplementary
# groups included.
if grep -q "^$TEAM:x:$TEAM_GID:" "$JAIL/etc/group"; then pass "jail: rsshctl wrote the directory's supplementary group into the jail"
else fail "jail: rsshctl wrote the directory's supplementary group into the jail" "$(cat "$JAIL/etc/group")"; fi
if grep -qE "^-[^ ]+ +[^ ]+ +$JUSER +$TEAM .*t\.txt\$" <<<"$out"; then pass "jail: sftp ls -l names the supplementary group (from the jail's /etc/group)"
else fail "jail: sftp ls -l names the supplementary group (from the jail's /etc/group)" "$out"; fi
if logged "rssh_chroot_helper\[[0-9]*\]: allowed user=\"$JUSER\" uid=$JUSER_UID.*chroot=\"$JAIL\""; then pass "syslog: the helper's line names the directory user and the jail"
else fail "syslog: the helper's line names the directory user and the jail" "$(grep 'rssh_chroot_helper\[' "$SYSLOG" | tail -3)"; fi

# --- group lines naming directory groups (issue 19) -------------------------------------------------
# Without its user line, the directory user gets the first group line naming one of its groups: the
# supplementary posixGroup (memberUid) and then the primary group (gidNumber), each resolved by NSS from the
# directory, by rssh and, for a jailed member, by the helper with its own lookup.
cp "$ETC/rssh.conf" "$WORK/rssh.conf.nogroups"
plain_sftp() { printf 'ls\n' | sftp_to $PLAIN >/dev/null 2>&1; }
plain_scp() { timeout 60 scp -O -q -S "$SSH" "$LOCAL/a.txt" $PLAIN@127.0.0.1:g.txt 2>/dev/null && cmp -s "$LOCAL/a.txt" "$PLAIN_HOME/g.txt"; }
{ grep -v "^user = $PLAIN:" "$WORK/rssh.conf.nogroups"; echo "group = $TEAM:022:00010"; echo "group = rsshldap_users:022:00001"; } >"$ETC/rssh.conf"
rm -f "$PLAIN_HOME/g.txt"
if plain_sftp && ! plain_scp; then pass "group line: the directory's supplementary group (memberUid) selects its line (sftp allowed, scp refused)"
else fail "group line: the directory's supplementary group (memberUid) selects its line (sftp allowed, scp refused)" "$(id $PLAIN 2>&1; cat "$ETC/rssh.conf")"; fi
if logged "rssh\[[0-9]*\]: denied user=\"$PLAIN\" uid=$PLAIN_UID.*scp"; then pass "group line: the refused scp is logged for the directory user"
else fail "group line: the refused scp is logged for the directory user" "$(grep 'rssh\[' "$SYSLOG" | tail -3)"; fi
{ grep -v "^user = $PLAIN:" "$WORK/rssh.conf.nogroups"; echo "group = rsshldap_users:022:00001"; echo "group = $TEAM:022:00010"; } >"$ETC/rssh.conf"
rm -f "$PLAIN_HOME/g.txt"
if plain_scp && ! plain_sftp; then pass "group line: the directory's primary group (gidNumber) selects its line, the first in the file (scp allowed, sftp refused)"
else fail "group line: the directory's primary group (gidNumber) selects its line, the first in the file (scp allowed, sftp refused)" "$(cat "$ETC/rssh.conf")"; fi
# The jailed directory user: its user line removed, a group line with the same jail applies in the helper too.
{ grep -v "^user = $JUSER:" "$WORK/rssh.conf.nogroups"; echo "group = $TEAM:022:00010:$JAIL"; } >"$ETC/rssh.conf"
out=$(printf 'ls -1 /\n' | sftp_to $JUSER 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(grep -v '^sftp>' <<<"$out" | sed 's|^/||' | sort | tr '\n' ' ')" = "dev etc home lib lib64 tmp usr " ]; then
    pass "group line: a directory group's line with a jail puts its member in the jail (rssh and the helper agree)"
else fail "group line: a directory group's line with a jail puts its member in the jail (rssh and the helper agree)" "rc=$rc $out"; fi
if [ "$("$RSSH" -v 2>&1 | grep -c "group $TEAM (line [0-9]*): sftp")" = 1 ]; then pass "group line: rssh -v lists the directory group's line"
else fail "group line: rssh -v lists the directory group's line" "$("$RSSH" -v 2>&1 | grep -i group)"; fi
cp "$WORK/rssh.conf.nogroups" "$ETC/rssh.conf"
rm -f "$PLAIN_HOME/g.txt"

# --- directory outage -------------------------------------------------------------------------------
# A new connection for a user sshd cannot resolve ends inside sshd ("Invalid user"), before rssh runs. To see
# rssh's own lookup fail, each user first opens a connection (ControlMaster) while the directory is up; new
# sessions over it run rssh in an sshd that has already authenticated the user.
open_master() { # open_master USER
    timeout 30 ssh "${SSHOPTS[@]}" -p "$PORT" -o ControlMaster=yes -o ControlPath="$WORK/client/cm-$1" -o ControlPersist=yes -f -N "$1@127.0.0.1" </dev/null
}
for u in $PLAIN $JUSER; do open_master $u || fail "outage: could not open a connection for $u while the directory is up"; done
out=$(printf 'ls\n' | sftp_to $PLAIN -o ControlPath="$WORK/client/cm-$PLAIN" 2>&1); rc=$?
if [ $rc -eq 0 ]; then pass "outage: sftp over the established connection works while the directory is up"
else fail "outage: sftp over the established connection works while the directory is up" "rc=$rc $out"; fi

# outage_case LABEL: the directory is down (as LABEL says); a new connection and a session over an
# established one must both be refused, each within the bound, and rssh must say why.
outage_case() {
    local label=$1 start elapsed rc out u uid sshd_before
    sshd_before=$(wc -l <"$WORK/sshd.log")
    start=$SECONDS
    out=$(cd "$LOCAL" && printf 'put a.txt outage-new.txt\n' | timeout $BOUND sftp -b - "${SSHOPTS[@]}" -P "$PORT" $PLAIN@127.0.0.1 2>&1); rc=$?
    elapsed=$((SECONDS - start))
    if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $elapsed -le $((GRACE + 5)) ] && [ ! -e "$PLAIN_HOME/outage-new.txt" ]; then
        pass "outage ($label): a new sftp connection is refused, in ${elapsed}s"
    else fail "outage ($label): a new sftp connection is refused, in ${elapsed}s" "rc=$rc $out"; fi
    # The finding: sshd cannot resolve the user either, so it refuses the connection itself and rssh never runs.
    if tail -n +"$((sshd_before + 1))" "$WORK/sshd.log" | grep -qi "invalid user $PLAIN"; then
        pass "outage ($label): sshd itself refuses the new connection as an invalid user (rssh does not run)"
    else fail "outage ($label): sshd itself refuses the new connection as an invalid user (rssh does not run)" "$(tail -n +"$((sshd_before + 1))" "$WORK/sshd.log")"; fi
    for u in $PLAIN $JUSER; do
        uid=$(if [ $u = $PLAIN ]; then echo $PLAIN_UID; else echo $JUSER_UID; fi)
        if ! ssh -S "$WORK/client/cm-$u" -O check x >/dev/null 2>&1; then
            fail "outage ($label): $u's established connection is still open" "the master connection went away; no session can test rssh's lookup"
            continue
        fi
        local before; before=$(wc -l <"$SYSLOG")
        start=$SECONDS
        out=$(cd "$LOCAL" && printf 'put a.txt outage.txt\n' | timeout $BOUND sftp -b - "${SSHOPTS[@]}" -P "$PORT" -o ControlPath="$WORK/client/cm-$u" $u@127.0.0.1 2>&1); rc=$?
        elapsed=$((SECONDS - start))
        if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $elapsed -le $((GRACE + 5)) ] && [ ! -e "$PLAIN_HOME/outage.txt" ] && [ ! -e "$JHOME/outage.txt" ]; then
            pass "outage ($label): $u's sftp session over an established connection is refused (fail closed), in ${elapsed}s"
        else fail "outage ($label): $u's sftp session over an established connection is refused (fail closed), in ${elapsed}s" "rc=$rc $out"; fi
        local line=""
        for _ in $(seq 50); do line=$(tail -n +"$((before + 1))" "$SYSLOG" | grep "rssh\[[0-9]*\]: denied .*uid=$uid" | tail -1); [ -n "$line" ] && break; sleep 0.1; done
        if grep -q "user lookup failed for uid $uid" <<<"$line" && ! grep -q "no passwd entry" <<<"$line"; then
            pass "outage ($label): rssh logs that the user lookup failed for $u, not that the user is unknown"
        else fail "outage ($label): rssh logs that the user lookup failed for $u, not that the user is unknown" "${line:-no rssh line for uid $uid: $(tail -n +"$((before + 1))" "$SYSLOG" | tail -5)}"; fi
    done
}

stop_pidfile "$SLAPD_DIR/slapd.pid"; SLAPD_STARTED=
outage_case "slapd down, nslcd up"
PROBE_SLAPD_DOWN=$("$WORK/nss_probe" $PLAIN_UID $UNKNOWN_UID)
stop_pidfile /run/nslcd/nslcd.pid; NSLCD_STARTED=
outage_case "nslcd down"
PROBE_NSLCD_DOWN=$("$WORK/nss_probe" $PLAIN_UID $UNKNOWN_UID)

# Recovery: with the directory back, new connections work again.
start_slapd && start_nslcd || fail "recovery: slapd and nslcd restart"
out=$(printf 'ls\n' | sftp_to $PLAIN 2>&1); rc=$?
if [ $rc -eq 0 ]; then pass "recovery: with the directory back, a new sftp connection works"
else fail "recovery: with the directory back, a new sftp connection works" "rc=$rc $out"; fi

# A uid the directory really does not know (the user's uidNumber changed under an established connection)
# is not an outage: rssh keeps saying there is no passwd entry.
ldapmodify -x -H "ldap://127.0.0.1:$LDAP_PORT/" -D "cn=admin,$BASE" -w rssh-test-only >/dev/null 2>&1 <<LDIF
dn: uid=$PLAIN,ou=people,$BASE
changetype: modify
replace: uidNumber
uidNumber: 64203
LDIF
PROBE_GONE=$("$WORK/nss_probe" $PLAIN_UID)
before=$(wc -l <"$SYSLOG")
out=$(printf 'ls\n' | timeout $BOUND sftp -b - "${SSHOPTS[@]}" -P "$PORT" -o ControlPath="$WORK/client/cm-$PLAIN" $PLAIN@127.0.0.1 2>&1); rc=$?
line=""
for _ in $(seq 50); do line=$(tail -n +"$((before + 1))" "$SYSLOG" | grep "rssh\[[0-9]*\]: denied .*uid=$PLAIN_UID" | tail -1); [ -n "$line" ] && break; sleep 0.1; done
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "no passwd entry for uid $PLAIN_UID" <<<"$line"; then
    pass "unknown uid (directory up, uid gone from it): refused, and rssh still says there is no passwd entry"
else fail "unknown uid (directory up, uid gone from it): refused, and rssh still says there is no passwd entry" "rc=$rc ${line:-no rssh line} $out"; fi

echo
echo "getpwuid_r on this machine (uid $PLAIN_UID is the directory user, $UNKNOWN_UID exists nowhere):"
echo "  directory up:         $(tr '\n' ';' <<<"$PROBE_UP")"
echo "  slapd down, nslcd up: $(tr '\n' ';' <<<"$PROBE_SLAPD_DOWN")"
echo "  nslcd down:           $(tr '\n' ';' <<<"$PROBE_NSLCD_DOWN")"
echo "  up, uid 64201 gone:   $PROBE_GONE"
summary
[ "$FAILED" -eq 0 ]
