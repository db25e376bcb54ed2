import Glibc
import RsshCore

/// Why `rsshctl jail build` refused or failed.
public enum JailBuildError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed.
    case file(FileError)
    /// The jail path does not meet the rules `rssh_chroot_helper` enforces.
    case unsafeJailPath(JailPath.Problem)
    /// Something already in the jail is not safe to reuse or to fix, such as a directory owned by a user.
    case unsafeEntry(path: String, reason: String)
    /// A name to create is empty, `.`, `..` or holds a `/`.
    case badName(String)
    /// The `.ssh` at `path` cannot be made immutable: its file system has no such attribute (errno `code`).
    case immutableUnsupported(path: String, code: Int32)

    /// The reason, naming the path.
    public var description: String {
        switch self {
        case .file(let error): error.description
        case .unsafeJailPath(let problem): "refusing to build: \(problem.description)"
        case .unsafeEntry(let path, let reason): "refusing to build: \(path) \(reason)"
        case .badName(let name): "refusing to create '\(name)': not a plain file name"
        case .immutableUnsupported(let path, let code):
            "refusing to leave \(path) replaceable by its user: its file system does not support the immutable "
                + "attribute (chattr +i: \(strerror(code).map { String(cString: $0) } ?? "error \(code)")); make the home "
                + "root-owned and not writable by group or others (with a directory of the user's in it), or set sshd's "
                + "AuthorizedKeysFile to a root-owned place outside the home (e.g. /etc/ssh/authorized_keys/%u)"
        }
    }
}

/// A directory of a jail, held open, so that everything below it is reached and changed through descriptors.
///
/// Each child is opened with openat(O_NOFOLLOW|O_DIRECTORY) from its parent's descriptor, and owners and modes
/// are changed with fchown/fchmod on open descriptors, never by path: someone who can write anywhere in the
/// tree cannot swap a name for a symlink between a check and a change and so choose the mode of a host file.
public struct JailDirectory: ~Copyable {
    /// The descriptor (a directory, reached without following any symlink).
    let fd: Int32
    /// The path it was reached as; for messages only, never used to reach it again.
    public let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { _ = jail_close(fd) }

    static let directoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC

    /// Opens the jail at the absolute path `root`, from `/` down, creating missing components as root-owned
    /// 0755 directories.
    ///
    /// Each component is checked with `JailPath.check` (the helper's rules) on the fstat(2) of the descriptor
    /// actually held, before anything is created or opened below it.
    /// - Parameter created: receives the paths of the directories created.
    public static func openJail(_ root: String, created: inout [String]) throws(JailBuildError) -> JailDirectory {
        guard let components = JailPath.components(of: root) else {
            throw .unsafeJailPath(.notCanonical(root))
        }
        let rootFd = jail_open("/", directoryFlags)
        guard rootFd >= 0 else { throw .file(FileError(operation: "open", path: "/", code: jail_errno())) }
        var current = JailDirectory(fd: rootFd, path: "/")
        var seen: [String: FileStatus] = ["/": fileStatus(try current.status())]
        try verify("/", seen)
        for component in components.dropFirst() {
            let name = FileSystem.components(of: component).last ?? component
            // lstat first, for the helper's own message on a symlink; the open below never follows one anyway.
            if let info = current.entryStatus(name) {
                seen[component] = fileStatus(info)
                try verify(component, seen)
            }
            let child: JailDirectory
            if let existing = try current.openChild(name, as: component, allowMissing: true) {
                child = existing
            } else {
                child = try current.createDirectory(name, as: component, uid: 0, gid: 0, mode: 0o755)
                created.append(component)
            }
            seen[component] = fileStatus(try child.status())
            try verify(component, seen)
            current = child
        }
        return current
    }

    private static func fileStatus(_ info: stat) -> FileStatus { FileStatus(owner: info.st_uid, mode: info.st_mode) }

    /// Runs the helper's check on what has been opened so far.
    private static func verify(_ path: String, _ seen: [String: FileStatus]) throws(JailBuildError) {
        do {
            try JailPath.check(path, status: { seen[$0] })
        } catch {
            throw .unsafeJailPath(error)
        }
    }

    /// The fstat(2) of the held descriptor.
    func status() throws(JailBuildError) -> stat {
        var info = stat()
        guard jail_fstat(fd, &info) == 0 else {
            throw .file(FileError(operation: "fstat", path: path, code: jail_errno()))
        }
        return info
    }

    func childPath(_ name: String) -> String { path == "/" ? "/" + name : path + "/" + name }

    private static func checkName(_ name: String) throws(JailBuildError) {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else { throw .badName(name) }
    }

    /// Opens the child directory `name` without following a symlink; nil when it does not exist.
    func openChild(
        _ name: String,
        as path: String,
        allowMissing: Bool
    ) throws(JailBuildError)
        -> JailDirectory?
    {
        try Self.checkName(name)
        let child = jail_openat(fd, name, Self.directoryFlags)
        if child >= 0 { return JailDirectory(fd: child, path: path) }
        let code = jail_errno()
        if code == ENOENT && allowMissing { return nil }
        if code == ELOOP || code == ENOTDIR {
            throw .unsafeEntry(path: path, reason: "is a symbolic link or not a directory")
        }
        throw .file(FileError(operation: "open", path: path, code: code))
    }

    /// Creates the directory `name` (0700 while it is root's alone), opens it and only then sets its owner and mode.
    private func createDirectory(
        _ name: String,
        as path: String,
        uid: uid_t,
        gid: gid_t,
        mode: mode_t
    )
        throws(JailBuildError) -> JailDirectory
    {
        guard jail_mkdirat(fd, name, 0o700) == 0 else {
            throw .file(FileError(operation: "mkdir", path: path, code: jail_errno()))
        }
        guard let child = try openChild(name, as: path, allowMissing: false) else {
            throw .file(FileError(operation: "open", path: path, code: ENOENT))
        }
        try child.setOwner(uid: uid, gid: gid, mode: mode)
        return child
    }

    /// fchown then fchmod (in that order: chown clears set-id bits).
    func setOwner(uid: uid_t, gid: gid_t, mode: mode_t) throws(JailBuildError) {
        try Self.setOwner(fd, path: path, uid: uid, gid: gid, mode: mode)
    }

    private static func setOwner(
        _ fd: Int32,
        path: String,
        uid: uid_t,
        gid: gid_t,
        mode: mode_t
    )
        throws(JailBuildError)
    {
        guard jail_fchown(fd, uid, gid) == 0 else {
            throw .file(FileError(operation: "chown", path: path, code: jail_errno()))
        }
        guard jail_fchmod(fd, mode) == 0 else {
            throw .file(FileError(operation: "chmod", path: path, code: jail_errno()))
        }
    }

    /// The root-owned subdirectory `name` with `mode`, created when missing.
    ///
    /// An existing one must already be root's and no more writable than `mode` allows: anything below a
    /// directory someone else could write may have been planted, so it is refused, not silently adopted.
    /// A safe one with another group or mode is fixed through its descriptor.
    public func subdirectory(
        _ name: String,
        mode: mode_t = 0o755,
        report: (String) -> Void
    ) throws(JailBuildError)
        -> JailDirectory
    {
        let path = childPath(name)
        guard let child = try openChild(name, as: path, allowMissing: true) else {
            return try createDirectory(name, as: path, uid: 0, gid: 0, mode: mode)
        }
        let info = try child.status()
        let current = info.st_mode & 0o7777
        guard info.st_uid == 0 else {
            throw .unsafeEntry(
                path: path,
                reason: "is owned by uid \(info.st_uid), not root; check what is in it, then chown it or remove it"
            )
        }
        guard current & 0o022 & ~mode == 0 else {
            throw .unsafeEntry(
                path: path,
                reason: "is writable by group or others (mode \(String(current, radix: 8))); check what is in it, "
                    + "then chmod it or remove it"
            )
        }
        if info.st_gid != 0 || current != mode {
            try child.setOwner(uid: 0, gid: 0, mode: mode)
            report(
                "fixed \(path): root:root \(String(mode, radix: 8)) (was gid \(info.st_gid), mode \(String(current, radix: 8)))"
            )
        }
        return child
    }

    /// The directory `names` below this one, each step taken with `subdirectory` (so created when missing).
    public func descendant(_ names: [String], report: (String) -> Void) throws(JailBuildError) -> JailDirectory {
        // "." through openat gives a second descriptor for this very directory, whatever its path now names.
        let again = jail_openat(fd, ".", Self.directoryFlags)
        guard again >= 0 else { throw .file(FileError(operation: "open", path: path, code: jail_errno())) }
        var current = JailDirectory(fd: again, path: path)
        for name in names { current = try current.subdirectory(name, report: report) }
        return current
    }

    /// A user's home `name`: created `uid:gid` 0750 with a root-owned, immutable `.ssh` (0755) in it, or the
    /// existing one.
    ///
    /// The `.ssh` is made while the home is still root's alone, so the user never sees the home without it.
    /// - Parameter created: set to whether the home was created.
    public func home(
        _ name: String,
        uid: uid_t,
        gid: gid_t,
        created: inout Bool
    ) throws(JailBuildError)
        -> JailDirectory
    {
        let path = childPath(name)
        if let existing = try openChild(name, as: path, allowMissing: true) {
            created = false
            return existing
        }
        let home = try createDirectory(name, as: path, uid: 0, gid: 0, mode: 0o700)
        _ = try home.protectSsh(rootOnlyHomeSuffices: false)
        try home.setOwner(uid: uid, gid: gid, mode: 0o750)
        created = true
        return home
    }

    /// The lstat of the entry `name`, without following a symlink; nil when it does not exist.
    public func entryStatus(_ name: String) -> stat? {
        var info = stat()
        return jail_fstatat_nofollow(fd, name, &info) == 0 ? info : nil
    }

    /// Opens the regular file `name` for reading, only when it is one (never a symlink, FIFO or device).
    func openRegularFile(_ name: String) -> Int32? {
        guard let before = entryStatus(name), before.st_mode & S_IFMT == S_IFREG else { return nil }
        let file = jail_openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard file >= 0 else { return nil }
        var info = stat()
        guard jail_fstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_ino == before.st_ino,
            info.st_dev == before.st_dev
        else {
            _ = jail_close(file)
            return nil
        }
        return file
    }

    /// Writes `bytes` to the file `name` as root with `mode`, unless it already holds exactly them.
    ///
    /// A new file is written to a temporary name, given its owner and mode through its descriptor, and renamed
    /// into place, so the name never holds a partial file or one with the wrong mode.
    /// - Returns: whether the content changed (owner and mode are fixed either way).
    public func writeFile(_ name: String, _ bytes: [UInt8], mode: mode_t) throws(JailBuildError) -> Bool {
        try Self.checkName(name)
        let path = childPath(name)
        if let existing = openRegularFile(name) {
            defer { _ = jail_close(existing) }
            var info = stat()
            if jail_fstat(existing, &info) == 0, info.st_size == bytes.count,
                (try? FileSystem.read(fd: existing, path: path)) == bytes
            {
                if info.st_uid != 0 || info.st_gid != 0 || info.st_mode & 0o7777 != mode {
                    try Self.setOwner(existing, path: path, uid: 0, gid: 0, mode: mode)
                }
                return false
            }
        }
        let temporary = name + ".rsshctl-new"
        _ = jail_unlinkat(fd, temporary)
        let file = jail_openat(fd, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else {
            throw .file(FileError(operation: "create", path: childPath(temporary), code: jail_errno()))
        }
        do throws(JailBuildError) {
            do {
                try FileSystem.write(bytes, fd: file, path: childPath(temporary))
            } catch {
                throw .file(error)
            }
            try Self.setOwner(file, path: childPath(temporary), uid: 0, gid: 0, mode: mode)
        } catch {
            _ = jail_close(file)
            _ = jail_unlinkat(fd, temporary)
            throw error
        }
        guard jail_close(file) == 0 else {
            let code = jail_errno()
            _ = jail_unlinkat(fd, temporary)
            throw .file(FileError(operation: "close", path: childPath(temporary), code: code))
        }
        guard jail_renameat(fd, temporary, name) == 0 else {
            let code = jail_errno()
            _ = jail_unlinkat(fd, temporary)
            throw .file(FileError(operation: "rename", path: path, code: code))
        }
        return true
    }

    /// Puts the character device `major:minor` at `name`, root-owned with `mode`, replacing anything else there.
    ///
    /// The node is made with mknodat in this directory, then opened without following a symlink and checked
    /// through that descriptor (type and device number) before its owner and mode are set through it. Only
    /// the harmless memory devices (null, zero, urandom) are ever opened this way.
    /// - Returns: whether a node was created.
    public func characterDevice(
        _ name: String,
        major: UInt32,
        minor: UInt32,
        mode: mode_t
    ) throws(JailBuildError)
        -> Bool
    {
        try Self.checkName(name)
        let path = childPath(name)
        let device = FileSystem.deviceNumber(major: major, minor: minor)
        var created = false
        let existing = entryStatus(name)
        if existing.map({ $0.st_mode & S_IFMT != S_IFCHR || $0.st_rdev != device }) ?? true {
            if existing != nil, jail_unlinkat(fd, name) != 0 {
                throw .file(FileError(operation: "unlink", path: path, code: jail_errno()))
            }
            guard jail_mknodat(fd, name, S_IFCHR | 0o600, device) == 0 else {
                throw .file(FileError(operation: "mknod", path: path, code: jail_errno()))
            }
            created = true
        }
        let node = jail_openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard node >= 0 else { throw .file(FileError(operation: "open", path: path, code: jail_errno())) }
        defer { _ = jail_close(node) }
        var info = stat()
        guard jail_fstat(node, &info) == 0 else {
            throw .file(FileError(operation: "fstat", path: path, code: jail_errno()))
        }
        guard info.st_mode & S_IFMT == S_IFCHR, info.st_rdev == device else {
            throw .unsafeEntry(path: path, reason: "changed while it was being created; not a \(major):\(minor) device")
        }
        if info.st_uid != 0 || info.st_gid != 0 || info.st_mode & 0o7777 != mode {
            try Self.setOwner(node, path: path, uid: 0, gid: 0, mode: mode)
        }
        return created
    }
}
