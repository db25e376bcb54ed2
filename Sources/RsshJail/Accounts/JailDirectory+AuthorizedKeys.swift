import Glibc
import RsshCore

extension JailDirectory {
    /// The file sshd reads keys from by default, inside `.ssh`.
    static let authorizedKeysName = "authorized_keys"

    /// The home's `.ssh/authorized_keys`, or nil when there is none (or it is not a regular file).
    public func authorizedKeys() -> [UInt8]? {
        guard let ssh = try? openChild(Self.sshName, as: childPath(Self.sshName), allowMissing: true) else {
            return nil
        }
        guard let file = ssh.openRegularFile(Self.authorizedKeysName) else { return nil }
        defer { _ = jail_close(file) }
        return try? FileSystem.read(fd: file, path: ssh.childPath(Self.authorizedKeysName), limit: 1 << 20)
    }

    /// Installs `keys` as `.ssh/authorized_keys` (root:root 0644), or removes it (nil), in this home's protected
    /// `.ssh` (`protectSsh` first): the immutable attribute is cleared for the change and set again, also when
    /// the change fails.
    /// - Returns: what was done, or nil when the file already was as asked.
    public func setAuthorizedKeys(_ keys: [UInt8]?) throws(JailBuildError) -> String? {
        let sshPath = childPath(Self.sshName)
        guard let ssh = try openChild(Self.sshName, as: sshPath, allowMissing: true) else {
            throw .unsafeEntry(path: sshPath, reason: "is missing; rsshctl ssh protect makes it")
        }
        let info = try ssh.status()
        guard info.st_uid == 0, info.st_mode & 0o022 == 0 else {
            throw .unsafeEntry(path: sshPath, reason: "is not root-owned and closed to others; rsshctl ssh protect")
        }
        let path = ssh.childPath(Self.authorizedKeysName)
        let current = ssh.entryStatus(Self.authorizedKeysName)
        if let keys, let current, current.st_mode & S_IFMT == S_IFREG, current.st_uid == 0, current.st_gid == 0,
            current.st_mode & 0o7777 == 0o644, authorizedKeys() == keys
        {
            return nil
        }
        if keys == nil && current == nil { return nil }
        let flags = try ssh.inodeFlags()
        let immutable = flags.map { $0 & jail_immutable_flag() != 0 } ?? false
        if let flags, immutable { try ssh.setInodeFlags(flags & ~jail_immutable_flag()) }
        do throws(JailBuildError) {
            if let keys {
                _ = try ssh.writeFile(Self.authorizedKeysName, keys, mode: 0o644)
            } else if jail_unlinkat(ssh.fd, Self.authorizedKeysName) != 0 {
                throw .file(FileError(operation: "unlink", path: path, code: jail_errno()))
            }
        } catch {
            if let flags, immutable { _ = try? ssh.setInodeFlags(flags) }
            throw error
        }
        if let flags, immutable { try ssh.setInodeFlags(flags) }
        // While the flag was off the user (the home's owner) could rename .ssh away and make their own: the
        // keys went where the descriptor points, so check that this is still the home's .ssh.
        guard let now = entryStatus(Self.sshName), now.st_dev == info.st_dev, now.st_ino == info.st_ino else {
            throw .unsafeEntry(
                path: sshPath,
                reason: "was replaced while its keys were written (renamed by a session of the user?); "
                    + "inspect the home and run rsshctl ssh protect again"
            )
        }
        guard let keys else { return "removed \(path)" }
        let count = AuthorizedKeys.keyLines(keys).count
        return "installed \(count) key\(count == 1 ? "" : "s") in \(path) (root-owned 0644)"
    }

    /// Clears the immutable attribute of `.ssh` (before userdel -r, which cannot remove it otherwise).
    public func unprotectSsh() throws(JailBuildError) {
        guard let ssh = try openChild(Self.sshName, as: childPath(Self.sshName), allowMissing: true) else { return }
        if let flags = try ssh.inodeFlags(), flags & jail_immutable_flag() != 0 {
            try ssh.setInodeFlags(flags & ~jail_immutable_flag())
        }
    }
}
