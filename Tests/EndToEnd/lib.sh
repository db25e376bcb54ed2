# SPDX-License-Identifier: BSD-2-Clause
# Shared machinery of the end-to-end suite (e2e.sh), the demo (demo.sh) and the benchmarks. Sourced, not run.
#
# The caller sets NAME (used in paths) and USERS (the accounts to create; the one named in JAIL_USER, if
# any, gets a home inside the jail), then calls the harness_* functions in order. Everything is undone on
# exit: users, processes, /etc/shells line, files, the kernel's audit "enabled" flag, /run/sshd.
#
# The machine is left as the suite found it: administrators run `sudo make check` on real servers. The
# suite never stops, restarts or reconfigures a daemon it did not start, and never touches the host's
# /dev/log. How, and what was measured on Linux 6.18 to choose it:
#
# - syslog: the script re-executes itself in a private mount namespace (unshare --mount, propagation
#   private), and there lays an overlay over /dev (the host's /dev read-only below, a tmpfs above; /dev/pts,
#   /dev/shm, ... moved back on top). The suite's own rsyslogd, started inside, creates /dev/log in that
#   overlay, so sshd, rssh, the helper and sftp-server (all started inside) log to a socket the suite owns,
#   whether or not another daemon serves the host's /dev/log, and the host's /dev is never written (a host
#   socket at /dev/log, or systemd's symlink, is only hidden by a whiteout in the overlay). The mounts die
#   with the namespace, also after a kill -9. Bind-mounting a socket over /dev/log would need the file to
#   exist on the host; the overlay also covers hosts without one.
#
# - auditd: whether records can be written is a kernel-wide fact: AUDIT_GET over NETLINK_AUDIT returns the
#   one registered audit daemon's pid, and no namespace gives a private view of it. Measured with a small
#   NETLINK_AUDIT client, while an auditd was registered:
#     initial namespaces                        AUDIT_GET -> pid of auditd; AUDIT_USER_CMD acked, logged
#     unshare --net / ip netns exec             the same: auditd's pid, and the record reaches its log
#                                               (the kernel serves audit netlink in every network namespace)
#     unshare --pid --fork                      AUDIT_GET -> EPERM; AUDIT_USER_CMD acked, logged
#     unshare --user --map-root-user            both -> ECONNREFUSED ("no audit in this kernel")
#     root without CAP_AUDIT_CONTROL, or a      AUDIT_GET -> EPERM; AUDIT_USER_CMD acked, logged
#       user with CAP_AUDIT_WRITE only
#   So a network or mount namespace cannot make the kernel report "no audit daemon", and the pid and user
#   namespaces produce different errors, not the auditd-down state. The suite therefore owns the audit
#   daemon only when the kernel reports none registered: it then starts a private auditd (its own config
#   and log under $WORK, -s nochange) and may stop and restart it to test the auditd-down paths for real.
#   When another audit daemon is registered (the host's), those assertions are counted as skipped, with
#   that reason; the records of the other assertions then go to the host's audit log, as any login's do.
#   The kernel's "enabled" flag is set to 1 only if it was 0, and put back on exit.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY=/usr/bin/python3
# The run's directories under WORK: a new one per run, or a fixed one (ldap.sh, fleet.sh) so that the
# compiled-in paths stay the same and a re-run rebuilds little; such a suite keeps two runs apart with a lock.
work_directory() {
    WORK=$1 PREFIX=$1/prefix ETC=$1/etc JAIL=$1/jail SYSLOG=$1/syslog.log
    RSSH=$PREFIX/bin/rssh HELPER=$PREFIX/libexec/rssh_chroot_helper
}
work_directory "/opt/rssh-$NAME.$$"

[ "$(id -u)" -eq 0 ] || { echo "$NAME: must run as root"; exit 2; }

# Into a private mount namespace (see above), once. unshare execs the shell, so the pid stays the same.
if [ -z "${RSSH_HARNESS_NS:-}" ]; then
    RSSH_HARNESS_NS=1 exec unshare --mount --propagation private -- bash "$0" "$@"
    echo "$NAME: cannot enter a private mount namespace (unshare --mount, util-linux)"; exit 2
fi
unset RSSH_HARNESS_NS

# harness_unprotect DIR...: clears the immutable attribute (chattr -i) of every .ssh below each DIR. rsshctl makes
# ~/.ssh immutable (jail build, ssh protect), and nothing, root's userdel -r and rm -rf included, removes an
# immutable directory. Run it before removing a home or $WORK (also by hand, after E2E_KEEP=1).
harness_unprotect() {
    local d
    for d in "$@"; do [ -d "$d" ] && find "$d" -xdev -type d -name .ssh -exec chattr -i {} + 2>/dev/null; done
    return 0
}

harness_cleanup() {
    for f in "$WORK"/sshd*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
    [ -f "$WORK/rsyslogd.pid" ] && kill "$(cat "$WORK/rsyslogd.pid")" 2>/dev/null && sleep 0.2
    # Off the overlay (in this namespace only), so userdel logs to the host's /dev/log as useradd did.
    if [ -n "${DEVLOG_OVERLAY:-}" ]; then
        [ "$(findmnt -n -o FSTYPE /dev)" = overlay ] && umount -l /dev
        umount -l "$WORK/dev-overlay" 2>/dev/null
    fi
    [ -n "${PRIVATE_AUDITD_PID:-}" ] && stop_private_auditd
    if [ -n "${AUDIT_ENABLED_BEFORE:-}" ] && [ "$(audit_status enabled)" != "$AUDIT_ENABLED_BEFORE" ]; then
        auditctl -e "$AUDIT_ENABLED_BEFORE" >/dev/null 2>&1 || echo "$NAME: warning: could not restore audit enabled=$AUDIT_ENABLED_BEFORE"
    fi
    for u in "${USERS[@]}"; do
        pkill -u "$u" 2>/dev/null
        id "$u" >/dev/null 2>&1 && harness_unprotect "$(getent passwd "$u" | cut -d: -f6)" && userdel -r "$u" >/dev/null 2>&1
    done
    [ -n "${HOMES_MOUNTED:-}" ] && umount -l "$HOME_BASE"
    for g in "${E2E_GROUPS[@]}"; do getent group "$g" >/dev/null && groupdel "$g"; done
    sed -i "\|^$RSSH\$|d" /etc/shells
    [ -n "${MADE_RUN_SSHD:-}" ] && rmdir /run/sshd 2>/dev/null
    [ -n "${E2E_KEEP:-}" ] || { harness_unprotect "$WORK"; rm -rf "$WORK"; }
}
E2E_GROUPS=()  # groups a suite created, deleted after its users
trap harness_cleanup EXIT

# Builds and installs into the private prefix, with its own root-owned SYSCONFDIR.
harness_install() {
    install -d -m 755 -o root -g root "$WORK" "$ETC" "$WORK/keys" "$WORK/client"
    echo "$NAME: building and installing into $PREFIX (config $ETC/rssh.conf)"
    # rssh -v checks the suite's own sshd configuration (harness_sshd writes it), never the host's.
    make -C "$REPO" -s build install-files PREFIX="$PREFIX" SYSCONFDIR="$ETC" SSHD_CONFIG="$WORK/sshd_config" DESTDIR= \
        >"$WORK/build.log" 2>&1 \
        || { cat "$WORK/build.log"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
    SFTP_SERVER=$("$RSSH" -v | sed -n 's/^ *sftp server binary = //p')
}

# audit_status FIELD: a field of the kernel's AUDIT_GET answer (auditctl -s), e.g. pid (of the registered
# audit daemon, 0 when none) or enabled (0, 1, or 2 = locked).
audit_status() { auditctl -s 2>/dev/null | sed -n "s/^$1 //p"; }

# The suite's own auditd: config and log under $WORK/audit, -s nochange (the enabled flag is ours to manage).
start_private_auditd() {
    auditd -n -s nochange -c "$WORK/audit" </dev/null >>"$WORK/audit/auditd.out" 2>&1 &
    PRIVATE_AUDITD_PID=$!
    for _ in $(seq 100); do [ "$(audit_status pid)" = "$PRIVATE_AUDITD_PID" ] && return 0; sleep 0.1; done
    echo "$NAME: warning: the private auditd did not register with the kernel"; cat "$WORK/audit/auditd.out"
    return 1
}
# Stops the suite's own auditd (never another one) and waits until the kernel has no audit daemon.
stop_private_auditd() {
    [ -n "${PRIVATE_AUDITD_PID:-}" ] || return 1
    kill "$PRIVATE_AUDITD_PID" 2>/dev/null
    wait "$PRIVATE_AUDITD_PID" 2>/dev/null
    PRIVATE_AUDITD_PID=
    for _ in $(seq 100); do [ "$(audit_status pid)" = 0 ] && return 0; sleep 0.1; done
    return 1
}

# Audit records must be written. When the kernel has no audit daemon registered, the suite starts its own
# (and may stop it: OWN_AUDITD=1); otherwise the host's is used and left alone (HOST_AUDITD=its pid).
# AUSEARCH_INPUT holds ausearch's arguments for the log the records go to.
harness_auditd() {
    AUDIT_ENABLED_BEFORE=$(audit_status enabled)
    HOST_AUDITD=$(audit_status pid)
    local procs
    procs=$(ps -C auditd -o pid=,stat= | awk '$2 !~ /^Z/ { printf "%s ", $1 }')
    if [ "$HOST_AUDITD" = 0 ] && [ -z "$procs" ]; then
        HOST_AUDITD=
        install -d -m 700 "$WORK/audit" "$WORK/audit/plugins.d"
        # A minimal config of its own (not the host's: no network listener, no plugins, one log file).
        cat >"$WORK/audit/auditd.conf" <<AUDITCONF
local_events = yes
write_logs = yes
log_file = $WORK/audit/audit.log
log_group = root
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 64
max_log_file_action = IGNORE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
plugin_dir = $WORK/audit/plugins.d
AUDITCONF
        chmod 640 "$WORK/audit/auditd.conf"
        start_private_auditd && OWN_AUDITD=1
        AUSEARCH_INPUT=(--input "$WORK/audit/audit.log")
    else
        [ "$HOST_AUDITD" = 0 ] && HOST_AUDITD="${procs}(running, not registered with the kernel)"
        AUSEARCH_INPUT=(--input-logs)
    fi
    [ "$AUDIT_ENABLED_BEFORE" = 0 ] && auditctl -e 1 >/dev/null 2>&1
}

# Writes rssh.conf (root-owned, 0644) from standard input.
harness_config() {
    cat >"$ETC/rssh.conf"
    chmod 644 "$ETC/rssh.conf"
}

# Creates USERS with rssh as their shell and builds the jail for JAIL_USER.
# With HOME_BASE set, the homes (not the jail user's) are made there, on a tmpfs of HOME_TMPFS_SIZE mounted for
# the run (in this namespace only; unmounted by harness_cleanup once the users are gone).
harness_users() {
    if [ -n "${HOME_BASE:-}" ]; then
        install -d -m 755 "$HOME_BASE" && mount -t tmpfs -o "size=${HOME_TMPFS_SIZE:-4g},mode=0755" rssh-homes "$HOME_BASE" \
            && HOMES_MOUNTED=1 || { echo "$NAME: cannot mount a tmpfs on $HOME_BASE"; exit 1; }
    fi
    for u in "${USERS[@]}"; do
        if [ "$u" = "${JAIL_USER:-}" ]; then useradd -M -d "$JAIL/home/$u" -s "$RSSH" "$u"
        else useradd -m ${HOME_BASE:+-b "$HOME_BASE"} -s "$RSSH" "$u"; fi
        usermod -p '*' "$u"
    done
    if [ -n "${JAIL_USER:-}" ]; then
        "$PREFIX/sbin/rsshctl" jail build "$JAIL" --user "$JAIL_USER" >"$WORK/jail-build.log" 2>&1 \
            || { cat "$WORK/jail-build.log"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
    fi
}

# The overlay over /dev in this private mount namespace (see the top): /dev/log created in it belongs to
# the suite, and the host's /dev is never written. Sets DEVLOG_OVERLAY=1 on success.
harness_devlog() {
    local d=$WORK/dev-overlay m
    install -d -m 700 "$d"
    mount -t tmpfs -o mode=755 rssh-harness-dev "$d" || return 1
    mkdir "$d/upper" "$d/work" "$d/sub"
    DEVLOG_OVERLAY=1
    # File systems mounted below /dev (pts, shm, mqueue, ...): moved aside, then back on top of the overlay.
    local subs=()
    while IFS= read -r m; do subs+=("$m"); done < <(findmnt -rn -o TARGET | grep -E '^/dev/[^/]+$' | sort -u)
    for m in "${subs[@]}"; do mkdir -p "$d/sub$m" && mount --rbind "$m" "$d/sub$m" || return 1; done
    mount -t overlay -o "lowerdir=/dev,upperdir=$d/upper,workdir=$d/work" rssh-harness-dev /dev || return 1
    for m in "${subs[@]}"; do mount --move "$d/sub$m" "$m" || return 1; done
}

# A private rsyslogd: /dev/log inside this namespace's /dev overlay and a socket inside the jail.
# OWN_DEVLOG=1 when /dev/log is the suite's (always, unless the overlay could not be made: then the
# host's /dev/log is left alone and the assertions that read rssh's own lines are skipped, saying so).
harness_rsyslog() {
    if harness_devlog; then OWN_DEVLOG=1
    else echo "$NAME: warning: no overlay over /dev in the private namespace; rssh's own syslog lines go to the host's /dev/log"
    fi
    {
        echo "global(workDirectory=\"$WORK\")"
        if [ -n "${OWN_DEVLOG:-}" ]; then echo 'module(load="imuxsock" SysSock.Use="on")'
        else echo 'module(load="imuxsock" SysSock.Use="off")'; fi
        [ -n "${JAIL_USER:-}" ] && echo "input(type=\"imuxsock\" Socket=\"$JAIL/dev/log\" CreatePath=\"on\")"
        echo "*.* action(type=\"omfile\" file=\"$SYSLOG\" template=\"RSYSLOG_TraditionalFileFormat\")"
    } >"$WORK/rsyslog.conf"
    rsyslogd -f "$WORK/rsyslog.conf" -i "$WORK/rsyslogd.pid" || echo "$NAME: warning: rsyslogd did not start"
    for _ in $(seq 50); do
        { [ -z "${JAIL_USER:-}" ] || [ -S "$JAIL/dev/log" ]; } && { [ -z "${OWN_DEVLOG:-}" ] || [ -S /dev/log ]; } && break
        sleep 0.1
    done
}

# Keys (a client key authorized for each USER given), a free 127.0.0.1 port and $WORK/sshd_config: the
# settings every suite's private sshd shares, then the suite's own lines from standard input.
harness_sshd_config() {
    ssh-keygen -q -t ed25519 -N '' -f "$WORK/client/id" </dev/null
    ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey" </dev/null
    for u in "$@"; do install -m 644 "$WORK/client/id.pub" "$WORK/keys/$u"; done
    PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    [ -d /run/sshd ] || { mkdir -p /run/sshd && MADE_RUN_SSHD=1; }
    {
        cat <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $WORK/hostkey
PidFile $WORK/sshd.pid
AuthorizedKeysFile $WORK/keys/%u
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
Subsystem sftp $SFTP_SERVER -l INFO
LogLevel VERBOSE
CONF
        cat
    } >"$WORK/sshd_config"
}

# An sshd on a free 127.0.0.1 port with its own keys and config, and a client wrapper "$SSH".
harness_sshd() {
    harness_sshd_config "${USERS[@]}" <<CONF
AcceptEnv LANG LC_* LD_PRELOAD GIT_PROTOCOL
PermitUserRC yes
MaxStartups 200
MaxSessions 200
CONF
    /usr/sbin/sshd -f "$WORK/sshd_config" -E "$WORK/sshd.log" || { cat "$WORK/sshd.log"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
    harness_client
}

# Waits for the private sshd's pid file, then sets SSHOPTS and "$SSH", a client wrapper for its port.
harness_client() {
    for _ in $(seq 50); do [ -s "$WORK/sshd.pid" ] && break; sleep 0.1; done
    SSHOPTS=(-i "$WORK/client/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes
             -o LogLevel=ERROR -o ConnectTimeout=10)
    cat >"$WORK/client/ssh" <<W
#!/bin/sh
exec ssh ${SSHOPTS[*]} -p $PORT "\$@"
W
    chmod 755 "$WORK/client/ssh"
    SSH="$WORK/client/ssh"
}

# sftp_batch USER: OpenSSH sftp in batch mode, commands on stdin.
sftp_batch() {
    sftp -b - -i "$WORK/client/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o BatchMode=yes -o LogLevel=ERROR -P "$PORT" "$1@127.0.0.1"
}

# install_ldap_packages LOG PACKAGE...: installs the directory packages that are missing (slapd, nslcd,
# libnss-ldapd, ...), debconf-preseeded so that slapd creates no database and libnss-ldapd leaves
# nsswitch.conf alone; their services are not started (policy-rc.d) and are left disabled. Returns 1 (apt's
# output in LOG) when the install fails. Shared by the LDAP suite and the main suite (whose partial-group-list
# case needs libnss_ldap.so.2 with nslcd not running).
install_ldap_packages() {
    local log=$1 missing="" p pid own_policy=""
    shift
    for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"; done
    [ -n "$missing" ] || return 0
    echo "$NAME: installing$missing"
    debconf-set-selections <<SEL
slapd slapd/no_configuration boolean true
libnss-ldapd libnss-ldapd/nsswitch multiselect
libnss-ldapd libnss-ldapd/clean_nsswitch boolean false
nslcd nslcd/ldap-uris string ldap://127.0.0.1/
nslcd nslcd/ldap-base string ${BASE:-dc=rssh,dc=test}
SEL
    if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; own_policy=1; fi
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o DPkg::Lock::Timeout=300 $missing; } >"$log" 2>&1
    local status=$?
    [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
    for p in slapd nslcd; do
        grep -qw "$p" <<<"$missing" || continue
        # In case the machine's own policy-rc.d let the package start it.
        pid=$(cat "/run/$p/$p.pid" 2>/dev/null) && [ -n "$pid" ] && kill "$pid" 2>/dev/null && sleep 0.5
        { systemctl disable "$p" || update-rc.d "$p" disable; } >/dev/null 2>&1
    done
    return $status
}

# The suites' counters and verdicts (e2e and demo; the LDAP and package suites keep their own):
# pass NAME; fail NAME [DETAILS]; skip NAME REASON: an assertion that could not run here, counted and listed
# in the summary with its reason.
PASSED=0
FAILED=0
SKIPPED=0
FAILURES=()
SKIPS=()
pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); FAILURES+=("$1"); echo "FAIL - $1"; [ -n "${2:-}" ] && sed 's/^/       /' <<<"$2" | head -20; }
skip() { SKIPPED=$((SKIPPED + 1)); SKIPS+=("$1 ($2)"); echo "skip - $1 ($2)"; }
