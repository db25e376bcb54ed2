import CRsshLibc

/// The passwd entry of the account running the shell, looked up by the real uid (never from `$USER`).
public struct Account: Sendable, Equatable {
    /// The login name.
    public var name: String
    /// The numeric user id.
    public var uid: uid_t
    /// The primary group id.
    public var gid: gid_t
    /// The home directory as passwd gives it (outside any jail).
    public var home: [UInt8]
    /// The login shell.
    public var shell: [UInt8]

    /// Creates an account value (for tests and the helper's own lookups).
    public init(name: String, uid: uid_t, gid: gid_t, home: [UInt8], shell: [UInt8]) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.home = home
        self.shell = shell
    }

    /// Why an account could not be looked up.
    public enum LookupFailure: Error, Sendable, Equatable {
        /// NSS answered, and there is no such uid (or its name is not valid UTF-8).
        case noEntry
        /// NSS failed (getpwuid_r's errno): a directory that cannot be reached, not an unknown user.
        case failed(Int32)
    }

    /// Looks up `uid` through NSS, telling an unknown uid (no entry) from a failed lookup.
    public static func find(uid: uid_t) -> Result<Account, LookupFailure> {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var size = 1024
        while size <= 1 << 20 {
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            let status = system_getpwuid_r(uid, &entry, buffer, size, &result)
            if status == ERANGE {
                size *= 4
                continue
            }
            guard status == 0 else { return .failure(.failed(status)) }
            guard result != nil, let namePointer = entry.pw_name, let name = String(validatingCString: namePointer)
            else { return .failure(.noEntry) }
            return .success(
                Account(
                    name: name,
                    uid: entry.pw_uid,
                    gid: entry.pw_gid,
                    home: entry.pw_dir.map { CBytes.copy($0) } ?? [],
                    shell: entry.pw_shell.map { CBytes.copy($0) } ?? []
                )
            )
        }
        return .failure(.failed(ERANGE))
    }
}
