import CRsshLibc

/// Whether the user can replace the `~/.ssh` that sshd reads `authorized_keys` from (review 3, F5).
///
/// A root-owned `.ssh` is not enough: renaming needs write permission on the parent only, so a user who owns
/// the home renames `.ssh` away, makes a new one and uploads a key. `.ssh` is protected when it is a root-owned
/// directory that group and others cannot write, and either the home is root-owned and not writable by group
/// or others (nothing in it can be renamed by the user), or `.ssh` carries the immutable attribute
/// (`chattr +i`, FS_IMMUTABLE_FL: the kernel refuses to rename, remove or write into it, for anyone).
public struct SshDirectory: Sendable, Equatable {
    /// Why a `.ssh` is not protected.
    public enum Problem: Sendable, Equatable {
        /// It does not exist: the user could create it and add keys.
        case missing
        /// It is a symbolic link or not a directory: it was replaced.
        case notDirectory
        /// Someone else than root owns it: the user controls its keys.
        case notOwnedByRoot(owner: uid_t)
        /// Group or others may write it.
        case writableByOthers(mode: mode_t)
        /// It is root's, but the user can rename it away: not immutable, in a home the user can write.
        /// `flagsError` is the errno when the flags could not be read (0 when they were, and are not set).
        case replaceable(flagsError: Int32)

        /// Whether it shows a `.ssh` that was replaced or taken over, as opposed to an unprotected layout
        /// (missing, or root's in a writable home, as jails built before this check have it).
        public var isTakenOver: Bool {
            switch self {
            case .notDirectory, .notOwnedByRoot, .writableByOthers: true
            case .missing, .replaceable: false
            }
        }

        /// What is wrong with `path` (the `.ssh`), and how to fix it.
        public func description(path: String) -> String {
            let fix =
                "; fix: rsshctl ssh protect USER (or rsshctl jail build for a jail home) makes it root-owned and "
                + "immutable (chattr +i), or make the home root-owned and not writable by group or others"
            switch self {
            case .missing:
                return "\(path) is missing, so the user could create it and add keys" + fix
            case .notDirectory:
                return "\(path) is a symbolic link or not a directory (was it replaced?)" + fix
            case .notOwnedByRoot(let owner):
                return "\(path) is owned by uid \(owner), not root: the user controls its keys" + fix
            case .writableByOthers(let mode):
                return "\(path) is writable by group or others (mode \(String(mode & 0o7777, radix: 8)))" + fix
            case .replaceable(let flagsError):
                let flags =
                    flagsError == 0
                    ? "not immutable" : "of unknown flags (\(SystemError(call: "ioctl", code: flagsError).reason))"
                return "\(path) is root-owned but \(flags), in a home the user can write: a rename takes it away"
                    + fix
            }
        }
    }

    /// fstat(2) of `.ssh` (lstat(2) when it is not a directory that could be opened), nil when it does not exist.
    public var status: FileStatus?
    /// Whether it carries the immutable attribute.
    public var immutable: Bool
    /// The errno when its flags could not be read; 0 when they were, or were not needed.
    public var flagsError: Int32
    /// lstat(2) of the home it is in, nil when that failed.
    public var home: FileStatus?

    /// Creates facts (tests set each one).
    public init(status: FileStatus?, immutable: Bool = false, flagsError: Int32 = 0, home: FileStatus?) {
        self.status = status
        self.immutable = immutable
        self.flagsError = flagsError
        self.home = home
    }

    /// Whether the home protects what is in it: root-owned and not writable by group or others.
    public var homeIsRootOnly: Bool {
        guard let home else { return false }
        return home.isDirectory && home.owner == 0 && !home.isWritableByOthers
    }

    /// Why this `.ssh` is not protected, or nil when it is.
    public var problem: Problem? {
        guard let status else { return .missing }
        guard status.isDirectory else { return .notDirectory }
        guard status.owner == 0 else { return .notOwnedByRoot(owner: status.owner) }
        guard !status.isWritableByOthers else { return .writableByOthers(mode: status.mode) }
        guard immutable || homeIsRootOnly else { return .replaceable(flagsError: flagsError) }
        return nil
    }

    /// Looks at `home`'s `.ssh`: one open(O_NOFOLLOW|O_DIRECTORY), fstat, and the flags only when the home
    /// does not protect it already.
    /// - Parameter homeStatus: lstat(2) of `home`, already taken by the caller.
    public static func inspect(home: [UInt8], homeStatus: FileStatus?) -> SshDirectory {
        let path = home + Array("/.ssh".utf8)
        var result = SshDirectory(status: nil, home: homeStatus)
        let fd = CBytes.withCString(path) { system_open($0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd >= 0 else {
            let code = system_errno()
            if code != ENOENT {
                // A symlink or file (ELOOP, ENOTDIR), or a directory the user may not read (EACCES): lstat says which.
                result.status = FileStatus.lstat(path)
                result.flagsError = code
            }
            return result
        }
        defer { _ = system_close(fd) }
        var info = stat()
        guard system_fstat(fd, &info) == 0 else {
            result.status = FileStatus.lstat(path)
            return result
        }
        result.status = FileStatus(owner: info.st_uid, mode: info.st_mode)
        if !result.homeIsRootOnly {
            var flags: UInt32 = 0
            let status = system_get_inode_flags(fd, &flags)
            if status == 0 {
                result.immutable = flags & system_immutable_flag() != 0
            } else {
                result.flagsError = -status
            }
        }
        return result
    }
}

/// What rssh learns about a landlocked user's home before deciding (review 3, F5 and F11).
///
/// The Landlock rule opens the home by path, so it is only as good as that path: a home of `/`, one the user
/// does not own, or one below a directory the user can write (and so re-point) would widen the read-write area.
public struct LandlockHome: Sendable, Equatable {
    /// A directory on the way to the home, with its lstat(2) (nil when that failed).
    public struct Ancestor: Sendable, Equatable {
        /// Its path.
        public var path: [UInt8]
        /// Its lstat(2).
        public var status: FileStatus?

        /// Creates one.
        public init(path: [UInt8], status: FileStatus?) {
            self.path = path
            self.status = status
        }
    }

    /// The passwd home.
    public var home: [UInt8]
    /// The home as realpath(3) resolves it (the Landlock rule's path), nil when it cannot be resolved.
    public var resolved: [UInt8]?
    /// lstat(2) of the resolved home.
    public var status: FileStatus?
    /// Every directory above the passwd home and, when it differs, above the resolved one.
    public var ancestors: [Ancestor]
    /// The home's `.ssh`.
    public var ssh: SshDirectory

    /// Creates facts (tests set each one).
    public init(home: [UInt8], resolved: [UInt8]?, status: FileStatus?, ancestors: [Ancestor], ssh: SshDirectory) {
        self.home = home
        self.resolved = resolved
        self.status = status
        self.ancestors = ancestors
        self.ssh = ssh
    }

    /// Why the home cannot be the Landlock rule for user `uid`, or nil when it can (F11).
    public func problem(uid: uid_t) -> String? {
        let name = Printable.text(home)
        guard let resolved, let status else {
            return "home \(name) cannot be resolved; Landlock needs an existing home directory"
        }
        guard resolved != [UInt8(ascii: "/")] else { return "home \(name) is /: Landlock would open the whole tree" }
        guard status.isDirectory else { return "home \(name) is not a directory" }
        guard status.owner == uid || status.owner == 0 else {
            return "home \(name) is owned by uid \(status.owner), neither the user nor root"
        }
        for ancestor in ancestors {
            guard let info = ancestor.status else {
                return "\(Printable.text(ancestor.path)) above home \(name) cannot be read"
            }
            if info.isWritable(by: uid) {
                return "\(Printable.text(ancestor.path)) above home \(name) is writable by the user "
                    + "(owner uid \(info.owner), mode \(String(info.mode & 0o7777, radix: 8))), who could re-point the home"
            }
        }
        return nil
    }

    /// The directories above `path` (`/a/b` → `/`, `/a`), or nil when it is not absolute.
    static func parents(of path: [UInt8]) -> [[UInt8]]? {
        guard path.first == UInt8(ascii: "/") else { return nil }
        var result: [[UInt8]] = [[UInt8(ascii: "/")]]
        var current: [UInt8] = []
        let parts = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        for part in parts.dropLast() {
            current += [UInt8(ascii: "/")] + part
            result.append(current)
        }
        return result
    }

    /// Gathers the facts for the home `home`: realpath(3), lstat(2) of the home and of each directory above it,
    /// and `SshDirectory.inspect` of its `.ssh`.
    public static func gather(home: [UInt8]) -> LandlockHome {
        var resolved: [UInt8]?
        if let pointer = CBytes.withCString(home, { system_realpath($0) }) {
            resolved = CBytes.copy(pointer)
            system_free(pointer)
        }
        let status = resolved.flatMap { FileStatus.lstat($0) }
        var paths = parents(of: home) ?? []
        if let resolved, resolved != home {
            for path in parents(of: resolved) ?? [] where !paths.contains(path) { paths.append(path) }
        }
        let ancestors = paths.map { Ancestor(path: $0, status: FileStatus.lstat($0)) }
        let ssh = SshDirectory.inspect(home: resolved ?? home, homeStatus: status)
        return LandlockHome(home: home, resolved: resolved, status: status, ancestors: ancestors, ssh: ssh)
    }
}
