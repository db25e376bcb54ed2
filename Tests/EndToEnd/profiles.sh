# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# Issue 19, profiles: sourced by e2e.sh (its harness, users, sshd and helpers are in scope).
#
# One landlocked account (rsshe2e_ll: rsync sftp scp, checksums) and one jailed account (rsshe2e_jail: the
# same, in $JAIL) get five keys in authorized_keys, each with a forced command `rssh-profile NAME`, besides the
# suite's own key (no forced command):
#   pbackup  rsync and sftp, uploadonly, root=backups  -> uploads land in ~/backups; no download, no scp, and
#                                                          nothing outside ~/backups (the kernel's rule)
#   prestore rsync sftp scp, readonly                  -> downloads with sftp, scp and rsync; no upload
#   prclone  sftp with checksums                       -> rclone copy and check (server-side MD5); no rsync
#   pnosuch  (no such profile)                         -> refused
#   pwide    allows cvs, which the line lacks          -> refused, a configuration error in the log
# and the suite's own key sending `rssh-profile prestore` as its command gains nothing (refused).

PF_USERS=(rsshe2e_ll rsshe2e_jail)
PF_KEYS=(pbackup prestore prclone pnosuch pwide)
cat >>"$ETC/rssh.conf" <<'CONF'
profile = pbackup:022:10010::uploadonly,root=backups
profile = prestore:022:10011::readonly
profile = prclone:022:00010::checksums
profile = pwide:022:10111
CONF
for k in "${PF_KEYS[@]}"; do ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$WORK/client/pf-$k" </dev/null; done
for u in "${PF_USERS[@]}"; do
    cp -p "$WORK/keys/$u" "$WORK/keys/$u.before-profiles"
    for k in "${PF_KEYS[@]}"; do
        printf 'restrict,command="rssh-profile %s" %s\n' "$k" "$(cat "$WORK/client/pf-$k.pub")" >>"$WORK/keys/$u"
    done
done
# pf_home USER: the home as the server sees it (a jail home is below $JAIL).
pf_home() { home "$1"; }
pf_opts() { echo "-i $WORK/client/pf-$1 -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=10"; }
for k in "${PF_KEYS[@]}"; do
    printf '#!/bin/sh\nexec ssh %s -p %s "$@"\n' "$(pf_opts "$k")" "$PORT" >"$WORK/client/ssh-$k"
    chmod 755 "$WORK/client/ssh-$k"
done
# pf_sftp KEY USER: OpenSSH sftp in batch mode with that key, commands on stdin.
# shellcheck disable=SC2046
pf_sftp() { sftp -b - $(pf_opts "$1") -P "$PORT" "$2@127.0.0.1"; }
PF_DIR=$WORK/pf
mkdir -p "$PF_DIR"
printf 'backup data\n' >"$PF_DIR/pfb.txt"
head -c 200000 /dev/urandom >"$PF_DIR/r.bin"

for u in "${PF_USERS[@]}"; do
    h=$(pf_home "$u")
    install -d -o "$u" -g "$(id -gn "$u")" -m 755 "$h/backups"
    printf 'restore me\n' >"$h/keep.txt"; chown "$u": "$h/keep.txt"
    printf 'secret\n' >"$h/backups/old.txt"; chown "$u": "$h/backups/old.txt"
    cd "$PF_DIR" || break

    # --- backup: uploads into ~/backups only ---
    out=$(printf 'put pfb.txt\n' | pf_sftp pbackup "$u" 2>&1)
    if cmp -s "$PF_DIR/pfb.txt" "$h/backups/pfb.txt" && [ ! -e "$h/pfb.txt" ]; then
        pass "profiles ($u): backup key's sftp upload lands in ~/backups (root=backups)"
    else fail "profiles ($u): backup key's sftp upload lands in ~/backups (root=backups)" "$out; $(ls -la "$h" "$h/backups")"; fi
    out=$(rsync -e "$WORK/client/ssh-pbackup" "$PF_DIR/r.bin" "$u@127.0.0.1:r.bin" 2>&1)
    if cmp -s "$PF_DIR/r.bin" "$h/backups/r.bin"; then pass "profiles ($u): backup key's rsync upload lands in ~/backups"
    else fail "profiles ($u): backup key's rsync upload lands in ~/backups" "$out"; fi
    out=$(printf 'get old.txt got.txt\n' | pf_sftp pbackup "$u" 2>&1)
    if ! grep -q secret "$PF_DIR/got.txt" 2>/dev/null && grep -q "Permission denied" <<<"$out"; then
        pass "profiles ($u): backup key cannot download (uploadonly)"
    else fail "profiles ($u): backup key cannot download (uploadonly)" "$out"; fi
    rm -f "$PF_DIR/got.txt"
    out=$(scp -O -q -S "$WORK/client/ssh-pbackup" "$PF_DIR/pfb.txt" "$u@127.0.0.1:scp.txt" 2>&1)
    if [ ! -e "$h/backups/scp.txt" ] && [ ! -e "$h/scp.txt" ]; then pass "profiles ($u): backup key cannot use scp (not in the profile)"
    else fail "profiles ($u): backup key cannot use scp (not in the profile)" "$out"; fi
    # The kernel's rule: sftp-server itself is asked to write outside ~/backups and cannot.
    out=$(printf 'put pfb.txt ../escape.txt\nput pfb.txt %s/escape2.txt\n' "${h#"$JAIL"}" | pf_sftp pbackup "$u" 2>&1)
    if [ ! -e "$h/escape.txt" ] && [ ! -e "$h/escape2.txt" ] && grep -qi "denied\|failure" <<<"$out"; then
        pass "profiles ($u): the backup key's sftp-server cannot write outside ~/backups (Landlock)"
    else fail "profiles ($u): the backup key's sftp-server cannot write outside ~/backups (Landlock)" "$out"; fi

    # --- restore: read-only ---
    rm -f "$PF_DIR/k1.txt" "$PF_DIR/k2.txt" "$PF_DIR/k3.txt"
    out=$(printf 'get keep.txt k1.txt\n' | pf_sftp prestore "$u" 2>&1)
    scp -O -q -S "$WORK/client/ssh-prestore" "$u@127.0.0.1:keep.txt" "$PF_DIR/k2.txt" >/dev/null 2>&1
    rsync -e "$WORK/client/ssh-prestore" "$u@127.0.0.1:keep.txt" "$PF_DIR/k3.txt" >/dev/null 2>&1
    if cmp -s "$h/keep.txt" "$PF_DIR/k1.txt" && cmp -s "$h/keep.txt" "$PF_DIR/k2.txt" && cmp -s "$h/keep.txt" "$PF_DIR/k3.txt"; then
        pass "profiles ($u): restore key downloads with sftp, scp -O and rsync"
    else fail "profiles ($u): restore key downloads with sftp, scp -O and rsync" "$out"; fi
    out=$(printf 'put pfb.txt up.txt\n' | pf_sftp prestore "$u" 2>&1)
    scp -O -q -S "$WORK/client/ssh-prestore" "$PF_DIR/pfb.txt" "$u@127.0.0.1:up2.txt" >/dev/null 2>&1
    rsync -e "$WORK/client/ssh-prestore" "$PF_DIR/pfb.txt" "$u@127.0.0.1:up3.txt" >/dev/null 2>&1
    if [ ! -e "$h/up.txt" ] && [ ! -e "$h/up2.txt" ] && [ ! -e "$h/up3.txt" ]; then
        pass "profiles ($u): restore key cannot upload with sftp, scp -O or rsync (readonly)"
    else fail "profiles ($u): restore key cannot upload with sftp, scp -O or rsync (readonly)" "$out; $(ls "$h")"; fi

    # --- rclone: sftp with checksums ---
    if command -v rclone >/dev/null; then
        export RCLONE_CONFIG="$WORK/rclone-pf-$u.conf" RCLONE_CONFIG_PF_TYPE=sftp RCLONE_CONFIG_PF_HOST=127.0.0.1 \
            RCLONE_CONFIG_PF_PORT=$PORT RCLONE_CONFIG_PF_USER=$u RCLONE_CONFIG_PF_KEY_FILE="$WORK/client/pf-prclone"
        out=$(timeout 120 rclone copy "$PF_DIR" pf:pfrc 2>&1 && timeout 120 rclone check "$PF_DIR" pf:pfrc 2>&1)
        if grep -q "0 differences found" <<<"$out" && ! grep -q "No common hash" <<<"$out" && cmp -s "$PF_DIR/r.bin" "$h/pfrc/r.bin"; then
            pass "profiles ($u): rclone key copies and checks with server-side MD5"
        else fail "profiles ($u): rclone key copies and checks with server-side MD5" "$out"; fi
        unset RCLONE_CONFIG RCLONE_CONFIG_PF_TYPE RCLONE_CONFIG_PF_HOST RCLONE_CONFIG_PF_PORT RCLONE_CONFIG_PF_USER \
            RCLONE_CONFIG_PF_KEY_FILE
    else skip "profiles ($u): rclone key copies and checks with server-side MD5" "rclone could not be installed (see the checksums block)"; fi
    out=$(rsync -e "$WORK/client/ssh-prclone" "$PF_DIR/pfb.txt" "$u@127.0.0.1:rs.txt" 2>&1)
    if [ ! -e "$h/rs.txt" ]; then pass "profiles ($u): rclone key cannot use rsync (not in the profile)"
    else fail "profiles ($u): rclone key cannot use rsync (not in the profile)" "$out"; fi

    # --- refusals ---
    out=$(printf 'ls\n' | pf_sftp pnosuch "$u" 2>&1); rc=$?
    if [ $rc -ne 0 ] && logged "user=\"$u\".*profile=\"pnosuch\" reason=\"unknown profile 'pnosuch'"; then
        pass "profiles ($u): an unknown profile refuses the session"
    else fail "profiles ($u): an unknown profile refuses the session" "rc=$rc $out"; fi
    out=$(printf 'ls\n' | pf_sftp pwide "$u" 2>&1); rc=$?
    if [ $rc -ne 0 ] && logged "user=\"$u\".*profile=\"pwide\".*cannot apply to this user's line: it allows cvs"; then
        pass "profiles ($u): a profile that widens the line refuses the session (configuration error logged)"
    else fail "profiles ($u): a profile that widens the line refuses the session (configuration error logged)" "rc=$rc $out"; fi
    out=$(ssh "${SSHOPTS[@]}" -o IdentitiesOnly=yes -p "$PORT" "$u@127.0.0.1" "rssh-profile prestore" 2>&1); rc=$?
    if [ $rc -ne 0 ] && logged "user=\"$u\".*profile=\"prestore\" reason=\"interactive login attempted under profile"; then
        pass "profiles ($u): the selector sent as the user's own command gains nothing (refused)"
    else fail "profiles ($u): the selector sent as the user's own command gains nothing (refused)" "rc=$rc $out"; fi
    out=$(ssh $(pf_opts prestore) -p "$PORT" "$u@127.0.0.1" 2>&1 </dev/null); rc=$?
    if [ $rc -ne 0 ] && grep -q "this key only runs commands" <<<"$out"; then
        pass "profiles ($u): an interactive login with a profile key is refused"
    else fail "profiles ($u): an interactive login with a profile key is refused" "rc=$rc $out"; fi
    # What OpenSSH puts in SSH_ORIGINAL_COMMAND for the sftp subsystem under a forced command: the Subsystem
    # line's command, which rssh vets as it would the -c argument.
    if logged "allowed user=\"$u\".*profile=\"pbackup\".*command=\"$SFTP_SERVER -l INFO\""; then
        pass "profiles ($u): sftp's SSH_ORIGINAL_COMMAND is the Subsystem command; the record names the profile"
    else fail "profiles ($u): sftp's SSH_ORIGINAL_COMMAND is the Subsystem command; the record names the profile" \
        "$(grep "user=\"$u\".*pbackup" "$SYSLOG" | tail -3)"; fi
    rm -rf "${h:?}/backups" "$h/keep.txt" "$h/pfrc"
    cp -p "$WORK/keys/$u.before-profiles" "$WORK/keys/$u"
done
cd "$WORK" || true
# The report is read whole first: grep -q stopping early would kill rssh -v with SIGPIPE (pipefail).
report=$("$RSSH" -v 2>&1)
if grep -q "warning: profile pwide (line [0-9]*) cannot apply to .*it allows .*cvs" <<<"$report"; then
    pass "profiles: rssh -v lists the lines a profile cannot narrow"
else fail "profiles: rssh -v lists the lines a profile cannot narrow" "$(sed -n '/^Profiles/,/^$/p' <<<"$report" | grep pwide)"; fi
sed -i '/^profile = p\(backup\|restore\|rclone\|wide\):/d' "$ETC/rssh.conf"
