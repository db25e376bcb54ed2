// Every raw system call the library makes lives in this file, so the whole privileged and
// security-relevant surface can be reviewed at a glance. Each wrapper is a thin pass-through;
// callers turn failures into `SystemError` values.

import CRsshShims
import Glibc

@inline(__always)
internal func system_errno() -> Int32 { errno }

internal func system_open(_ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 {
    open(path, flags)
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

internal func system_stat(_ path: UnsafePointer<CChar>, _ buffer: UnsafeMutablePointer<stat>) -> Int32 {
    stat(path, buffer)
}

internal func system_lstat(_ path: UnsafePointer<CChar>, _ buffer: UnsafeMutablePointer<stat>) -> Int32 {
    lstat(path, buffer)
}

internal func system_access(_ path: UnsafePointer<CChar>, _ mode: Int32) -> Int32 {
    access(path, mode)
}

internal func system_getuid() -> uid_t { getuid() }

internal func system_geteuid() -> uid_t { geteuid() }

internal func system_getgid() -> gid_t { getgid() }

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

internal func system_glob(
    _ pattern: UnsafePointer<CChar>,
    _ flags: Int32,
    _ result: UnsafeMutablePointer<glob_t>
) -> Int32 {
    glob(pattern, flags, nil, result)
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
