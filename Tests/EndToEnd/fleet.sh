#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Fleet suite (`make e2e-fleet`, run by `make check` as root): the README's "Running it on many servers",
# proven on one machine. The machine is the rssh server (the node); a collector lives in a network namespace
# (iproute2 `ip netns`, a veth pair 10.251.77.1 <-> 10.251.77.2) with its own rsyslogd and its own auditd,
# each in a private mount namespace (own /run, own /var/log, no audit plugins).
#
# - Node: the suite's private sshd (lib.sh), rssh installed into a private prefix, a plain and a jailed sftp
#   user. Its own rsyslogd (lib.sh's private /dev/log, plus the jail's socket) ships rssh's, the helper's and
#   sftp-server's lines with Config/fleet/rsyslog-node.conf (omrelp, disk-assisted queue) and keeps a local
#   copy of the same lines to compare with. Its audit records go through the machine's auditd with the
#   au-remote plugin: Config/fleet/au-remote.conf and audisp-remote.conf installed into /etc/audit, and
#   name_format = hostname set in /etc/audit/auditd.conf (all three restored byte for byte on exit). When
#   no audit daemon is registered the suite starts the machine's auditd itself (its configuration in
#   /etc/audit, -s nochange) and stops it afterwards; when systemd runs auditd it restarts it, with the
#   files installed and again after restoring them; any other registered audit daemon is left alone and the
#   audit assertions are skipped, saying so.
# - Collector: rsyslogd with Config/fleet/rsyslog-collector.conf (imrelp) and auditd with
#   Config/fleet/auditd-collector.conf bound over /etc/audit/auditd.conf (local_events = no: it only
#   receives, on TCP port 60). The only changes to the shipped files: loghost.example becomes 10.251.77.2.
# - Run: sessions with the collector up; then FLEET_SESSIONS sessions in parallel, and the collector is
#   stopped while they run; it is started again and a few more sessions follow. Every syslog line and every
#   rssh audit record of the node must reach the collector exactly once: the same lines (content compared
#   line for line: timestamp, host, tag and pid, message) and the same records (by their audit serial and
#   text), no duplicates, and every session's upload named in sftp-server's lines.
#
# Measurements, not part of make check: FLEET_TRANSPORT=tcp (omfwd/imtcp instead of RELP) and
# FLEET_STOP_SIGNAL=KILL (the collector killed instead of stopped); FLEET_SESSIONS (12) parallel sessions.
#
# Installs rsyslog rsyslog-relp auditd audispd-plugins iproute2 when missing (services not started).
# Removes the namespace, the daemons it started, its users and files on any exit. Ends with a counts line
# and "fleet: N passed, N failed, N skipped".
set -uo pipefail

NAME=fleet
USERS=(rsshfleet_plain rsshfleet_jail)
JAIL_USER=rsshfleet_jail
PLAIN=rsshfleet_plain
JUSER=rsshfleet_jail
FLEET_SESSIONS=${FLEET_SESSIONS:-12}
FLEET_PACKAGES="rsyslog rsyslog-relp auditd audispd-plugins iproute2"
NETNS=rsshfleet-collector
NODE_IF=rsshfleet0
COL_IF=rsshfleet1
NODE_IP=10.251.77.1
COL_IP=10.251.77.2
BACKUP=/var/tmp/rssh-fleet-e2e.backup
AUDIT_FILES=(/etc/audit/auditd.conf /etc/audit/plugins.d/au-remote.conf /etc/audit/audisp-remote.conf)
AUDIT_QUEUE=/var/spool/audit/remote.log
BOUND=60 # seconds any wait for the collector to catch up may take

# shellcheck source=Tests/EndToEnd/lib.sh
. "$(dirname "$0")/lib.sh"
FLEET=$REPO/Config/fleet
# The lock below keeps two runs apart.
work_directory /opt/rssh-fleet
NODE=$WORK/node
COL=$WORK/collector

# --- restoring the system on any exit -------------------------------------------------------------
# Remembers whether FILE existed and its exact bytes (a killed run leaves the backup behind, and the next
# run restores from it before taking a new one).
backup_name() { echo "$BACKUP/$(tr / _ <<<"$1")"; }
snapshot() {
    local b
    b=$(backup_name "$1")
    if [ -e "$1" ]; then cp -p "$1" "$b"; else rm -f "$b"; touch "$b.absent"; fi
}
restore() {
    local b
    b=$(backup_name "$1")
    if [ -e "$b.absent" ]; then rm -f "$1" "$b.absent"
    elif [ -e "$b" ]; then
        cp -p "$b" "$1" && cmp -s "$b" "$1" && rm -f "$b" || echo "$NAME: WARNING: could not restore $1 (the original is in $b)"
    fi
}
# stop_pid PID [SIGNAL]: SIGNAL (TERM), then wait (10 s) until it is gone, then KILL.
stop_pid() {
    [ -n "${1:-}" ] || return 0
    kill -"${2:-TERM}" "$1" 2>/dev/null || return 0
    for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }; sleep 0.1; done
    kill -9 "$1" 2>/dev/null; wait "$1" 2>/dev/null
}
fleet_cleanup() {
    set +u
    stop_collector
    ip netns del "$NETNS" 2>/dev/null # also removes the veth pair
    ip link del "$NODE_IF" 2>/dev/null
    case "${AUDIT_MODE:-}" in
        own) stop_pid "${NODE_AUDITD_PID:-}" ;;
        systemd) ;;
    esac
    if [ -n "${SNAPSHOT_TAKEN:-}" ]; then
        for f in "${AUDIT_FILES[@]}"; do restore "$f"; done
        [ -e "$BACKUP/queue.absent" ] && rm -f "$AUDIT_QUEUE" "$BACKUP/queue.absent"
        [ -e "$BACKUP/spool.absent" ] && rm -rf "$(dirname "$AUDIT_QUEUE")" "$BACKUP/spool.absent"
        rm -f "$BACKUP/apt.log"; rmdir "$BACKUP" 2>/dev/null
        [ "${AUDIT_MODE:-}" = systemd ] && { systemctl restart auditd || echo "$NAME: WARNING: could not restart auditd"; }
    fi
    harness_cleanup # sshd, the node's rsyslogd, /dev/log overlay, users, $WORK
    [ -n "${LOCKED:-}" ] && rm -f /run/rssh-fleet-e2e.lock
}
summary() {
    echo
    for f in "${SKIPS[@]}"; do echo "skipped: $f"; done
    for f in "${FAILURES[@]}"; do echo "failed: $f"; done
    echo "fleet: $PASSED passed, $FAILED failed, $SKIPPED skipped"
}
give_up() { skip "fleet: suite not run" "$1"; summary; exit 0; }

trap - EXIT
exec 9>>/run/rssh-fleet-e2e.lock
flock -n 9 || { echo "$NAME: another run holds /run/rssh-fleet-e2e.lock"; exit 1; }
LOCKED=1
trap fleet_cleanup EXIT
trap 'exit 130' INT TERM

# --- packages -------------------------------------------------------------------------------------
# install_fleet_packages LOG: installs what is missing; their services are not started (policy-rc.d).
install_fleet_packages() {
    local missing="" p own_policy="" status
    for p in $FLEET_PACKAGES; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"; done
    [ -n "$missing" ] || return 0
    echo "$NAME: installing$missing"
    if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; own_policy=1; fi
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 $missing \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            -o DPkg::Lock::Timeout=300 $missing; }; } >"$1" 2>&1
    status=$?
    [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
    return $status
}
harness_unprotect "$WORK" # a killed run's jail home has an immutable .ssh
rm -rf "$WORK"
mkdir -p "$BACKUP"
for f in "${AUDIT_FILES[@]}"; do restore "$f"; done # left over from a killed run
install_fleet_packages "$BACKUP/apt.log" || { cat "$BACKUP/apt.log"; give_up "could not install $FLEET_PACKAGES"; }

# --- the collector: a network namespace with its own rsyslogd and auditd ------------------------------
ip netns del "$NETNS" 2>/dev/null
ip link del "$NODE_IF" 2>/dev/null
{ ip netns add "$NETNS" &&
    ip link add "$NODE_IF" type veth peer name "$COL_IF" &&
    ip link set "$COL_IF" netns "$NETNS" &&
    ip addr add "$NODE_IP/30" dev "$NODE_IF" && ip link set "$NODE_IF" up &&
    ip -n "$NETNS" addr add "$COL_IP/30" dev "$COL_IF" && ip -n "$NETNS" link set "$COL_IF" up &&
    ip -n "$NETNS" link set lo up; } || give_up "cannot make a network namespace with a veth pair (ip netns, veth)"

install -d -m 755 "$WORK"
install -d -m 700 "$COL" "$COL/log" "$COL/log/audit" "$COL/spool" "$COL/plugins.d"
install -m 640 "$FLEET/auditd-collector.conf" "$COL/auditd.conf"
# FLEET_TRANSPORT=tcp (a measurement, not the tested configuration): the same files with plain TCP, omfwd and
# imtcp in place of omrelp and imrelp, to see what the README's choice of RELP avoids.
COL_CONF=$FLEET/rsyslog-collector.conf
if [ "${FLEET_TRANSPORT:-relp}" = tcp ]; then
    sed 's/module(load="imrelp")/module(load="imtcp")/; s/type="imrelp"/type="imtcp"/' "$COL_CONF" >"$COL/rsyslog-collector.conf"
    COL_CONF=$COL/rsyslog-collector.conf
fi
cat >"$COL/rsyslog.conf" <<CONF
global(workDirectory="$COL/spool")
include(file="$COL_CONF")
CONF
# in_collector COMMAND...: runs COMMAND in the collector's network namespace, in a mount namespace of its own
# where /run is empty, /var/log is the collector's and /etc/audit holds the collector's auditd.conf and no
# plugins (the node's au-remote would otherwise forward the collector's records back to itself).
# Called with & (a subshell): exec, so that $! is the daemon's pid (ip netns exec, unshare and sh all exec).
in_collector() {
    exec ip netns exec "$NETNS" unshare --mount --propagation private -- sh -c '
        mount -t tmpfs -o mode=755 rsshfleet-run /run && mount --bind "$1/log" /var/log &&
        mount --bind "$1/auditd.conf" /etc/audit/auditd.conf && mount --bind "$1/plugins.d" /etc/audit/plugins.d &&
        shift && exec "$@"' sh "$COL" "$@"
}
# A TCP port listening in the collector (at most 10 s).
collector_listens() {
    for _ in $(seq 100); do ip netns exec "$NETNS" ss -Hltn "sport = :$1" | grep -q . && return 0; sleep 0.1; done
    return 1
}
start_collector() {
    in_collector rsyslogd -n -f "$COL/rsyslog.conf" -i /run/rsyslogd.pid </dev/null >>"$COL/rsyslogd.out" 2>&1 &
    COL_RSYSLOGD=$!
    if [ -n "${AUDIT_MODE:-}" ]; then
        in_collector auditd -n </dev/null >>"$COL/auditd.out" 2>&1 &
        COL_AUDITD=$!
        collector_listens 60 || { echo "$NAME: the collector's auditd does not listen"; cat "$COL/auditd.out"; return 1; }
    fi
    collector_listens 2514 || { echo "$NAME: the collector's rsyslogd does not listen"; cat "$COL/rsyslogd.out"; return 1; }
}
# stop_collector [SIGNAL]: TERM by default; FLEET_STOP_SIGNAL=KILL (a measurement) for the mid-run stop.
stop_collector() {
    stop_pid "${COL_RSYSLOGD:-}" "${1:-TERM}"; COL_RSYSLOGD=
    stop_pid "${COL_AUDITD:-}" "${1:-TERM}"; COL_AUDITD=
}

# --- the node: rssh, sshd, rsyslogd with the forwarding, the machine's auditd with au-remote ------------
harness_install
harness_config <<CONF
logfacility = LOG_USER
sftpserveroptions = -l INFO
user = $PLAIN:022:00010
user = $JUSER:022:00010:$JAIL
CONF
harness_users
install -d -m 700 "$NODE"
sed "s/loghost\.example/$COL_IP/" "$FLEET/rsyslog-node.conf" >"$NODE/rsyslog-node.conf"
[ "${FLEET_TRANSPORT:-relp}" = tcp ] && sed -i 's/module(load="omrelp")//; s/type="omrelp"/type="omfwd" protocol="tcp" template="RSYSLOG_ForwardFormat"/' "$NODE/rsyslog-node.conf"
# The node's rsyslogd: /dev/log (lib.sh's overlay) and the jail's socket, as Config/rsyslog-rssh.conf sets up;
# every line to $SYSLOG; the three programs' lines also to sent.log with the collector's line template (the
# copy the collector's file is compared with); then the shipped forwarding.
harness_devlog && OWN_DEVLOG=1 || give_up "no overlay over /dev in the private mount namespace (see lib.sh)"
cat >"$WORK/rsyslog.conf" <<CONF
global(workDirectory="$NODE")
module(load="imuxsock" SysSock.Use="on")
input(type="imuxsock" Socket="$JAIL/dev/log" CreatePath="on")
template(name="rssh_fleet_line" type="string"
         string="%timereported:::date-rfc3339% %hostname% %syslogtag%%msg:::sp-if-no-1st-sp%%msg:::drop-last-lf%\n")
*.* action(type="omfile" file="$SYSLOG" template="RSYSLOG_TraditionalFileFormat")
if \$programname == 'rssh' or \$programname == 'rssh_chroot_helper' or \$programname == 'sftp-server' then {
    action(type="omfile" file="$NODE/sent.log" template="rssh_fleet_line")
}
include(file="$NODE/rsyslog-node.conf")
CONF
rsyslogd -f "$WORK/rsyslog.conf" -i "$WORK/rsyslogd.pid" || give_up "the node's rsyslogd did not start"
for _ in $(seq 50); do [ -S "$JAIL/dev/log" ] && [ -S /dev/log ] && break; sleep 0.1; done
harness_sshd

# The audit path. AUDIT_MODE: own (no audit daemon was registered: the suite runs the machine's auditd),
# systemd (systemd's auditd.service, restarted), or empty (someone else's audit daemon: skipped).
AUDIT_ENABLED_BEFORE=$(audit_status enabled)
HOST_AUDITD=$(audit_status pid)
procs=$(ps -C auditd -o pid=,stat= | awk '$2 !~ /^Z/ { printf "%s ", $1 }')
if [ "$HOST_AUDITD" = 0 ] && [ -z "$procs" ]; then AUDIT_MODE=own
elif [ -d /run/systemd/system ] && [ "$(systemctl show -p MainPID --value auditd 2>/dev/null)" = "$HOST_AUDITD" ]; then AUDIT_MODE=systemd
else AUDIT_MODE=; AUDIT_WHY="an audit daemon the suite did not start and systemd does not manage runs (pid ${HOST_AUDITD}${procs:+, processes $procs}): the suite does not reconfigure it"
fi
if [ -n "$AUDIT_MODE" ]; then
    for f in "${AUDIT_FILES[@]}"; do snapshot "$f"; done
    [ -e "$AUDIT_QUEUE" ] || touch "$BACKUP/queue.absent"
    SNAPSHOT_TAKEN=1
    # mode = forward keeps the queue in /var/spool/audit, which Debian's packages do not create.
    [ -d "$(dirname "$AUDIT_QUEUE")" ] || { touch "$BACKUP/spool.absent"; install -d -m 700 "$(dirname "$AUDIT_QUEUE")"; }
    install -m 640 "$FLEET/au-remote.conf" /etc/audit/plugins.d/au-remote.conf
    sed "s/loghost\.example/$COL_IP/" "$FLEET/audisp-remote.conf" >/etc/audit/audisp-remote.conf
    chmod 640 /etc/audit/audisp-remote.conf
    sed -i 's/^name_format *=.*/name_format = hostname/' /etc/audit/auditd.conf
    grep -q '^name_format = hostname' /etc/audit/auditd.conf || echo 'name_format = hostname' >>/etc/audit/auditd.conf
fi
start_collector || { fail "the collector starts (rsyslogd with imrelp, auditd with local_events = no)"; summary; exit 1; }
pass "the collector starts (rsyslogd with imrelp, auditd with local_events = no)"
# Debian 12's auditd honours local_events = no: it listens, and the kernel's audit daemon is unchanged (none
# when the suite runs the node's own), so it can run beside the node's auditd on one kernel.
if [ -n "$AUDIT_MODE" ]; then
    pid=$(audit_status pid)
    if [ "$pid" != "$COL_AUDITD" ] && { [ "$AUDIT_MODE" != own ] || [ "$pid" = 0 ]; }; then
        pass "the collector's auditd (local_events = no) listens and does not register with the kernel"
    else fail "the collector's auditd (local_events = no) listens and does not register with the kernel" "kernel's audit pid $pid"; fi
fi
case "$AUDIT_MODE" in
    own)
        auditd -n -s nochange </dev/null >>"$NODE/auditd.out" 2>&1 &
        NODE_AUDITD_PID=$!
        for _ in $(seq 100); do [ "$(audit_status pid)" = "$NODE_AUDITD_PID" ] && break; sleep 0.1; done
        [ "$(audit_status pid)" = "$NODE_AUDITD_PID" ] || { cat "$NODE/auditd.out"; give_up "the machine's auditd did not register with the kernel"; }
        [ "$AUDIT_ENABLED_BEFORE" = 0 ] && auditctl -e 1 >/dev/null 2>&1 ;;
    systemd) systemctl restart auditd || give_up "systemctl restart auditd failed" ;;
esac
AUDIT_LOG=$(sed -n 's/^log_file *= *//p' /etc/audit/auditd.conf); AUDIT_LOG=${AUDIT_LOG:-/var/log/audit/audit.log}
START_EPOCH=$(date +%s)

COL_AUDIT=$COL/log/audit/audit.log
# node_records: the node's rssh and helper audit records (USER_CMD, comm rssh or rssh_chroot_helper, acct
# one of the suite's users) since the run started, without the enrichment ausearch adds (after \x1d).
node_records() {
    cat "$AUDIT_LOG" 2>/dev/null | rssh_records
}
rssh_records() {
    grep -a 'type=USER_CMD' | grep -aE "comm=\"rssh(_chroot_helper)?\"" | grep -aE "acct=\"($PLAIN|$JUSER)\"" | cut -d $'\x1d' -f1 \
        | sed -n 's/^node=[^ ]* //; s/.*msg=audit(\([0-9]*\)\..*/\1 &/p' | awk -v s="$START_EPOCH" '$1 + 0 >= s' | cut -d ' ' -f 2-
}
collector_records() { cat "$COL_AUDIT" 2>/dev/null | rssh_records; }
# --- sessions -----------------------------------------------------------------------------------------
install -d -m 755 "$WORK/local"
SESSIONS=0
# session I USER: one sftp session uploading fleet-I.txt (a name sftp-server logs) and listing the home.
session() {
    printf 'fleet %s\n' "$1" >"$WORK/local/fleet-$1.txt"
    printf 'put %s\nls\n' "$WORK/local/fleet-$1.txt" | sftp_batch "$2" >"$WORK/local/session-$1.out" 2>&1
}
user_of() { if [ $(($1 % 2)) -eq 0 ]; then echo "$PLAIN"; else echo "$JUSER"; fi; }
# run_sessions FROM TO: sessions FROM..TO, one after another; true when all succeeded.
run_sessions() {
    local i ok=0
    for i in $(seq "$1" "$2"); do session "$i" "$(user_of "$i")" || ok=1; done
    return $ok
}
if run_sessions 1 4; then pass "4 sessions with the collector up"; else fail "4 sessions with the collector up" "$(cat "$WORK"/local/session-*.out)"; fi

# N sessions in parallel (staggered); the collector is stopped once a third of them have started.
FIRST=5
LAST=$((FIRST + FLEET_SESSIONS - 1))
pids=()
for i in $(seq "$FIRST" "$LAST"); do
    session "$i" "$(user_of "$i")" & pids+=($!)
    [ "$i" -eq $((FIRST + FLEET_SESSIONS / 3)) ] && stop_collector "${FLEET_STOP_SIGNAL:-TERM}"
    sleep 0.2
done
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
[ -z "${COL_RSYSLOGD:-}" ] && [ -z "${COL_AUDITD:-}" ] && ! ip netns exec "$NETNS" ss -Hltn | grep -q . \
    && pass "the collector was stopped while sessions ran" || fail "the collector was stopped while sessions ran"
if [ "$bad" -eq 0 ]; then pass "$FLEET_SESSIONS parallel sessions while the collector stops"
else fail "$FLEET_SESSIONS parallel sessions while the collector stops" "$bad failed"; fi
sleep 2 # the node's queues hold what arrived while the collector was away
# What waited: the node's lines and records the collector does not have yet.
cat "$COL"/log/rssh/*.log 2>/dev/null | wc -l >"$WORK/col-lines-at-restart"
WAITED_LINES=$(($(wc -l <"$NODE/sent.log") - $(cat "$WORK/col-lines-at-restart")))
WAITED_RECORDS=-
[ -n "$AUDIT_MODE" ] && WAITED_RECORDS=$(($(node_records | wc -l) - $(collector_records | wc -l)))
if [ "$WAITED_LINES" -gt 0 ] && { [ -z "$AUDIT_MODE" ] || [ "$WAITED_RECORDS" -gt 0 ]; }; then
    pass "the node held back what came while the collector was away ($WAITED_LINES lines, $WAITED_RECORDS records)"
else fail "the node held back what came while the collector was away" "lines $WAITED_LINES, records $WAITED_RECORDS"; fi
if start_collector; then pass "the collector starts again"; else fail "the collector starts again"; fi
NEXT=$((LAST + 1))
AFTER=$((NEXT + 3))
if run_sessions "$NEXT" "$AFTER"; then pass "4 sessions after the collector is back"; else fail "4 sessions after the collector is back"; fi
SESSIONS=$AFTER

# --- what the node sent and what the collector has --------------------------------------------------
COL_LINES=$WORK/arrived.log # the collector's files, one per sending host (there is one here)
# caught_up: the collector holds at least as many lines and records as the node sent.
caught_up() {
    cat "$COL"/log/rssh/*.log >"$COL_LINES" 2>/dev/null
    [ "$(wc -l <"$COL_LINES")" -ge "$(wc -l <"$NODE/sent.log")" ] || return 1
    [ -z "$AUDIT_MODE" ] || [ "$(collector_records | wc -l)" -ge "$(node_records | wc -l)" ]
}
NUDGES=0
for s in $(seq $((BOUND * 2))); do
    caught_up && break
    # audisp-remote connects again with the next record; a quiet node gets one every 5 s from here.
    [ $((s % 10)) -eq 0 ] && [ -n "$AUDIT_MODE" ] && auditctl -m "rssh fleet suite: waiting for the collector" 2>/dev/null \
        && NUDGES=$((NUDGES + 1))
    sleep 0.5
done
sleep 2 # a late duplicate would arrive now
cat "$COL"/log/rssh/*.log >"$COL_LINES" 2>/dev/null

# Lines: the node's copy and the collector's, compared line for line (with high-precision timestamps and
# pids no two lines are alike, so a line twice at the collector is a duplicate).
sort "$NODE/sent.log" >"$WORK/sent.sorted"
sort "$COL_LINES" 2>/dev/null >"$WORK/arrived.sorted"
LINES_SENT=$(wc -l <"$WORK/sent.sorted")
LINES_ARRIVED=$(sort -u "$WORK/arrived.sorted" | comm -12 - <(sort -u "$WORK/sent.sorted") | wc -l)
LINES_DUP=$(($(wc -l <"$WORK/arrived.sorted") - $(sort -u "$WORK/arrived.sorted" | wc -l)))
LINES_FOREIGN=$(sort -u "$WORK/arrived.sorted" | comm -23 - <(sort -u "$WORK/sent.sorted") | wc -l)
if [ "$LINES_SENT" -gt 0 ] && [ "$LINES_ARRIVED" -eq "$LINES_SENT" ] && [ "$LINES_DUP" -eq 0 ] && [ "$LINES_FOREIGN" -eq 0 ]; then
    pass "syslog: all $LINES_SENT lines arrived at the collector exactly once, unchanged"
else fail "syslog: all lines arrived at the collector exactly once, unchanged" \
    "sent $LINES_SENT, arrived $LINES_ARRIVED, duplicates $LINES_DUP, not sent $LINES_FOREIGN
$(diff "$WORK/sent.sorted" "$WORK/arrived.sorted" | head -10)"; fi
# Content: each session's decision by rssh (plain) or the helper (jail) and its upload, at the collector.
missing=""
for i in $(seq 1 "$SESSIONS"); do
    u=$(user_of "$i")
    [ "$(grep -c "sftp-server\[[0-9]*\]: .*fleet-$i\.txt\"" "$COL_LINES" 2>/dev/null)" -ge 1 ] || missing="$missing upload-$i"
done
want_rssh=$((SESSIONS / 2))
got_rssh=$(grep -cE " rssh\[[0-9]+\]: allowed user=\"$PLAIN\"" "$COL_LINES" 2>/dev/null)
got_helper=$(grep -cE " rssh_chroot_helper\[[0-9]+\]: allowed user=\"$JUSER\"" "$COL_LINES" 2>/dev/null)
if [ -z "$missing" ] && [ "$got_rssh" -eq "$want_rssh" ] && [ "$got_helper" -eq $((SESSIONS - want_rssh)) ]; then
    pass "syslog: the collector has each of the $SESSIONS sessions' upload and decision (rssh $got_rssh, helper $got_helper)"
else fail "syslog: the collector has each session's upload and decision" \
    "missing:$missing; rssh allowed $got_rssh of $want_rssh, helper allowed $got_helper of $((SESSIONS - want_rssh))"; fi

RECORDS_SENT=-; RECORDS_ARRIVED=-; RECORDS_DUP=-
if [ -z "$AUDIT_MODE" ]; then
    skip "audit: every record arrived at the collector exactly once" "$AUDIT_WHY"
else
    node_records | sort >"$WORK/records-sent"
    collector_records | sort >"$WORK/records-arrived"
    RECORDS_SENT=$(wc -l <"$WORK/records-sent")
    RECORDS_ARRIVED=$(sort -u "$WORK/records-arrived" | comm -12 - <(sort -u "$WORK/records-sent") | wc -l)
    RECORDS_DUP=$(($(wc -l <"$WORK/records-arrived") - $(sort -u "$WORK/records-arrived" | wc -l)))
    # The same serial twice with different text would also be a duplicate.
    serial_dup=$(grep -o 'audit([0-9.:]*)' "$WORK/records-arrived" | sort | uniq -d | wc -l)
    foreign=$(sort -u "$WORK/records-arrived" | comm -23 - <(sort -u "$WORK/records-sent") | wc -l)
    if [ "$RECORDS_SENT" -gt 0 ] && [ "$RECORDS_ARRIVED" -eq "$RECORDS_SENT" ] && [ "$RECORDS_DUP" -eq 0 ] && [ "$serial_dup" -eq 0 ] && [ "$foreign" -eq 0 ]; then
        pass "audit: all $RECORDS_SENT rssh and helper records arrived at the collector exactly once, unchanged"
    else fail "audit: all records arrived at the collector exactly once, unchanged" \
        "sent $RECORDS_SENT, arrived $RECORDS_ARRIVED, duplicates $RECORDS_DUP (by serial $serial_dup), not sent $foreign
$(diff "$WORK/records-sent" "$WORK/records-arrived" | head -6)"; fi
    # Content: one allowing record per session from rssh (plain) or the helper (jail), with the node's name.
    got_rssh=$(grep -c 'comm="rssh" .*res=success' "$WORK/records-arrived")
    got_helper=$(grep -c 'comm="rssh_chroot_helper" .*res=success' "$WORK/records-arrived")
    if [ "$got_rssh" -ge "$want_rssh" ] && [ "$got_helper" -eq $((SESSIONS - want_rssh)) ] \
        && grep -aq "^node=$(hostname) type=USER_CMD" "$COL_AUDIT"; then
        pass "audit: the collector has each session's allowing record, marked node=$(hostname)"
    else fail "audit: the collector has each session's allowing record, marked node=$(hostname)" \
        "rssh $got_rssh (want >= $want_rssh), helper $got_helper (want $((SESSIONS - want_rssh)))"; fi
fi
echo "fleet: $SESSIONS sessions; lines sent $LINES_SENT, arrived $LINES_ARRIVED, duplicates $LINES_DUP;" \
    "records sent $RECORDS_SENT, arrived $RECORDS_ARRIVED, duplicates $RECORDS_DUP;" \
    "held back while the collector was away: $WAITED_LINES lines, $WAITED_RECORDS records; $NUDGES extra audit" \
    "messages sent while waiting; ${SECONDS}s"
summary
[ "$FAILED" -eq 0 ]
