#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Debian package test: installs the package built by `make deb` on this machine, checks the packaged files,
# modes, /etc/shells, the file capability and `rssh -v`, drives sftp, scp -O and rsync through a private
# sshd on 127.0.0.1 for a user whose shell is /usr/bin/rssh, reinstalls and upgrades it with an edited
# /etc/rssh.conf (and a dpkg-statoverride on the helper), purges it, and checks that nothing is left.
#
#   bash Tests/EndToEnd/deb.sh [path/to/rssh_<version>_<arch>.deb]     (as root; default: runs make deb)
#
# It refuses to run (counted as skipped) where an rssh package, /usr/bin/rssh, /usr/lib/rssh, an
# /etc/shells line for /usr/bin/rssh or an /etc/rssh.conf (e.g. from `make install`) already exists: the
# test installs and purges the real package and must not take over or delete anything it did not create.
# On any exit it purges the package, removes its test user, sshd, statoverride and files.
set -euo pipefail

NAME=deb
USERS=(rsshdeb_user)
U=rsshdeb_user
PACKAGE=rssh
BIN=/usr/bin/rssh
HELPER_PATH=/usr/lib/rssh/rssh_chroot_helper
CONF=/etc/rssh.conf
PASSED=0
FAILED=0
SKIPPED=0
FAILURES=()

summary() { echo "deb: $PASSED passed, $FAILED failed, $SKIPPED skipped"; }
skip_all() { echo "skip - $1"; SKIPPED=$((SKIPPED + 1)); summary; exit 0; }

[ "$(id -u)" -eq 0 ] || skip_all "the Debian package test must run as root (it installs and purges the package)"
if dpkg-query -W -f='${Status}' "$PACKAGE" 2>/dev/null | grep -qv 'not-installed'; then
    skip_all "an $PACKAGE package is already known to dpkg ($(dpkg-query -W -f='${Version} ${Status}' "$PACKAGE")); not touching it"
fi
for p in "$BIN" /usr/lib/rssh "$CONF"; do
    if [ -e "$p" ] || [ -L "$p" ]; then skip_all "$p already exists on this machine; the package test would take it over and purge it"; fi
done
if grep -qx "$BIN" /etc/shells; then skip_all "/etc/shells already lists $BIN; the package test would remove that line"; fi

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
DEB="${1:-}"
if [ -z "$DEB" ]; then
    echo "deb: building the package (make deb)"
    t0=$SECONDS
    make -C "$REPO" -s deb >/tmp/rssh-deb-build.$$.log 2>&1 || { cat /tmp/rssh-deb-build.$$.log; rm -f /tmp/rssh-deb-build.$$.log; echo "deb: 0 passed, 1 failed, 0 skipped"; exit 1; }
    rm -f /tmp/rssh-deb-build.$$.log
    echo "deb: make deb took $((SECONDS - t0)) s"
    DEB="$REPO/.build-deb/rssh_$(dpkg-parsechangelog -l "$REPO/Packaging/debian/changelog" -S Version)_$(dpkg-architecture -qDEB_HOST_ARCH).deb"
fi
[ -f "$DEB" ] || { echo "deb: no package at '$DEB'"; echo "deb: 0 passed, 1 failed, 0 skipped"; exit 1; }
DEB="$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")"
DEB_VERSION="$(dpkg-deb -f "$DEB" Version)"

# lib.sh: the sshd, user and client helpers of the end-to-end suite, pointed at the packaged paths.
# shellcheck source=Tests/EndToEnd/lib.sh
. "$(dirname "$0")/lib.sh"
RSSH=$BIN
ETC=/etc

APT=(env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get -y -q -o DPkg::Lock::Timeout=120)
INSTALLED=""
OVERRIDE=""
ERR_LINE=""
trap 'ERR_LINE=$LINENO' ERR

deb_cleanup() {
    local rc=$?
    set +e
    trap - ERR
    if [ -z "${SUMMARY_DONE:-}" ]; then
        FAILED=$((FAILED + 1))
        echo "FAIL - deb.sh stopped early (exit $rc${ERR_LINE:+, line $ERR_LINE}); cleaning up"
        summary
        rc=1
    fi
    harness_cleanup
    if [ -n "$OVERRIDE" ]; then dpkg-statoverride --remove "$HELPER_PATH" >/dev/null 2>&1; fi
    if [ -n "$INSTALLED" ] && dpkg-query -W -f='${Status}' "$PACKAGE" 2>/dev/null | grep -qv 'not-installed'; then
        dpkg --purge "$PACKAGE" >/dev/null 2>&1 || echo "deb: WARNING: dpkg --purge $PACKAGE failed during clean-up"
    fi
    if [ -n "$INSTALLED" ]; then
        sed -i "\|^$BIN\$|d" /etc/shells
        rm -f "$CONF" "$CONF".dpkg-*
    fi
    exit "$rc"
}
trap deb_cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() {
    FAILED=$((FAILED + 1)); FAILURES+=("$1"); echo "FAIL - $1"
    if [ -n "${2:-}" ]; then sed 's/^/       /' <<<"$2" | head -20; fi
}
# check NAME COMMAND...: passes when COMMAND exits 0 (client commands carry their own timeout).
check() { local name=$1 out; shift; if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi; }
# abort: stop here (after a failure that makes the rest meaningless); the EXIT trap cleans up.
abort() {
    echo; for f in "${FAILURES[@]}"; do echo "failed: $f"; done
    SUMMARY_DONE=1; summary; exit 1
}
# sftp_t USER: OpenSSH sftp in batch mode (commands on stdin) through the test sshd, at most 120 s.
sftp_t() { timeout 120 sftp -b - "${SSHOPTS[@]}" -P "$PORT" "$1@127.0.0.1"; }
installed_version() { dpkg-query -W -f='${Status} ${Version}' "$PACKAGE" 2>/dev/null | sed -n 's/^install ok installed //p'; }
modes_are() { # PATH "MODE OWNER:GROUP"
    [ "$(stat -c '%a %U:%G' "$1" 2>&1)" = "$2" ] || { echo "$1: $(stat -c '%a %U:%G' "$1" 2>&1), want $2"; return 1; }
}
has_cap() { getcap "$BIN" | grep -q 'cap_audit_write[=+]ep'; }

# --- the package itself --------------------------------------------------------------------------
echo "deb: testing $DEB ($DEB_VERSION)"
if command -v lintian >/dev/null; then
    check "lintian: no errors, no warnings (overrides carry their reasons)" lintian --fail-on error,warning "$DEB"
else
    SKIPPED=$((SKIPPED + 1)); echo "skip - lintian: not installed"
fi
install -d -m 755 -o root -g root "$WORK" "$WORK/keys" "$WORK/client"

# --- install ---------------------------------------------------------------------------------------
INSTALLED=1
out=$("${APT[@]}" install "$DEB" 2>&1) || { fail "apt-get install ./$(basename "$DEB")" "$out"; abort; }
if [ "$(installed_version)" = "$DEB_VERSION" ]; then pass "apt-get install: $PACKAGE $DEB_VERSION is installed"
else fail "apt-get install: $PACKAGE $DEB_VERSION is installed" "$(dpkg -l "$PACKAGE" 2>&1 | tail -1)"; abort; fi

packaged_files() {
    modes_are "$BIN" "755 root:root" && modes_are "$HELPER_PATH" "4755 root:root" \
        && modes_are /usr/lib/rssh/rssh_report "755 root:root" && modes_are /usr/sbin/rsshctl "755 root:root" \
        && modes_are "$CONF" "644 root:root" || return 1
    local f
    for f in /usr/share/man/man1/rssh.1.gz /usr/share/man/man5/rssh.conf.5.gz /usr/share/man/man8/rssh_chroot_helper.8.gz \
        /usr/share/man/man8/rsshctl.8.gz /usr/share/doc/rssh/copyright /usr/share/doc/rssh/changelog.Debian.gz \
        /usr/share/doc/rssh/examples/rssh.conf /usr/share/doc/rssh/examples/rsyslog-rssh.conf \
        /usr/share/doc/rssh/examples/sshd_config.example /usr/share/lintian/overrides/rssh; do
        modes_are "$f" "644 root:root" || return 1
    done
    cmp "$CONF" /usr/share/doc/rssh/examples/rssh.conf || return 1
    dpkg-query -W -f='${Conffiles}\n' "$PACKAGE" | grep -q "^ $CONF " || { echo "$CONF is not a conffile"; return 1; }
}
check "files: rssh, the report, rsshctl 755, helper 4755 root:root, conffile /etc/rssh.conf, man pages, docs and examples" packaged_files
check "postinst: $BIN is listed in /etc/shells" grep -qx "$BIN" /etc/shells
check "postinst: $BIN has cap_audit_write (getcap)" has_cap
# 2: rssh.conf is fine, but the host's sshd configuration bypasses or weakens rssh (Debian's default does).
rc=0; V=$("$BIN" -v 2>&1) || rc=$?   # set -e: a status of 2 is an answer here, not a failure
if [ $rc -eq 0 ] || [ $rc -eq 2 ]; then pass "rssh -v runs"; else fail "rssh -v runs" "rc=$rc $V"; fi
if grep -q '^ *rssh config file = /etc/rssh.conf$' <<<"$V" && grep -q "^ *chroot helper path = $HELPER_PATH\$" <<<"$V" \
    && grep -q "$BIN has cap_audit_write: yes" <<<"$V"; then
    pass "rssh -v reports /etc/rssh.conf, the packaged helper path and cap_audit_write"
else fail "rssh -v reports /etc/rssh.conf, the packaged helper path and cap_audit_write" "$V"; fi
if grep -q 'default (no user line): locked out' <<<"$V" && ! grep -q '^  user ' <<<"$V"; then
    pass "fresh install: the shipped /etc/rssh.conf locks everyone out"
else fail "fresh install: the shipped /etc/rssh.conf locks everyone out" "$V"; fi
check "rsshctl runs" /usr/sbin/rsshctl --help
SFTP_SERVER=$(sed -n 's/^ *sftp server binary = //p' <<<"$V")

# --- real clients through a private sshd ------------------------------------------------------------
harness_users
harness_sshd
LOCAL=$WORK/local
mkdir -p "$LOCAL"
head -c 1048576 /dev/urandom >"$LOCAL/blob.bin"
chmod 644 "$LOCAL/blob.bin"
UHOME=$(getent passwd "$U" | cut -d: -f6)

out=$(cd "$LOCAL" && printf 'put blob.bin\n' | sftp_t "$U" 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && [ ! -e "$UHOME/blob.bin" ]; then pass "fresh install: sftp is refused with the shipped config"
else fail "fresh install: sftp is refused with the shipped config" "rc=$rc $out"; fi

# The test's own configuration in the conffile: this user may use rsync, sftp and scp.
harness_config <<CONF
# rssh.conf written by Tests/EndToEnd/deb.sh
logfacility = LOG_USER
umask = 022
sftpserveroptions = -l INFO
user = $U:022:10011
CONF
CONF_SUM=$(sha256sum "$CONF")

sftp_flow() {
    cd "$LOCAL" && printf 'put blob.bin s.bin\nget s.bin s-back.bin\n' | sftp_t "$U" >/dev/null \
        && cmp blob.bin "$UHOME/s.bin" && cmp blob.bin s-back.bin
}
check "sftp: put and get through sshd, shell $BIN" sftp_flow
check "scp -O: upload and download" timeout 120 bash -c "
scp -O -q -S '$SSH' '$LOCAL/blob.bin' $U@127.0.0.1:o.bin && cmp '$LOCAL/blob.bin' '$UHOME/o.bin' \
 && scp -O -q -S '$SSH' $U@127.0.0.1:o.bin '$WORK/o-back.bin' && cmp '$LOCAL/blob.bin' '$WORK/o-back.bin'"
check "rsync: push" timeout 120 bash -c "
mkdir -p '$WORK/rs' && cp '$LOCAL/blob.bin' '$WORK/rs/' && rsync -a -e '$SSH' '$WORK/rs/' $U@127.0.0.1:rs/ \
 && cmp '$LOCAL/blob.bin' '$UHOME/rs/blob.bin'"
out=$(timeout 120 "$SSH" "$U@127.0.0.1" "id" </dev/null 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && grep -q "This account is restricted by rssh" <<<"$out"; then pass "refused: ssh host id shows the rssh banner"
else fail "refused: ssh host id shows the rssh banner" "rc=$rc $out"; fi

# --- reinstall and upgrade keep the edited /etc/rssh.conf ----------------------------------------------
# Reinstall the same version with an administrator's statoverride on the helper: dpkg applies it, the
# postinst leaves it alone.
dpkg-statoverride --add root root 4750 "$HELPER_PATH"
OVERRIDE=1
out=$("${APT[@]}" install --reinstall "$DEB" 2>&1) && rc=0 || rc=$?
if [ "$rc" -eq 0 ] && [ "$(installed_version)" = "$DEB_VERSION" ]; then pass "apt-get install --reinstall of the same version"
else fail "apt-get install --reinstall of the same version" "$out"; fi
check "reinstall: the edited /etc/rssh.conf is kept" bash -c "[ \"\$(sha256sum '$CONF')\" = '$CONF_SUM' ]"
check "reinstall: the helper keeps the dpkg-statoverride mode (4750), not 4755" modes_are "$HELPER_PATH" "4750 root:root"
check "reinstall: postinst set cap_audit_write on the new $BIN again" has_cap
dpkg-statoverride --remove "$HELPER_PATH"
OVERRIDE=""

# Upgrade to a higher version whose packaged /etc/rssh.conf changed (the same files, repacked): with
# --force-confold the administrator's file stays and the new one is left as /etc/rssh.conf.dpkg-dist.
UP_VERSION="$DEB_VERSION+debtest1"
UP_DEB="$WORK/rssh_${UP_VERSION}_$(dpkg-deb -f "$DEB" Architecture).deb"
repack() {
    rm -rf "$WORK/repack" && dpkg-deb -R "$DEB" "$WORK/repack" \
        && sed -i "s/^Version: .*/Version: $UP_VERSION/" "$WORK/repack/DEBIAN/control" \
        && echo "# changed in $UP_VERSION" >>"$WORK/repack/etc/rssh.conf" \
        && (cd "$WORK/repack" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum >DEBIAN/md5sums) \
        && dpkg-deb --root-owner-group --build "$WORK/repack" "$UP_DEB" >/dev/null
}
check "upgrade: a $UP_VERSION package with a changed conffile is built" repack
out=$("${APT[@]}" -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install "$UP_DEB" 2>&1) && rc=0 || rc=$?
if [ "$rc" -eq 0 ] && [ "$(installed_version)" = "$UP_VERSION" ]; then pass "upgrade: apt-get install $DEB_VERSION -> $UP_VERSION"
else fail "upgrade: apt-get install $DEB_VERSION -> $UP_VERSION" "$out"; fi
check "upgrade: the edited /etc/rssh.conf is kept" bash -c "[ \"\$(sha256sum '$CONF')\" = '$CONF_SUM' ]"
check "upgrade: the new packaged config is left as /etc/rssh.conf.dpkg-dist" grep -qx "# changed in $UP_VERSION" "$CONF.dpkg-dist"
check "upgrade: helper back to 4755 root:root without the statoverride" modes_are "$HELPER_PATH" "4755 root:root"
check "upgrade: $BIN is still in /etc/shells (postrm upgrade does not remove it)" grep -qx "$BIN" /etc/shells
check "upgrade: cap_audit_write is set on the upgraded $BIN" has_cap
rm -f "$UHOME/s.bin"
check "upgrade: sftp put and get still work with the kept config" sftp_flow

# --- purge -----------------------------------------------------------------------------------------
# The test user's sshd sessions are over; its shell is about to disappear.
out=$("${APT[@]}" purge "$PACKAGE" 2>&1) && rc=0 || rc=$?
if [ "$rc" -eq 0 ] && ! dpkg-query -W -f='${Status}' "$PACKAGE" 2>/dev/null | grep -qv 'not-installed'; then
    pass "apt-get purge: dpkg no longer knows $PACKAGE"
else fail "apt-get purge: dpkg no longer knows $PACKAGE" "rc=$rc $out"; fi
left=""
for p in "$BIN" /usr/lib/rssh /usr/sbin/rsshctl "$CONF" "$CONF.dpkg-dist" "$CONF.dpkg-old" /usr/share/doc/rssh \
    /usr/share/man/man1/rssh.1.gz /usr/share/man/man5/rssh.conf.5.gz /usr/share/man/man8/rssh_chroot_helper.8.gz \
    /usr/share/man/man8/rsshctl.8.gz /usr/share/lintian/overrides/rssh; do
    if [ -e "$p" ] || [ -L "$p" ]; then left="$left $p"; fi
done
if [ -z "$left" ]; then pass "purge: no packaged file, /etc/rssh.conf or .dpkg-dist is left"; else fail "purge: no packaged file, /etc/rssh.conf or .dpkg-dist is left" "left:$left"; fi
if ! grep -qx "$BIN" /etc/shells; then pass "purge: $BIN is gone from /etc/shells"; else fail "purge: $BIN is gone from /etc/shells"; fi

# --- summary ----------------------------------------------------------------------------------------
echo
for f in "${FAILURES[@]}"; do echo "failed: $f"; done
SUMMARY_DONE=1
summary
[ "$FAILED" -eq 0 ]
