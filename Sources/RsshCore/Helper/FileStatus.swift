import CRsshLibc

/// The parts of lstat(2) the jail checks look at.
public struct FileStatus: Sendable, Equatable {
    /// The owner.
    public var owner: uid_t
    /// The full `st_mode` (type and permission bits).
    public var mode: mode_t

    /// Creates a status.
    public init(owner: uid_t, mode: mode_t) {
        self.owner = owner
        self.mode = mode
    }

    /// Whether it is a directory.
    public var isDirectory: Bool { mode & CRsshLibc_S_IFMT == CRsshLibc_S_IFDIR }
    /// Whether it is a symbolic link.
    public var isSymlink: Bool { mode & CRsshLibc_S_IFMT == CRsshLibc_S_IFLNK }
    /// Whether group or others may write it.
    public var isWritableByOthers: Bool { mode & (CRsshLibc_S_IWGRP | CRsshLibc_S_IWOTH) != 0 }
    /// Whether the user `uid` may write it, or make it writable: its owner (who can chmod it), or anyone
    /// when group or others may write (groups are not looked up: group-writable counts, to fail closed).
    public func isWritable(by uid: uid_t) -> Bool { owner == uid || isWritableByOthers }

    /// lstat(2) of `path`, or nil when it fails.
    public static func lstat(_ path: String) -> FileStatus? {
        lstat(Array(path.utf8))
    }

    /// lstat(2) of a path given as bytes (a home directory need not be UTF-8), or nil when it fails.
    public static func lstat(_ path: [UInt8]) -> FileStatus? {
        var info = stat()
        guard CBytes.withCString(path, { system_lstat($0, &info) }) == 0 else { return nil }
        return FileStatus(owner: info.st_uid, mode: info.st_mode)
    }
}
