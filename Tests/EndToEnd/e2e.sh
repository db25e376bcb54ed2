#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# End-to-end suite: installs rssh into a private prefix, starts a private sshd on 127.0.0.1, and drives
# real OpenSSH sftp/scp/ssh, rsync, cvs and paramiko through it as restricted test users.
# Must run as root. Cleans up users, processes and files on exit, also after a failure.
set -uo pipefail

NAME=e2e
USERS=(rsshe2e_all rsshe2e_sftp rsshe2e_lock rsshe2e_jail rsshe2e_cvs rsshe2e_ll rsshe2e_ro rsshe2e_up rsshe2e_wbash
    rsshe2e_wscp rsshe2e_wll)
JAIL_USER=rsshe2e_jail
# shellcheck source=Tests/EndToEnd/lib.sh
. "$(dirname "$0")/lib.sh"
# check NAME COMMAND...: passes when COMMAND exits 0.
check() { local name=$1; shift; local out; if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi; }

# --- set-up -----------------------------------------------------------------------------------
harness_install
harness_auditd
harness_config <<CONF
logfacility = LOG_USER
allowsftp
umask = 022
sftpserveroptions = -l INFO
user = rsshe2e_all:027:11111::unconfinedexec
user = rsshe2e_cvs:022:00100
user = rsshe2e_ll:022:10011::landlock,checksums
user = rsshe2e_ro:022:10011::readonly
user = rsshe2e_up:022:10011::uploadonly,checksums
user = rsshe2e_wscp:022:00001::winscp,checksums
user = rsshe2e_wll:022:00001::landlock,winscp,checksums
user = rsshe2e_wjail:022:00001:$JAIL:winscp,checksums
user = rsshe2e_sftp:022:00010::checksums
user = rsshe2e_lock:022:00000
user = rsshe2e_jail:027:10011:$JAIL:checksums
CONF
harness_users
harness_rsyslog
harness_sshd

A=rsshe2e_all
S=rsshe2e_sftp
L=rsshe2e_lock
LOCAL=$WORK/local
mkdir -p "$LOCAL"
head -c 1048576 /dev/urandom >"$LOCAL/blob.bin"
printf 'hello\n' >"$LOCAL/a.txt"; printf 'world\n' >"$LOCAL/b.txt"; printf 'dash\n' >"$LOCAL/-dash.txt"
chmod 666 "$LOCAL"/*
home() { getent passwd "$1" | cut -d: -f6; }
# logged PATTERN: true once the (asynchronously written) syslog file holds a line matching PATTERN.
logged() { for _ in $(seq 100); do grep -q -- "$1" "$SYSLOG" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
# transfer_line USER REGEX: a transfer line of USER (after user="USER") matching REGEX is in the log (5 s).
transfer_line() {
    for _ in $(seq 50); do
        grep -qE "rssh\[[0-9]+\]: transfer session=[^ ]+ user=\"$1\" $2" "$SYSLOG" && return 0
        sleep 0.1
    done
    return 1
}
# expect_lines NAME USER REGEX...: passes when every REGEX has its line.
expect_lines() {
    local name=$1 user=$2 missing=()
    shift 2
    for r in "$@"; do transfer_line "$user" "$r" || missing+=("$r"); done
    if [ ${#missing[@]} = 0 ]; then pass "$name"
    else fail "$name" "missing: ${missing[*]}; logged: $(grep "transfer session=[^ ]* user=\"$user\"" "$SYSLOG" | tail -8)"; fi
}
mode_of() { stat -c %a "$1"; }

# --- OpenSSH sftp ---------------------------------------------------------------------------
sftp_roundtrip() {
    cd "$LOCAL" || return 1
    printf 'put blob.bin\nmkdir d\nrename blob.bin d/blob2.bin\nls d\nchmod 600 d/blob2.bin\nget d/blob2.bin back.bin\nrm d/blob2.bin\nrmdir d\n' \
        | sftp_batch $S >/dev/null && cmp blob.bin back.bin && rm back.bin
}
check "sftp: put, get, ls, mkdir, rename, chmod, rm" sftp_roundtrip
printf 'put a.txt\n' | (cd "$LOCAL" && sftp_batch $A >/dev/null 2>&1)
if [ "$(mode_of "$(home $A)/a.txt" 2>/dev/null)" = 640 ]; then pass "sftp: umask 027 from rssh.conf applies to uploads"
else fail "sftp: umask 027 from rssh.conf applies to uploads" "mode $(mode_of "$(home $A)/a.txt" 2>&1)"; fi
rm -f "$(home $A)/a.txt"

# --- OpenSSH scp (SFTP mode and legacy) ----------------------------------------------------------
check "scp (sftp mode): upload and download" bash -c "
scp -q -S '$SSH' '$LOCAL/blob.bin' $S@127.0.0.1:up.bin && scp -q -S '$SSH' $S@127.0.0.1:up.bin '$WORK/down.bin' && cmp '$LOCAL/blob.bin' '$WORK/down.bin'"
check "scp -O: upload and download" bash -c "
scp -O -q -S '$SSH' '$LOCAL/blob.bin' $A@127.0.0.1:o.bin && scp -O -q -S '$SSH' $A@127.0.0.1:o.bin '$WORK/o.bin' && cmp '$LOCAL/blob.bin' '$WORK/o.bin'"
check "scp -O -p: preserves mode and times" bash -c "
touch -d '2001-02-03 04:05:06' '$LOCAL/a.txt' && chmod 604 '$LOCAL/a.txt' && scp -O -p -q -S '$SSH' '$LOCAL/a.txt' $A@127.0.0.1:p.txt \
 && [ \"\$(stat -c '%a %Y' '$(home $A)/p.txt')\" = \"604 \$(stat -c %Y '$LOCAL/a.txt')\" ]"
check "scp -O -r: directory upload and download" bash -c "
mkdir -p '$WORK/tree/sub' && echo x >'$WORK/tree/sub/f' && scp -O -r -q -S '$SSH' '$WORK/tree' $A@127.0.0.1: \
 && rm -rf '$WORK/tree2' && mkdir '$WORK/tree2' && scp -O -r -q -S '$SSH' $A@127.0.0.1:tree '$WORK/tree2/' && diff -r '$WORK/tree' '$WORK/tree2/tree'"
check "scp -O: several files at once (-d)" bash -c "
ssh ${SSHOPTS[*]} -p $PORT $A@127.0.0.1 true 2>/dev/null; scp -O -q -S '$SSH' '$LOCAL/a.txt' '$LOCAL/b.txt' $A@127.0.0.1:tree/ && [ -f '$(home $A)/tree/a.txt' ] && [ -f '$(home $A)/tree/b.txt' ]"
check "scp -O: file name starting with -" bash -c "
cd '$LOCAL' && scp -O -q -S '$SSH' ./-dash.txt $A@127.0.0.1:-dash.txt && scp -O -q -S '$SSH' $A@127.0.0.1:-dash.txt '$WORK/dash.txt' && cmp ./-dash.txt '$WORK/dash.txt'"
check "scp -O: remote glob" bash -c "
rm -rf '$WORK/glob' && mkdir '$WORK/glob' && scp -O -q -S '$SSH' '$A@127.0.0.1:tree/*.txt' '$WORK/glob/' && [ \"\$(ls '$WORK/glob' | tr '\n' ' ')\" = 'a.txt b.txt ' ]"

# --- rsync ------------------------------------------------------------------------------------
check "rsync: push with --delete and --partial" bash -c "
mkdir -p '$WORK/rs/src' && cp '$LOCAL/blob.bin' '$LOCAL/a.txt' '$WORK/rs/src/' && \
rsync -a --partial -e '$SSH' '$WORK/rs/src/' $A@127.0.0.1:rs/ && rm '$WORK/rs/src/a.txt' && \
rsync -a --delete --partial -e '$SSH' '$WORK/rs/src/' $A@127.0.0.1:rs/ && [ ! -e '$(home $A)/rs/a.txt' ] && cmp '$LOCAL/blob.bin' '$(home $A)/rs/blob.bin'"
check "rsync: pull" bash -c "
rsync -a -e '$SSH' $A@127.0.0.1:rs/ '$WORK/rs/pulled/' && cmp '$LOCAL/blob.bin' '$WORK/rs/pulled/blob.bin'"
check "rsync: push with --link-dest" bash -c "
rsync -a -e '$SSH' --link-dest=../rs '$WORK/rs/src/' $A@127.0.0.1:rs2/ && \
[ \"\$(stat -c %i '$(home $A)/rs/blob.bin')\" = \"\$(stat -c %i '$(home $A)/rs2/blob.bin')\" ]"
out=$(rsync -a -e "$SSH" "$A@127.0.0.1:no-such-file" "$WORK/rs/x" 2>&1); rc=$?
if [ "$rc" = 23 ]; then pass "exit status: rsync's own code (23) reaches the client"; else fail "exit status: rsync's own code (23) reaches the client" "rc=$rc $out"; fi

# --- cvs over :ext: -----------------------------------------------------------------------------
su -s /bin/sh "$A" -c "cvs -d \$HOME/cvsroot init" >/dev/null 2>&1
check "cvs :ext: checkout and commit" bash -c "
export CVS_RSH='$SSH' CVSROOT=':ext:$A@127.0.0.1:$(home $A)/cvsroot' && mkdir -p '$WORK/cvs' && cd '$WORK/cvs' && \
cvs -Q checkout -d wc . && cd wc && echo v1 > f.txt && cvs -Q add f.txt && cvs -Q commit -m first f.txt && \
[ -f '$(home $A)/cvsroot/f.txt,v' ]"

# --- paramiko (what FileZilla and WinSCP do in SFTP mode) --------------------------------------------
cat >"$WORK/client/paramiko_flow.py" <<'PYEOF'
import io, sys, paramiko
port, user, key, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
t = paramiko.Transport(("127.0.0.1", port))
t.connect(username=user, pkey=paramiko.Ed25519Key.from_private_key_file(key))
if mode == "subsystem":
    sftp = paramiko.SFTPClient.from_transport(t)
else:  # the psftp/FileZilla fallback: an exec request carrying the three-line script
    chan = t.open_session()
    chan.exec_command("test -x /usr/lib/sftp-server && exec /usr/lib/sftp-server\n"
                      "test -x /usr/local/lib/sftp-server && exec /usr/local/lib/sftp-server\n"
                      "exec sftp-server")
    sftp = paramiko.SFTPClient(chan)
data = b"paramiko-" + mode.encode() * 1000
sftp.putfo(io.BytesIO(data), "pm.bin")
assert sftp.stat("pm.bin").st_size == len(data)
assert "pm.bin" in sftp.listdir(".")
sftp.rename("pm.bin", "pm2.bin")
out = io.BytesIO(); sftp.getfo("pm2.bin", out); assert out.getvalue() == data
sftp.remove("pm2.bin")
assert "pm2.bin" not in sftp.listdir(".")
t.close()
PYEOF
check "paramiko: subsystem sftp listdir/stat/put/get/rename/remove" $PY "$WORK/client/paramiko_flow.py" "$PORT" "$S" "$WORK/client/id" subsystem
check "paramiko: psftp three-line fallback command is accepted" $PY "$WORK/client/paramiko_flow.py" "$PORT" "$S" "$WORK/client/id" fallback

# --- refusals ---------------------------------------------------------------------------------
MARK=/var/tmp/rssh-e2e-marker.$$
rm -f "$MARK"
refused() { # refused NAME USER COMMAND [ssh options...]
    local name=$1 user=$2 cmd=$3; shift 3
    local out rc
    out=$("$SSH" "$@" "$user@127.0.0.1" "$cmd" </dev/null 2>&1); rc=$?
    if [ "$rc" -ne 0 ] && grep -q "This account is restricted by rssh" <<<"$out" && [ ! -e "$MARK" ]; then pass "$name"
    else fail "$name" "rc=$rc marker=$( [ -e "$MARK" ] && echo present || echo absent) $out"; fi
    rm -f "$MARK"
}
out=$("$SSH" "$A@127.0.0.1" </dev/null 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "Allowed commands: scp sftp cvs rdist rsync" <<<"$out"; then pass "refused: interactive login shows the banner"
else fail "refused: interactive login shows the banner" "rc=$rc $out"; fi
refused "refused: ssh host id" $A "id; touch $MARK"
refused "refused: ssh host bash" $A "bash -c 'touch $MARK'"
refused "refused: scp -S runs a program" $A "scp -S /usr/bin/touch -t $MARK"
refused "refused: scp -o ProxyCommand" $A "scp -o ProxyCommand='touch $MARK' x localhost:"
refused "refused: rsync --server --daemon" $A "rsync --server --daemon --config=$WORK/x.conf ."
refused "refused: rsync -e program" $A "rsync -e 'touch $MARK' x localhost:"
refused "refused: sh ~/.ssh/rc" $A "/bin/sh .ssh/rc"
# LD_PRELOAD sent by the client (this test sshd accepts it) must reach neither rssh nor the program it runs:
# an allowed command runs with a library whose constructor would create the marker.
if command -v gcc >/dev/null; then
    printf '#include <stdio.h>\n__attribute__((constructor)) static void p(void) { FILE *f = fopen("%s", "w"); if (f) fclose(f); }\n' "$MARK" >"$WORK/evil.c"
    gcc -shared -fPIC -o "$WORK/evil.so" "$WORK/evil.c" && chmod 755 "$WORK/evil.so"
    "$SSH" -o SetEnv=LD_PRELOAD="$WORK/evil.so" "$A@127.0.0.1" "scp -f tree/a.txt" </dev/null >/dev/null 2>&1
    if [ ! -e "$MARK" ] && [ -f "$WORK/evil.so" ]; then pass "refused: LD_PRELOAD from the client never loads"
    else fail "refused: LD_PRELOAD from the client never loads" "marker=$( [ -e "$MARK" ] && echo present)"; fi
    rm -f "$MARK"
else
    skip "refused: LD_PRELOAD from the client never loads" "no gcc to build the test library"
fi
refused "refused: sftp-only user cannot use scp -O" $S "scp -t ."
refused "refused: sftp-only user cannot use rsync" $S "rsync --server -vlogDtpre.iLsfxCIvu . x"
out=$(scp -O -q -S "$SSH" "$LOCAL/a.txt" "$S@127.0.0.1:" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "Allowed commands: sftp" <<<"$out"; then pass "refused: scp -O by an sftp-only user shows the banner"
else fail "refused: scp -O by an sftp-only user shows the banner" "rc=$rc $out"; fi
out=$(printf 'ls\n' | sftp_batch $L 2>&1); rc=$?
if [ $rc -ne 0 ]; then pass "refused: locked-out user gets no sftp"; else fail "refused: locked-out user gets no sftp" "$out"; fi
refused "refused: locked-out user" $L "scp -t ."

# A user who uploads ~/.ssh/rc over sftp gets nothing from it: sshd runs it as "rssh -c '/bin/sh .ssh/rc'"
# for a non-subsystem session (this test sshd has PermitUserRC yes), and rssh refuses that.
printf 'touch %s\n' "$MARK" >"$WORK/rc"
printf 'mkdir .ssh\nput %s .ssh/rc\n' "$WORK/rc" | sftp_batch $A >/dev/null 2>&1
"$SSH" "$A@127.0.0.1" "scp -f tree/a.txt" </dev/null >/dev/null 2>&1
# rssh's syslog line proves sshd really handed the rc file to rssh.
if [ "${OWN_DEVLOG:-}" != 1 ]; then
    skip "refused: an uploaded ~/.ssh/rc never runs" "no /dev/log of the suite's own to show sshd ran it through rssh"
elif [ -f "$(home $A)/.ssh/rc" ] && [ ! -e "$MARK" ] && logged "command=\"/bin/sh $(home $A)/.ssh/rc\""; then
    pass "refused: an uploaded ~/.ssh/rc never runs"
else fail "refused: an uploaded ~/.ssh/rc never runs" "rc file $( [ -f "$(home $A)/.ssh/rc" ] && echo uploaded || echo missing), marker $( [ -e "$MARK" ] && echo present || echo absent), rssh line $(logged "command=\"/bin/sh $(home $A)/.ssh/rc\"" && echo logged || echo missing)"; fi
rm -rf "$(home $A)/.ssh" "$MARK"

# --- chroot jail --------------------------------------------------------------------------------
J=rsshe2e_jail
JHOME=$JAIL/home/$J
check "rsshctl jail check passes on the built jail" "$PREFIX/sbin/rsshctl" jail check "$JAIL"
out=$(readelf -d "$HELPER"; stat -c '%a %U' "$HELPER")
if ! grep -qE 'RUNPATH|RPATH|libswift|libFoundation' <<<"$out" && grep -q BIND_NOW <<<"$out" && grep -q '^4755 root$' <<<"$out"; then
    pass "helper: installed 4755 root, no RUNPATH, no Swift runtime library, full RELRO"
else fail "helper: installed 4755 root, no RUNPATH, no Swift runtime library, full RELRO" "$out"; fi
mv "$JAIL/usr/bin/rsync" "$WORK/rsync.away"
out=$("$PREFIX/sbin/rsshctl" jail check "$JAIL" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "PROBLEM: /usr/bin/rsync is allowed for users of this jail but missing in it" <<<"$out"; then
    pass "rsshctl jail check fails on a jail missing an allowed program, naming it"
else fail "rsshctl jail check fails on a jail missing an allowed program, naming it" "rc=$rc $out"; fi
mv "$WORK/rsync.away" "$JAIL/usr/bin/rsync"
chmod 775 "$JAIL/usr"
out=$("$PREFIX/sbin/rsshctl" jail check "$JAIL" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "jail component $JAIL/usr is writable by group or others" <<<"$out"; then
    pass "rsshctl jail check fails on a group-writable directory, naming it"
else fail "rsshctl jail check fails on a group-writable directory, naming it" "rc=$rc $out"; fi
chmod 755 "$JAIL/usr"
check "jail: sftp put and get inside the jail, umask 027" bash -c "
cd '$LOCAL' && printf 'put blob.bin\nget blob.bin jback.bin\n' | sftp -b - -i '$WORK/client/id' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -P $PORT $J@127.0.0.1 >/dev/null \
 && cmp blob.bin jback.bin && cmp blob.bin '$JHOME/blob.bin' && [ \"\$(stat -c %a '$JHOME/blob.bin')\" = 640 ]"
out=$(printf 'ls -1 /\n' | sftp_batch $J 2>&1)
if [ "$(grep -v '^sftp>' <<<"$out" | sed 's|^/||' | sort | tr '\n' ' ')" = "dev etc home lib lib64 tmp usr " ]; then pass "jail: the user sees only the jail at /"
else fail "jail: the user sees only the jail at /" "$out"; fi
out=$(printf 'get /etc/shadow %s/shadow\n' "$WORK" | sftp_batch $J 2>&1)
if [ ! -e "$WORK/shadow" ]; then pass "jail: the host's /etc/shadow cannot be read"; else fail "jail: the host's /etc/shadow cannot be read" "$out"; fi
out=$(printf 'get ../../../../../etc/hostname %s/esc1\nsymlink /etc/hostname lnk\nget lnk %s/esc2\n' "$WORK" "$WORK" | sftp_batch $J 2>&1)
if [ ! -e "$WORK/esc1" ] && [ ! -e "$WORK/esc2" ]; then pass "jail: no escape through .., absolute paths or symlinks"
else fail "jail: no escape through .., absolute paths or symlinks" "$out"; fi
check "jail: scp (sftp mode) upload and download" bash -c "
scp -q -S '$SSH' '$LOCAL/b.txt' $J@127.0.0.1:jb.txt && scp -q -S '$SSH' $J@127.0.0.1:jb.txt '$WORK/jb.txt' && cmp '$LOCAL/b.txt' '$WORK/jb.txt' && [ -f '$JHOME/jb.txt' ]"
check "jail: scp -O upload, download and remote glob" bash -c "
scp -O -q -S '$SSH' '$LOCAL/a.txt' '$LOCAL/b.txt' $J@127.0.0.1: && rm -rf '$WORK/jg' && mkdir '$WORK/jg' && \
scp -O -q -S '$SSH' '$J@127.0.0.1:*.txt' '$WORK/jg/' && [ \"\$(ls '$WORK/jg' | tr '\n' ' ')\" = 'a.txt b.txt jb.txt ' ]"
check "jail: rsync push and pull with --delete" bash -c "
rsync -a --delete -e '$SSH' '$WORK/rs/src/' $J@127.0.0.1:rs/ && cmp '$LOCAL/blob.bin' '$JHOME/rs/blob.bin' && \
rsync -a -e '$SSH' $J@127.0.0.1:rs/ '$WORK/jrs/' && cmp '$LOCAL/blob.bin' '$WORK/jrs/blob.bin'"
refused "jail: refused scp -S for a jailed user" $J "scp -S /usr/bin/touch -t $MARK"
refused "jail: refused cvs (not allowed for the jailed user)" $J "cvs server"
refused "jail: refused interactive-style command" $J "bash -c 'touch $MARK'"

# The helper called directly, as the jailed user, with crafted arguments.
helper_refuses() { # NAME USER ARGS...
    local name=$1 user=$2; shift 2
    local out rc
    out=$(setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups "$HELPER" "$@" </dev/null 2>&1); rc=$?
    if [ "$rc" -eq 1 ] && [ ! -e "$MARK" ]; then pass "$name"; else fail "$name" "rc=$rc $out"; fi
    rm -f "$MARK"
}
mkdir -p /tmp/myjail
helper_refuses "helper: old rssh interface (jail, id, home, argv) is refused" $J /tmp/myjail 1 /home/u scp -t .
helper_refuses "helper: extra arguments are refused" $J "scp -t ." extra
helper_refuses "helper: no arguments are refused" $J
helper_refuses "helper: a command the user may not run is refused" $J "cvs server"
helper_refuses "helper: scp -S payload is refused" $J "scp -S /usr/bin/touch -t $MARK"
helper_refuses "helper: rsync --daemon payload is refused" $J "rsync --server --daemon --config=/tmp/x ."
helper_refuses "helper: a shell is refused" $J "/bin/sh -c 'touch $MARK'"
# Every historical payload class, for a chrooted user too (upstream rssh checked nothing after the chroot).
payload_failures=""
for payload in "scp -o ProxyCommand='touch $MARK' x localhost:" "scp -F /tmp/x 1 localhost:" "scp 1 localhost:" \
    "rsync -e 'touch $MARK' x y:" "rsync --rsh=/usr/bin/touch x y:" "rsync --server --rsh /usr/bin/touch . d" \
    "rsync --server --log-file -- --daemon --config=/tmp/x ." "rsync -vlogDtpre.iLsfxC --server . d" \
    "rsync --server -vlogDtpre'touch $MARK' . d" "rsync --server -s . d" "rdist -P /usr/bin/touch" "cvs -e ed commit" \
    "svnserve -t -r /" "scp -t \$(touch $MARK)" "scp -t \`touch $MARK\`" "%x%x%n" "scp -t .; touch $MARK"; do
    out=$(setpriv --reuid="$(id -u $J)" --regid="$(id -g $J)" --init-groups "$HELPER" "$payload" </dev/null 2>&1); rc=$?
    { [ "$rc" -eq 1 ] && [ ! -e "$MARK" ]; } || payload_failures+="rc=$rc [$payload] $out"$'\n'
    rm -f "$MARK"
done
if [ -z "$payload_failures" ]; then pass "helper: every historical payload class is refused for a chrooted user"
else fail "helper: every historical payload class is refused for a chrooted user" "$payload_failures"; fi
helper_refuses "helper: a user without a chroot line is refused" $A "scp -t ."
helper_refuses "helper: a user whose shell is not rssh is refused" nobody "scp -t ."
rmdir /tmp/myjail
chmod 775 "$JAIL"
helper_refuses "helper: a group-writable jail is refused" $J "scp -t ."
if [ "${OWN_DEVLOG:-}" != 1 ]; then
    skip "helper: the unsafe jail is named in the log" "no /dev/log of the suite's own in its mount namespace (see lib.sh)"
elif logged "jail component $JAIL is writable by group or others"; then pass "helper: the unsafe jail is named in the log"
else fail "helper: the unsafe jail is named in the log" "$(tail -3 "$SYSLOG" 2>&1)"; fi
chmod 755 "$JAIL"
if logged "allowed user=\"$J\".*chroot=\"$JAIL\""; then pass "helper: the decision reaches syslog through the jail's /dev/log"
else fail "helper: the decision reaches syslog through the jail's /dev/log" "$(tail -5 "$SYSLOG" 2>&1)"; fi
if logged "sftp-server\[[0-9]*\]: open \"/home/$J/blob.bin\""; then pass "jail: sftp-server's transfer log arrives through the jail's socket"
else fail "jail: sftp-server's transfer log arrives through the jail's socket" "$(grep sftp-server "$SYSLOG" 2>&1 | tail -3)"; fi
if [ "${OWN_DEVLOG:-}" = 1 ]; then
    if logged "rssh\[[0-9]*\]: denied user=\"$A\" uid=[0-9]* addr=127.0.0.1 reason=\"scp: option -S is not allowed\""; then
        pass "syslog: rssh logs each refusal with user, address and reason"
    else fail "syslog: rssh logs each refusal with user, address and reason" "$(grep 'rssh\[' "$SYSLOG" | tail -3)"; fi
else
    skip "syslog: rssh logs each refusal with user, address and reason" "no /dev/log of the suite's own in its mount namespace (see lib.sh)"
fi

# --- Landlock and access modes (issue 12) --------------------------------------------------------
LL=rsshe2e_ll RO=rsshe2e_ro UP=rsshe2e_up
PUBLIC=/var/tmp/rssh-e2e-public.$$
echo public >"$PUBLIC"; chmod 644 "$PUBLIC"
# Landlock cannot protect ~/.ssh inside a writable home, so rssh wants it root-owned and immutable (F5).
"$PREFIX/sbin/rsshctl" ssh protect $LL >"$WORK/ssh-protect.log" 2>&1 || fail "landlock: rsshctl ssh protect" "$(cat "$WORK/ssh-protect.log")"
echo old >"$(home $UP)/existing.txt"; chown $UP: "$(home $UP)/existing.txt"
echo download >"$(home $RO)/pub.txt"; chown $RO: "$(home $RO)/pub.txt"
SCPS=(-q -S "$SSH") RSYNCE=(-e "$SSH")
out=$(cd "$LOCAL" && printf 'put blob.bin\nmkdir d\nrename blob.bin d/b.bin\nls d\nget d/b.bin ll.bin\nrm d/b.bin\nrmdir d\n' | sftp_batch $LL 2>&1)
if cmp -s "$LOCAL/blob.bin" "$LOCAL/ll.bin"; then pass "landlock: sftp put, get, mkdir, rename across directories, rm in home"
else fail "landlock: sftp put, get, mkdir, rename across directories, rm in home" "$out"; fi
rm -f "$LOCAL/ll.bin"
check "landlock: scp (sftp mode) and scp -O upload and download in home" bash -c "
scp ${SCPS[*]} '$LOCAL/a.txt' $LL@127.0.0.1:s.txt && scp -O ${SCPS[*]} '$LOCAL/b.txt' $LL@127.0.0.1:o.txt \
 && scp ${SCPS[*]} $LL@127.0.0.1:o.txt '$WORK/ll-o.txt' && scp -O ${SCPS[*]} $LL@127.0.0.1:s.txt '$WORK/ll-s.txt' \
 && cmp '$LOCAL/a.txt' '$WORK/ll-s.txt' && cmp '$LOCAL/b.txt' '$WORK/ll-o.txt'"
check "landlock: rsync push and pull in home" bash -c "
rsync -a -e '$SSH' '$WORK/tree/' $LL@127.0.0.1:rtree/ && rm -rf '$WORK/ll-tree' && rsync -a -e '$SSH' $LL@127.0.0.1:rtree/ '$WORK/ll-tree/' && diff -r '$WORK/tree' '$WORK/ll-tree'"
if logged "allowed user=\"$LL\".*landlocked (ABI [0-9]*)"; then pass "landlock: the log says the session is landlocked, with the ABI"
else fail "landlock: the log says the session is landlocked, with the ABI" "$(grep "$LL" "$SYSLOG" | tail -2)"; fi
denied_get() { # NAME USER PATH: sftp cannot fetch PATH
    local out
    out=$(printf 'get %s %s\n' "$3" "$WORK/denied.out" | sftp_batch "$2" 2>&1)
    if [ ! -s "$WORK/denied.out" ]; then pass "$1"; else fail "$1" "$out"; fi
    rm -f "$WORK/denied.out"
}
denied_get "landlock: sftp cannot read another world-readable file outside home" $LL "$PUBLIC"
out=$(printf 'ls /\n' | sftp_batch $LL 2>&1); rc=$?
if [ $rc -ne 0 ] && ! grep -q ' etc$\|^/etc' <<<"$out"; then pass "landlock: sftp cannot list /"; else fail "landlock: sftp cannot list /" "$out"; fi
printf 'put %s /tmp/rssh-e2e-ll.%s\n' "$LOCAL/a.txt" $$ | sftp_batch $LL >/dev/null 2>&1
if [ ! -e /tmp/rssh-e2e-ll.$$ ]; then pass "landlock: sftp cannot write /tmp"; else fail "landlock: sftp cannot write /tmp"; rm -f /tmp/rssh-e2e-ll.$$; fi
scp -O "${SCPS[@]}" "$LL@127.0.0.1:$PUBLIC" "$WORK/ll-pub.txt" >/dev/null 2>&1
if [ ! -s "$WORK/ll-pub.txt" ]; then pass "landlock: scp -O -f of a file outside home is denied"; else fail "landlock: scp -O -f of a file outside home is denied"; fi
rsync -e "$SSH" "$LL@127.0.0.1:$PUBLIC" "$WORK/ll-rpub.txt" >/dev/null 2>&1
if [ ! -s "$WORK/ll-rpub.txt" ]; then pass "landlock: rsync pull of a file outside home is denied"; else fail "landlock: rsync pull of a file outside home is denied"; fi
printf 'symlink %s out\n' "$PUBLIC" | sftp_batch $LL >/dev/null 2>&1
denied_get "landlock: a symlink in home pointing outside does not lead out" $LL out
rm -f "$PUBLIC"

# readonly: list and download with every protocol, change nothing.
check "readonly: sftp ls and get work" bash -c "printf 'ls\nget pub.txt $WORK/ro1.txt\n' | sftp -b - -i '$WORK/client/id' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -P $PORT $RO@127.0.0.1 && grep -q download '$WORK/ro1.txt'"
printf 'put %s new.txt\nrm pub.txt\nmkdir d\n' "$LOCAL/a.txt" | sftp_batch $RO >/dev/null 2>&1
if [ ! -e "$(home $RO)/new.txt" ] && [ -e "$(home $RO)/pub.txt" ] && [ ! -e "$(home $RO)/d" ]; then pass "readonly: sftp cannot put, remove or mkdir"
else fail "readonly: sftp cannot put, remove or mkdir" "$(ls -la "$(home $RO)")"; fi
check "readonly: scp -O and scp download work" bash -c "scp -O ${SCPS[*]} $RO@127.0.0.1:pub.txt '$WORK/ro2.txt' && scp ${SCPS[*]} $RO@127.0.0.1:pub.txt '$WORK/ro3.txt' && cmp '$WORK/ro2.txt' '$WORK/ro3.txt'"
scp -O "${SCPS[@]}" "$LOCAL/a.txt" "$RO@127.0.0.1:up1.txt" >/dev/null 2>&1
scp "${SCPS[@]}" "$LOCAL/a.txt" "$RO@127.0.0.1:up2.txt" >/dev/null 2>&1
if [ ! -e "$(home $RO)/up1.txt" ] && [ ! -e "$(home $RO)/up2.txt" ]; then pass "readonly: scp -O and scp uploads are refused"
else fail "readonly: scp -O and scp uploads are refused"; fi
check "readonly: rsync pull works" bash -c "rsync -e '$SSH' $RO@127.0.0.1:pub.txt '$WORK/ro4.txt' && grep -q download '$WORK/ro4.txt'"
rsync -e "$SSH" "$LOCAL/a.txt" "$RO@127.0.0.1:up3.txt" >/dev/null 2>&1
rsync --remove-source-files -e "$SSH" "$RO@127.0.0.1:pub.txt" "$WORK/ro5.txt" >/dev/null 2>&1
if [ ! -e "$(home $RO)/up3.txt" ] && [ -e "$(home $RO)/pub.txt" ]; then pass "readonly: rsync push and --remove-source-files are refused"
else fail "readonly: rsync push and --remove-source-files are refused" "$(ls -la "$(home $RO)")"; fi

# uploadonly: a drop box.
check "uploadonly: sftp, scp -O, scp and rsync uploads work" bash -c "
printf 'put $LOCAL/a.txt u1.txt\n' | sftp -b - -i '$WORK/client/id' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -P $PORT $UP@127.0.0.1 \
 && scp -O ${SCPS[*]} '$LOCAL/a.txt' $UP@127.0.0.1:u2.txt && scp ${SCPS[*]} '$LOCAL/a.txt' $UP@127.0.0.1:u3.txt \
 && rsync -e '$SSH' '$LOCAL/a.txt' $UP@127.0.0.1:u4.txt && for f in u1 u2 u3 u4; do cmp '$LOCAL/a.txt' '$(home $UP)'/\$f.txt || exit 1; done"
denied_get "uploadonly: sftp cannot read back a file" $UP existing.txt
out=$(printf 'ls\n' | sftp_batch $UP 2>&1)
if ! grep -q existing.txt <<<"$out"; then pass "uploadonly: sftp cannot list"; else fail "uploadonly: sftp cannot list" "$out"; fi
printf 'rm existing.txt\nrename existing.txt moved.txt\n' | sftp_batch $UP >/dev/null 2>&1
if [ -e "$(home $UP)/existing.txt" ] && [ ! -e "$(home $UP)/moved.txt" ]; then pass "uploadonly: sftp cannot remove or rename"
else fail "uploadonly: sftp cannot remove or rename"; fi
scp -O "${SCPS[@]}" "$UP@127.0.0.1:existing.txt" "$WORK/up-back1.txt" >/dev/null 2>&1
scp "${SCPS[@]}" "$UP@127.0.0.1:existing.txt" "$WORK/up-back2.txt" >/dev/null 2>&1
rsync -e "$SSH" "$UP@127.0.0.1:existing.txt" "$WORK/up-back3.txt" >/dev/null 2>&1
if [ ! -s "$WORK/up-back1.txt" ] && [ ! -s "$WORK/up-back2.txt" ] && [ ! -s "$WORK/up-back3.txt" ]; then
    pass "uploadonly: scp -O, scp and rsync cannot download"
else fail "uploadonly: scp -O, scp and rsync cannot download"; fi
rsync -e "$SSH" "$LOCAL/b.txt" "$UP@127.0.0.1:existing.txt" >/dev/null 2>&1
if [ "$(cat "$(home $UP)/existing.txt")" = old ]; then pass "uploadonly: rsync never overwrites what exists"
else fail "uploadonly: rsync never overwrites what exists" "$(cat "$(home $UP)/existing.txt")"; fi
mkdir -p "$WORK/empty"
rsync -r --delete -e "$SSH" "$WORK/empty/" "$UP@127.0.0.1:" >/dev/null 2>&1
if [ -e "$(home $UP)/existing.txt" ]; then pass "uploadonly: rsync --delete is refused"; else fail "uploadonly: rsync --delete is refused"; fi

# --- WinSCP's SCP mode (issue 13) ---------------------------------------------------------------
# WinSCP opens a shell channel without a pty (ssh -T) and drives a Unix shell. The replay client sends its
# exact lines; the same run against bash (a baseline user over the same sshd) must give the same transcript
# (times and home masked by the client; user names and the first, user-specific home listing here).
WB=rsshe2e_wbash WP=rsshe2e_wscp WL=rsshe2e_wll WJ=rsshe2e_wjail
usermod -s /bin/bash $WB
"$PREFIX/sbin/rsshctl" ssh protect $WB $WP $WL >>"$WORK/ssh-protect.log" 2>&1 \
    || fail "winscp: rsshctl ssh protect" "$(cat "$WORK/ssh-protect.log")"
USERS+=($WJ)
useradd -M -d "$JAIL/home/$WJ" -s "$RSSH" $WJ && usermod -p '*' $WJ
install -m 644 "$WORK/client/id.pub" "$WORK/keys/$WJ"
"$PREFIX/sbin/rsshctl" jail build "$JAIL" --user "$JAIL_USER" --user $WJ >>"$WORK/jail-build.log" 2>&1 \
    || fail "winscp: the jail takes a second user" "$(tail -5 "$WORK/jail-build.log")"
REPLAY="$REPO/Tests/EndToEnd/winscp_replay.py"
replay() { # USER TRANSCRIPT [--restricted]: the replay through sshd, in a scratch folder of its own
    local dir="$WORK/replay-$1"
    mkdir -p "$dir" && (cd "$dir" && HOME="$dir" timeout 180 $PY "$REPLAY" --transcript "$2" ${3:-} -- "$SSH" -T "$1@127.0.0.1")
}
normalized() { # TRANSCRIPT USER: user and group names masked, the first home listing left out
    $PY - "$1" "$2" <<'PY'
import re, sys
lines, user = open(sys.argv[1]).read().split("\n"), sys.argv[2]
out, skipping, first = [], False, True
for line in lines:
    if line.startswith("$ "):
        skipping = first and line == "$ ls -la --full-time"
        first = first and not skipping
    if skipping and not line.startswith(("$ ", "  = ")):
        continue
    out.append(re.sub(r"\b%s\b" % re.escape(user), "<USER>", line))
print("\n".join(out))
PY
}
if out=$(replay $WB "$WORK/winscp-bash.txt" 2>&1); then pass "winscp: the replay passes against bash (the baseline)"
else fail "winscp: the replay passes against bash (the baseline)" "$out"; fi
normalized "$WORK/winscp-bash.txt" $WB >"$WORK/winscp-bash.norm"
for pair in "$WP:plain" "$WL:landlocked" "$WJ:chrooted"; do
    u=${pair%%:*} kind=${pair#*:}
    if out=$(replay "$u" "$WORK/winscp-$u.txt" 2>&1); then pass "winscp: the replay passes for a $kind user"
    else fail "winscp: the replay passes for a $kind user" "$out"; fi
    if diff <(normalized "$WORK/winscp-$u.txt" "$u") "$WORK/winscp-bash.norm" >"$WORK/winscp-$u.diff"; then
        pass "winscp: a $kind user's listings and files match bash's"
    else fail "winscp: a $kind user's listings and files match bash's" "$(head -20 "$WORK/winscp-$u.diff")"; fi
    if out=$(replay "$u" "$WORK/winscp-$u-r.txt" --restricted 2>&1); then
        pass "winscp: refusals answer 127 and the session goes on for a $kind user"
    else fail "winscp: refusals answer 127 and the session goes on for a $kind user" "$out"; fi
done
# Injection shapes: nothing runs, stderr says why, the status is not 0.
injection_failures=""
for line in "touch $MARK ; echo \"WinSCP: this is end-of-file:\$?\"" \
    "ls -la \"\$(touch $MARK)\" ; echo \"WinSCP: this is end-of-file:\$?\"" \
    "ls -la \`touch $MARK\` ; echo \"WinSCP: this is end-of-file:\$?\"" \
    "cd \"x\" ; touch $MARK ; echo \"WinSCP: this is end-of-file:\$?\"" \
    "mkdir x;touch$MARK ; echo \"WinSCP: this is end-of-file:\$?\"" \
    "scp -S /usr/bin/touch -t $MARK ; echo \"WinSCP: this is end-of-file:\$?\"" \
    "echo \"WinSCP: this is begin-of-file\" ; scp -r -d -t \"x\" | touch $MARK ; echo \"WinSCP: this is end-of-file:\$?\""; do
    out=$(printf '%s\n' "$line" | timeout 20 "$SSH" -T "$WP@127.0.0.1" 2>&1)
    { [ ! -e "$MARK" ] && ! grep -q "end-of-file:0$" <<<"$out"; } || injection_failures+="[$line] $out"$'\n'
    rm -f "$MARK"
done
if [ -z "$injection_failures" ]; then pass "winscp: injection shapes run nothing and never report success"
else fail "winscp: injection shapes run nothing and never report success" "$injection_failures"; fi
if logged "rssh\[[0-9]*\]: allowed user=\"$WP\".*program=winscp.*command=.*scp -r -p -d -t"; then pass "winscp: every line is a syslog line"
else fail "winscp: every line is a syslog line" "$(grep "$WP" "$SYSLOG" | tail -3)"; fi
if logged "rssh_chroot_helper\[[0-9]*\]: allowed user=\"$WJ\".*program=winscp"; then pass "winscp: a chrooted user's lines are logged through the jail's socket"
else fail "winscp: a chrooted user's lines are logged through the jail's socket" "$(grep "$WJ" "$SYSLOG" | tail -3)"; fi
out=$(printf 'ls -la --full-time ; echo "WinSCP: this is end-of-file:$?"\n' | timeout 20 "$SSH" -T "$A@127.0.0.1" 2>&1)
if grep -q "This account is restricted by rssh" <<<"$out"; then pass "winscp: without the option, a shell channel still gets the banner"
else fail "winscp: without the option, a shell channel still gets the banner" "$out"; fi

# --- second security review -------------------------------------------------------------------
# Item 1: cvs runs commands by design (loginfo); an unconfined user without unconfinedexec never reaches it.
C=rsshe2e_cvs
su -s /bin/sh "$C" -c "cvs -d \$HOME/cvsroot init" >/dev/null 2>&1
out=$(cd "$WORK" && CVS_RSH="$SSH" timeout 60 cvs -d ":ext:$C@127.0.0.1:$(home $C)/cvsroot" -Q checkout -d cvsc CVSROOT 2>&1); rc=$?
if [ $rc -ne 0 ] && [ ! -d "$WORK/cvsc" ] && grep -q "runs commands on the server by design" <<<"$out"; then
    pass "review: cvs is refused for an unconfined user without unconfinedexec"
else fail "review: cvs is refused for an unconfined user without unconfinedexec" "rc=$rc $out"; fi
# Item 3: an exec request cannot change sftp-server's options; the administrator's set still works.
refused "review: sftp-server with user-chosen options is refused" $S "$SFTP_SERVER -u 000 -l QUIET -e -Q requests"
check "review: sftp -s with exactly the administrator's options works" bash -c "printf 'ls\n' | sftp -s '$SFTP_SERVER -l INFO' -b - -i '$WORK/client/id' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -P $PORT $S@127.0.0.1"
# Item 4: a glob of 4,000 components is refused cleanly (it crashed in glob(3)).
deep="scp -f $(printf '*/%.0s' $(seq 4000))x"
out=$("$SSH" "$A@127.0.0.1" "$deep" </dev/null 2>&1); rc=$?
if [ $rc -eq 1 ] && grep -q "too long" <<<"$out"; then pass "review: a deep glob is refused with exit status 1, no crash"
else fail "review: a deep glob is refused with exit status 1, no crash" "rc=$rc $(head -c 300 <<<"$out")"; fi
# Item 4: a refused 60 KiB command of control characters still leaves a (bounded) syslog line.
ctl=$(head -c 60000 /dev/zero | tr '\0' '\001')
setpriv --reuid="$(id -u $A)" --regid="$(id -g $A)" --init-groups "$RSSH" -c "$ctl" </dev/null >/dev/null 2>&1
if [ "${OWN_DEVLOG:-}" != 1 ]; then skip "review: a 60 KiB refused command is logged, cut and marked" "no /dev/log of the suite's own"
elif logged "cmdlen=60000 command_truncated=yes"; then pass "review: a 60 KiB refused command is logged, cut and marked"
else fail "review: a 60 KiB refused command is logged, cut and marked" "$(tail -c 300 "$SYSLOG")"; fi
# Item 5: a jailed command that passes the pre-check but not the check inside the jail (a planted name).
printf 'put %s/a.txt ./-evil\n' "$LOCAL" | sftp_batch $J >/dev/null 2>&1
out=$("$SSH" "$J@127.0.0.1" "scp -f *" </dev/null 2>&1); rc=$?
if [ $rc -eq 1 ] && grep -q "not allowed" <<<"$out"; then pass "review: a jailed glob that expands to an option is refused inside the jail"
else fail "review: a jailed glob that expands to an option is refused inside the jail" "rc=$rc $out"; fi
rm -f "$JAIL/home/$J/-evil"
# Issue 22: a refusal after the helper's early allow record (sftp-server is settled before the drop) is recorded as
# a deny by the helper itself, which keeps CAP_AUDIT_WRITE alone through the uid change for it (asserted with the
# audit trail below). Here: a jail root the user cannot enter.
jmode=$(stat -c %a "$JAIL")
chmod 700 "$JAIL"
out=$(cd / && setpriv --reuid="$(id -u $J)" --regid="$(id -g $J)" --init-groups "$RSSH" -c "$SFTP_SERVER" </dev/null 2>&1); rc=$?
chmod "$jmode" "$JAIL"
if [ $rc -eq 1 ] && grep -q "cannot enter the jail" <<<"$out"; then pass "jail: a jail root the user cannot enter refuses sftp-server after the drop"
else fail "jail: a jail root the user cannot enter refuses sftp-server after the drop" "rc=$rc $out"; fi
# Item 6: nobody (login shell not rssh) runs the installed rssh with a forged client address.
SSH_CONNECTION="203.0.113.66 4242 127.0.0.1 22" setpriv --reuid=65534 --regid=65534 --clear-groups "$RSSH" -c "$SFTP_SERVER" </dev/null >/dev/null 2>&1

# --- kernel audit trail --------------------------------------------------------------------------
TAG="forge$$"
"$SSH" "$A@127.0.0.1" "bash $TAG res=success exe=/bin/fake" </dev/null >/dev/null 2>&1
hex=$(printf 'bash %s res=success exe=/bin/fake' "$TAG" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
# auditd writes asynchronously: wait (at most 10 s) until the last record of the run is on disk.
for _ in $(seq 100); do ausearch -m USER_CMD "${AUSEARCH_INPUT[@]}" -ts recent 2>/dev/null | grep -qF "cmd=$hex" && break; sleep 0.1; done
AUDIT=$(ausearch -m USER_CMD "${AUSEARCH_INPUT[@]}" -ts recent 2>/dev/null)
AUDITI=$(ausearch -m USER_CMD "${AUSEARCH_INPUT[@]}" -ts recent -i 2>/dev/null)
record_for() { grep -F "$1" <<<"$AUDITI" | tail -1; }
r=$(record_for "cmd=id; touch $MARK")
if grep -q "acct=rsshe2e_all" <<<"$r" && grep -q "addr=127.0.0.1" <<<"$r" && grep -q "res=failed" <<<"$r" && grep -q "op=rssh-deny" <<<"$r"; then
    pass "audit: a refused command is recorded with user, address, command and res=failed"
else fail "audit: a refused command is recorded with user, address, command and res=failed" "$r"; fi
r=$(grep "acct=rsshe2e_sftp" <<<"$AUDITI" | grep -E 'program="?sftp-server' | tail -1)
if grep -q "res=success" <<<"$r" && grep -q "addr=127.0.0.1" <<<"$r"; then pass "audit: an allowed sftp session is recorded with res=success"
else fail "audit: an allowed sftp session is recorded with res=success" "$r"; fi
raw=$(grep -F "cmd=$hex" <<<"$AUDIT" | tail -1)
if [ -n "$raw" ] && [ "$(grep -o 'res=[a-z]*' <<<"$raw" | sort -u)" = "res=failed" ] && ! grep -q "exe=/bin/fake" <<<"$raw"; then
    pass "audit: a command containing res=success is hex-encoded and cannot forge fields"
else fail "audit: a command containing res=success is hex-encoded and cannot forge fields" "$raw"; fi
r=$(grep "comm=rssh_chroot_helper" <<<"$AUDITI" | grep "acct=rsshe2e_jail" | grep "op=rssh-allow" | grep "res=success" | tail -1)
if grep -qF "chroot=\"$JAIL\"" <<<"$r" && grep -q "argc=[0-9]* a0=" <<<"$r"; then
    pass "audit: the helper writes the final verdict and argv of a jailed session, with the chroot"
else fail "audit: the helper writes the final verdict and argv of a jailed session, with the chroot" "$r"; fi
r=$(grep "acct=rsshe2e_jail" <<<"$AUDITI" | grep "comm=rssh " | grep "op=rssh-precheck" | tail -1)
if grep -q "res=success" <<<"$r"; then pass "audit: rssh's record for a jailed user says it is a pre-check"
else fail "audit: rssh's record for a jailed user says it is a pre-check" "$r"; fi
# Review item 5: a command the jail refuses after expansion gets a final deny record, not only an allow.
r=$(grep "acct=rsshe2e_jail" <<<"$AUDITI" | grep "comm=rssh_chroot_helper" | grep "op=rssh-deny" | grep "inside_the_jail" | tail -1)
if grep -q "res=failed" <<<"$r"; then pass "audit: a command the jail refuses after expansion is recorded as denied"
else fail "audit: a command the jail refuses after expansion is recorded as denied" "$r"; fi
# Issue 22: a jailed command nothing in the jail can change (sftp-server) gets its final record from the helper
# itself, as root before the drop: the same pid as rssh's pre-check (exec keeps it). One with a pattern gets it
# from the recorder forked before the drop (another pid), naming the files the pattern matched inside the jail.
pid_of() { grep -o ' pid=[0-9]*' <<<"$1" | head -1 | cut -d= -f2; }
pre=$(grep "acct=rsshe2e_jail" <<<"$AUDITI" | grep "op=rssh-precheck" | grep -E 'program="?sftp-server' | tail -1)
fin=$(grep "acct=rsshe2e_jail" <<<"$AUDITI" | grep "comm=rssh_chroot_helper" | grep "op=rssh-allow" \
    | grep -E 'program="?sftp-server' | grep " pid=$(pid_of "$pre") " | tail -1)
if [ -n "$pre" ] && [ -n "$fin" ] && grep -q "res=success" <<<"$fin"; then
    pass "audit: a jailed sftp session's final record comes from the helper itself (no recorder)"
else fail "audit: a jailed sftp session's final record comes from the helper itself (no recorder)" "$pre / $fin"; fi
fin=$(grep "acct=rsshe2e_jail" <<<"$AUDITI" | grep "comm=rssh_chroot_helper" | grep "op=rssh-allow" | grep -F '*.txt' | tail -1)
pre=$(grep "acct=rsshe2e_jail" <<<"$AUDITI" | grep "op=rssh-precheck" | grep -F '*.txt' | tail -1)
# (ausearch -i shows an argument libaudit hex-encoded as 0x"…")
if [ -n "$pre" ] && grep -qE ' a[0-9]+=(0x)?"?a\.txt"? ' <<<"$fin" && grep -qE ' a[0-9]+=(0x)?"?jb\.txt"? ' <<<"$fin" \
    && [ "$(pid_of "$fin")" != "$(pid_of "$pre")" ]; then
    pass "audit: a jailed glob's final record comes from the recorder, with the matched names"
else fail "audit: a jailed glob's final record comes from the recorder, with the matched names" "$pre / $fin"; fi
fin=$(grep "acct=rsshe2e_jail" <<<"$AUDITI" | grep "comm=rssh_chroot_helper" | grep "op=rssh-deny" | grep -F "chdir" | tail -1)
pre=$(grep "acct=rsshe2e_jail" <<<"$AUDITI" | grep "comm=rssh_chroot_helper" | grep "op=rssh-allow" | grep " pid=$(pid_of "$fin") ")
if grep -q "res=failed" <<<"$fin" && grep -q "res=success" <<<"$pre"; then
    pass "audit: a refusal after the helper's early allow record is recorded as a deny by the same helper"
else fail "audit: a refusal after the helper's early allow record is recorded as a deny by the same helper" "$pre / $fin"; fi
# Review item 4: a deep glob is refused and recorded (it crashed rssh before anything was logged).
r=$(grep "acct=rsshe2e_all" <<<"$AUDITI" | grep "op=rssh-deny" | grep -F 'scp -f */*/*/' | grep "cmd_truncated=yes" | tail -1)
if grep -q "res=failed" <<<"$r"; then pass "audit: a deep glob attempt is recorded (command cut, length given)"
else fail "audit: a deep glob attempt is recorded (command cut, length given)" "$r"; fi
# Review item 6: a local user whose shell is not rssh cannot write rssh records with a forged address.
if grep -q "addr=203.0.113.66" <<<"$AUDITI"; then fail "audit: a non-rssh caller's forged SSH_CONNECTION writes no record" "$(grep 203.0.113.66 <<<"$AUDITI" | tail -1)"
else pass "audit: a non-rssh caller's forged SSH_CONNECTION writes no record"; fi
r=$(grep "acct=rsshe2e_wscp" <<<"$AUDITI" | grep -E 'program="?winscp' | grep "op=rssh-allow" | grep "WinSCP_upload" | tail -1)
if grep -q "res=success" <<<"$r"; then pass "audit: a WinSCP upload line is recorded"; else fail "audit: a WinSCP upload line is recorded" "$r"; fi
r=$(grep "acct=rsshe2e_wjail" <<<"$AUDITI" | grep "comm=rssh_chroot_helper" | grep -E 'program="?winscp' | grep "WinSCP_change" | tail -1)
if grep -q "res=success" <<<"$r"; then pass "audit: a chrooted WinSCP user's changes are recorded by the helper's recorder"
else fail "audit: a chrooted WinSCP user's changes are recorded by the helper's recorder" "$r"; fi
r=$(grep "acct=rsshe2e_wscp" <<<"$AUDITI" | grep "WinSCP_refused" | tail -1)
if grep -q "res=failed" <<<"$r"; then pass "audit: a refused WinSCP line is recorded as denied"; else fail "audit: a refused WinSCP line is recorded as denied" "$r"; fi
r=$(grep "comm=rssh_chroot_helper" <<<"$AUDITI" | grep "reason=wrong_number_of_arguments" | tail -1)
if grep -q "res=failed" <<<"$r"; then pass "audit: helper refusals are recorded"; else fail "audit: helper refusals are recorded" "$r"; fi
if [ "${OWN_DEVLOG:-}" = 1 ]; then
    # Review 3 F12: the unprivileged shell cannot ask whether the kernel keeps records; only root's are "written".
    if logged 'rssh\[[0-9]*\]: allowed user="rsshe2e_sftp".* audit="accepted by the kernel"'; then pass "syslog: the shell's line says the kernel accepted the audit record"
    else fail "syslog: the shell's line says the kernel accepted the audit record" "$(grep 'rssh\[' "$SYSLOG" | tail -2)"; fi
    if logged 'rssh_chroot_helper\[[0-9]*\]: allowed user="rsshe2e_jail".* audit="written"'; then pass "syslog: the helper's line says the audit record was written"
    else fail "syslog: the helper's line says the audit record was written" "$(grep 'rssh_chroot_helper\[' "$SYSLOG" | tail -2)"; fi
else
    skip "syslog: the shell's line says the kernel accepted the audit record" "no /dev/log of the suite's own in its mount namespace (see lib.sh)"
    skip "syslog: the helper's line says the audit record was written" "no /dev/log of the suite's own in its mount namespace (see lib.sh)"
fi

# With auditd stopped, sessions go on (syslog says why there is no record), unless requireaudit is set.
# Only the suite's own auditd is ever stopped (see lib.sh: no namespace hides the host's from the kernel).
AUDITD_DOWN_TESTS=("audit: with auditd stopped an sftp session still works"
    "audit: rssh -v says records are not written while auditd is stopped"
    "syslog: says why there is no audit record"
    "audit: requireaudit refuses sessions while no record can be written"
    "audit: requireaudit refuses the jailed user too")
if [ "${OWN_AUDITD:-}" != 1 ] || ! stop_private_auditd; then
    if [ -n "${HOST_AUDITD:-}" ]; then
        why="the host's auditd (pid $HOST_AUDITD) is the kernel's audit daemon; the suite stops only its own"
    else why="the suite's own auditd could not be started or stopped (see $WORK/audit/auditd.out)"; fi
    for t in "${AUDITD_DOWN_TESTS[@]}"; do skip "$t" "$why"; done
else
    check "${AUDITD_DOWN_TESTS[0]}" bash -c "printf 'ls\n' | sftp -b - -i '$WORK/client/id' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -P $PORT $S@127.0.0.1"
    # Not a pipeline: rssh -v exits 2 here (the suite's sshd permits ~/.ssh/rc), and pipefail would count that.
    if grep -q "audit records are NOT being written: auditd is not running" <<<"$("$RSSH" -v)"; then pass "${AUDITD_DOWN_TESTS[1]}"
    else fail "${AUDITD_DOWN_TESTS[1]}" "$("$RSSH" -v | tail -6)"; fi
    if [ "${OWN_DEVLOG:-}" != 1 ]; then skip "${AUDITD_DOWN_TESTS[2]}" "no /dev/log of the suite's own in its mount namespace (see lib.sh)"
    elif logged 'audit="not written: auditd is not running"'; then pass "${AUDITD_DOWN_TESTS[2]}"
    else fail "${AUDITD_DOWN_TESTS[2]}" "$(tail -2 "$SYSLOG")"; fi
    echo requireaudit >>"$ETC/rssh.conf"
    out=$(printf 'ls\n' | sftp_batch $S 2>&1); rc=$?
    if [ $rc -ne 0 ]; then pass "${AUDITD_DOWN_TESTS[3]}"; else fail "${AUDITD_DOWN_TESTS[3]}" "$out"; fi
    refused "${AUDITD_DOWN_TESTS[4]}" $J "scp -t ."
    sed -i '/^requireaudit$/d' "$ETC/rssh.conf"
    start_private_auditd
fi

# --- BEGIN sshd-effective: rssh -v asks sshd for the configuration it really applies (issue 14) ---------
# The suite's rssh was built with SSHD_CONFIG=$WORK/sshd_config (lib.sh), so rssh -v runs
# `sshd -T -f $WORK/sshd_config [-C user=…]`; drop-ins go to $WORK/sshd_config.d, never /etc/ssh. The running
# sshd does not re-read the file, and the file is restored at the end of this block.
SSHDC=$WORK/sshd_config
cp "$SSHDC" "$SSHDC.orig"
mkdir -p "$SSHDC.d"
# Include at the top (as Debian's file has it), and a Match block at the end that closes what the suite's own
# settings leave open for its accounts (PermitUserRC yes is there for the ~/.ssh/rc test above).
{ echo "Include $SSHDC.d/*.conf"; cat "$SSHDC.orig"
  printf 'Match User %s\n    DisableForwarding yes\n    PermitTTY no\n    PermitUserRC no\n' "$(IFS=,; echo "${USERS[*]}")"; } >"$SSHDC"
rssh_v() { out=$("$RSSH" -v 2>&1); rc=$?; }
rssh_v
RSSH_ACCOUNTS=$(getent passwd | awk -F: -v shell="$RSSH" '$7 == shell' | wc -l)
if [ $rc -eq 0 ] && grep -q "checked $RSSH_ACCOUNTS accounts whose login shell is $RSSH" <<<"$out" \
    && grep -q "no setting found that bypasses or weakens rssh" <<<"$out" && grep -q "user=NAME,host=localhost,addr=127.0.0.1" <<<"$out"; then
    pass "rssh -v: sshd -T per account, Match evaluated: nothing bypasses rssh, exit 0"
else fail "rssh -v: sshd -T per account, Match evaluated: nothing bypasses rssh, exit 0" "rc=$rc $(sed -n '/^sshd/,$p' <<<"$out")"; fi
echo "ForceCommand internal-sftp" >"$SSHDC.d/10-force.conf"
rssh_v
if [ $rc -eq 2 ] && grep -q "BYPASS: all $RSSH_ACCOUNTS accounts (.*): ForceCommand internal-sftp: sshd serves SFTP itself" <<<"$out"; then
    pass "rssh -v: a drop-in's global ForceCommand internal-sftp is reported once for every account, exit 2"
else fail "rssh -v: a drop-in's global ForceCommand internal-sftp is reported once for every account, exit 2" "rc=$rc $(sed -n '/^sshd/,$p' <<<"$out")"; fi
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$RSSH" -v 2>&1); rc=$?
if [ $rc -eq 2 ] && grep -q "Match blocks were NOT evaluated" <<<"$out" && grep -q "ForceCommand internal-sftp" <<<"$out"; then
    pass "rssh -v as non-root: the files are read with Include followed, and it says Match was not evaluated"
else fail "rssh -v as non-root: the files are read with Include followed, and it says Match was not evaluated" "rc=$rc $(sed -n '/^sshd/,$p' <<<"$out")"; fi
printf 'Match User %s\n    ForceCommand internal-sftp\n' "$S" >"$SSHDC.d/10-force.conf"
rssh_v
if [ $rc -eq 2 ] && grep -q "BYPASS: 1 account ($S): ForceCommand internal-sftp" <<<"$out" \
    && [ "$(grep -c 'BYPASS.*ForceCommand' <<<"$out")" = 1 ]; then
    pass "rssh -v: ForceCommand in a drop-in's Match User block is reported for that account only"
else fail "rssh -v: ForceCommand in a drop-in's Match User block is reported for that account only" "rc=$rc $(sed -n '/^sshd/,$p' <<<"$out")"; fi
rm -f "$SSHDC.d/10-force.conf"
echo "Subsystem sftp internal-sftp" >"$SSHDC.d/20-sftp.conf"
rssh_v
if [ $rc -eq 2 ] && grep -q "ERROR: sshd refuses its configuration" <<<"$out" && grep -q "Subsystem 'sftp' already defined" <<<"$out"; then
    pass "rssh -v: a second Subsystem sftp in a drop-in is reported in sshd's words as an invalid configuration"
else fail "rssh -v: a second Subsystem sftp in a drop-in is reported in sshd's words as an invalid configuration" "rc=$rc $(sed -n '/^sshd/,$p' <<<"$out")"; fi
cp "$SSHDC.orig" "$SSHDC" && rm -rf "$SSHDC.d" "$SSHDC.orig"
# --- END sshd-effective ---------------------------------------------------------------------------

# --- BEGIN review 3, F1 F2: the access modes hold against every rsync option (stock client through sshd) ----
# F1: the stock client's --remove-source-files, renamed on the way to its still-working alias by an -e wrapper.
printf 'precious data\n' >"$(home $RO)/victim.txt"; chown $RO: "$(home $RO)/victim.txt"
printf '#!/bin/sh\nfor a; do shift; set -- "$@" "$(printf %%s "$a" | sed s/--remove-source-files/--remove-sent-files/)"; done\nexec %s "$@"\n' "$SSH" >"$WORK/rewrite-ssh"
chmod 755 "$WORK/rewrite-ssh"
out=$(rsync -e "$WORK/rewrite-ssh" --remove-source-files "$RO@127.0.0.1:victim.txt" "$WORK/f1.txt" 2>&1); rc=$?
if [ $rc -ne 0 ] && [ -e "$(home $RO)/victim.txt" ] && grep -q -- "--remove-sent-files is not allowed in readonly mode" <<<"$out"; then
    pass "review F1: readonly refuses rsync --remove-sent-files and the file stays"
else fail "review F1: readonly refuses rsync --remove-sent-files and the file stays" "rc=$rc $out"; fi
# F2: an upload-only receiver never picks a basis file, prints block sums, names files or plants links.
F2MARK=F2-MARKER-e2e-8d1c
mkdir -p "$(home $UP)/inbox" "$(home $UP)/inbox2" "$WORK/atk/tree"
printf 'TOP SECRET %s\n' "$F2MARK" >"$(home $UP)/inbox/report.txt"; chown -R $UP: "$(home $UP)/inbox" "$(home $UP)/inbox2"
printf 'x%.0s' $(seq 67) >"$WORK/atk/report.txt"; printf 'zzzz\n' >"$WORK/atk/rep0rt.txt"
ln -sf "$(home $UP)/.ssh" "$WORK/atk/tree/planted-link"; rm -f "$WORK/atk/tree/planted-fifo"; mkfifo "$WORK/atk/tree/planted-fifo"
f2_refused() {  # NAME WHAT ARGS...: the upload is refused, nothing of the marker comes back, nothing is created
    local name=$1 what=$2; shift 2
    out=$(rsync -e "$SSH" "$@" 2>&1); rc=$?
    if [ $rc -ne 0 ] && ! grep -q "$F2MARK" <<<"$out" && grep -q -- "$what" <<<"$out" && [ -z "$(ls -A "$(home $UP)/inbox2")" ]; then
        pass "$name"
    else fail "$name" "rc=$rc $(head -c 600 <<<"$out"); inbox2: $(ls -A "$(home $UP)/inbox2")"; fi
}
f2_refused "review F2: uploadonly refuses -B1 --copy-dest with --debug=DELTASUM3 (read-back)" "not allowed" \
    -B1 -M--debug=DELTASUM3 --copy-dest="$(home $UP)/inbox" "$WORK/atk/report.txt" "$UP@127.0.0.1:inbox2/"
f2_refused "review F2: uploadonly refuses --copy-dest=/etc (reading /etc/passwd)" "not allowed" \
    -B1 -M--debug=DELTASUM3 --copy-dest=/etc "$WORK/atk/report.txt" "$UP@127.0.0.1:inbox2/"
f2_refused "review F2: uploadonly refuses -y with --debug=FUZZY2 (naming files)" "not allowed" \
    -y -M--debug=FUZZY2 "$WORK/atk/rep0rt.txt" "$UP@127.0.0.1:inbox2/"
f2_refused "review F2: uploadonly refuses -rl --specials (planted symlink and FIFO)" "not allowed" \
    -rl --specials "$WORK/atk/tree/" "$UP@127.0.0.1:inbox2/tree/"
f2_refused "review F2: uploadonly refuses more than one -v" "more than one -v" -vv "$WORK/atk/rep0rt.txt" "$UP@127.0.0.1:inbox2/"
out=$(rsync -rtv -e "$SSH" "$WORK/atk/report.txt" "$WORK/atk/rep0rt.txt" "$UP@127.0.0.1:inbox/" 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -q "$F2MARK" "$(home $UP)/inbox/report.txt" && cmp -s "$WORK/atk/rep0rt.txt" "$(home $UP)/inbox/rep0rt.txt" \
    && ! grep -q "$F2MARK" <<<"$out"; then
    pass "review F2: a plain rsync -rtv upload works and keeps what exists"
else fail "review F2: a plain rsync -rtv upload works and keeps what exists" "rc=$rc $out"; fi
# --- END review 3, F1 F2 ---------------------------------------------------------------------------
# --- BEGIN F3 (security review 3, issue 17): pattern expansion has a work budget --------------------
# The review's pattern (41 s and 2 GB before) and a tree of links to '.' (which multiplies glob's work without any
# '..') for an scp user and a jailed user: refused with the reason within seconds, the refusal logged, and
# nothing run (no "allowed" decision for the command).
f3_refused() { # NAME USER COMMAND REASON
    local name=$1 user=$2 cmd=$3 reason=$4 out rc start=$SECONDS
    out=$(timeout 30 "$SSH" "$user@127.0.0.1" "$cmd" </dev/null 2>&1); rc=$?
    local took=$((SECONDS - start))
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$took" -le 10 ] && grep -qF -- "$reason" <<<"$out" \
        && logged "denied user=\"$user\".*$reason" \
        && ! grep -q "allowed user=\"$user\".*f3loops" "$SYSLOG"; then
        pass "$name"
    else fail "$name" "rc=$rc after $took s: $out"; fi
}
for f3user in $A $J; do
    if [ "$f3user" = "$J" ]; then f3home=$JHOME; else f3home=$(home "$f3user"); fi
    mkdir -p "$f3home/f3loops"
    for i in $(seq -w 0 15); do ln -sfn . "$f3home/f3loops/l$i"; done
    chown -R "$f3user" "$f3home/f3loops"
    f3_refused "F3: scp -f /*/../*/../*/../*/../*/../*/../* is refused at once for $f3user" "$f3user" \
        "scp -f /*/../*/../*/../*/../*/../*/../*" "'.' or '..' after a pattern is not expanded"
    f3_refused "F3: scp -f over links to '.' (16^7 paths) is refused by the budget for $f3user" "$f3user" \
        "scp -f f3loops/*/*/*/*/*/*/*" "pattern expansion exceeded its budget (more than 1024 directories opened)"
    rm -rf "$f3home/f3loops"
done
# --- END F3 -------------------------------------------------------------------------------------------

# --- BEGIN checksums: rclone through sshd with the checksums option (issue 18) --------------------------
# rclone probes the shell with `echo ${ShellId}%ComSpec%`, then md5sum and sha1sum with empty input, then
# hashes each file with `md5sum <backslash-escaped path>`; all of it must work without one denial.
if ! command -v rclone >/dev/null; then
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rclone \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rclone; }; } \
        >"$WORK/apt-rclone.log" 2>&1 || cat "$WORK/apt-rclone.log"
fi
if command -v rclone >/dev/null; then
    RC=$WORK/rclone-src
    mkdir -p "$RC"
    for name in 'plain.txt' 'with space.txt' "quote'q.txt" 'dq"x.txt' 'back\slash.txt' 'ünïcødé.txt' 'star*glob?.txt' '$dollar;semi.txt'; do
        printf 'content of %s\n' "$name" >"$RC/$name"
    done
    head -c 300000 /dev/urandom >"$RC/blob.bin"
    # rclone prints names unescaped; its local backend hashes the same files on this side.
    rclone md5sum "$RC" 2>/dev/null | sort -k2 >"$WORK/rclone-local.md5"
    rclone sha1sum "$RC" 2>/dev/null | sort -k2 >"$WORK/rclone-local.sha1"
    for u in $S rsshe2e_ll $J; do
        export RCLONE_CONFIG="$WORK/rclone-$u.conf" RCLONE_CONFIG_RSSH_TYPE=sftp RCLONE_CONFIG_RSSH_HOST=127.0.0.1 \
            RCLONE_CONFIG_RSSH_PORT=$PORT RCLONE_CONFIG_RSSH_USER=$u RCLONE_CONFIG_RSSH_KEY_FILE="$WORK/client/id"
        before=$(grep -c "denied user=\"$u\"" "$SYSLOG" 2>/dev/null)
        out=$(timeout 120 rclone copy "$RC" rssh:rc 2>&1) || fail "checksums: rclone copy as $u" "$out"
        out=$(timeout 120 rclone check "$RC" rssh:rc 2>&1); rc=$?
        if [ $rc -eq 0 ] && ! grep -q "No common hash" <<<"$out" && grep -q "0 differences found" <<<"$out"; then
            pass "checksums: rclone check compares MD5 computed on the server ($u)"
        else fail "checksums: rclone check compares MD5 computed on the server ($u)" "rc=$rc $out"; fi
        timeout 120 rclone md5sum rssh:rc 2>"$WORK/rclone-err" | sort -k2 >"$WORK/rclone-remote.md5"
        timeout 120 rclone sha1sum rssh:rc 2>>"$WORK/rclone-err" | sort -k2 >"$WORK/rclone-remote.sha1"
        if cmp -s "$WORK/rclone-local.md5" "$WORK/rclone-remote.md5" && cmp -s "$WORK/rclone-local.sha1" "$WORK/rclone-remote.sha1"; then
            pass "checksums: rclone md5sum and sha1sum equal the local hashes, odd names intact ($u)"
        else fail "checksums: rclone md5sum and sha1sum equal the local hashes, odd names intact ($u)" \
            "$(diff "$WORK/rclone-local.md5" "$WORK/rclone-remote.md5"; cat "$WORK/rclone-err")"; fi
        sleep 0.5
        after=$(grep -c "denied user=\"$u\"" "$SYSLOG" 2>/dev/null)
        if [ "${OWN_DEVLOG:-}" != 1 ]; then skip "checksums: a normal rclone run leaves no denial ($u)" "no /dev/log of the suite's own"
        elif [ "$before" = "$after" ] && logged "user=\"$u\".*rclone's shell-type probe"; then
            pass "checksums: a normal rclone run leaves no denial, the probe is logged as the probe ($u)"
        else fail "checksums: a normal rclone run leaves no denial, the probe is logged as the probe ($u)" \
            "$(grep "user=\"$u\"" "$SYSLOG" | grep denied | tail -3)"; fi
        unset RCLONE_CONFIG RCLONE_CONFIG_RSSH_TYPE RCLONE_CONFIG_RSSH_HOST RCLONE_CONFIG_RSSH_PORT RCLONE_CONFIG_RSSH_USER \
            RCLONE_CONFIG_RSSH_KEY_FILE
    done
    # The output is coreutils' own, escaping included (a name with a backslash gets a leading backslash).
    mkdir -p "$WORK/rcl/rc" && cp "$RC/back\\slash.txt" "$RC/with space.txt" "$WORK/rcl/rc/"
    expected=$(cd "$WORK/rcl" && sha256sum 'rc/back\slash.txt' 'rc/with space.txt')
    out=$(ssh "${SSHOPTS[@]}" -p "$PORT" $S@127.0.0.1 "sha256sum 'rc/back\\slash.txt' 'rc/with space.txt'" 2>&1)
    if [ "$out" = "$expected" ] && grep -q '^\\' <<<"$out"; then
        pass "checksums: sha256sum output is coreutils' own, its escaping of a backslash included"
    else fail "checksums: sha256sum output is coreutils' own, its escaping of a backslash included" "$out / $expected"; fi
    out=$(ssh "${SSHOPTS[@]}" -p "$PORT" $S@127.0.0.1 'md5sum -c list' 2>&1); rc=$?
    if [ $rc -ne 0 ] && grep -q 'option "-c" is not allowed' <<<"$out"; then pass "checksums: md5sum -c is refused"
    else fail "checksums: md5sum -c is refused" "rc=$rc $out"; fi
    out=$(ssh "${SSHOPTS[@]}" -p "$PORT" $UP@127.0.0.1 'sha256sum existing.txt' 2>&1); rc=$?
    if [ $rc -ne 0 ] && ! grep -q "$(sha256sum <"$(home $UP)/existing.txt" | cut -c1-64)" <<<"$out"; then
        pass "checksums: refused to an uploadonly user (a hash is a read)"
    else fail "checksums: refused to an uploadonly user (a hash is a read)" "rc=$rc $out"; fi
else
    fail "checksums: rclone through sshd" "rclone could not be installed"
fi
# --- END checksums -----------------------------------------------------------------------------------

# --- BEGIN issue 21: fail2ban filter (Config/fail2ban) against this run's own syslog lines ------------
# fail2ban is installed when missing (its service not started: policy-rc.d, then disabled), and
# fail2ban-regex runs the shipped filter over $SYSLOG: it must match exactly the refusals that carry a client
# address (counted here with grep), ban only 127.0.0.1 (not an address inside a refused command), and match
# no allowed or prechecked line; refusals with addr=? must not match.
F2B_TESTS=("fail2ban: the filter matches every refusal with a client address, and only those"
    "fail2ban: only the client's address is found, not one inside a refused command"
    "fail2ban: no allowed, prechecked or addr=? line matches"
    "fail2ban: the jail example loads with the filter (fail2ban-client -t on a copy of /etc/fail2ban)")
f2b_cleanup() { [ -n "${F2B_POLICY_RC:-}" ] && rm -f /usr/sbin/policy-rc.d; F2B_POLICY_RC=; }
trap 'f2b_cleanup; harness_cleanup' EXIT
f2b_why=""
if [ "${OWN_DEVLOG:-}" != 1 ]; then f2b_why="no /dev/log of the suite's own in its mount namespace (see lib.sh)"
elif ! command -v fail2ban-regex >/dev/null; then
    echo "e2e: installing fail2ban (its service is not started, and left disabled)"
    f2b_running=$(pgrep -f fail2ban-server)
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && F2B_POLICY_RC=1
    fi
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o DPkg::Lock::Timeout=300 fail2ban; } >"$WORK/fail2ban-apt.log" 2>&1
    f2b_cleanup
    { systemctl disable fail2ban; update-rc.d fail2ban disable; } >/dev/null 2>&1
    # In case the machine's own policy-rc.d let the package start its server: stop what was not running before.
    [ -z "$f2b_running" ] && pgrep -f fail2ban-server >/dev/null && fail2ban-client stop >/dev/null 2>&1
    command -v fail2ban-regex >/dev/null || f2b_why="fail2ban could not be installed: $(tail -1 "$WORK/fail2ban-apt.log")"
fi
if [ -z "$f2b_why" ] && [ ! -f /etc/fail2ban/filter.d/common.conf ]; then f2b_why="fail2ban's filter.d/common.conf is missing"; fi
if [ -n "$f2b_why" ]; then
    for t in "${F2B_TESTS[@]}"; do skip "$t" "$f2b_why"; done
else
    # A refused command that carries another address in its text: the filter must still find only 127.0.0.1.
    "$SSH" "$L@127.0.0.1" 'echo x addr=203.0.113.9 "denied user=\"root\" uid=0 addr=203.0.113.9"' </dev/null >/dev/null 2>&1
    logged 'denied user="rsshe2e_lock" .*203\.0\.113\.9' || true
    # The filter next to fail2ban's own common.conf (it includes it), as in /etc/fail2ban/filter.d.
    install -d -m 755 "$WORK/fail2ban/filter.d"
    cp /etc/fail2ban/filter.d/common.conf "$REPO/Config/fail2ban/filter.d/rssh.conf" "$WORK/fail2ban/filter.d/"
    F2B_FILTER=$WORK/fail2ban/filter.d/rssh.conf
    cp "$SYSLOG" "$WORK/f2b-syslog.log" # one snapshot for every count below
    denied_ip=$(grep -cE ' rssh(_chroot_helper)?\[[0-9]+\]: denied user="([^"\\]|\\.)*" uid=[0-9]+ addr=127\.0\.0\.1 ' "$WORK/f2b-syslog.log")
    denied_noaddr=$(grep -cE ' rssh(_chroot_helper)?\[[0-9]+\]: denied user="([^"\\]|\\.)*" uid=[0-9]+ addr=\? ' "$WORK/f2b-syslog.log")
    allowed=$(grep -cE ' rssh(_chroot_helper)?\[[0-9]+\]: (allowed|prechecked) ' "$WORK/f2b-syslog.log")
    f2b_ips=$(fail2ban-regex -o ip "$WORK/f2b-syslog.log" "$F2B_FILTER" 2>&1)
    f2b_all=$(fail2ban-regex --print-all-matched "$WORK/f2b-syslog.log" "$F2B_FILTER" 2>&1)
    matched=$(sed -n 's/^Lines: .* \([0-9]*\) matched, .*/\1/p' <<<"$f2b_all")
    echo "     (syslog: $denied_ip refusals from 127.0.0.1, $denied_noaddr with addr=?, $allowed allowed or prechecked; fail2ban-regex matched ${matched:-?})"
    if [ -n "$matched" ] && [ "$denied_ip" -gt 0 ] && [ "$matched" = "$denied_ip" ] && [ "$(grep -c . <<<"$f2b_ips")" = "$denied_ip" ]; then
        pass "${F2B_TESTS[0]}"
    else fail "${F2B_TESTS[0]}" "grep counted $denied_ip, fail2ban-regex matched ${matched:-?}: $(grep -E '^(Lines|Failregex)' <<<"$f2b_all")"; fi
    if [ -z "$(grep -v '^127\.0\.0\.1$' <<<"$f2b_ips")" ] && grep -q 'addr=203\.0\.113\.9' "$WORK/f2b-syslog.log"; then
        pass "${F2B_TESTS[1]}"
    else fail "${F2B_TESTS[1]}" "$(grep -v '^127\.0\.0\.1$' <<<"$f2b_ips" | sort | uniq -c | head -5)"; fi
    f2b_matched=$(sed -n '/^|- Matched line(s):/,/^`-/p' <<<"$f2b_all")
    if [ "$allowed" -gt 0 ] && [ -n "$f2b_matched" ] && ! grep -qE '\]: (allowed|prechecked) |addr=\? ' <<<"$f2b_matched"; then
        pass "${F2B_TESTS[2]}"
    else fail "${F2B_TESTS[2]}" "$(grep -E '\]: (allowed|prechecked) |addr=\? ' <<<"$f2b_matched" | head -5)"; fi
    # The jail example in a copy of fail2ban's configuration (the host's own jails left out), its logpath
    # pointed at this run's lines: the configuration test must pass and the rssh jail use the filter.
    cp -a /etc/fail2ban "$WORK/fail2ban-etc" && rm -rf "$WORK/fail2ban-etc/jail.local" "$WORK/fail2ban-etc/jail.d"/*
    cp "$REPO/Config/fail2ban/filter.d/rssh.conf" "$WORK/fail2ban-etc/filter.d/rssh.conf"
    sed "s|^logpath *=.*|logpath  = $WORK/f2b-syslog.log|" "$REPO/Config/fail2ban/jail.d/rssh.conf" >"$WORK/fail2ban-etc/jail.d/rssh.conf"
    out=$(fail2ban-client -c "$WORK/fail2ban-etc" -t 2>&1); rc=$?
    dump=$(fail2ban-client -c "$WORK/fail2ban-etc" -d 2>&1)
    if [ $rc -eq 0 ] && grep -q "OK: configuration test is successful" <<<"$out" && grep -qF "['add', 'rssh', 'auto']" <<<"$dump" \
        && grep -qF "['set', 'rssh', 'addlogpath', '$WORK/f2b-syslog.log'" <<<"$dump" && grep -qF "rssh(?:_chroot_helper)?" <<<"$dump"; then
        pass "${F2B_TESTS[3]}"
    else fail "${F2B_TESTS[3]}" "rc=$rc $(tail -3 <<<"$out") $(grep -F "'rssh'" <<<"$dump" | head -3)"; fi
fi
trap harness_cleanup EXIT
# --- END issue 21: fail2ban --------------------------------------------------------------------------
# --- BEGIN audit-budget: review 3 F6, F7, F8, F12 (issue 17) -------------------------------------------
# audit_records PATTERN: the interpreted USER_CMD records (the whole log) that match PATTERN.
audit_records() { ausearch -m USER_CMD "${AUSEARCH_INPUT[@]}" -i 2>/dev/null | grep -F -- "$1"; }
# wait_record PATTERN: true once auditd has a record matching PATTERN on disk (at most 10 s).
wait_record() { for _ in $(seq 100); do audit_records "$1" >/dev/null && return 0; sleep 0.1; done; return 1; }
# flood USER TAG COUNT: COUNT mkdir lines (after one keepalive) in one WinSCP session through sshd.
flood() {
    $PY -c 'import sys
E=" ; echo \"WinSCP: this is end-of-file:$?\""
print("echo \"WinSCP: this is end-of-file:0\"")
for i in range(int(sys.argv[2])): print("mkdir \"/nonexistent/%s_%d\"" % (sys.argv[1], i) + E)' "$2" "$3" \
        | timeout 120 "$SSH" -T "$1@127.0.0.1" >"$WORK/flood-$1.out" 2>&1
}
# F6: a flood of 1,500 changes is recorded up to the budget (1,000), then one summary record ends the session.
for pair in "$WP:plain" "$WJ:chrooted"; do
    u=${pair%%:*} kind=${pair#*:} tag="f6flood$$${u##*_}"
    flood "$u" "$tag" 1500
    name="audit (F6): a $kind WinSCP flood of 1,500 changes gets 1,000 records and one summary, then the session ends"
    # The summary is the session's last record: once it is on disk, so are the changes before it.
    for _ in $(seq 100); do audit_records "$tag" | grep -q "WinSCP_budget_exhausted" && break; sleep 0.1; done
    if audit_records "$tag" | grep -q "WinSCP_budget_exhausted"; then
        changes=$(audit_records "$tag" | grep -c "WinSCP_change")
        summary=$(audit_records "$tag" | grep "WinSCP_budget_exhausted" | grep -c "res=failed")
        if [ "$changes" = 1000 ] && [ "$summary" = 1 ] && grep -q "limit of 1000 logged commands" "$WORK/flood-$u.out"; then pass "$name"
        else fail "$name" "changes=$changes summary=$summary $(tail -2 "$WORK/flood-$u.out")"; fi
    else fail "$name" "no record with $tag, or no summary; $(tail -2 "$WORK/flood-$u.out")"; fi
done
if [ "${OWN_DEVLOG:-}" != 1 ]; then
    skip "syslog (F6): keepalives are counted in the summary, not logged one by one" "no /dev/log of the suite's own (see lib.sh)"
elif logged "user=\"$WP\".*WinSCP budget exhausted.*1 no-op keepalive lines" \
    && ! grep "user=\"$WP\"" "$SYSLOG" | grep -qF 'command="echo \"WinSCP: this is end-of-file:0\""'; then
    pass "syslog (F6): keepalives are counted in the summary, not logged one by one"
else fail "syslog (F6): keepalives are counted in the summary, not logged one by one" "$(grep "user=\"$WP\"" "$SYSLOG" | tail -3)"; fi

# F7: the user cannot stop or kill the root recorder of a jailed WinSCP session.
F7_TESTS=("audit (F7): the jailed session's recorder runs with real, effective and saved uid 0"
    "audit (F7): kill -STOP and kill -KILL of the recorder fail for the user with EPERM")
{ printf 'pwd ; echo "WinSCP: this is end-of-file:$?"\n'; sleep 6; } | timeout 30 "$SSH" -T "$WJ@127.0.0.1" >/dev/null 2>&1 &
f7_session=$!
recorder=
for _ in $(seq 50); do
    for helper in $(pgrep -u "$WJ" -x rssh_chroot_hel); do recorder=$(pgrep -P "$helper" -x rssh_chroot_hel | head -1); done
    [ -n "$recorder" ] && break; sleep 0.1
done
if [ -z "$recorder" ]; then
    fail "${F7_TESTS[0]}" "no recorder found under the jailed helper"; fail "${F7_TESTS[1]}" "no recorder found"
else
    ids=$(ps -o ruid=,euid=,suid=,rgid=,egid=,sgid= -p "$recorder" | tr -s ' ' | sed 's/^ //')
    if [ "$ids" = "0 0 0 0 0 0" ]; then pass "${F7_TESTS[0]}"; else fail "${F7_TESTS[0]}" "ids: $ids"; fi
    out_stop=$(setpriv --reuid="$WJ" --regid="$WJ" --init-groups kill -STOP "$recorder" 2>&1); rc_stop=$?
    out_kill=$(setpriv --reuid="$WJ" --regid="$WJ" --init-groups kill -KILL "$recorder" 2>&1); rc_kill=$?
    state=$(ps -o stat= -p "$recorder")
    if [ $rc_stop -ne 0 ] && [ $rc_kill -ne 0 ] && grep -q "Operation not permitted" <<<"$out_stop" \
        && grep -q "Operation not permitted" <<<"$out_kill" && [ -n "$state" ] && [[ "$state" != T* ]]; then pass "${F7_TESTS[1]}"
    else fail "${F7_TESTS[1]}" "stop rc=$rc_stop ($out_stop) kill rc=$rc_kill ($out_kill) state=$state"; fi
fi
wait "$f7_session" 2>/dev/null

# F8: with /proc mounted hidepid=invisible (a nested private mount namespace), rssh cannot see auditd; it still
# sends the record, says it could not verify, and requireaudit does not lock the user out.
F8_TESTS=("audit (F8): under hidepid the record is still written"
    "syslog (F8): under hidepid the line says auditd cannot be verified"
    "audit (F8): under hidepid requireaudit lets the session run"
    "rssh -v (F8): under hidepid it says auditd cannot be verified")
hidepid() { unshare --mount --propagation private -- sh -c 'mount -t proc -o hidepid=invisible proc /proc && exec "$@"' hidepid "$@"; }
if ! hidepid true 2>/dev/null; then
    for t in "${F8_TESTS[@]}"; do skip "$t" "cannot mount a proc instance with hidepid=invisible here"; done
else
    tag="f8hidepid$$"
    hidepid setpriv --reuid="$A" --regid="$A" --init-groups "$RSSH" -c "scp -f $tag" </dev/null >/dev/null 2>&1
    if wait_record "$tag"; then pass "${F8_TESTS[0]}"; else fail "${F8_TESTS[0]}" "no record with $tag"; fi
    if [ "${OWN_DEVLOG:-}" != 1 ]; then skip "${F8_TESTS[1]}" "no /dev/log of the suite's own (see lib.sh)"
    elif logged "$tag.*audit=\"accepted by the kernel (auditd cannot be verified"; then pass "${F8_TESTS[1]}"
    else fail "${F8_TESTS[1]}" "$(grep "$tag" "$SYSLOG" | tail -2)"; fi
    echo requireaudit >>"$ETC/rssh.conf"
    out=$(hidepid setpriv --reuid="$A" --regid="$A" --init-groups "$RSSH" -c "scp -f ${tag}r" </dev/null 2>&1)
    if ! grep -q "auditing is required but unavailable" <<<"$out" && wait_record "${tag}r"; then pass "${F8_TESTS[2]}"
    else fail "${F8_TESTS[2]}" "$out"; fi
    sed -i '/^requireaudit$/d' "$ETC/rssh.conf"
    out=$(hidepid setpriv --reuid=65534 --regid=65534 --clear-groups "$RSSH" -v 2>&1)
    if grep -q "cannot verify whether auditd runs" <<<"$out" && ! grep -q "audit records are NOT being written" <<<"$out"; then
        pass "${F8_TESTS[3]}"
    else fail "${F8_TESTS[3]}" "$(sed -n '/^Audit trail/,/^$/p' <<<"$out")"; fi
fi

# F12: with the kernel's audit switched off (auditctl -e 0) records are acknowledged and dropped. Only while
# the suite's own auditd is the kernel's (the host's settings are never touched); harness_cleanup (the EXIT
# trap) puts the enabled flag back as it found it should the suite stop in between.
F12_TESTS=("rssh -v (F12): as root it says the kernel's audit is disabled"
    "syslog (F12): the shell's line does not say written"
    "syslog (F12): the helper's line says not written: the kernel's audit is disabled"
    "audit (F12): requireaudit refuses the jailed user while the kernel's audit is disabled")
if [ "${OWN_AUDITD:-}" != 1 ] || [ -z "${PRIVATE_AUDITD_PID:-}" ]; then
    for t in "${F12_TESTS[@]}"; do skip "$t" "the kernel's audit daemon is not the suite's own (the host's settings are left alone)"; done
else
    auditctl -e 0 >/dev/null
    tag="f12off$$"
    out=$("$RSSH" -v 2>&1)
    if grep -q "audit records are NOT being written: the kernel's audit is disabled" <<<"$out"; then pass "${F12_TESTS[0]}"
    else fail "${F12_TESTS[0]}" "$(sed -n '/^Audit trail/,/^$/p' <<<"$out")"; fi
    "$SSH" "$A@127.0.0.1" "scp -f $tag" </dev/null >/dev/null 2>&1
    "$SSH" "$J@127.0.0.1" "scp -f ${tag}j" </dev/null >/dev/null 2>&1
    if [ "${OWN_DEVLOG:-}" != 1 ]; then
        skip "${F12_TESTS[1]}" "no /dev/log of the suite's own (see lib.sh)"; skip "${F12_TESTS[2]}" "no /dev/log of the suite's own (see lib.sh)"
    else
        if logged "rssh\[[0-9]*\]: .*$tag.*audit=\"accepted by the kernel\"" && ! grep "$tag" "$SYSLOG" | grep -q 'audit="written"'; then
            pass "${F12_TESTS[1]}"
        else fail "${F12_TESTS[1]}" "$(grep "$tag" "$SYSLOG" | tail -2)"; fi
        if logged "rssh_chroot_helper\[[0-9]*\]: .*${tag}j.*audit=\"not written: the kernel's audit is disabled\""; then pass "${F12_TESTS[2]}"
        else fail "${F12_TESTS[2]}" "$(grep "${tag}j" "$SYSLOG" | tail -2)"; fi
    fi
    echo requireaudit >>"$ETC/rssh.conf"
    out=$("$SSH" "$J@127.0.0.1" "scp -t ." </dev/null 2>&1); rc=$?
    if [ $rc -ne 0 ] && grep -q "auditing is required but unavailable" <<<"$out"; then pass "${F12_TESTS[3]}"
    else fail "${F12_TESTS[3]}" "rc=$rc $out"; fi
    sed -i '/^requireaudit$/d' "$ETC/rssh.conf"
    auditctl -e 1 >/dev/null
fi
# --- END audit-budget ---------------------------------------------------------------------------
# --- BEGIN sshkeys: an authorized_keys the user cannot replace (review 3, F5, F10, F11; issue 17) -------
# rsshctl made the landlocked users' ~/.ssh (ssh protect, above) and the jail homes' (jail build) root-owned and
# immutable. Renaming .ssh away needs write permission on the home only, which the user has; the immutable
# attribute makes the kernel refuse it (and any write inside). Every client's way in must fail, and a second
# sshd that reads ~/.ssh/authorized_keys, as a stock one does, must not accept a key a user tried to plant.
ssh-keygen -q -t ed25519 -N '' -f "$WORK/client/planted" </dev/null
chmod 644 "$WORK/client/planted.pub"
immutable() { lsattr -d "$1" 2>/dev/null | awk '{ print $1 }' | grep -q i; }
protected() { # HOME: .ssh root-owned 755, immutable, nothing planted in it, nothing renamed next to it
    [ "$(stat -c '%u %a' "$1/.ssh" 2>/dev/null)" = "0 755" ] && immutable "$1/.ssh" && [ ! -e "$1/.ssh/authorized_keys" ] \
        && [ -z "$(ls -A "$1/.ssh")" ] && [ ! -e "$1/.ssh-away" ]
}
layout_ok=""
for u in $LL $WL $J $WJ; do protected "$(home $u)" || layout_ok+="$u: $(ls -la "$(home $u)/.ssh" 2>&1; lsattr -d "$(home $u)/.ssh" 2>&1)"$'\n'; done
if [ -z "$layout_ok" ]; then pass "sshkeys: rsshctl ssh protect and jail build leave a root-owned, immutable ~/.ssh"
else fail "sshkeys: rsshctl ssh protect and jail build leave a root-owned, immutable ~/.ssh" "$layout_ok"; fi
# attack USER: sftp (rename, rmdir, mkdir inside, put), scp -O, scp (sftp mode) and rsync into .ssh.
attack() {
    local u=$1
    printf -- '-rename .ssh .ssh-away\n-rmdir .ssh\n-mkdir .ssh/sub\n-put %s .ssh/authorized_keys\n' "$WORK/client/planted.pub" | sftp_batch "$u"
    scp -O -q -S "$SSH" "$WORK/client/planted.pub" "$u@127.0.0.1:.ssh/authorized_keys"
    scp -q -S "$SSH" "$WORK/client/planted.pub" "$u@127.0.0.1:.ssh/authorized_keys"
    rsync -e "$SSH" "$WORK/client/planted.pub" "$u@127.0.0.1:.ssh/authorized_keys"
    rsync -r -e "$SSH" "$WORK/client/" "$u@127.0.0.1:.ssh/"
}
for pair in "$LL:landlocked" "$J:jailed"; do
    u=${pair%%:*} kind=${pair#*:}
    out=$(attack "$u" 2>&1)
    if protected "$(home "$u")"; then pass "sshkeys: a $kind user cannot rename .ssh away or write into it (sftp, scp -O, scp, rsync)"
    else fail "sshkeys: a $kind user cannot rename .ssh away or write into it (sftp, scp -O, scp, rsync)" "$(ls -la "$(home "$u")" "$(home "$u")/.ssh" 2>&1) $out"; fi
done
# WinSCP's SCP mode: its rename and delete lines (what the review's jailed user ran).
for pair in "$WL:landlocked" "$WJ:jailed"; do
    u=${pair%%:*} kind=${pair#*:}
    out=$(printf '%s\n' 'mv -f ".ssh" ".ssh-away" ; echo "WinSCP: this is end-of-file:$?"' \
        'rm -f -r ".ssh" ; echo "WinSCP: this is end-of-file:$?"' 'mkdir ".ssh/sub" ; echo "WinSCP: this is end-of-file:$?"' \
        | timeout 20 "$SSH" -T "$u@127.0.0.1" 2>&1)
    if [ "$(grep -c 'end-of-file:[1-9]' <<<"$out")" = 3 ] && protected "$(home "$u")"; then
        pass "sshkeys: a $kind WinSCP user's mv -f, rm -f -r and mkdir on .ssh fail"
    else fail "sshkeys: a $kind WinSCP user's mv -f, rm -f -r and mkdir on .ssh fail" "$out $(ls -la "$(home "$u")" 2>&1)"; fi
done
# A second sshd reading ~/.ssh/authorized_keys. The planted key gets nowhere; a key root puts there (attribute
# cleared for the change, set again after) works, so the negative result means something.
PORT2=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -e "s/^Port .*/Port $PORT2/" -e "s|^PidFile .*|PidFile $WORK/sshd2.pid|" \
    -e "s|^AuthorizedKeysFile .*|AuthorizedKeysFile .ssh/authorized_keys|" "$WORK/sshd_config" >"$WORK/sshd2_config"
/usr/sbin/sshd -f "$WORK/sshd2_config" -E "$WORK/sshd2.log"
for _ in $(seq 50); do [ -s "$WORK/sshd2.pid" ] && break; sleep 0.1; done
key_login() { # KEY USER: 0 when sshd accepted the key (the session itself may be refused by rssh)
    local out
    out=$(ssh -i "$1" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR \
        -o IdentitiesOnly=yes -o ConnectTimeout=10 -p "$PORT2" "$2@127.0.0.1" "scp -f nothing-here" </dev/null 2>&1)
    [ $? -ne 255 ] && ! grep -q "Permission denied" <<<"$out"
}
for pair in "$LL:landlocked" "$J:jailed"; do
    u=${pair%%:*} kind=${pair#*:} h=$(home "${pair%%:*}")
    if key_login "$WORK/client/planted" "$u"; then fail "sshkeys: sshd refuses the key a $kind user tried to plant" "$(tail -5 "$WORK/sshd2.log")"
    else pass "sshkeys: sshd refuses the key a $kind user tried to plant"; fi
    chattr -i "$h/.ssh" && install -m 644 "$WORK/client/id.pub" "$h/.ssh/authorized_keys" && chattr +i "$h/.ssh"
    if key_login "$WORK/client/id" "$u" && grep -q "Accepted publickey for $u " "$WORK/sshd2.log" \
        && grep -q "found at $h/.ssh/authorized_keys" "$WORK/sshd2.log"; then
        pass "sshkeys: (control) that sshd accepts a key root put in a $kind user's immutable .ssh"
    else fail "sshkeys: (control) that sshd accepts a key root put in a $kind user's immutable .ssh" "$(tail -5 "$WORK/sshd2.log")"; fi
    chattr -i "$h/.ssh" && rm -f "$h/.ssh/authorized_keys" && chattr +i "$h/.ssh"
done
kill "$(cat "$WORK/sshd2.pid")" 2>/dev/null
# rssh refuses a landlocked user whose .ssh is not immutable in a home the user owns, and says why and how to fix it.
chattr -i "$(home $LL)/.ssh"
# (An exec request, not sftp: sftp does not show the server's message.)
out=$("$SSH" "$LL@127.0.0.1" "$SFTP_SERVER" </dev/null 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "confinement is configured but not safe" <<<"$out"; then pass "sshkeys: rssh refuses a landlocked user whose .ssh is only root-owned"
else fail "sshkeys: rssh refuses a landlocked user whose .ssh is only root-owned" "rc=$rc $out"; fi
# No silent lock-out (issue 19): rssh -v, as root, names the account whose sessions will all be refused, and the fix.
out=$("$RSSH" -v 2>&1)
if grep -q "error: account $LL: every session is REFUSED: .*root-owned but not immutable" <<<"$out" \
    && grep -q "fix: rsshctl ssh protect $LL" <<<"$out"; then pass "rssh -v names a landlocked account that will be refused, with the fix"
else fail "rssh -v names a landlocked account that will be refused, with the fix" "$(sed -n '/^Landlock/,/^$/p' <<<"$out")"; fi
if [ "${OWN_DEVLOG:-}" != 1 ]; then skip "sshkeys: the log names the condition and the fix" "no /dev/log of the suite's own"
elif logged "denied user=\"$LL\".*root-owned but not immutable, in a home the user can write.*chattr +i"; then pass "sshkeys: the log names the condition and the fix"
else fail "sshkeys: the log names the condition and the fix" "$(grep "$LL" "$SYSLOG" | tail -2)"; fi
out=$("$PREFIX/sbin/rsshctl" ssh protect $LL 2>&1)
if grep -q "protected $(home $LL)/.ssh: immutable" <<<"$out" && printf 'ls\n' | sftp_batch $LL >/dev/null 2>&1; then
    pass "sshkeys: rsshctl ssh protect fixes it in one step"
else fail "sshkeys: rsshctl ssh protect fixes it in one step" "$out"; fi
out=$("$RSSH" -v 2>&1)
if grep -q "^Accounts whose login shell is" <<<"$out" && ! grep -q "every session is REFUSED: landlock" <<<"$out"; then
    pass "rssh -v: every landlocked account passes once protected"
else fail "rssh -v: every landlocked account passes once protected" "$(sed -n '/^Landlock/,/^$/p' <<<"$out")"; fi
# F11: the allowed line names the Landlock rule's path; a home below a directory the user can write is refused.
if logged "allowed user=\"$LL\".*landlocked (ABI [0-9]*); home rule $(home $LL)"; then pass "sshkeys: a landlocked session's log line names the home rule"
else fail "sshkeys: a landlocked session's log line names the home rule" "$(grep "allowed user=\"$LL\"" "$SYSLOG" | tail -1)"; fi
LB=rsshe2e_llb
USERS+=($LB)
install -d -m 755 "$WORK/llb"
useradd -m -d "$WORK/llb/home" -s "$RSSH" $LB && usermod -p '*' $LB && chown $LB "$WORK/llb"
install -m 644 "$WORK/client/id.pub" "$WORK/keys/$LB"
"$PREFIX/sbin/rsshctl" ssh protect $LB >/dev/null 2>&1
echo "user = $LB:022:00010::landlock" >>"$ETC/rssh.conf"
out=$("$SSH" "$LB@127.0.0.1" "$SFTP_SERVER" </dev/null 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "confinement is configured but not safe" <<<"$out" \
    && { [ "${OWN_DEVLOG:-}" != 1 ] || logged "denied user=\"$LB\".*$WORK/llb above home $WORK/llb/home is writable by the user"; }; then
    pass "sshkeys: landlock is refused for a home whose parent the user can write"
else fail "sshkeys: landlock is refused for a home whose parent the user can write" "rc=$rc $out $(grep "rssh.*$LB" "$SYSLOG" | tail -1)"; fi
sed -i "/^user = $LB:/d" "$ETC/rssh.conf"
# The helper: an old jail's root-owned .ssh without the attribute is only a warning (and jail check reports it);
# one that is not root's any more (a swap) is refused; jail build makes it immutable again.
JH=$(home $J)
chattr -i "$JH/.ssh"
out=$(printf 'ls\n' | sftp_batch $J 2>&1); rc=$?
if [ $rc -eq 0 ] && { [ "${OWN_DEVLOG:-}" != 1 ] || logged "rssh_chroot_helper\[[0-9]*\]: user $J: $JH/.ssh is root-owned but not immutable.*run rsshctl jail build again"; }; then
    pass "sshkeys: helper: an unprotected (old) jail .ssh is logged as a warning, the session goes on"
else fail "sshkeys: helper: an unprotected (old) jail .ssh is logged as a warning, the session goes on" "rc=$rc $out $(grep rssh_chroot_helper "$SYSLOG" | tail -2)"; fi
out=$("$PREFIX/sbin/rsshctl" jail check "$JAIL" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "PROBLEM: $J: $JH/.ssh is root-owned but not immutable" <<<"$out"; then pass "sshkeys: rsshctl jail check reports an unprotected .ssh"
else fail "sshkeys: rsshctl jail check reports an unprotected .ssh" "rc=$rc $out"; fi
mv "$JH/.ssh" "$JH/.ssh-root" && install -d -o $J -g "$(id -g $J)" -m 700 "$JH/.ssh"
out=$(printf 'ls\n' | sftp_batch $J 2>&1); rc=$?
if [ $rc -ne 0 ] && { [ "${OWN_DEVLOG:-}" != 1 ] || logged "denied user=\"$J\".*refusing: $JH/.ssh is owned by uid $(id -u $J), not root"; }; then
    pass "sshkeys: helper: a jail .ssh the user owns (a swap) is refused"
else fail "sshkeys: helper: a jail .ssh the user owns (a swap) is refused" "rc=$rc $out $(grep rssh_chroot_helper "$SYSLOG" | tail -2)"; fi
rmdir "$JH/.ssh" && mv "$JH/.ssh-root" "$JH/.ssh"
out=$("$PREFIX/sbin/rsshctl" jail build "$JAIL" --user $J --user $WJ 2>&1)
if grep -q "protected $JH/.ssh: immutable" <<<"$out" && protected "$JH" && "$PREFIX/sbin/rsshctl" jail check "$JAIL" >/dev/null 2>&1; then
    pass "sshkeys: rsshctl jail build makes an old jail's .ssh immutable, and jail check passes again"
else fail "sshkeys: rsshctl jail build makes an old jail's .ssh immutable, and jail check passes again" "$out"; fi
# --- END sshkeys -----------------------------------------------------------------------------------

# --- BEGIN issue 18: the appendonly access mode ------------------------------------------------------
# A plain and a landlocked appendonly user: new files go up with rsync and come back; no rsync option set,
# sftp, scp or scp -O changes a byte of a file that existed, removes or renames it.
AO=rsshe2e_ao AOL=rsshe2e_aol
USERS+=($AO $AOL)
for u in $AO $AOL; do
    useradd -m -s "$RSSH" $u && usermod -p '*' $u && install -m 644 "$WORK/client/id.pub" "$WORK/keys/$u"
done
"$PREFIX/sbin/rsshctl" ssh protect $AOL >/dev/null 2>&1 || fail "appendonly: rsshctl ssh protect" "$AOL"
printf 'user = %s:022:10011::appendonly\nuser = %s:022:10011::landlock,appendonly\n' $AO $AOL >>"$ETC/rssh.conf"
mkdir -p "$WORK/ao-src/sub" "$WORK/ao-empty"
head -c 300000 /dev/urandom >"$WORK/ao-src/big.bin"; echo deep >"$WORK/ao-src/sub/deep.txt"
printf 'NEW CONTENT, LONGER THAN THE OLD ONE\n' >"$WORK/ao-src/existing.txt"
ln -s sub/deep.txt "$WORK/ao-src/link-up"
appendonly_case() { # USER LABEL
    local u=$1 label=$2 h out rc
    h=$(home "$u")
    printf 'backup made yesterday\n%.0s' $(seq 50) >"$h/existing.txt"
    install -d "$h/old" && echo kept >"$h/old/keep.txt" && ln -s existing.txt "$h/link"
    chown -R -h "$u:" "$h/existing.txt" "$h/old" "$h/link"
    (cd "$h" && find . -path ./.ssh -prune -o ! -type d -print0 | sort -z | xargs -0 sha256sum) >"$WORK/ao-$label.sums"
    check "appendonly ($label): rsync -a uploads new files, and they come back" bash -c "
rsync -a -e '$SSH' '$WORK/ao-src/' $u@127.0.0.1:new/ && rm -rf '$WORK/ao-back' \
 && rsync -a -e '$SSH' $u@127.0.0.1:new/ '$WORK/ao-back/' && diff -r '$WORK/ao-src' '$WORK/ao-back' \
 && [ -z \"\$(find '$h' -name '.*.??????' -print -quit)\" ]"
    # A landlocked receiver writes in place, so rssh adds --munge-links: a stored link leads nowhere (a link
    # planted by another session cannot redirect a write), and the sender gives it back as it was sent.
    local want=sub/deep.txt
    [ "$label" = landlocked ] && want=/rsyncd-munged/sub/deep.txt
    if [ "$(readlink "$h/new/link-up")" = "$want" ] && [ "$(readlink "$WORK/ao-back/link-up")" = sub/deep.txt ]; then
        pass "appendonly ($label): a symlink is stored as $want and comes back as sent"
    else fail "appendonly ($label): a symlink is stored as $want and comes back as sent" "$(readlink "$h/new/link-up") $(readlink "$WORK/ao-back/link-up")"; fi
    # Over the existing names: a plain upload, -I, -c, --inplace, --append, --delete, backups, -P.
    for opts in "" "-I" "-c" "--inplace" "--append" "--append-verify" "-b --backup-dir=bk" "-P" "--delete" \
        "--delete-after --force" "-I --partial --delay-updates" "--link-dest=old" "-M--delete"; do
        # shellcheck disable=SC2086
        rsync -r $opts -e "$SSH" "$WORK/ao-src/" "$u@127.0.0.1:" >/dev/null 2>&1
        rsync -r $opts -e "$SSH" "$WORK/ao-empty/" "$u@127.0.0.1:old/" >/dev/null 2>&1
    done
    rsync --remove-source-files -e "$SSH" "$u@127.0.0.1:existing.txt" "$WORK/ao-rs.txt" >/dev/null 2>&1
    out=$(printf 'put %s existing.txt\nreput %s existing.txt\nrm existing.txt\nrename existing.txt moved.txt\n' \
        "$LOCAL/a.txt" "$LOCAL/a.txt" | sftp_batch "$u" 2>&1); rc=$?
    if [ $rc -ne 0 ] && { [ "${OWN_DEVLOG:-}" != 1 ] || logged "denied user=\"$u\".*sftp-server cannot be kept from overwriting"; }; then
        pass "appendonly ($label): sftp is refused, and the log says why"
    else fail "appendonly ($label): sftp is refused, and the log says why" "rc=$rc $out"; fi
    scp "${SCPS[@]}" "$LOCAL/a.txt" "$u@127.0.0.1:existing.txt" >/dev/null 2>&1
    scp -O "${SCPS[@]}" "$LOCAL/a.txt" "$u@127.0.0.1:existing.txt" >/dev/null 2>&1
    scp -O "${SCPS[@]}" "$LOCAL/a.txt" "$u@127.0.0.1:scp-new.txt" >/dev/null 2>&1
    if [ ! -e "$h/scp-new.txt" ]; then pass "appendonly ($label): scp -O and scp uploads are refused"
    else fail "appendonly ($label): scp -O and scp uploads are refused"; fi
    check "appendonly ($label): scp -O download works" bash -c "
scp -O ${SCPS[*]} $u@127.0.0.1:old/keep.txt '$WORK/ao-keep.txt' && grep -q kept '$WORK/ao-keep.txt'"
    out=$(cd "$h" && sha256sum --quiet -c "$WORK/ao-$label.sums" 2>&1)
    if [ $? -eq 0 ] && [ -L "$h/link" ] && [ ! -e "$h/moved.txt" ] && [ ! -e "$h/bk" ]; then
        pass "appendonly ($label): all $(wc -l <"$WORK/ao-$label.sums") existing files byte-identical after 27 rsync, sftp and 2 scp attempts"
    else fail "appendonly ($label): every existing file is byte-identical" "$out $(ls -la "$h")"; fi
}
SCPS=(-q -S "$SSH")
appendonly_case $AO plain
appendonly_case $AOL landlocked
if logged "allowed user=\"$AOL\".*landlocked"; then pass "appendonly (landlocked): the session ran landlocked"
else fail "appendonly (landlocked): the session ran landlocked" "$(grep "$AOL" "$SYSLOG" | tail -2)"; fi
out=$("$RSSH" -v 2>&1)
if grep -q "^Access mode appendonly" <<<"$out" && grep -q "sftp: refused (sftp-server writes into" <<<"$out" \
    && grep -q "added by rssh: --ignore-existing (a landlocked user: --ignore-existing --inplace --munge-links; as sender: --munge-links)" <<<"$out"; then
    pass "appendonly: rssh -v shows the mode's table and rsync list"
else fail "appendonly: rssh -v shows the mode's table and rsync list" "$(sed -n '/^Access mode appendonly/,/^$/p' <<<"$out")"; fi
sed -i "/^user = $AO:/d; /^user = $AOL:/d" "$ETC/rssh.conf"
# --- END issue 18: the appendonly access mode --------------------------------------------------------
# --- BEGIN user (issue 21): rsshctl user add / remove / show ------------------------------------------
# Three accounts set up by rsshctl alone (plain, landlocked, jailed), each then used through an sshd that reads
# the keys where rsshctl installs them (sshd's default AuthorizedKeysFile; the suite's own sshd reads
# $WORK/keys); a re-run changes nothing; a concurrent add of two users keeps both lines; a refused edit leaves
# the file byte-identical; the config's comments survive; remove takes back the line, the keys and (asked) the
# account, and the file ends byte-identical to how it started.
CTL=$PREFIX/sbin/rsshctl
UP=rsshe2e_uplain ULL=rsshe2e_ull UJ=rsshe2e_ujail UC1=rsshe2e_uc1 UC2=rsshe2e_uc2 UC3=rsshe2e_uc3
USERS+=($UP $ULL $UJ $UC1 $UC2 $UC3)
sed -i '1i # issue 21: this comment must survive rsshctl user' "$ETC/rssh.conf"
cp -p "$ETC/rssh.conf" "$WORK/rssh.conf.before-user"
UPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -e "s/^Port .*/Port $UPORT/" -e "s|^PidFile .*|PidFile $WORK/sshd-user.pid|" \
    -e "s|^AuthorizedKeysFile .*|AuthorizedKeysFile .ssh/authorized_keys|" "$WORK/sshd_config" >"$WORK/sshd_config.user"
/usr/sbin/sshd -f "$WORK/sshd_config.user" -E "$WORK/sshd-user.log"
for _ in $(seq 50); do [ -s "$WORK/sshd-user.pid" ] && break; sleep 0.1; done
printf '#!/bin/sh\nexec ssh %s -p %s "$@"\n' "${SSHOPTS[*]}" "$UPORT" >"$WORK/client/ssh-user" && chmod 755 "$WORK/client/ssh-user"
USSH=$WORK/client/ssh-user
# user_transfers USER: sftp put/get, scp -O up/down, rsync up/down, all through the second sshd.
user_transfers() {
    local u=$1 d=$WORK/ut-$1
    rm -rf "$d" && mkdir -p "$d" && cd "$d" || return 1
    printf 'put %s u.bin\nget u.bin sftp.bin\n' "$LOCAL/blob.bin" \
        | sftp -b - -i "$WORK/client/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
            -o LogLevel=ERROR -P "$UPORT" "$u@127.0.0.1" >/dev/null || { echo "sftp failed"; return 1; }
    cmp "$LOCAL/blob.bin" sftp.bin || return 1
    scp -O -q -S "$USSH" "$LOCAL/a.txt" "$u@127.0.0.1:s.txt" && scp -O -q -S "$USSH" "$u@127.0.0.1:s.txt" scp.txt \
        && cmp "$LOCAL/a.txt" scp.txt || { echo "scp -O failed"; return 1; }
    rsync -a -e "$USSH" "$LOCAL/blob.bin" "$u@127.0.0.1:r.bin" && rsync -a -e "$USSH" "$u@127.0.0.1:r.bin" rsync.bin \
        && cmp "$LOCAL/blob.bin" rsync.bin || { echo "rsync failed"; return 1; }
}
KEYARG=(--key "$WORK/client/id.pub")
declare -A UARGS=([$UP]="--sftp --scp --rsync" [$ULL]="--sftp --scp --rsync --landlock --umask 027"
    [$UJ]="--sftp --scp --rsync --jail $JAIL")
for u in $UP $ULL $UJ; do
    # shellcheck disable=SC2086
    out=$("$CTL" user add $u ${UARGS[$u]} "${KEYARG[@]}" 2>&1); rc=$?
    if [ $rc -eq 0 ] && grep -q "create account $u" <<<"$out" && grep -q "Result: $u: OK" <<<"$out" \
        && grep -q "^user = $u:" "$ETC/rssh.conf" && [ "$(stat -c '%U %a' "$(home $u)/.ssh/authorized_keys")" = "root 644" ] \
        && lsattr -d "$(home $u)/.ssh" | cut -c1-20 | grep -q i; then
        pass "user add $u (${UARGS[$u]}): account, immutable ~/.ssh, keys, line, check OK"
    else fail "user add $u (${UARGS[$u]}): account, immutable ~/.ssh, keys, line, check OK" "rc=$rc $out"; fi
    check "user add $u: sftp, scp -O and rsync through sshd with the installed key" user_transfers $u
done
sum=$(md5sum <"$ETC/rssh.conf") ino=$(stat -c %i "$ETC/rssh.conf")
again=0
for u in $UP $ULL $UJ; do
    # shellcheck disable=SC2086
    out=$("$CTL" user add $u ${UARGS[$u]} "${KEYARG[@]}" 2>&1) && grep -q "rssh.conf: unchanged" <<<"$out" \
        && ! grep -qE "^(create|set|created|installed|protected)" <<<"$out" || { again=1; echo "$out"; }
done
if [ $again -eq 0 ] && [ "$(md5sum <"$ETC/rssh.conf")" = "$sum" ] && [ "$(stat -c %i "$ETC/rssh.conf")" = "$ino" ]; then
    pass "user add: a re-run changes nothing (config byte-identical, not rewritten)"
else fail "user add: a re-run changes nothing (config byte-identical, not rewritten)"; fi
out=$("$CTL" user add $UC1 --sftp --dry-run 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -q "would create account $UC1" <<<"$out" && ! id $UC1 >/dev/null 2>&1 \
    && [ "$(md5sum <"$ETC/rssh.conf")" = "$sum" ]; then pass "user add --dry-run: says the plan, changes nothing"
else fail "user add --dry-run: says the plan, changes nothing" "rc=$rc $out"; fi
echo "user = rsshe2e_broken:022:0001x" >>"$ETC/rssh.conf"
broken=$(md5sum <"$ETC/rssh.conf")
out=$("$CTL" user add $UC1 --sftp 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "would have errors, so nothing was changed" <<<"$out" && [ "$(md5sum <"$ETC/rssh.conf")" = "$broken" ] \
    && ! grep -q "^user = $UC1:" "$ETC/rssh.conf" && ! id $UC1 >/dev/null 2>&1; then
    pass "user add: an edit that would leave rssh.conf invalid changes nothing, says why"
else fail "user add: an edit that would leave rssh.conf invalid changes nothing, says why" "rc=$rc $out"; fi
sed -i '/^user = rsshe2e_broken:/d' "$ETC/rssh.conf"
# The accounts first (useradd itself refuses to run twice at once): the two adds then race on rssh.conf alone.
useradd -m -s "$RSSH" -p '*' $UC1 && useradd -m -s "$RSSH" -p '*' $UC2
"$CTL" user add $UC1 --sftp >"$WORK/uc1.log" 2>&1 & p1=$!
"$CTL" user add $UC2 --scp >"$WORK/uc2.log" 2>&1 & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && grep -q "^user = $UC1:022:00010$" "$ETC/rssh.conf" && grep -q "^user = $UC2:022:00001$" "$ETC/rssh.conf" \
    && "$CTL" config check "$ETC/rssh.conf" >/dev/null 2>&1; then pass "user add: two concurrent adds (two processes) leave both lines"
else fail "user add: two concurrent adds (two processes) leave both lines" "$r1 $r2 $(cat "$WORK/uc1.log" "$WORK/uc2.log")"; fi
# Converting an existing account: the login shell is changed (usermod -s); one whose ~/.ssh its user owns is
# refused before anything changes (it may hold keys the user planted).
useradd -m -s /bin/sh -p '*' $UC3 && install -d -o $UC3 -m 700 "$(home $UC3)/.ssh"
out=$("$CTL" user add $UC3 --sftp 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "is owned by uid $(id -u $UC3), not root" <<<"$out" && [ "$(getent passwd $UC3 | cut -d: -f7)" = /bin/sh ] \
    && ! grep -q "^user = $UC3:" "$ETC/rssh.conf"; then pass "user add: an account whose ~/.ssh its user owns is refused, nothing changed"
else fail "user add: an account whose ~/.ssh its user owns is refused, nothing changed" "rc=$rc $out"; fi
rm -r "$(home $UC3)/.ssh"
out=$("$CTL" user add $UC3 --sftp "${KEYARG[@]}" 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -q "set $UC3's login shell to $RSSH (was /bin/sh)" <<<"$out" && [ "$(getent passwd $UC3 | cut -d: -f7)" = "$RSSH" ] \
    && printf 'ls\n' | sftp -b - -i "$WORK/client/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o BatchMode=yes -o LogLevel=ERROR -P "$UPORT" "$UC3@127.0.0.1" >/dev/null 2>&1; then
    pass "user add: an existing account is converted (usermod -s) and works with sftp"
else fail "user add: an existing account is converted (usermod -s) and works with sftp" "rc=$rc $out"; fi
out=$("$CTL" user show $ULL 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -q "user = $ULL:027:10011::landlock" <<<"$out" && grep -q "^  ssh-ed25519 " <<<"$out" \
    && grep -q "landlock: the home and ~/.ssh pass the session's checks" <<<"$out"; then pass "user show: the line, the keys, the check"
else fail "user show: the line, the keys, the check" "rc=$rc $out"; fi
out=$("$CTL" user remove $UP 2>&1); rc=$?
if [ $rc -eq 0 ] && ! grep -q "^user = $UP:" "$ETC/rssh.conf" && [ ! -e "$(home $UP)/.ssh/authorized_keys" ] && id $UP >/dev/null 2>&1 \
    && ! printf 'ls\n' | sftp -b - -i "$WORK/client/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o BatchMode=yes -o LogLevel=ERROR -P "$UPORT" "$UP@127.0.0.1" >/dev/null 2>&1; then
    pass "user remove: no line, no key (the key no longer logs in), the account kept"
else fail "user remove: no line, no key (the key no longer logs in), the account kept" "rc=$rc $out"; fi
gone=0
for u in $UP $ULL $UJ $UC1 $UC2 $UC3; do
    h=$(home $u)
    out=$("$CTL" user remove $u --delete-account 2>&1) || { gone=1; echo "$out"; }
    { id $u >/dev/null 2>&1 || [ -e "$h" ] || grep -q "^user = $u:" "$ETC/rssh.conf"; } && { gone=1; echo "$u left behind"; }
done
if [ $gone -eq 0 ] && ! grep -q "^$UJ:" "$JAIL/etc/passwd" && "$CTL" jail check "$JAIL" >/dev/null 2>&1; then
    pass "user remove --delete-account: no account, home or line; the jail's passwd rewritten, jail check passes"
else fail "user remove --delete-account: no account, home or line; the jail's passwd rewritten, jail check passes" "$(grep rsshe2e_u "$JAIL/etc/passwd")"; fi
if cmp -s "$ETC/rssh.conf" "$WORK/rssh.conf.before-user" && [ "$(stat -c '%U %a' "$ETC/rssh.conf")" = "$(stat -c '%U %a' "$WORK/rssh.conf.before-user")" ]; then
    pass "user: after add and remove, rssh.conf is byte-identical to before (comments kept, owner and mode kept)"
else fail "user: after add and remove, rssh.conf is byte-identical to before (comments kept, owner and mode kept)" "$(diff "$WORK/rssh.conf.before-user" "$ETC/rssh.conf")"; fi
kill "$(cat "$WORK/sshd-user.pid")" 2>/dev/null
sed -i '1{/^# issue 21: this comment must survive/d}' "$ETC/rssh.conf"
cd "$WORK" || true
# --- END user ------------------------------------------------------------------------------------------
# --- BEGIN borg-git: borg serve and git's server programs through sshd (issue 18) ----------------------
# The Debian clients against rssh's borg (a landlocked and a plain user) and git (a jailed user, a plain one
# with unconfinedexec and planted hooks, a readonly one), and the refusals: a path outside the home, a
# client's own --restrict-to-path, a readonly push, git under landlock alone, borg on a chroot line.
for pkg in borgbackup:borg git:git; do
    command -v "${pkg#*:}" >/dev/null && continue
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkg%%:*}" \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkg%%:*}"; }; } \
        >>"$WORK/apt-borg-git.log" 2>&1 || cat "$WORK/apt-borg-git.log"
done
BG=rsshe2e_borg BP=rsshe2e_borgp GJ=rsshe2e_gitj GR=rsshe2e_gitro GU=rsshe2e_gitu GL=rsshe2e_gitl
USERS+=($BG $BP $GJ $GR $GU $GL)
for u in $BG $BP $GU $GL; do useradd -m -s "$RSSH" $u && usermod -p '*' $u; done
for u in $GJ $GR; do useradd -M -d "$JAIL/home/$u" -s "$RSSH" $u && usermod -p '*' $u; done
for u in $BG $BP $GJ $GR $GU $GL; do install -m 644 "$WORK/client/id.pub" "$WORK/keys/$u"; done
"$PREFIX/sbin/rsshctl" ssh protect $BG $GL >>"$WORK/ssh-protect.log" 2>&1 || fail "borg-git: rsshctl ssh protect" "$(tail -3 "$WORK/ssh-protect.log")"
# The jail again, now that git is installed: it copies git with its libraries, and makes the new homes.
out=$("$PREFIX/sbin/rsshctl" jail build "$JAIL" --user "$JAIL_USER" --user $WJ --user $GJ --user $GR 2>&1)
if [ -x "$JAIL/usr/bin/git" ] && grep -q "borg is not installed in jails" <<<"$out"; then
    pass "borg-git: rsshctl jail build copies git (not borg, a Python program) into the jail"
else fail "borg-git: rsshctl jail build copies git (not borg, a Python program) into the jail" "$out"; fi
cat >>"$ETC/rssh.conf" <<CONF
user = $BG:022:00000::landlock,borg
user = $BP:022:00010::borg
user = $GJ:022:00000:$JAIL:git
user = $GR:022:00000:$JAIL:git,readonly
user = $GU:022:00010::git,unconfinedexec
user = $GL:022:00000::landlock,git
CONF
out=$("$RSSH" -v 2>&1)
if grep -q "user $GL (line [0-9]*):.*git REFUSED (runs commands by design; landlock does not confine" <<<"$out" \
    && grep -q "^  git: /usr/bin/git: present" <<<"$out" && grep -q "^  borg: /usr/bin/borg: present" <<<"$out" \
    && grep -q "^  git: git-upload-pack and git-upload-archive only" <<<"$out"; then
    pass "borg-git: rssh -v lists borg and git, the readonly git rule, and git REFUSED under landlock alone"
else fail "borg-git: rssh -v lists borg and git, the readonly git rule, and git REFUSED under landlock alone" "$out"; fi
printf 'user = x:022:00000:%s:borg\n' "$JAIL" >"$WORK/borg-jail.conf"
out=$("$PREFIX/sbin/rsshctl" config check "$WORK/borg-jail.conf" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "borg and a chroot path cannot be combined" <<<"$out"; then
    pass "borg-git: borg on a chroot line is a configuration error (rsshctl config check)"
else fail "borg-git: borg on a chroot line is a configuration error (rsshctl config check)" "rc=$rc $out"; fi

# borg: init, create, list, extract, the same files back; for a landlocked and a plain user.
BSRC=$WORK/borg-src
mkdir -p "$BSRC/sub" && head -c 400000 /dev/urandom >"$BSRC/blob.bin" && printf 'borg\n' >"$BSRC/sub/a.txt"
for u in $BG $BP; do
    h=$(home $u)
    # A Python start-up file the user could upload: PYTHONNOUSERSITE keeps borg from importing it.
    install -d -o $u -m 755 "$h/.local" "$h/.local/lib" "$h/.local/lib/python3.11" "$h/.local/lib/python3.11/site-packages"
    printf 'open(%s, "w").write("ran")\n' "'$h/usercustomize-ran'" >"$h/.local/lib/python3.11/site-packages/usercustomize.py"
    chown $u "$h/.local/lib/python3.11/site-packages/usercustomize.py"
    export BORG_RSH="$SSH" BORG_BASE_DIR="$WORK/borg-client-$u" BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes \
        BORG_RELOCATED_REPO_ACCESS_IS_OK=yes BORG_REPO="ssh://$u@127.0.0.1/./backup"
    rm -rf "$WORK/borg-x-$u" && mkdir -p "$WORK/borg-x-$u"
    out=$( { timeout 120 borg init -e none && timeout 120 borg create --info ::one "$BSRC" \
        && timeout 120 borg list ::one && (cd "$WORK/borg-x-$u" && timeout 120 borg extract ::one); } 2>&1); rc=$?
    if [ $rc -eq 0 ] && diff -r "$BSRC" "$WORK/borg-x-$u$BSRC" >/dev/null && grep -q "sub/a.txt" <<<"$out" \
        && [ -f "$h/backup/config" ] && [ "$(stat -c %U "$h/backup/config")" = $u ]; then
        pass "borg: init, create, list, extract give the same files back ($u)"
    else fail "borg: init, create, list, extract give the same files back ($u)" "rc=$rc $out"; fi
    if [ ! -e "$h/usercustomize-ran" ]; then pass "borg: a planted usercustomize.py is never imported ($u)"
    else fail "borg: a planted usercustomize.py is never imported ($u)"; fi
    if [ "${OWN_DEVLOG:-}" != 1 ] || logged "allowed user=\"$u\".*program=borg"; then pass "borg: the session is logged as borg ($u)"
    else fail "borg: the session is logged as borg ($u)" "$(grep "user=\"$u\"" "$SYSLOG" | tail -2)"; fi
    out=$(BORG_REPO="ssh://$u@127.0.0.1/tmp/elsewhere" timeout 60 borg init -e none 2>&1); rc=$?
    if [ $rc -ne 0 ] && grep -qi "not allowed" <<<"$out" && [ ! -e /tmp/elsewhere ]; then
        pass "borg: a repository outside the home is refused by the restriction rssh adds ($u)"
    else fail "borg: a repository outside the home is refused by the restriction rssh adds ($u)" "rc=$rc $out"; fi
    unset BORG_RSH BORG_BASE_DIR BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK BORG_RELOCATED_REPO_ACCESS_IS_OK BORG_REPO
done
out=$("$SSH" "$BP@127.0.0.1" "borg serve --restrict-to-path /" </dev/null 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "option --restrict-to-path is not allowed" <<<"$out"; then
    pass "borg: a client's own --restrict-to-path (a widening) is refused"
else fail "borg: a client's own --restrict-to-path (a widening) is refused" "rc=$rc $out"; fi
out=$("$SSH" "$BP@127.0.0.1" "borg serve --debug-profile=/tmp/p" </dev/null 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q 'option "--debug-profile=/tmp/p" is not allowed' <<<"$out"; then pass "borg: an option outside borg's client set is refused"
else fail "borg: an option outside borg's client set is refused" "rc=$rc $out"; fi

# git for the jailed user: push, clone, fetch, protocol v2, git archive --remote.
E2E_HOME=$HOME
export GIT_SSH="$SSH" GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=e2e GIT_AUTHOR_EMAIL=e2e@example.invalid \
    GIT_COMMITTER_NAME=e2e GIT_COMMITTER_EMAIL=e2e@example.invalid HOME="$WORK/git-home"
mkdir -p "$HOME"
gitq() { timeout 120 git "$@"; }
git_flow() { # USER REPO-URL-PATH: push to a new bare repository, clone it, push again, fetch; prints what failed
    local u=$1 r=$2 w="$WORK/git-$1"
    rm -rf "$w" && mkdir -p "$w" && gitq init -q -b main "$w/one" && echo one >"$w/one/f.txt" \
        && gitq -C "$w/one" add f.txt && gitq -C "$w/one" commit -q -m one || { echo "local repository"; return 1; }
    gitq -C "$w/one" push -q "$u@127.0.0.1:$r" main 2>&1 || { echo "push"; return 1; }
    gitq clone -q "$u@127.0.0.1:$r" "$w/two" 2>&1 && [ "$(cat "$w/two/f.txt")" = one ] || { echo "clone"; return 1; }
    echo two >"$w/one/f.txt" && gitq -C "$w/one" commit -q -a -m two \
        && gitq -C "$w/one" push -q "$u@127.0.0.1:$r" main 2>&1 || { echo "second push"; return 1; }
    gitq -C "$w/two" pull -q --ff-only 2>&1 && [ "$(cat "$w/two/f.txt")" = two ] || { echo "fetch"; return 1; }
}
GJH=$(home $GJ)
install -d -o $GJ -m 755 "$GJH/r.git" && su -s /bin/sh $GJ -c "git init -q --bare -b main '$GJH/r.git'" 2>/dev/null
out=$(git_flow $GJ r.git 2>&1); rc=$?
if [ $rc -eq 0 ]; then pass "git: push, clone, push again, fetch for a jailed user"
else fail "git: push, clone, push again, fetch for a jailed user" "$out $(grep "user=\"$GJ\"\|rssh_chroot_helper" "$SYSLOG" | tail -3)"; fi
out=$(GIT_TRACE_PACKET=1 gitq -c protocol.version=2 ls-remote "$GJ@127.0.0.1:~/r.git" 2>&1)
if grep -q "< version 2" <<<"$out" && grep -q "> command=ls-refs" <<<"$out" && grep -q "refs/heads/main" <<<"$out"; then
    pass "git: protocol v2 (GIT_PROTOCOL accepted by sshd reaches git in the jail), ~/ path"
else fail "git: protocol v2 (GIT_PROTOCOL accepted by sshd reaches git in the jail), ~/ path" "$(tail -5 <<<"$out")"; fi
out=$(gitq archive --remote="$GJ@127.0.0.1:r.git" main 2>&1 | tar -tf - 2>&1)
if [ "$out" = f.txt ]; then pass "git: git archive --remote (git-upload-archive) for a jailed user"
else fail "git: git archive --remote (git-upload-archive) for a jailed user" "$out"; fi
out=$(gitq ls-remote "$GJ@127.0.0.1:/etc" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q 'the repository "/etc" is not beneath the home directory' <<<"$out"; then
    pass "git: a repository outside the home is refused"
else fail "git: a repository outside the home is refused" "rc=$rc $out"; fi
out=$("$SSH" "$GJ@127.0.0.1" "git-upload-pack '/home/$GJ/r.git' --strict" </dev/null 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "exactly one repository path is allowed" <<<"$out"; then pass "git: extra arguments are refused"
else fail "git: extra arguments are refused" "rc=$rc $out"; fi

# readonly: clone and fetch, no push.
GRH=$(home $GR)
rm -rf "$GRH/r.git" && cp -a "$GJH/r.git" "$GRH/r.git" && chown -R $GR "$GRH/r.git"
before=$(git --git-dir="$GRH/r.git" rev-parse main)
out=$(gitq clone -q "$GR@127.0.0.1:r.git" "$WORK/git-ro" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(cat "$WORK/git-ro/f.txt" 2>/dev/null)" = two ]; then pass "git: a readonly user clones"
else fail "git: a readonly user clones" "rc=$rc $out"; fi
(cd "$WORK/git-ro" && echo three >f.txt && gitq commit -q -a -m three) >/dev/null 2>&1
out=$(gitq -C "$WORK/git-ro" push -q origin main 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "readonly account: git-receive-pack changes the repository" <<<"$out" \
    && [ "$(git --git-dir="$GRH/r.git" rev-parse main)" = "$before" ]; then pass "git: a readonly user's push is refused"
else fail "git: a readonly user's push is refused" "rc=$rc $out"; fi

# landlock alone is not confinement for git.
out=$(gitq ls-remote "$GL@127.0.0.1:r.git" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "landlock is not enough" <<<"$out"; then pass "git: refused under landlock alone (runs commands by design)"
else fail "git: refused under landlock alone (runs commands by design)" "rc=$rc $out"; fi

# Hooks and command-running keys planted through sftp by the same (unconfinedexec) user: nothing runs.
GUH=$(home $GU)
install -d -o $GU -m 755 "$GUH/r.git" && su -s /bin/sh $GU -c "git init -q --bare -b main '$GUH/r.git'" 2>/dev/null
P=$WORK/git-plant
mkdir -p "$P/hooks"
printf '#!/bin/sh\necho "$0 $*" >>%s/HOOK-RAN\ncat >/dev/null\nexit 0\n' "$GUH" >"$P/evil.sh"
for hook in pre-receive update post-receive post-update reference-transaction push-to-checkout pre-auto-gc \
    proc-receive fsmonitor-watchman post-checkout; do cp "$P/evil.sh" "$P/hooks/$hook"; done
cat >"$P/config" <<GITCONF
[core]
	repositoryformatversion = 0
	bare = true
	fsmonitor = $GUH/evil.sh
	hooksPath = $GUH/hooks
[receive]
	autogc = true
[gc]
	auto = 1
	autoDetach = false
	autoPackLimit = 1
[maintenance]
	auto = true
[uploadpack]
	packObjectsHook = $GUH/evil.sh
GITCONF
printf '[uploadpack]\n\tpackObjectsHook = %s/evil.sh\n' "$GUH" >"$P/gitconfig"
{
    printf 'put %s/evil.sh evil.sh\nchmod 755 evil.sh\nput %s/gitconfig .gitconfig\nmkdir hooks\nput %s/config r.git/config\n' "$P" "$P" "$P"
    for hook in "$P"/hooks/*; do
        printf 'put %s hooks/%s\nchmod 755 hooks/%s\nput %s r.git/hooks/%s\nchmod 755 r.git/hooks/%s\n' "$hook" "${hook##*/}" "${hook##*/}" "$hook" "${hook##*/}" "${hook##*/}"
    done
} | sftp_batch $GU >"$WORK/git-plant.log" 2>&1 || fail "git: planting hooks through sftp" "$(tail -3 "$WORK/git-plant.log")"
out=$(git_flow $GU r.git 2>&1); rc=$?
out2=$(gitq archive --remote="$GU@127.0.0.1:r.git" main 2>&1 | tar -tf - 2>&1)
if [ $rc -eq 0 ] && [ "$out2" = f.txt ] && [ -x "$GUH/r.git/hooks/post-receive" ] && [ -x "$GUH/hooks/pre-receive" ] \
    && [ ! -e "$GUH/HOOK-RAN" ]; then
    pass "git: every planted hook, core.hooksPath, fsmonitor, auto gc and packObjectsHook: nothing runs on push, clone, fetch, archive"
else fail "git: every planted hook, core.hooksPath, fsmonitor, auto gc and packObjectsHook: nothing runs on push, clone, fetch, archive" \
    "rc=$rc $out $out2 ran: $(cat "$GUH/HOOK-RAN" 2>/dev/null)"; fi
# appendonly (issue 18): git-receive-pack takes fast-forwards and new branches, refuses a rewind, a deletion and a tag;
# borg serve gets --append-only: a delete leaves every segment that existed byte-identical.
GA=rsshe2e_gitao BA=rsshe2e_borgao
USERS+=($GA $BA)
for u in $GA $BA; do useradd -m -s "$RSSH" $u && usermod -p '*' $u && install -m 644 "$WORK/client/id.pub" "$WORK/keys/$u"; done
"$PREFIX/sbin/rsshctl" ssh protect $BA >>"$WORK/ssh-protect.log" 2>&1 || fail "appendonly borg: rsshctl ssh protect" "$(tail -3 "$WORK/ssh-protect.log")"
printf 'user = %s:022:00000::git,unconfinedexec,appendonly\nuser = %s:022:00000::landlock,borg,appendonly\n' $GA $BA >>"$ETC/rssh.conf"
GAH=$(home $GA)
install -d -o $GA -m 755 "$GAH/r.git" && su -s /bin/sh $GA -c "git init -q --bare -b main '$GAH/r.git'" 2>/dev/null
out=$(git_flow $GA r.git 2>&1); rc=$?
w="$WORK/git-$GA"
gitq -C "$w/one" push -q "$GA@127.0.0.1:r.git" main:side >/dev/null 2>&1   # a new branch: taken
gitq -C "$w/one" tag keep HEAD~1
head=$(git --git-dir="$GAH/r.git" rev-parse main)
out2=$( { gitq -C "$w/one" push -f "$GA@127.0.0.1:r.git" HEAD~1:main; gitq -C "$w/one" push "$GA@127.0.0.1:r.git" :side
    gitq -C "$w/one" push "$GA@127.0.0.1:r.git" keep; } 2>&1)
if [ $rc -eq 0 ] && [ "$(git --git-dir="$GAH/r.git" rev-parse main)" = "$head" ] \
    && [ "$(git --git-dir="$GAH/r.git" rev-parse side)" = "$head" ] \
    && ! git --git-dir="$GAH/r.git" rev-parse -q --verify refs/tags/keep >/dev/null \
    && grep -q "(non-fast-forward)" <<<"$out2" && grep -q "(deletion prohibited)" <<<"$out2" \
    && grep -q "keep -> keep (deny updating a hidden ref)" <<<"$out2"; then
    pass "appendonly git: pushes, new branches and fetches work; a rewind, a deletion and a tag are refused, the refs unchanged"
else fail "appendonly git: pushes, new branches and fetches work; a rewind, a deletion and a tag are refused, the refs unchanged" "rc=$rc $out $out2"; fi
BAH=$(home $BA)
export BORG_RSH="$SSH" BORG_BASE_DIR="$WORK/borg-client-$BA" BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes \
    BORG_RELOCATED_REPO_ACCESS_IS_OK=yes BORG_REPO="ssh://$BA@127.0.0.1/./backup"
out=$( { timeout 120 borg init -e none && timeout 120 borg create ::one "$BSRC" && timeout 120 borg create ::two "$BSRC/sub"; } 2>&1); rc=$?
(cd "$BAH/backup" && find data -type f -print0 | sort -z | xargs -0 sha256sum) >"$WORK/borg-ao.sums" 2>/dev/null
out2=$( { timeout 120 borg delete ::one && timeout 120 borg compact; timeout 120 borg list; } 2>&1)
if [ $rc -eq 0 ] && [ -s "$WORK/borg-ao.sums" ] && (cd "$BAH/backup" && sha256sum --quiet -c "$WORK/borg-ao.sums") >/dev/null 2>&1; then
    pass "appendonly borg: after borg delete and compact all $(wc -l <"$WORK/borg-ao.sums") segments are byte-identical"
else fail "appendonly borg: after borg delete and compact every segment is byte-identical" "rc=$rc $out $out2"; fi
unset BORG_RSH BORG_BASE_DIR BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK BORG_RELOCATED_REPO_ACCESS_IS_OK BORG_REPO
sed -i "/^user = $GA:/d; /^user = $BA:/d" "$ETC/rssh.conf"
unset GIT_SSH GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
export HOME="$E2E_HOME"
# --- END borg-git ----------------------------------------------------------------------------------
# --- BEGIN issue 22 (performance): the helper's groups come from the kernel -----------------------
# The session's supplementary groups are the caller's kernel credential (getgroups), not an NSS
# lookup as root: a group the caller holds, which NSS does not give the user, opens a 2770 directory of the
# jail; without it the same upload is refused. (It replaces review item 9's case, a partial NSS list being logged:
# no group lookup runs any more.)
GT_GID=64999
while getent group "$GT_GID" >/dev/null; do GT_GID=$((GT_GID - 1)); done
install -d -m 2770 -o root -g "$GT_GID" "$JAIL/grouptest"
gt_upload() { # SETPRIV_GROUP_OPTION...: uploads g.txt into /grouptest through the helper as $J
    printf 'C0644 3 g.txt\nabc\0' | setpriv --reuid="$(id -u $J)" --regid="$(id -g $J)" "$@" "$HELPER" "scp -t /grouptest" >/dev/null 2>&1
}
gt_upload --groups="$GT_GID"
if [ -f "$JAIL/grouptest/g.txt" ]; then pass "helper: the session holds the caller's supplementary group (kernel credential)"
else fail "helper: the session holds the caller's supplementary group (kernel credential)" "$(ls -la "$JAIL/grouptest")"; fi
rm -f "$JAIL/grouptest/g.txt"
gt_upload --init-groups
if [ ! -e "$JAIL/grouptest/g.txt" ]; then pass "helper: a group the caller does not hold gives nothing in the jail"
else fail "helper: a group the caller does not hold gives nothing in the jail" "g.txt was written"; fi
rm -rf "$JAIL/grouptest"
# --- END issue 22 -----------------------------------------------------------------------------

# --- BEGIN issue 19 (group lines): a supplementary group's line applies without a user line ---------
# The global lines allow sftp only; `group = rsshe2e_grp:022:00001` allows scp only. A user in that group as a
# supplementary group (sshd's initgroups, the session's kernel credential) with no user line gets scp and is
# refused sftp; a user line for it then wins (sftp, no scp). rssh -v lists the group line.
GR=rsshe2e_grp GU=rsshe2e_grpu
E2E_GROUPS+=($GR)
USERS+=($GU)
groupadd "$GR" && useradd -m -s "$RSSH" -G "$GR" $GU && usermod -p '*' $GU && install -m 644 "$WORK/client/id.pub" "$WORK/keys/$GU"
printf 'group = %s:022:00001\n' $GR >>"$ETC/rssh.conf"
printf 'group line\n' >"$WORK/grp.txt"
gr_scp() { scp -O -q -S "$SSH" "$WORK/grp.txt" $GU@127.0.0.1:grp.txt >/dev/null 2>&1 && [ -f "$(home $GU)/grp.txt" ]; }
gr_sftp() { printf 'ls\n' | sftp_batch $GU >/dev/null 2>&1; }
if gr_scp && ! gr_sftp; then pass "group line: a supplementary group's line applies (scp allowed, sftp refused)"
else fail "group line: a supplementary group's line applies (scp allowed, sftp refused)" "$(id $GU; ls -la "$(home $GU)")"; fi
if grep -q "group $GR (line [0-9]*): scp; umask 0022" <<<"$("$RSSH" -v)"; then pass "group line: rssh -v lists it"
else fail "group line: rssh -v lists it" "$("$RSSH" -v | grep -i group)"; fi
rm -f "$(home $GU)/grp.txt"
printf 'user = %s:022:00010\n' $GU >>"$ETC/rssh.conf"
if gr_sftp && ! gr_scp; then pass "group line: the user's own line wins (sftp allowed, scp refused)"
else fail "group line: the user's own line wins (sftp allowed, scp refused)" "$(tail -3 "$ETC/rssh.conf")"; fi
sed -i "/^group = $GR:/d; /^user = $GU:/d" "$ETC/rssh.conf"
# A second name for the group's gid (groupadd -o): a line matches by gid, so the line naming the second name
# applies to the group's members too (scp allowed), resolved from /etc/group read once as NSS would answer.
GA=rsshe2e_gra
E2E_GROUPS+=($GA)
groupadd -o -g "$(getent group $GR | cut -d: -f3)" $GA
printf 'group = %s:022:00001\n' $GA >>"$ETC/rssh.conf"
if gr_scp && ! gr_sftp; then pass "group line: a second name of the gid selects its line"
else fail "group line: a second name of the gid selects its line" "$(getent group $GR $GA; tail -2 "$ETC/rssh.conf")"; fi
rm -f "$(home $GU)/grp.txt"
sed -i "/^group = $GA:/d" "$ETC/rssh.conf"
# --- END issue 19 ------------------------------------------------------------------------------------

# --- BEGIN issue 19 (explain, lock-outs): rsshctl explain agrees with real sessions; rssh -v names lock-outs ---
# The issue's example: a landlocked user whose ~/.ssh is the user's own. sftp shows only "Connection closed";
# rssh -v and rsshctl explain name the account, the failed check and the fix. Once fixed, explain's verdict for
# an allowed sftp and a refused command is held to what the real session does, and its log line to the one the
# session writes (all but the audit= field, which explain cannot know).
XL=rsshe2e_xl
USERS+=($XL)
RSSHCTL="$PREFIX/sbin/rsshctl"
useradd -m -s "$RSSH" $XL && usermod -p '*' $XL && install -m 644 "$WORK/client/id.pub" "$WORK/keys/$XL"
install -d -m 700 -o $XL -g $XL "$(home $XL)/.ssh"
printf 'user = %s:022:00010::landlock\n' $XL >>"$ETC/rssh.conf"
# logged_exactly TEXT: true once the syslog file holds TEXT (fixed string).
logged_exactly() { for _ in $(seq 100); do grep -qF -- "$1" "$SYSLOG" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
out=$(printf 'ls\n' | sftp_batch $XL 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "Connection closed" <<<"$out" && ! grep -qi "landlock\|ssh" <<<"$out"; then
    pass "lock-out: sftp as a landlocked user with a ~/.ssh of its own says only \"Connection closed\" (the issue's example)"
else fail "lock-out: sftp as a landlocked user with a ~/.ssh of its own says only \"Connection closed\" (the issue's example)" "rc=$rc $out"; fi
out=$("$RSSH" -v 2>&1)
if grep -q "error: account $XL: every session is REFUSED: landlock needs a ~/.ssh the user cannot replace.* owned by uid $(id -u $XL), not root" <<<"$out" \
    && grep -q "fix: check .*remove $(home $XL)/.ssh, then rsshctl ssh protect $XL" <<<"$out"; then pass "lock-out: rssh -v names the account, the check and the fix"
else fail "lock-out: rssh -v names the account, the check and the fix" "$(sed -n '/^Accounts/,/^$/p' <<<"$out")"; fi
# The cvs-only account (no jail, no unconfinedexec) can never run anything either.
if grep -q "error: account rsshe2e_cvs: every session is REFUSED: every allowed program runs commands by design" <<<"$out"; then
    pass "lock-out: rssh -v names an account whose only program is refused without a jail"
else fail "lock-out: rssh -v names an account whose only program is refused without a jail" "$(sed -n '/^Accounts/,/^$/p' <<<"$out")"; fi
out=$("$RSSHCTL" explain $XL -- "$SFTP_SERVER -l INFO" 2>&1); rc=$?
if [ $rc -eq 1 ] && grep -q "^verdict: refused" <<<"$out" && grep -q "^confinement: landlock" <<<"$out" \
    && grep -q "^lock-out: every session of this account is REFUSED: landlock needs" <<<"$out" \
    && grep -q "^  fix: check $(home $XL)/.ssh/authorized_keys .*remove $(home $XL)/.ssh, then rsshctl ssh protect $XL" <<<"$out"; then
    pass "lock-out: rsshctl explain refuses it too, naming the check and the fix (exit 1)"
else fail "lock-out: rsshctl explain refuses it too, naming the check and the fix (exit 1)" "rc=$rc $out"; fi
# The fix, as printed: ssh protect alone refuses a ~/.ssh its user owns.
rm -rf "$(home $XL)/.ssh"
out=$("$RSSHCTL" ssh protect $XL 2>&1) || fail "lock-out: the printed fix (remove, rsshctl ssh protect)" "$out"
if ! grep -q "account $XL: every session is REFUSED" <<<"$("$RSSH" -v 2>&1)"; then pass "lock-out: after the printed fix rssh -v no longer names the account"
else fail "lock-out: after the printed fix rssh -v no longer names the account" "$(ls -la "$(home $XL)")"; fi
# explain_matches NAME EXPECTED_RC COMMAND SESSION...: explain's verdict (exit status) is EXPECTED_RC, the session
# (SESSION...) succeeds exactly when explain allowed, and the session's log line is explain's (with audit= after).
explain_matches() {
    local name=$1 want=$2 command=$3; shift 3
    local ex rc line session=0
    ex=$("$RSSHCTL" explain $XL --from 127.0.0.1 -- "$command" 2>&1); rc=$?
    line=$(sed -n 's/^log: //p' <<<"$ex")
    "$@" >/dev/null 2>&1 || session=1
    if [ $rc -ne "$want" ] || [ $session -ne "$want" ]; then fail "$name" "explain rc=$rc session rc=$session $ex"
    elif [ "${OWN_DEVLOG:-}" != 1 ]; then pass "$name (log line not compared: no /dev/log of the suite's own)"
    elif logged_exactly "$line audit="; then pass "$name"
    else fail "$name" "explain: $line; session: $(grep "user=\"$XL\"" "$SYSLOG" | tail -1)"; fi
}
xl_sftp() { printf 'put %s/a.txt\nls\n' "$LOCAL" | sftp_batch $XL; }
explain_matches "explain: an allowed sftp (landlocked) is what the session does and logs" 0 "$SFTP_SERVER -l INFO" xl_sftp
explain_matches "explain: a refused command is what the session refuses and logs" 1 "bash -c id" "$SSH" $XL@127.0.0.1 "bash -c id"
out=$("$RSSHCTL" explain $XL -- 'scp -t .' 2>&1); rc=$?
if [ $rc -eq 1 ] && grep -q '^reason: scp is not allowed for this user$' <<<"$out" \
    && grep -q "^client: the legacy scp protocol" <<<"$out"; then pass "explain: says what the command line is from (legacy scp) and why it is refused"
else fail "explain: says what the command line is from (legacy scp) and why it is refused" "rc=$rc $out"; fi
sed -i "/^user = $XL:/d" "$ETC/rssh.conf"
# --- END issue 19 (explain, lock-outs) -------------------------------------------------------------

# --- BEGIN issue 20 (supervised mode): rsshctl who/last, maxsessions, faults, exit status and signals -----
# shellcheck source=Tests/EndToEnd/supervised.sh
. "$REPO/Tests/EndToEnd/supervised.sh"
# --- END issue 20 ------------------------------------------------------------------------------------
# --- BEGIN issue 20 (transfer log): one line per file for sftp, scp and rsync in the supervised mode -------
# shellcheck source=Tests/EndToEnd/transfers.sh
. "$REPO/Tests/EndToEnd/transfers.sh"
# --- END issue 20 (transfer log) ---------------------------------------------------------------------

# --- BEGIN issue 19 (profiles): per-key profiles through sshd, landlocked and jailed (profiles.sh) -----
# shellcheck source=Tests/EndToEnd/profiles.sh
. "$REPO/Tests/EndToEnd/profiles.sh" || fail "profiles: profiles.sh ran to its end" "status $?"
# --- END issue 19 (profiles) ------------------------------------------------------------------------

# --- summary ----------------------------------------------------------------------------------
echo
for f in "${SKIPS[@]}"; do echo "skipped: $f"; done
for f in "${FAILURES[@]}"; do echo "failed: $f"; done
echo "e2e: $PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
