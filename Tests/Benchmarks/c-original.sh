# SPDX-License-Identifier: BSD-2-Clause
# The C original, rssh 2.3.4 (shared/anchors beside the repository), for bench.sh and profile.sh. Sourced
# after lib.sh's harness_install, harness_config and harness_users; not run.

# build_c_original PLAIN_USER: builds it into the run's own prefix with the same program paths, users and
# jail ($JAIL_USER's): the baseline for the plain and the chrooted path. Sets C_RSSH, or leaves it empty
# (said why). Never installed anywhere else (it is the program with the CVEs).
build_c_original() {
    local plain=$1
    C_SRC=${RSSH_C_SOURCE:-$REPO/../shared/anchors/rssh-2.3.4}
    C_PREFIX=$WORK/c-rssh
    C_RSSH=""
    if [ ! -f "$C_SRC/configure" ]; then
        echo "== no C original at $C_SRC (set RSSH_C_SOURCE): its columns are left out"
        return 0
    fi
    echo "== building the C original from $C_SRC into $C_PREFIX"
    cp -r "$C_SRC" "$WORK/c-src" && chmod -R u+w "$WORK/c-src"
    if (cd "$WORK/c-src" && find . -exec touch -h -d 2010-08-01 {} + \
        && ./configure --prefix="$C_PREFIX" --sysconfdir="$C_PREFIX/etc" --libexecdir="$C_PREFIX/libexec" \
            --with-sftp-server="$SFTP_SERVER" --with-scp=/usr/bin/scp --with-rsync=/usr/bin/rsync \
            --with-cvs=/usr/bin/cvs --with-rdist=/usr/bin/rdist && make && make install) >"$WORK/c-build.log" 2>&1 \
        && chown root:root "$C_PREFIX/libexec/rssh_chroot_helper" && chmod 4755 "$C_PREFIX/libexec/rssh_chroot_helper"; then
        printf 'logfacility = LOG_USER\nuser = %s:022:00010\nuser = %s:022:00010:%s\n' "$plain" "$JAIL_USER" "$JAIL" \
            >"$C_PREFIX/etc/rssh.conf"
        C_RSSH=$C_PREFIX/bin/rssh
    else
        echo "   the C original did not build (its log: $WORK/c-build.log); its columns are left out"
        tail -5 "$WORK/c-build.log"
    fi
}
