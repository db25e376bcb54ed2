# Shared machinery of the end-to-end suite (e2e.sh) and the demo (demo.sh). Sourced, not run.
#
# The caller sets NAME (used in paths) and USERS (the accounts to create; the one named in JAIL_USER, if
# any, gets a home inside the jail), then calls the harness_* functions in order. Everything is undone on
# exit: users, processes, /etc/shells line, files.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK=/opt/rssh-$NAME.$$
PREFIX=$WORK/prefix
ETC=$WORK/etc
JAIL=$WORK/jail
PY=/usr/bin/python3
SYSLOG=$WORK/syslog.log
RSSH=$PREFIX/bin/rssh
HELPER=$PREFIX/libexec/rssh_chroot_helper

[ "$(id -u)" -eq 0 ] || { echo "$NAME: must run as root"; exit 2; }

harness_cleanup() {
    [ -f "$WORK/sshd.pid" ] && kill "$(cat "$WORK/sshd.pid")" 2>/dev/null
    [ -f "$WORK/rsyslogd.pid" ] && kill "$(cat "$WORK/rsyslogd.pid")" 2>/dev/null && sleep 0.2
    [ -n "${OWN_DEVLOG:-}" ] && rm -f /dev/log
    [ -n "${STARTED_AUDITD:-}" ] && pkill -x auditd
    for u in "${USERS[@]}"; do
        pkill -u "$u" 2>/dev/null
        id "$u" >/dev/null 2>&1 && userdel -r "$u" >/dev/null 2>&1
    done
    sed -i "\|^$RSSH\$|d" /etc/shells
    [ -n "${E2E_KEEP:-}" ] || rm -rf "$WORK"
}
trap harness_cleanup EXIT

# Builds and installs into the private prefix, with its own root-owned SYSCONFDIR.
harness_install() {
    install -d -m 755 -o root -g root "$WORK" "$ETC" "$WORK/keys" "$WORK/client"
    echo "$NAME: building and installing into $PREFIX (config $ETC/rssh.conf)"
    make -C "$REPO" -s build install-files PREFIX="$PREFIX" SYSCONFDIR="$ETC" DESTDIR= >"$WORK/build.log" 2>&1 \
        || { cat "$WORK/build.log"; echo "0 passed, 1 failed"; exit 1; }
    SFTP_SERVER=$("$RSSH" -v | sed -n 's/^ *sftp server binary = //p')
}

start_auditd() { auditd; for _ in $(seq 100); do [ -s /run/auditd.pid ] && pgrep -x auditd >/dev/null && break; sleep 0.1; done; }
stop_auditd() { pkill -x auditd; for _ in $(seq 100); do pgrep -x auditd >/dev/null || break; sleep 0.1; done; }

# auditd must run for audit records; it is started when not running and stopped again on exit.
harness_auditd() {
    if ! pgrep -x auditd >/dev/null; then start_auditd && STARTED_AUDITD=1; fi
    auditctl -e 1 >/dev/null 2>&1
}

# Writes rssh.conf (root-owned, 0644) from standard input.
harness_config() {
    cat >"$ETC/rssh.conf"
    chmod 644 "$ETC/rssh.conf"
}

# Creates USERS with rssh as their shell and builds the jail for JAIL_USER.
harness_users() {
    for u in "${USERS[@]}"; do
        if [ "$u" = "${JAIL_USER:-}" ]; then useradd -M -d "$JAIL/home/$u" -s "$RSSH" "$u"; else useradd -m -s "$RSSH" "$u"; fi
        usermod -p '*' "$u"
    done
    if [ -n "${JAIL_USER:-}" ]; then
        "$PREFIX/sbin/rsshctl" jail build "$JAIL" --user "$JAIL_USER" >"$WORK/jail-build.log" 2>&1 \
            || { cat "$WORK/jail-build.log"; echo "0 passed, 1 failed"; exit 1; }
    fi
}

# A private rsyslogd: a socket inside the jail, and the system socket when nobody else serves it.
harness_rsyslog() {
    {
        echo "global(workDirectory=\"$WORK\")"
        if [ -S /dev/log ] && $PY -c 'import socket; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.connect("/dev/log")' 2>/dev/null; then
            echo 'module(load="imuxsock" SysSock.Use="off")'
        else
            rm -f /dev/log; OWN_DEVLOG=1
            echo 'module(load="imuxsock" SysSock.Use="on")'
        fi
        [ -n "${JAIL_USER:-}" ] && echo "input(type=\"imuxsock\" Socket=\"$JAIL/dev/log\" CreatePath=\"on\")"
        echo "*.* action(type=\"omfile\" file=\"$SYSLOG\" template=\"RSYSLOG_TraditionalFileFormat\")"
    } >"$WORK/rsyslog.conf"
    rsyslogd -f "$WORK/rsyslog.conf" -i "$WORK/rsyslogd.pid" || echo "$NAME: warning: rsyslogd did not start"
    for _ in $(seq 50); do { [ -z "${JAIL_USER:-}" ] || [ -S "$JAIL/dev/log" ]; } && break; sleep 0.1; done
}

# An sshd on a free 127.0.0.1 port with its own keys and config, and a client wrapper "$SSH".
harness_sshd() {
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
Subsystem sftp $SFTP_SERVER -l INFO
AcceptEnv LANG LC_* LD_PRELOAD
PermitUserRC yes
LogLevel VERBOSE
MaxStartups 200
MaxSessions 200
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
}

# sftp_batch USER: OpenSSH sftp in batch mode, commands on stdin.
sftp_batch() {
    sftp -b - -i "$WORK/client/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o BatchMode=yes -o LogLevel=ERROR -P "$PORT" "$1@127.0.0.1"
}
