// Every raw system call the jail tools make lives in this file, so what `rsshctl` does to the file system
// as root can be reviewed at a glance. Nothing here changes an owner or a mode by path: the builder opens
// each directory with openat(O_NOFOLLOW|O_DIRECTORY) and changes what it holds through descriptors.

import CRsshShims
import Glibc

/// The calling thread's `errno`.
@inline(__always)
internal func jail_errno() -> Int32 { errno }

/// open(2); only for reading host files and the walk's starting point `/`.
internal func jail_open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 { open(path, flags, mode) }

/// openat(2), relative to an open directory.
internal func jail_openat(_ directory: Int32, _ name: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    openat(directory, name, flags, mode)
}

/// close(2).
internal func jail_close(_ fd: Int32) -> Int32 { close(fd) }

/// read(2).
internal func jail_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

/// write(2).
internal func jail_write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }

/// stat(2), following symlinks (host files only).
internal func jail_stat(_ path: String, _ buffer: UnsafeMutablePointer<stat>) -> Int32 { stat(path, buffer) }

/// lstat(2).
internal func jail_lstat(_ path: String, _ buffer: UnsafeMutablePointer<stat>) -> Int32 { lstat(path, buffer) }

/// fstat(2) of an open descriptor.
internal func jail_fstat(_ fd: Int32, _ buffer: UnsafeMutablePointer<stat>) -> Int32 { fstat(fd, buffer) }

/// fstatat(2) with AT_SYMLINK_NOFOLLOW: the entry itself, never what a symlink points to.
internal func jail_fstatat_nofollow(_ directory: Int32, _ name: String, _ buffer: UnsafeMutablePointer<stat>) -> Int32 {
    fstatat(directory, name, buffer, AT_SYMLINK_NOFOLLOW)
}

/// fstatvfs(2), for the mount flags (nosuid) of the file system holding a descriptor.
internal func jail_fstatvfs(_ fd: Int32, _ buffer: UnsafeMutablePointer<statvfs>) -> Int32 { fstatvfs(fd, buffer) }

/// mkdirat(2).
internal func jail_mkdirat(_ directory: Int32, _ name: String, _ mode: mode_t) -> Int32 {
    mkdirat(directory, name, mode)
}

/// mknodat(2).
internal func jail_mknodat(_ directory: Int32, _ name: String, _ mode: mode_t, _ device: dev_t) -> Int32 {
    mknodat(directory, name, mode, device)
}

/// fchown(2) of an open descriptor.
internal func jail_fchown(_ fd: Int32, _ uid: uid_t, _ gid: gid_t) -> Int32 { fchown(fd, uid, gid) }

/// fchmod(2) of an open descriptor.
internal func jail_fchmod(_ fd: Int32, _ mode: mode_t) -> Int32 { fchmod(fd, mode) }

/// renameat(2), within one open directory.
internal func jail_renameat(_ directory: Int32, _ from: String, _ to: String) -> Int32 {
    renameat(directory, from, directory, to)
}

/// unlinkat(2) of a non-directory (flags 0): removes a symlink itself, never its target.
internal func jail_unlinkat(_ directory: Int32, _ name: String) -> Int32 { unlinkat(directory, name, 0) }

/// unlinkat(2) with AT_REMOVEDIR: removes an empty directory.
internal func jail_rmdirat(_ directory: Int32, _ name: String) -> Int32 { unlinkat(directory, name, AT_REMOVEDIR) }

/// ioctl(FS_IOC_GETFLAGS) on an open descriptor: 0 with the inode flags in `flags`, or -errno.
internal func jail_get_inode_flags(_ fd: Int32, _ flags: UnsafeMutablePointer<UInt32>) -> Int32 {
    CRsshShims_get_inode_flags(fd, flags)
}

/// ioctl(FS_IOC_SETFLAGS) on an open descriptor: 0, or -errno.
internal func jail_set_inode_flags(_ fd: Int32, _ flags: UInt32) -> Int32 { CRsshShims_set_inode_flags(fd, flags) }

/// FS_IMMUTABLE_FL (`chattr +i`).
internal func jail_immutable_flag() -> UInt32 { CRsshShims_immutable_flag() }

/// glob(3).
internal func jail_glob(_ pattern: String, _ result: UnsafeMutablePointer<glob_t>) -> Int32 {
    glob(pattern, 0, nil, result)
}

/// globfree(3).
internal func jail_globfree(_ result: UnsafeMutablePointer<glob_t>) { globfree(result) }

/// fork(2).
internal func jail_fork() -> pid_t { fork() }

/// waitpid(2), blocking.
internal func jail_waitpid(_ pid: pid_t, _ status: UnsafeMutablePointer<Int32>) -> pid_t { waitpid(pid, status, 0) }

/// pipe(2).
internal func jail_pipe(_ fds: UnsafeMutablePointer<Int32>) -> Int32 { pipe(fds) }

/// dup2(2).
internal func jail_dup2(_ from: Int32, _ to: Int32) -> Int32 { dup2(from, to) }

/// chroot(2).
internal func jail_chroot(_ path: String) -> Int32 { chroot(path) }

/// chdir(2).
internal func jail_chdir(_ path: String) -> Int32 { chdir(path) }

/// setgroups(2) with an empty list.
internal func jail_setgroups_none() -> Int32 { setgroups(0, nil) }

/// setgid(2).
internal func jail_setgid(_ gid: gid_t) -> Int32 { setgid(gid) }

/// setuid(2).
internal func jail_setuid(_ uid: uid_t) -> Int32 { setuid(uid) }

/// execve(2).
internal func jail_execve(
    _ path: String,
    _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
    _ envp: UnsafePointer<UnsafeMutablePointer<CChar>?>
) -> Int32 {
    execve(path, argv, envp)
}

/// _exit(2).
internal func jail_exit(_ status: Int32) -> Never { _exit(status) }

/// socket(2) and connect(2) to a datagram socket: whether something listens at `path`.
internal func jail_unix_datagram_connect(_ path: String) -> Bool {
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (index, byte) in bytes.enumerated() { raw[index] = byte }
    }
    let status = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    return status == 0
}

/// fdopendir(3); the stream owns `fd` from then on.
internal func jail_fdopendir(_ fd: Int32) -> OpaquePointer? { fdopendir(fd) }

/// readdir(3).
internal func jail_readdir(_ directory: OpaquePointer) -> UnsafeMutablePointer<dirent>? { readdir(directory) }

/// closedir(3).
internal func jail_closedir(_ directory: OpaquePointer) { _ = closedir(directory) }

/// getpwnam_r(3), through NSS.
internal func jail_getpwnam_r(
    _ name: String,
    _ entry: UnsafeMutablePointer<passwd>,
    _ buffer: UnsafeMutablePointer<CChar>,
    _ size: Int,
    _ result: UnsafeMutablePointer<UnsafeMutablePointer<passwd>?>
) -> Int32 {
    getpwnam_r(name, entry, buffer, size, result)
}

/// getgrgid_r(3), through NSS.
internal func jail_getgrgid_r(
    _ gid: gid_t,
    _ entry: UnsafeMutablePointer<group>,
    _ buffer: UnsafeMutablePointer<CChar>,
    _ size: Int,
    _ result: UnsafeMutablePointer<UnsafeMutablePointer<group>?>
) -> Int32 {
    getgrgid_r(gid, entry, buffer, size, result)
}

/// getgrouplist(3), through NSS: every group `name` is in, `gid` first.
internal func jail_getgrouplist(
    _ name: String,
    _ gid: gid_t,
    _ groups: UnsafeMutablePointer<gid_t>,
    _ count: UnsafeMutablePointer<Int32>
) -> Int32 {
    getgrouplist(name, gid, groups, count)
}

/// flock(2), retried on EINTR: `LOCK_EX` waits for the lock.
internal func jail_flock(_ fd: Int32, _ operation: Int32) -> Int32 {
    while true {
        let status = flock(fd, operation)
        if status == 0 || errno != EINTR { return status }
    }
}

/// fsync(2).
internal func jail_fsync(_ fd: Int32) -> Int32 { fsync(fd) }

/// getpid(2), for temporary names.
internal func jail_getpid() -> pid_t { getpid() }

/// geteuid(2).
internal func jail_geteuid() -> uid_t { geteuid() }

/// readlink(2) into a buffer (not NUL-terminated): the length, or -1.
internal func jail_readlink(_ path: String, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int) -> Int {
    readlink(path, buffer, size)
}

/// sysconf(_SC_CLK_TCK): the clock ticks per second /proc counts in.
internal func jail_clock_ticks() -> Int { sysconf(Int32(_SC_CLK_TCK)) }

/// getpwuid(3)'s login name for `uid`, or nil (rsshctl is single-threaded).
internal func jail_user_name(_ uid: uid_t) -> String? {
    guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return nil }
    return String(cString: name)
}
