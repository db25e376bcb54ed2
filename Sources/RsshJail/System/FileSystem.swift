import Glibc

/// A failed file operation, with the path and errno text.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation, such as `mkdir`.
    public var operation: String
    /// The path it was applied to.
    public var path: String
    /// The errno value.
    public var code: Int32

    /// `operation path: reason`.
    public var description: String {
        let reason = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        return "\(operation) \(path): \(reason)"
    }
}

/// Small, checked file-system helpers for building jails.
public enum FileSystem {
    /// The lstat(2) result of `path`, or nil when it does not exist.
    public static func status(_ path: String) -> stat? {
        var info = stat()
        return jail_lstat(path, &info) == 0 ? info : nil
    }

    /// The stat(2) result (following symlinks), or nil.
    public static func followedStatus(_ path: String) -> stat? {
        var info = stat()
        return jail_stat(path, &info) == 0 ? info : nil
    }

    /// Whether `path` exists (following symlinks).
    public static func exists(_ path: String) -> Bool { followedStatus(path) != nil }

    /// Reads a whole host file (following symlinks: the host is trusted, the jail is not).
    public static func read(_ path: String, limit: Int = 256 << 20) throws(FileError) -> [UInt8] {
        let fd = jail_open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(operation: "open", path: path, code: jail_errno()) }
        defer { _ = jail_close(fd) }
        return try read(fd: fd, path: path, limit: limit)
    }

    /// Reads everything left in an open descriptor; `path` is for messages.
    static func read(fd: Int32, path: String, limit: Int = 256 << 20) throws(FileError) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return jail_read(fd, base, buffer.count)
            }
            if count < 0 {
                if jail_errno() == EINTR { continue }
                throw FileError(operation: "read", path: path, code: jail_errno())
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
            guard result.count <= limit else { throw FileError(operation: "read", path: path, code: EFBIG) }
        }
    }

    /// Writes all of `bytes` to an open descriptor; `path` is for messages.
    static func write(_ bytes: [UInt8], fd: Int32, path: String) throws(FileError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return jail_write(fd, base + offset, buffer.count - offset)
            }
            if written < 0 && jail_errno() == EINTR { continue }
            guard written > 0 else { throw FileError(operation: "write", path: path, code: jail_errno()) }
            offset += written
        }
    }

    /// The components of the absolute host path `path`, `.` dropped and `..` applied lexically, so that
    /// `root + path` can never name anything outside `root` (a RUNPATH of `$ORIGIN/../lib` is common).
    public static func components(of path: String) -> [String] {
        var result: [String] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." {
                _ = result.popLast()
            } else {
                result.append(String(part))
            }
        }
        return result
    }

    /// glibc's makedev(3), which Swift cannot import (it is a macro).
    public static func deviceNumber(major: UInt32, minor: UInt32) -> dev_t {
        let major = UInt64(major)
        let minor = UInt64(minor)
        return dev_t(
            (major & 0xFFFF_F000) << 32 | (major & 0x0000_0FFF) << 8 | (minor & 0xFFFF_FF00) << 12
                | (minor & 0x0000_00FF)
        )
    }

    /// The paths glob(3) finds for `pattern`, sorted.
    public static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { jail_globfree(&result) }
        guard jail_glob(pattern, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in result.gl_pathv[index].map { String(cString: $0) } }
    }

    /// The directory part of a path (`/a/b` → `/a`).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
