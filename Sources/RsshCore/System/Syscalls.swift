// Every raw system call the library makes lives in this file, so the whole privileged and
// security-relevant surface can be reviewed at a glance. Each wrapper is a thin pass-through;
// callers turn failures into `SystemError` values.

import CAudit
import CRsshLibc
import CRsshShims

@inline(__always)
internal func system_errno() -> Int32 { CRsshLibc_errno() }

/// Sets errno (to tell a call that set it from one that did not).
internal func system_set_errno(_ value: Int32) { CRsshLibc_set_errno(value) }

internal func system_open(_ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 {
    CRsshLibc_open(path, flags)
}

internal func system_close(_ fd: Int32) -> Int32 {
    close(fd)
}

internal func system_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

internal func system_write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

internal func system_fstat(_ fd: Int32, _ buffer: UnsafeMutablePointer<stat>) -> Int32 {
    fstat(fd, buffer)
}

internal func system_lstat(_ path: UnsafePointer<CChar>, _ buffer: UnsafeMutablePointer<stat>) -> Int32 {
    lstat(path, buffer)
}

/// access(2) on a C path.
internal func system_access_path(_ path: UnsafePointer<CChar>, _ mode: Int32) -> Int32 { access(path, mode) }

/// landlock_create_ruleset(NULL, 0, VERSION): the ABI, or -errno.
internal func system_landlock_abi() -> Int32 { CRsshShims_landlock_abi() }

/// landlock_create_ruleset(2): a ruleset descriptor, or -errno.
internal func system_landlock_create(_ fs: UInt64, _ net: UInt64, _ scoped: UInt64, _ abi: Int32) -> Int32 {
    CRsshShims_landlock_create(fs, net, scoped, abi)
}

/// landlock_add_rule(2) with a path-beneath rule: 0, or -errno.
internal func system_landlock_allow_beneath(_ ruleset: Int32, _ parent: Int32, _ access: UInt64) -> Int32 {
    CRsshShims_landlock_allow_beneath(ruleset, parent, access)
}

/// landlock_restrict_self(2): 0, or -errno.
internal func system_landlock_restrict(_ ruleset: Int32, _ flags: UInt32) -> Int32 {
    CRsshShims_landlock_restrict(ruleset, flags)
}

/// open(path, O_PATH | O_CLOEXEC).
internal func system_open_path(_ path: UnsafePointer<CChar>) -> Int32 { CRsshShims_open_path(path) }

/// openat(directory, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC).
internal func system_open_path_beneath(_ directory: Int32, _ name: UnsafePointer<CChar>) -> Int32 {
    CRsshShims_open_path_beneath(directory, name)
}

internal func system_access(_ path: UnsafePointer<CChar>, _ mode: Int32) -> Int32 {
    access(path, mode)
}

internal func system_getuid() -> uid_t { getuid() }

internal func system_geteuid() -> uid_t { geteuid() }

internal func system_umask(_ mask: mode_t) -> mode_t { umask(mask) }

internal func system_getpwuid_r(
    _ uid: uid_t,
    _ entry: UnsafeMutablePointer<passwd>,
    _ buffer: UnsafeMutablePointer<CChar>,
    _ size: Int,
    _ result: UnsafeMutablePointer<UnsafeMutablePointer<passwd>?>
) -> Int32 {
    getpwuid_r(uid, entry, buffer, size, result)
}

internal func system_execve(
    _ path: UnsafePointer<CChar>,
    _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
    _ envp: UnsafePointer<UnsafeMutablePointer<CChar>?>
) -> Int32 {
    execve(path, argv, envp)
}

/// execv(3): the caller's own environment passed on, for the program `rssh -v` runs.
internal func system_execv(_ path: UnsafePointer<CChar>, _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    execv(path, argv)
}

/// glob(3) with counting directory callbacks that stop once `budget` is spent (GLOB_ALTDIRFUNC).
internal func system_glob_budgeted(
    _ pattern: UnsafePointer<CChar>,
    _ flags: Int32,
    _ result: UnsafeMutablePointer<glob_t>,
    _ budget: UnsafeMutablePointer<CRsshShims_glob_budget>
) -> Int32 {
    CRsshShims_glob_budgeted(pattern, flags, result, budget)
}

/// getrlimit(2).
internal func system_getrlimit(_ resource: __rlimit_resource, _ limit: UnsafeMutablePointer<rlimit>) -> Int32 {
    getrlimit(__rlimit_resource_t(truncatingIfNeeded: resource.rawValue), limit)
}

/// setrlimit(2).
internal func system_setrlimit(_ resource: __rlimit_resource, _ limit: UnsafePointer<rlimit>) -> Int32 {
    setrlimit(__rlimit_resource_t(truncatingIfNeeded: resource.rawValue), limit)
}

/// getrusage(2) for the calling process.
internal func system_getrusage_self(_ usage: UnsafeMutablePointer<rusage>) -> Int32 {
    getrusage(__rusage_who_t(truncatingIfNeeded: RUSAGE_SELF.rawValue), usage)
}

internal func system_globfree(_ result: UnsafeMutablePointer<glob_t>) {
    globfree(result)
}

internal func system_openlog(_ ident: UnsafePointer<CChar>, _ options: Int32, _ facility: Int32) {
    openlog(ident, options, facility)
}

internal func system_syslog(_ priority: Int32, _ message: UnsafePointer<CChar>) {
    CRsshShims_syslog(priority, message)
}

internal func system_drop_capabilities() -> Int32 {
    CRsshShims_drop_capabilities()
}

// MARK: - Privilege changes (used only by the setuid chroot helper)

internal func system_chdir(_ path: UnsafePointer<CChar>) -> Int32 { chdir(path) }

internal func system_chroot(_ path: UnsafePointer<CChar>) -> Int32 { chroot(path) }

internal func system_setgroups(_ count: Int, _ groups: UnsafePointer<gid_t>?) -> Int32 { setgroups(count, groups) }

internal func system_setresgid(_ gid: gid_t) -> Int32 { CRsshShims_setresgid(gid, gid, gid) }

internal func system_setresuid(_ uid: uid_t) -> Int32 { CRsshShims_setresuid(uid, uid, uid) }

internal func system_getresuid(
    _ ruid: UnsafeMutablePointer<uid_t>,
    _ euid: UnsafeMutablePointer<uid_t>,
    _ suid: UnsafeMutablePointer<uid_t>
) -> Int32 {
    CRsshShims_getresuid(ruid, euid, suid)
}

internal func system_getresgid(
    _ rgid: UnsafeMutablePointer<gid_t>,
    _ egid: UnsafeMutablePointer<gid_t>,
    _ sgid: UnsafeMutablePointer<gid_t>
) -> Int32 {
    CRsshShims_getresgid(rgid, egid, sgid)
}

internal func system_setuid(_ uid: uid_t) -> Int32 { setuid(uid) }

internal func system_setgid(_ gid: gid_t) -> Int32 { setgid(gid) }

internal func system_set_no_new_privs() -> Int32 { CRsshShims_set_no_new_privs() }

internal func system_set_not_dumpable() -> Int32 { CRsshShims_set_not_dumpable() }

internal func system_close_from(_ fd: UInt32) -> Int32 { CRsshShims_close_from(fd) }

internal func system_fcntl_getfd(_ fd: Int32) -> Int32 { CRsshLibc_fcntl_getfd(fd) }

internal func system_clearenv() -> Int32 { clearenv() }

/// pipe2(2) with O_CLOEXEC.
internal func system_pipe(_ fds: UnsafeMutablePointer<Int32>) -> Int32 { CRsshShims_pipe_cloexec(fds) }

/// SIGPIPE ignored (true) or back to its default (false, before execve: an ignored signal survives it).
internal func system_ignore_sigpipe(_ ignore: Bool) -> Int32 { CRsshShims_ignore_sigpipe(ignore ? 1 : 0) }

/// fork(2).
internal func system_fork() -> pid_t { fork() }

/// waitpid(2) for one child, retrying EINTR: the raw status, or -1.
internal func system_wait(_ pid: pid_t) -> Int32 { CRsshShims_wait_for(pid) }

/// Whether a raw wait status is a normal exit with status 0 (WIFEXITED and WEXITSTATUS).
internal func system_exited_zero(_ status: Int32) -> Bool { CRsshShims_exited_zero(status) != 0 }

/// _exit(2): no atexit handlers or stdio flushing in a forked child.
internal func system_exit_now(_ status: Int32) -> Never { _exit(status) }

internal func system_closelog() { closelog() }

/// posix_spawn(3) of a program with its output collected, bounded in time and size (CRsshShims_run_capture).
internal func system_run_capture(
    _ path: UnsafePointer<CChar>,
    _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
    _ envp: UnsafePointer<UnsafeMutablePointer<CChar>?>,
    _ timeoutMilliseconds: Int32,
    _ output: UnsafeMutablePointer<CChar>,
    _ outputSize: Int,
    _ outputLength: UnsafeMutablePointer<UInt>,
    _ errors: UnsafeMutablePointer<CChar>,
    _ errorsSize: Int,
    _ errorsLength: UnsafeMutablePointer<UInt>,
    _ status: UnsafeMutablePointer<Int32>
) -> Int32 {
    CRsshShims_run_capture(
        path,
        argv,
        envp,
        timeoutMilliseconds,
        output,
        UInt(outputSize),
        outputLength,
        errors,
        UInt(errorsSize),
        errorsLength,
        status
    )
}

/// WEXITSTATUS(3) of a raw wait status, or -1 when the child was killed by a signal.
internal func system_exit_code(_ status: Int32) -> Int32 { CRsshShims_exit_code(status) }

/// setpwent(3): restart the enumeration of every passwd entry NSS knows.
internal func system_setpwent() { setpwent() }

/// getpwent(3): the next passwd entry (static storage, copied at once), or nil at the end or on failure.
internal func system_getpwent() -> UnsafeMutablePointer<passwd>? { getpwent() }

/// endpwent(3).
internal func system_endpwent() { endpwent() }

// MARK: - Kernel audit (libaudit)

internal func system_audit_open() -> Int32 { audit_open() }

internal func system_audit_close(_ fd: Int32) { audit_close(fd) }

/// libaudit's `audit_send`: one netlink message of `type` to the kernel's audit, then its acknowledgement.
///
/// Returns the message's sequence number (> 0) once the kernel acknowledged it, or -errno.
internal func system_audit_send(_ fd: Int32, _ type: Int32, _ data: UnsafeRawPointer, _ size: Int) -> Int32 {
    CRsshShims_audit_send(fd, type, data, UInt32(size))
}

/// The audit message type of a user command record (AUDIT_USER_CMD).
internal let system_audit_user_cmd = Int32(AUDIT_USER_CMD)

/// ttyname_r(3).
internal func system_ttyname(_ fd: Int32, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int) -> Int32 {
    ttyname_r(fd, buffer, size)
}

/// gethostname(2).
internal func system_gethostname(_ buffer: UnsafeMutablePointer<CChar>, _ size: Int) -> Int32 {
    gethostname(buffer, size)
}

internal func system_free(_ pointer: UnsafeMutableRawPointer?) { free(pointer) }

/// The kernel's audit status (AUDIT_GET): 0 with `enabled` and the registered daemon's `pid` filled in, or
/// -errno.
internal func system_audit_status(
    _ enabled: UnsafeMutablePointer<Int32>,
    _ pid: UnsafeMutablePointer<Int32>
) -> Int32 {
    CRsshShims_audit_status(enabled, pid)
}

/// Reduces this process's capabilities to CAP_AUDIT_WRITE alone (verified): 0, or -1.
internal func system_keep_only_audit_write() -> Int32 { CRsshShims_keep_only_audit_write() }

/// PR_SET_KEEPCAPS: whether the permitted capabilities survive the next change away from uid 0.
internal func system_keep_capabilities(_ keep: Bool) -> Int32 { CRsshShims_keep_capabilities(keep ? 1 : 0) }

internal func system_has_audit_write() -> Int32 {
    CRsshShims_has_effective_capability(CRsshShims_cap_audit_write())
}

internal func system_getxattr(_ path: String, _ name: String, _ buffer: UnsafeMutableRawPointer, _ size: Int) -> Int {
    CRsshShims_getxattr(path, name, buffer, UInt(size))
}

internal func system_opendir(_ path: String) -> OpaquePointer? { opendir(path) }

internal func system_readdir(_ directory: OpaquePointer) -> UnsafeMutablePointer<dirent>? { readdir(directory) }

internal func system_closedir(_ directory: OpaquePointer) { _ = closedir(directory) }

// MARK: - WinSCP's SCP mode (the responder answers WinSCP's shell commands itself)

/// getcwd(3).
internal func system_getcwd(_ buffer: UnsafeMutablePointer<CChar>, _ size: Int) -> UnsafeMutablePointer<CChar>? {
    getcwd(buffer, size)
}

/// mkdir(2); the process umask applies.
internal func system_mkdir(_ path: UnsafePointer<CChar>, _ mode: mode_t) -> Int32 { mkdir(path, mode) }

/// rename(2).
internal func system_rename(_ from: UnsafePointer<CChar>, _ to: UnsafePointer<CChar>) -> Int32 { rename(from, to) }

/// symlink(2).
internal func system_symlink(_ target: UnsafePointer<CChar>, _ name: UnsafePointer<CChar>) -> Int32 {
    symlink(target, name)
}

/// link(2) (does not follow a symbolic link `target`).
internal func system_link(_ target: UnsafePointer<CChar>, _ name: UnsafePointer<CChar>) -> Int32 { link(target, name) }

/// readlinkat(2).
internal func system_readlinkat(
    _ directory: Int32,
    _ path: UnsafePointer<CChar>,
    _ buffer: UnsafeMutablePointer<CChar>,
    _ size: Int
) -> Int {
    readlinkat(directory, path, buffer, size)
}

/// fchdir(2).
internal func system_fchdir(_ fd: Int32) -> Int32 { fchdir(fd) }

/// openat(2) without O_CREAT.
internal func system_openat(_ directory: Int32, _ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 {
    CRsshLibc_openat(directory, path, flags)
}

/// fstatat(2).
internal func system_fstatat(
    _ directory: Int32,
    _ path: UnsafePointer<CChar>,
    _ buffer: UnsafeMutablePointer<stat>,
    _ flags: Int32
) -> Int32 {
    fstatat(directory, path, buffer, flags)
}

/// fchmodat(2) with no flags.
internal func system_fchmodat(_ directory: Int32, _ path: UnsafePointer<CChar>, _ mode: mode_t) -> Int32 {
    fchmodat(directory, path, mode, 0)
}

/// unlinkat(2).
internal func system_unlinkat(_ directory: Int32, _ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 {
    unlinkat(directory, path, flags)
}

/// fdopendir(3); the stream owns `fd` from then on.
internal func system_fdopendir(_ fd: Int32) -> OpaquePointer? { fdopendir(fd) }

/// dup2(2).
internal func system_dup2(_ fd: Int32, _ target: Int32) -> Int32 { dup2(fd, target) }

/// getgid(2).
internal func system_getgid() -> gid_t { getgid() }

/// getegid(2).
internal func system_getegid() -> gid_t { getegid() }

/// getgroups(2).
internal func system_getgroups(_ count: Int32, _ groups: UnsafeMutablePointer<gid_t>?) -> Int32 {
    getgroups(count, groups)
}

/// getgrgid_r(3).
internal func system_getgrgid_r(
    _ gid: gid_t,
    _ entry: UnsafeMutablePointer<group>,
    _ buffer: UnsafeMutablePointer<CChar>,
    _ size: Int,
    _ result: UnsafeMutablePointer<UnsafeMutablePointer<group>?>
) -> Int32 {
    getgrgid_r(gid, entry, buffer, size, result)
}

/// getgrnam_r(3), through NSS.
internal func system_getgrnam_r(
    _ name: String,
    _ entry: UnsafeMutablePointer<group>,
    _ buffer: UnsafeMutablePointer<CChar>,
    _ size: Int,
    _ result: UnsafeMutablePointer<UnsafeMutablePointer<group>?>
) -> Int32 {
    getgrnam_r(name, entry, buffer, size, result)
}

/// getgrouplist(3), through NSS: every group `name` is in, `gid` first.
internal func system_getgrouplist(
    _ name: String,
    _ gid: gid_t,
    _ groups: UnsafeMutablePointer<gid_t>,
    _ count: UnsafeMutablePointer<Int32>
) -> Int32 {
    getgrouplist(name, gid, groups, count)
}

/// time(2).
internal func system_time() -> Int64 { Int64(time(nil)) }

// MARK: - ~/.ssh protection (review 3, F5, F11)

/// ioctl(FS_IOC_GETFLAGS) on an open file: 0 with the inode flags in `flags`, or -errno.
internal func system_get_inode_flags(_ fd: Int32, _ flags: UnsafeMutablePointer<UInt32>) -> Int32 {
    CRsshShims_get_inode_flags(fd, flags)
}

/// FS_IMMUTABLE_FL.
internal func system_immutable_flag() -> UInt32 { CRsshShims_immutable_flag() }

/// realpath(3) into a malloc'd buffer (free it with `system_free`), or nil with errno.
internal func system_realpath(_ path: UnsafePointer<CChar>) -> UnsafeMutablePointer<CChar>? { realpath(path, nil) }

// The supervised mode (Shell/Supervisor.swift, Shell/SessionSlots.swift).

/// Blocks the forwarded signals and SIGCHLD; a non-blocking signalfd that reads them, or -1.
internal func system_supervisor_signals() -> Int32 { CRsshShims_supervisor_signals() }

/// One pending signal from that signalfd: its number, 0 when none, -1 on error.
internal func system_read_signal(_ fd: Int32) -> Int32 { CRsshShims_read_signal(fd) }

/// Puts back the inherited signal mask (the child, before it execs).
internal func system_unblock_signals() -> Int32 { CRsshShims_unblock_signals() }

/// O_NONBLOCK on a descriptor.
internal func system_set_nonblocking(_ fd: Int32) -> Int32 { CRsshShims_set_nonblocking(fd) }

/// ppoll(2) over parallel tables of descriptors, requested and returned events; `timeout` in nanoseconds
/// (negative: none).
internal func system_poll(
    _ fds: UnsafePointer<Int32>,
    _ events: UnsafePointer<Int16>,
    _ revents: UnsafeMutablePointer<Int16>,
    _ count: Int32,
    _ timeout: Int64
) -> Int32 {
    CRsshShims_poll(fds, events, revents, count, timeout)
}

/// poll's flags: 0 POLLIN, 1 POLLOUT, 2 POLLERR, 3 POLLHUP, 4 POLLNVAL.
internal func system_poll_flag(_ which: Int32) -> Int16 { CRsshShims_poll_flag(which) }

/// fcntl(F_SETPIPE_SZ): the pipe's capacity in bytes afterwards, or -1 (not a pipe, or over the user's limits).
internal func system_set_pipe_size(_ fd: Int32, _ size: Int32) -> Int32 { CRsshShims_set_pipe_size(fd, size) }

/// prctl(PR_SET_TIMERSLACK): how late this process's timed waits may end (the kernel's default: 50 µs).
internal func system_set_timer_slack(_ nanoseconds: UInt) -> Int32 { CRsshShims_set_timer_slack(nanoseconds) }

/// ioctl(FIONREAD) on either end of a pipe: the bytes in it that its reader has not taken yet, or -1.
internal func system_pipe_queued(_ fd: Int32) -> Int { Int(CRsshShims_pipe_queued(fd)) }

/// splice(2), non-blocking, from `input` to `output`.
internal func system_splice(_ input: Int32, _ output: Int32, _ length: Int) -> Int {
    Int(CRsshShims_splice(input, output, UInt(length)))
}

/// waitpid(2) with WNOHANG: the pid, 0 while it runs, -1 on error.
internal func system_wait_nohang(_ pid: pid_t, _ status: UnsafeMutablePointer<Int32>) -> Int32 {
    CRsshShims_wait_nohang(pid, status)
}

/// A raw wait status: 1 exited (value: the code), 2 killed (value: the signal; core), 0 neither.
internal func system_decode_status(
    _ status: Int32,
    _ value: UnsafeMutablePointer<Int32>,
    _ core: UnsafeMutablePointer<Int32>
) -> Int32 {
    CRsshShims_decode_status(status, value, core)
}

/// Dies by `signal` (default action, no core file); returns only when the signal does not end a process.
internal func system_die_by_signal(_ signal: Int32) { CRsshShims_die_by_signal(signal) }

/// kill(2).
internal func system_kill(_ pid: pid_t, _ signal: Int32) -> Int32 { CRsshShims_kill(pid, signal) }

/// flock(2), exclusive, non-blocking.
internal func system_try_lock(_ fd: Int32) -> Int32 { CRsshShims_try_lock(fd) }

/// getrandom(2) into a buffer.
internal func system_random(_ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int32 {
    CRsshShims_random(buffer, UInt(count))
}

/// CLOCK_REALTIME.
internal func system_realtime() -> (seconds: Int64, nanoseconds: Int) {
    var seconds: Int64 = 0
    var nanoseconds = 0
    CRsshShims_realtime(&seconds, &nanoseconds)
    return (seconds, nanoseconds)
}

/// CLOCK_MONOTONIC in nanoseconds.
internal func system_monotonic_ns() -> Int64 { CRsshShims_monotonic_ns() }

/// prctl(PR_SET_NAME).
internal func system_set_process_name(_ name: UnsafePointer<CChar>) -> Int32 { CRsshShims_set_process_name(name) }

/// prctl(PR_SET_PDEATHSIG, SIGKILL).
internal func system_die_with_parent() -> Int32 { CRsshShims_die_with_parent() }

/// A signal's abbreviation ("TERM"), or nil.
internal func system_signal_name(_ signal: Int32) -> String? {
    guard let name = CRsshShims_signal_name(signal) else { return nil }
    return String(cString: name)
}

/// Opens a session slot file read-only (enough to lock it), never through a symbolic link.
internal func system_open_slot(_ path: UnsafePointer<CChar>) -> Int32 { CRsshShims_open_slot(path) }

/// pwrite(2).
internal func system_pwrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int, _ offset: Int) -> Int {
    Int(CRsshShims_pwrite(fd, buffer, UInt(count), offset))
}

/// ftruncate(2).
internal func system_ftruncate(_ fd: Int32, _ length: Int) -> Int32 { CRsshShims_ftruncate(fd, length) }

/// Creates a slot file (0600, the caller's: root's in the helper) unless it exists.
internal func system_make_slot(_ path: UnsafePointer<CChar>) -> Int32 { CRsshShims_make_slot(path) }

/// unlink(2).
internal func system_unlink(_ path: UnsafePointer<CChar>) -> Int32 { unlink(path) }

/// socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC).
internal func system_socket_pair(_ fds: UnsafeMutablePointer<Int32>) -> Int32 { CRsshShims_socket_pair(fds) }

/// Sends a tag and an index and, when `fd` >= 0, that descriptor (SCM_RIGHTS).
internal func system_send_descriptor(_ socket: Int32, tag: UInt8, index: UInt16, fd: Int32) -> Int32 {
    CRsshShims_send_descriptor(socket, tag, index, fd)
}

/// Receives a tag, an index and the descriptor sent with them (-1 for none), waiting at most
/// `timeoutMilliseconds`; nil when none came whole (errno ETIMEDOUT when nothing came in time).
internal func system_receive_descriptor(
    _ socket: Int32,
    timeoutMilliseconds: Int32
) -> (tag: UInt8, index: UInt16, fd: Int32)? {
    var tag: UInt8 = 0
    var index: UInt16 = 0
    var fd: Int32 = -1
    guard CRsshShims_receive_descriptor(socket, timeoutMilliseconds, &tag, &index, &fd) == 0 else { return nil }
    return (tag, index, fd)
}

/// memfd_create(2), close-on-exec.
internal func system_memfd(_ name: UnsafePointer<CChar>) -> Int32 { CRsshShims_memfd(name) }

/// Gives back what start-up dirtied and a process waiting a whole session no longer uses.
///
/// malloc_trim, then madvise(MADV_DONTNEED) of the dead stack below the caller. Returns the stack pages
/// released.
@discardableResult
internal func system_release_idle_memory() -> Int32 { CRsshShims_release_idle_memory() }

/// fcntl(F_DUPFD_CLOEXEC): a copy of `fd` at the lowest free descriptor >= `minimum`.
internal func system_duplicate_above(_ fd: Int32, _ minimum: Int32) -> Int32 { CRsshShims_duplicate_above(fd, minimum) }

/// An exclusive flock(2) on a directory, waited for: its descriptor (close it to unlock), or -1.
internal func system_lock_directory(_ path: UnsafePointer<CChar>) -> Int32 { CRsshShims_lock_directory(path) }

/// setpgid(0, 0).
internal func system_own_process_group() -> Int32 { CRsshShims_own_process_group() }

/// pread(2).
internal func system_pread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: Int) -> Int {
    Int(CRsshShims_pread(fd, buffer, UInt(count), offset))
}

/// mkdir(path, 0755), also fine when it exists.
internal func system_make_directory(_ path: UnsafePointer<CChar>) -> Int32 { CRsshShims_make_directory(path) }

/// getpid(2).
internal func system_getpid() -> pid_t { getpid() }

/// getppid(2).
internal func system_getppid() -> pid_t { getppid() }
