#!/usr/bin/env bash
# End-to-end suite: installs rssh into a private prefix, starts a private sshd on 127.0.0.1, and drives
# real OpenSSH sftp/scp/ssh, rsync, cvs and paramiko through it as restricted test users.
# Must run as root. Cleans up users, processes and files on exit, also after a failure.
set -uo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
WORK=/opt/rssh-e2e.$$
PREFIX=$WORK/prefix
ETC=$WORK/etc
PY=/usr/bin/python3
USERS=(rsshe2e_all rsshe2e_sftp rsshe2e_lock)
PASSED=0
FAILED=0
FAILURES=()

[ "$(id -u)" -eq 0 ] || { echo "e2e: must run as root"; exit 2; }

cleanup() {
    [ -f "$WORK/sshd.pid" ] && kill "$(cat "$WORK/sshd.pid")" 2>/dev/null
    for u in "${USERS[@]}"; do
        pkill -u "$u" 2>/dev/null
        id "$u" >/dev/null 2>&1 && userdel -r "$u" >/dev/null 2>&1
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); FAILURES+=("$1"); echo "FAIL - $1"; [ -n "${2:-}" ] && sed 's/^/       /' <<<"$2" | head -20; }
# check NAME COMMAND...: passes when COMMAND exits 0.
check() { local name=$1; shift; local out; if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi; }

# --- set-up -----------------------------------------------------------------------------------
install -d -m 755 -o root -g root "$WORK" "$ETC" "$WORK/keys" "$WORK/client"
echo "e2e: building and installing into $PREFIX (config $ETC/rssh.conf)"
make -C "$REPO" -s build install-files PREFIX="$PREFIX" SYSCONFDIR="$ETC" DESTDIR= >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; echo "0 passed, 1 failed"; exit 1; }
RSSH=$PREFIX/bin/rssh
# install-files registers the shell in /etc/shells; the suite removes its own line again.
trap 'cleanup; sed -i "\|^$RSSH\$|d" /etc/shells' EXIT

SFTP_SERVER=$("$RSSH" -v | sed -n 's/^ *sftp server binary = //p')

cat >"$ETC/rssh.conf" <<CONF
logfacility = LOG_USER
allowsftp
umask = 022
user = rsshe2e_all:027:11111
user = rsshe2e_sftp:022:00010
user = rsshe2e_lock:022:00000
CONF
chmod 644 "$ETC/rssh.conf"

for u in "${USERS[@]}"; do
    useradd -m -s "$RSSH" "$u" && usermod -p '*' "$u"
done
ssh-keygen -q -t ed25519 -N '' -f "$WORK/client/id" </dev/null
ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey" </dev/null
for u in "${USERS[@]}"; do install -m 644 "$WORK/client/id.pub" "$WORK/keys/$u"; done

PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p /run/sshd
cat >"$WORK/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $WORK/hostkey
PidFile $WORK/sshd.pid
AuthorizedKeysFile $WORK/keys/%u
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
Subsystem sftp $SFTP_SERVER
AcceptEnv LANG LC_* LD_PRELOAD
PermitUserRC yes
LogLevel VERBOSE
CONF
/usr/sbin/sshd -f "$WORK/sshd_config" -E "$WORK/sshd.log" || { cat "$WORK/sshd.log"; echo "0 passed, 1 failed"; exit 1; }
for _ in $(seq 50); do [ -s "$WORK/sshd.pid" ] && break; sleep 0.1; done

SSHOPTS=(-i "$WORK/client/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes
         -o LogLevel=ERROR -o ConnectTimeout=10)
cat >"$WORK/client/ssh" <<W
#!/bin/sh
exec ssh ${SSHOPTS[*]} -p $PORT "\$@"
W
chmod 755 "$WORK/client/ssh"
SSH="$WORK/client/ssh"
A=rsshe2e_all
S=rsshe2e_sftp
L=rsshe2e_lock
LOCAL=$WORK/local
mkdir -p "$LOCAL"
head -c 1048576 /dev/urandom >"$LOCAL/blob.bin"
printf 'hello\n' >"$LOCAL/a.txt"; printf 'world\n' >"$LOCAL/b.txt"; printf 'dash\n' >"$LOCAL/-dash.txt"
chmod 666 "$LOCAL"/*
sftp_batch() { sftp -b - -i "$WORK/client/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
                 -o BatchMode=yes -o LogLevel=ERROR -P "$PORT" "$1@127.0.0.1"; }
home() { getent passwd "$1" | cut -d: -f6; }
mode_of() { stat -c %a "$1"; }

# --- OpenSSH sftp ---------------------------------------------------------------------------
check "sftp: put, get, ls, mkdir, rename, chmod, rm" bash -c "
cd '$LOCAL' && sftp_batch() { $(declare -f sftp_batch | tail -n +2); }
printf 'put blob.bin\nmkdir d\nrename blob.bin d/blob2.bin\nls d\nchmod 600 d/blob2.bin\nget d/blob2.bin back.bin\nrm d/blob2.bin\nrmdir d\n' \
  | sftp -b - -i '$WORK/client/id' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -P $PORT $S@127.0.0.1 >/dev/null \
  && cmp blob.bin back.bin && rm back.bin"
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
refused "refused: LD_PRELOAD via the environment runs nothing" $A "touch $MARK" -o SetEnv=LD_PRELOAD=/nonexistent.so
refused "refused: sftp-only user cannot use scp -O" $S "scp -t ."
refused "refused: sftp-only user cannot use rsync" $S "rsync --server -vlogDtpre.iLsfxCIvu . x"
out=$(scp -O -q -S "$SSH" "$LOCAL/a.txt" "$S@127.0.0.1:" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "Allowed commands: sftp" <<<"$out"; then pass "refused: scp -O by an sftp-only user shows the banner"
else fail "refused: scp -O by an sftp-only user shows the banner" "rc=$rc $out"; fi
out=$(printf 'ls\n' | sftp_batch $L 2>&1); rc=$?
if [ $rc -ne 0 ]; then pass "refused: locked-out user gets no sftp"; else fail "refused: locked-out user gets no sftp" "$out"; fi
refused "refused: locked-out user" $L "scp -t ."

# A user must not be able to plant ~/.ssh/rc: sshd runs it through the shell, and rssh refuses it.
mkdir -p "$(home $A)/.ssh" && printf 'touch %s\n' "$MARK" >"$(home $A)/.ssh/rc" && chown -R $A "$(home $A)/.ssh"
"$SSH" "$A@127.0.0.1" "scp -f a.txt" </dev/null >/dev/null 2>&1
if [ ! -e "$MARK" ]; then pass "refused: an uploaded ~/.ssh/rc never runs"; else fail "refused: an uploaded ~/.ssh/rc never runs"; fi
rm -rf "$(home $A)/.ssh" "$MARK"

# --- summary ----------------------------------------------------------------------------------
echo
for f in "${FAILURES[@]}"; do echo "failed: $f"; done
echo "e2e: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
