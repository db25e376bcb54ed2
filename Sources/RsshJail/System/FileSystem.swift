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

    /// Reads a whole file.
    public static func read(_ path: String, limit: Int = 256 << 20) throws(FileError) -> [UInt8] {
        let fd = jail_open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(operation: "open", path: path, code: jail_errno()) }
        defer { _ = jail_close(fd) }
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

    /// Writes `bytes` to `path` atomically (temporary file, then rename), with `mode` and root ownership.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(FileError) {
        let temporary = path + ".rsshctl-new"
        _ = jail_unlink(temporary)
        let fd = jail_open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw FileError(operation: "create", path: temporary, code: jail_errno()) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return jail_write(fd, base + offset, buffer.count - offset)
            }
            if written < 0 && jail_errno() == EINTR { continue }
            guard written > 0 else {
                let code = jail_errno()
                _ = jail_close(fd)
                _ = jail_unlink(temporary)
                throw FileError(operation: "write", path: temporary, code: code)
            }
            offset += written
        }
        guard jail_close(fd) == 0 else { throw FileError(operation: "close", path: temporary, code: jail_errno()) }
        try own(temporary, uid: 0, gid: 0, mode: mode)
        guard jail_rename(temporary, path) == 0 else {
            let code = jail_errno()
            _ = jail_unlink(temporary)
            throw FileError(operation: "rename", path: path, code: code)
        }
    }

    /// Sets owner and mode.
    public static func own(_ path: String, uid: uid_t, gid: gid_t, mode: mode_t) throws(FileError) {
        guard jail_lchown(path, uid, gid) == 0 else {
            throw FileError(operation: "chown", path: path, code: jail_errno())
        }
        guard jail_chmod(path, mode) == 0 else { throw FileError(operation: "chmod", path: path, code: jail_errno()) }
    }

    /// Creates `path` and its missing parents as root-owned directories with `mode`.
    /// - Returns: the directories created.
    @discardableResult
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(FileError) -> [String] {
        var created: [String] = []
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            if let info = status(current) {
                // Never follow a symlink here: inside a jail it could point back into the host.
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw FileError(operation: "mkdir", path: current, code: ENOTDIR)
                }
                continue
            }
            guard jail_mkdir(current, mode) == 0 else {
                throw FileError(operation: "mkdir", path: current, code: jail_errno())
            }
            try own(current, uid: 0, gid: 0, mode: mode)
            created.append(current)
        }
        return created
    }

    /// Creates a character device node (replacing anything else at `path`).
    public static func makeCharacterDevice(_ path: String, major: UInt32, minor: UInt32, mode: mode_t) throws(FileError)
    {
        let device = deviceNumber(major: major, minor: minor)
        if let info = status(path), info.st_mode & S_IFMT == S_IFCHR, info.st_rdev == device {
            try own(path, uid: 0, gid: 0, mode: mode)
            return
        }
        _ = jail_unlink(path)
        guard jail_mknod(path, S_IFCHR | mode, device) == 0 else {
            throw FileError(operation: "mknod", path: path, code: jail_errno())
        }
        try own(path, uid: 0, gid: 0, mode: mode)
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
