#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# make deb: builds rssh_<version>_<arch>.deb with Debian's own tools (dpkg-shlibdeps, dpkg-gencontrol,
# dpkg-deb, lintian), from a copy of the tree, with the Debian paths compiled in.
#
#   .build-deb/src/     a copy of the working tree (tracked and untracked files, not the ignored ones),
#                       built there with `make build` so its build products never mix with the tree's own
#   .build-deb/root/    the staging root, filled by `make install-files DESTDIR=...`, then DEBIAN/
#   .build-deb/pkg/     debian/control and debian/changelog for dpkg-shlibdeps and dpkg-gencontrol
#   .build-deb/rssh_<version>_<arch>.deb   the package
#
# Called by the Makefile with MAKE, VERSION, DEB_DIR and DEB_DEPS in the environment.
set -euo pipefail
umask 022

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$REPO/Packaging/debian"
MAKE="${MAKE:-make}"
DEB_DIR="${DEB_DIR:-$REPO/.build-deb}"
SRC="$DEB_DIR/src"
ROOT="$DEB_DIR/root"
WORK="$DEB_DIR/pkg"
die() { echo "deb: $*" >&2; exit 1; }

# Debian packages needed to build and check the package (installed when root, as `make deps` does).
missing=""
for p in ${DEB_DEPS:-}; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    [ "$(id -u)" -eq 0 ] || die "missing Debian packages:$missing (run as root to install them)"
    echo "deb: installing$missing"
    # shellcheck disable=SC2086 # a list of package names
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The Debian version comes from Packaging/debian/changelog and must match the Makefile's VERSION.
DEB_VERSION="$(dpkg-parsechangelog -l "$PKG/changelog" -S Version)"
[ "${DEB_VERSION%-*}" = "${VERSION:?VERSION not set}" ] \
    || die "Packaging/debian/changelog is at $DEB_VERSION but the Makefile's VERSION is $VERSION: add a changelog entry"
ARCH="$(dpkg-architecture -qDEB_HOST_ARCH)"
DEB="$DEB_DIR/rssh_${DEB_VERSION}_${ARCH}.deb"

# 1. A copy of the tree: .git and everything .gitignore names stay out (build folders, Package.resolved,
# also the tracked .ci/run, which the build does not need); the copy's own .build* folders survive
# between runs (rsync neither copies nor deletes excluded files), so rebuilding is incremental.
mkdir -p "$SRC"
rsync -a --delete --exclude=/.git --filter=':- .gitignore' "$REPO/" "$SRC/"

# 2. Build and stage with the Debian paths compiled in.
DEBIAN_PATHS=(PREFIX=/usr SYSCONFDIR=/etc BINDIR=/usr/bin SBINDIR=/usr/sbin LIBEXECDIR=/usr/lib/rssh
    MANDIR=/usr/share/man EXAMPLESDIR=/usr/share/doc/rssh/examples
    SFTP_SERVER=/usr/lib/openssh/sftp-server SCP=/usr/bin/scp RSYNC=/usr/bin/rsync CVS=/usr/bin/cvs
    RDIST=/usr/bin/rdist RDISTD=/usr/sbin/rdistd SVNSERVE=/usr/bin/svnserve)
"$MAKE" -C "$SRC" build "${DEBIAN_PATHS[@]}"
rm -rf "$ROOT" "$WORK"
mkdir -p "$ROOT" "$WORK/debian"
"$MAKE" -C "$SRC" -s install-files "${DEBIAN_PATHS[@]}" DESTDIR="$ROOT"

# 3. Debian policy on the staged tree: stripped binaries, compressed man pages, copyright, changelog,
# lintian overrides. No setcap here: dpkg does not carry file capabilities, the postinst sets it.
BINARIES=("$ROOT/usr/bin/rssh" "$ROOT/usr/lib/rssh/rssh_chroot_helper" "$ROOT/usr/lib/rssh/rssh_report" "$ROOT/usr/sbin/rsshctl")
for f in "${BINARIES[@]}"; do
    [ -f "$f" ] || die "make install-files did not install ${f#"$ROOT"}"
    case " ${DEB_BUILD_OPTIONS:-} " in
        *" nostrip "*) ;;
        *) strip --remove-section=.comment --remove-section=.note --strip-unneeded "$f" ;;
    esac
done
[ -f "$ROOT/etc/rssh.conf" ] || die "make install-files did not install /etc/rssh.conf"
[ ! -e "$ROOT/etc/rssh.conf.default" ] || die "unexpected /etc/rssh.conf.default in the staging root"
find "$ROOT/usr/share/man" -type f -name '*.[0-9]' -exec gzip -9n {} +
DOC="$ROOT/usr/share/doc/rssh"
install -m 644 "$PKG/copyright" "$DOC/copyright"
gzip -9n <"$PKG/changelog" >"$DOC/changelog.Debian.gz" && chmod 644 "$DOC/changelog.Debian.gz"
install -D -m 644 "$PKG/lintian-overrides" "$ROOT/usr/share/lintian/overrides/rssh"

# Fail closed on the modes the package promises (dpkg-deb records them as staged).
mode() { stat -c '%a' "$1"; }
[ "$(mode "$ROOT/usr/lib/rssh/rssh_chroot_helper")" = 4755 ] || die "helper is not 4755 in the staging root"
for f in usr/bin/rssh usr/lib/rssh/rssh_report usr/sbin/rsshctl; do [ "$(mode "$ROOT/$f")" = 755 ] || die "/$f is not 755 in the staging root"; done
[ "$(mode "$ROOT/etc/rssh.conf")" = 644 ] || die "/etc/rssh.conf is not 644"
# A fresh install must lock everyone out: no allow* keyword and no user line may be active.
if grep -Eq '^[[:space:]]*(allow[a-z]+|user[[:space:]]*=)' "$ROOT/etc/rssh.conf"; then
    die "the shipped /etc/rssh.conf allows something; a fresh install must allow nothing"
fi

# 4. DEBIAN/: maintainer scripts, conffiles, control (dependencies from dpkg-shlibdeps), md5sums.
install -d -m 755 "$ROOT/DEBIAN"
install -m 755 "$PKG/postinst" "$PKG/postrm" "$ROOT/DEBIAN/"
install -m 644 "$PKG/conffiles" "$ROOT/DEBIAN/conffiles"
cp "$PKG/control" "$PKG/changelog" "$WORK/debian/"
(
    cd "$WORK"
    dpkg-shlibdeps -Tdebian/substvars "${BINARIES[@]}"
    dpkg-gencontrol -prssh -P"$ROOT" -Tdebian/substvars -fdebian/files
)
(cd "$ROOT" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod 644 "$ROOT/DEBIAN/md5sums" "$ROOT/DEBIAN/control"

# 5. The package, owned by root whoever builds it, then lintian: no error and no unexplained warning.
SOURCE_DATE_EPOCH="$(dpkg-parsechangelog -l "$PKG/changelog" -S Timestamp)"
export SOURCE_DATE_EPOCH
rm -f "$DEB"
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB"
echo "deb: lintian $DEB"
lintian --display-info --fail-on error,warning "$DEB" || die "lintian found errors or warnings (see above)"
echo "deb: built $DEB"
