import Glibc

/// A walk of a jail for `rsshctl jail check`: its set-id files, its user-writable directories, and the mount
/// points it did not enter.
///
/// Directories are opened with openat(O_NOFOLLOW|O_DIRECTORY) from their parent, so a symlink planted in a
/// user-writable directory cannot lead the scan out of the jail. It stays on the jail's file systems the
/// way `find -xdev` does: a directory on another device is a mount point, recorded and not entered, because
/// a set-id file there cannot be hard-linked into the jail's file system and, on a nosuid mount, is inert.
struct TreeScan {
    /// A setuid or setgid regular file, relative to the jail.
    struct SetID {
        var path: String
        var device: dev_t
    }

    /// A directory someone other than root can write.
    struct Writable {
        var path: String
        var device: dev_t
        /// Who can write it, for the message (`uid 1001`, `group 100`, `others`).
        var writer: String
    }

    /// A directory on another file system than its parent.
    struct Mount {
        var path: String
        var nosuid: Bool
    }

    /// Every setuid or setgid regular file found.
    private(set) var setid: [SetID] = []
    /// Every directory (the jail included) that a non-root user can write.
    private(set) var writable: [Writable] = []
    /// Every mount point met, not entered.
    private(set) var mounts: [Mount] = []
    /// Directories at the depth limit, not entered.
    private(set) var tooDeep: [String] = []
    /// Directories that could not be opened or read, with the reason.
    private(set) var unreadable: [(path: String, reason: String)] = []

    /// Walks the jail at `root`, at most `depthLimit` directory levels below it.
    init(root: String, depthLimit: Int) {
        let fd = jail_open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        var info = stat()
        guard fd >= 0, jail_fstat(fd, &info) == 0 else {
            unreadable.append(("/", Self.reason(jail_errno())))
            if fd >= 0 { _ = jail_close(fd) }
            return
        }
        note(directory: "/", info)
        walk(fd, path: "", device: info.st_dev, depth: 0, limit: depthLimit)
    }

    /// Scans the directory open at `fd` (taking ownership of it); `path` is relative to the jail, "" for it.
    private mutating func walk(_ fd: Int32, path: String, device: dev_t, depth: Int, limit: Int) {
        guard let stream = jail_fdopendir(fd) else {
            unreadable.append((path.isEmpty ? "/" : path, Self.reason(jail_errno())))
            _ = jail_close(fd)
            return
        }
        defer { jail_closedir(stream) }
        while let entry = jail_readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let child = path + "/" + name
            var info = stat()
            guard jail_fstatat_nofollow(fd, name, &info) == 0 else {
                unreadable.append((child, Self.reason(jail_errno())))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG where info.st_mode & (S_ISUID | S_ISGID) != 0:
                setid.append(SetID(path: child, device: info.st_dev))
            case S_IFDIR:
                let opened = jail_openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard opened >= 0 else {
                    unreadable.append((child, Self.reason(jail_errno())))
                    continue
                }
                if info.st_dev != device {
                    var flags = statvfs()
                    let nosuid = jail_fstatvfs(opened, &flags) == 0 && flags.f_flag & UInt(ST_NOSUID) != 0
                    mounts.append(Mount(path: child, nosuid: nosuid))
                    _ = jail_close(opened)
                    continue
                }
                note(directory: child, info)
                guard depth + 1 < limit else {
                    tooDeep.append(child)
                    _ = jail_close(opened)
                    continue
                }
                walk(opened, path: child, device: device, depth: depth + 1, limit: limit)
            default:
                continue
            }
        }
    }

    /// Records `path` when a non-root user can write it (group write counts even for group 0: it may have members).
    private mutating func note(directory path: String, _ info: stat) {
        let writer: String
        if info.st_uid != 0 && info.st_mode & S_IWUSR != 0 {
            writer = "uid \(info.st_uid)"
        } else if info.st_mode & S_IWOTH != 0 {
            writer = "others"
        } else if info.st_mode & S_IWGRP != 0 {
            writer = "group \(info.st_gid)"
        } else {
            return
        }
        writable.append(Writable(path: path, device: info.st_dev, writer: writer))
    }

    private static func reason(_ code: Int32) -> String {
        strerror(code).map { String(cString: $0) } ?? "errno \(code)"
    }
}
