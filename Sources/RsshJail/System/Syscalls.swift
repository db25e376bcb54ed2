// Every raw system call the jail tools make lives in this file, so what `rsshctl` does to the file system
// as root can be reviewed at a glance.

import Glibc

@inline(__always)
internal func jail_errno() -> Int32 { errno }

internal func jail_open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 { open(path, flags, mode) }

internal func jail_close(_ fd: Int32) -> Int32 { close(fd) }

internal func jail_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

internal func jail_write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }

internal func jail_stat(_ path: String, _ buffer: UnsafeMutablePointer<stat>) -> Int32 { stat(path, buffer) }

internal func jail_lstat(_ path: String, _ buffer: UnsafeMutablePointer<stat>) -> Int32 { lstat(path, buffer) }

internal func jail_mkdir(_ path: String, _ mode: mode_t) -> Int32 { mkdir(path, mode) }

internal func jail_chmod(_ path: String, _ mode: mode_t) -> Int32 { chmod(path, mode) }

internal func jail_lchown(_ path: String, _ uid: uid_t, _ gid: gid_t) -> Int32 { lchown(path, uid, gid) }

internal func jail_rename(_ from: String, _ to: String) -> Int32 { rename(from, to) }

internal func jail_unlink(_ path: String) -> Int32 { unlink(path) }

internal func jail_mknod(_ path: String, _ mode: mode_t, _ device: dev_t) -> Int32 { mknod(path, mode, device) }

internal func jail_glob(_ pattern: String, _ result: UnsafeMutablePointer<glob_t>) -> Int32 {
    glob(pattern, 0, nil, result)
}

internal func jail_globfree(_ result: UnsafeMutablePointer<glob_t>) { globfree(result) }

internal func jail_fork() -> pid_t { fork() }

internal func jail_waitpid(_ pid: pid_t, _ status: UnsafeMutablePointer<Int32>) -> pid_t { waitpid(pid, status, 0) }

internal func jail_pipe(_ fds: UnsafeMutablePointer<Int32>) -> Int32 { pipe(fds) }

internal func jail_dup2(_ from: Int32, _ to: Int32) -> Int32 { dup2(from, to) }

internal func jail_chroot(_ path: String) -> Int32 { chroot(path) }

internal func jail_chdir(_ path: String) -> Int32 { chdir(path) }

internal func jail_setgroups_none() -> Int32 { setgroups(0, nil) }

internal func jail_setgid(_ gid: gid_t) -> Int32 { setgid(gid) }

internal func jail_setuid(_ uid: uid_t) -> Int32 { setuid(uid) }

internal func jail_execve(
    _ path: String,
    _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
    _ envp: UnsafePointer<UnsafeMutablePointer<CChar>?>
) -> Int32 {
    execve(path, argv, envp)
}

internal func jail_exit(_ status: Int32) -> Never { _exit(status) }

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

internal func jail_opendir(_ path: String) -> OpaquePointer? { opendir(path) }

internal func jail_readdir(_ directory: OpaquePointer) -> UnsafeMutablePointer<dirent>? { readdir(directory) }

internal func jail_closedir(_ directory: OpaquePointer) { _ = closedir(directory) }

internal func jail_getpwnam(_ name: String) -> UnsafeMutablePointer<passwd>? { getpwnam(name) }

internal func jail_getgrgid(_ gid: gid_t) -> UnsafeMutablePointer<group>? { getgrgid(gid) }
