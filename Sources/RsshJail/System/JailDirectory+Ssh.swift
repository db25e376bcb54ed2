import Glibc
import RsshCore

extension JailDirectory {
    /// The name sshd reads `authorized_keys` below.
    static let sshName = ".ssh"
    /// The name a new `.ssh` is made under before it is checked and renamed into place.
    static let sshTemporaryName = ".ssh.rsshctl-new"

    /// Opens the existing directory at the absolute path `path` (such as a user's home), refusing a symbolic
    /// link as its last component.
    public static func openExisting(_ path: String) throws(JailBuildError) -> JailDirectory {
        guard path.hasPrefix("/") else { throw .badName(path) }
        let fd = jail_open(path, directoryFlags)
        guard fd >= 0 else {
            let code = jail_errno()
            if code == ELOOP || code == ENOTDIR {
                throw .unsafeEntry(path: path, reason: "is a symbolic link or not a directory")
            }
            throw .file(FileError(operation: "open", path: path, code: code))
        }
        return JailDirectory(fd: fd, path: path)
    }

    /// Makes this home's `.ssh` one its user can neither write nor replace (review 3, F5): a root-owned 0755
    /// directory with the immutable attribute (`chattr +i`), which the kernel refuses to rename, remove or
    /// write into, for anyone.
    ///
    /// A missing one is made under a temporary name and checked through its descriptor before it is renamed
    /// into place (F10); it is made immutable only after the rename (an immutable directory cannot be renamed,
    /// by root either), and its name is checked again afterwards. An existing one must be root's and not
    /// writable by group or others: anything else may hold keys the user planted, so it is refused, not
    /// adopted. Its group and mode are fixed with the attribute cleared, and the attribute set again.
    /// - Parameters:
    ///   - rootOnlyHomeSuffices: whether a home that is root-owned and not writable by group or others protects
    ///     `.ssh` enough where the file system has no immutable attribute (false while making a home that is
    ///     then given to its user).
    ///   - afterMaking: called between the mkdir and the open of a new `.ssh` (tests swap it there).
    /// - Returns: what was done, for the report; nil when it was protected already.
    public func protectSsh(
        rootOnlyHomeSuffices: Bool,
        afterMaking: () -> Void = {}
    ) throws(JailBuildError) -> String? {
        let path = childPath(Self.sshName)
        let home = try status()
        let homeIsRootOnly = rootOnlyHomeSuffices && home.st_uid == 0 && home.st_mode & 0o022 == 0
        guard let existing = entryStatus(Self.sshName) else {
            return try makeSsh(path: path, homeIsRootOnly: homeIsRootOnly, afterMaking: afterMaking)
        }
        guard existing.st_mode & S_IFMT == S_IFDIR else {
            throw .unsafeEntry(
                path: path,
                reason: "is a symbolic link or not a directory (was it replaced?); check it, remove it and run again"
            )
        }
        guard existing.st_uid == 0 else {
            throw .unsafeEntry(
                path: path,
                reason: "is owned by uid \(existing.st_uid), not root: its user may have replaced it and planted "
                    + "keys; check its authorized_keys, remove it and run again"
            )
        }
        let mode = existing.st_mode & 0o7777
        guard mode & 0o022 == 0 else {
            throw .unsafeEntry(
                path: path,
                reason: "is writable by group or others (mode \(String(mode, radix: 8))); check what is in it, "
                    + "then chmod it or remove it"
            )
        }
        guard let ssh = try openChild(Self.sshName, as: path, allowMissing: false) else {
            throw .file(FileError(operation: "open", path: path, code: ENOENT))
        }
        let info = try ssh.status()
        guard Self.same(info, existing) else { throw Self.changed(path, in: self.path) }
        var flags = try ssh.inodeFlags()
        var done: [String] = []
        if info.st_gid != 0 || mode != 0o755 {
            if let current = flags, current & jail_immutable_flag() != 0 {
                try ssh.setInodeFlags(current & ~jail_immutable_flag())
                flags = current & ~jail_immutable_flag()
            }
            try ssh.setOwner(uid: 0, gid: 0, mode: 0o755)
            done.append("root:root 755 (was gid \(info.st_gid), mode \(String(mode, radix: 8)))")
        }
        if let current = flags, current & jail_immutable_flag() == 0 {
            if try ssh.setInodeFlags(current | jail_immutable_flag(), unsupportedIsAnError: false) {
                done.append("immutable (chattr +i)")
            } else {
                flags = nil
            }
        }
        if flags == nil && !homeIsRootOnly {
            throw .immutableUnsupported(path: path, code: EOPNOTSUPP)
        }
        try verifyName(Self.sshName, is: info, path: path)
        return done.isEmpty ? nil : "protected \(path): " + done.joined(separator: ", ")
    }

    /// Makes `.ssh` under the temporary name, checks it through its descriptor, and renames it into place.
    private func makeSsh(
        path: String,
        homeIsRootOnly: Bool,
        afterMaking: () -> Void
    ) throws(JailBuildError)
        -> String
    {
        let temporary = Self.sshTemporaryName
        let temporaryPath = childPath(temporary)
        if let leftover = entryStatus(temporary) {
            // An interrupted run's is root's and empty (rmdir fails on anything in it), so nothing is lost.
            guard leftover.st_mode & S_IFMT == S_IFDIR, leftover.st_uid == 0, jail_rmdirat(fd, temporary) == 0 else {
                throw .unsafeEntry(path: temporaryPath, reason: "is in the way; check it and remove it")
            }
        }
        guard jail_mkdirat(fd, temporary, 0o700) == 0 else {
            throw .file(FileError(operation: "mkdir", path: temporaryPath, code: jail_errno()))
        }
        guard let made = entryStatus(temporary) else { throw Self.changed(temporaryPath, in: self.path) }
        afterMaking()
        guard let ssh = try openChild(temporary, as: temporaryPath, allowMissing: true) else {
            throw Self.changed(temporaryPath, in: self.path)
        }
        // The one made here: the same inode, root's (the user cannot make a root-owned directory), and empty.
        let info = try ssh.status()
        guard Self.same(info, made), info.st_uid == 0, info.st_nlink == 2, try ssh.isEmpty() else {
            throw Self.changed(temporaryPath, in: self.path)
        }
        try ssh.setOwner(uid: 0, gid: 0, mode: 0o755)
        // Whether the attribute can be set at all, tried before the name is taken.
        let supported = try ssh.setInodeFlags(jail_immutable_flag(), unsupportedIsAnError: false)
        if supported { try ssh.setInodeFlags(0) }
        guard supported || homeIsRootOnly else {
            _ = jail_rmdirat(fd, temporary)
            throw .immutableUnsupported(path: path, code: EOPNOTSUPP)
        }
        guard jail_renameat(fd, temporary, Self.sshName) == 0 else {
            let code = jail_errno()
            _ = jail_rmdirat(fd, temporary)
            throw .file(FileError(operation: "rename", path: path, code: code))
        }
        try verifyName(Self.sshName, is: info, path: path)
        guard supported else {
            return "created a root-owned \(path) (no immutable attribute on this file system; the root-owned home "
                + "protects it)"
        }
        try ssh.setInodeFlags(jail_immutable_flag())
        try verifyName(Self.sshName, is: info, path: path)
        return "created a root-owned, immutable \(path)"
    }

    /// The inode flags, or nil when the file system has none.
    func inodeFlags() throws(JailBuildError) -> UInt32? {
        var flags: UInt32 = 0
        let status = jail_get_inode_flags(fd, &flags)
        if status == 0 { return flags }
        if Self.meansUnsupported(-status) { return nil }
        throw .file(FileError(operation: "ioctl(FS_IOC_GETFLAGS)", path: path, code: -status))
    }

    /// Sets the inode flags through the descriptor.
    /// - Returns: false when the file system does not support them and `unsupportedIsAnError` is false.
    @discardableResult
    func setInodeFlags(_ flags: UInt32, unsupportedIsAnError: Bool = true) throws(JailBuildError) -> Bool {
        let status = jail_set_inode_flags(fd, flags)
        if status == 0 { return true }
        if !unsupportedIsAnError && Self.meansUnsupported(-status) { return false }
        throw .file(FileError(operation: "ioctl(FS_IOC_SETFLAGS)", path: path, code: -status))
    }

    /// Whether this directory has no entries but `.` and `..`.
    func isEmpty() throws(JailBuildError) -> Bool {
        let again = jail_openat(fd, ".", Self.directoryFlags)
        guard again >= 0, let stream = jail_fdopendir(again) else {
            if again >= 0 { _ = jail_close(again) }
            throw .file(FileError(operation: "opendir", path: path, code: jail_errno()))
        }
        defer { jail_closedir(stream) }
        while let entry = jail_readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in raw.prefix { $0 != 0 } }
            if !name.elementsEqual(".".utf8) && !name.elementsEqual("..".utf8) { return false }
        }
        return true
    }

    /// Checks that `name` here is still the inode `info` describes.
    private func verifyName(_ name: String, is info: stat, path: String) throws(JailBuildError) {
        guard let now = entryStatus(name), Self.same(now, info) else { throw Self.changed(path, in: self.path) }
    }

    private static func same(_ one: stat, _ other: stat) -> Bool {
        one.st_dev == other.st_dev && one.st_ino == other.st_ino
    }

    private static func changed(_ path: String, in home: String) -> JailBuildError {
        .unsafeEntry(
            path: path,
            reason: "was renamed or replaced while it was being made or protected; check \(home), then run again"
        )
    }

    /// The errno values of a file system without inode flags.
    private static func meansUnsupported(_ code: Int32) -> Bool {
        code == ENOTTY || code == EOPNOTSUPP || code == EINVAL || code == ENOSYS
    }
}
