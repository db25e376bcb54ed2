extension Configuration {
    /// Resolves the policy for `user`, failing closed.
    ///
    /// Any error that concerns the whole file, or the user's own line, locks the user out: the
    /// configuration is then not what the administrator meant, and guessing would give more access.
    /// The first `user=` line naming the user replaces every global setting (an omitted chroot path
    /// means no chroot, as in rssh).
    /// - Returns: the policy, or the diagnostics that lock the user out.
    public func policy(for user: String) -> Result<UserPolicy, LockoutReason> {
        let blocking = errors.filter { error in
            switch error.scope {
            case .global: true
            case .user(let name): name == user
            }
        }
        if !blocking.isEmpty { return .failure(.configurationErrors(blocking)) }
        if let entry = users.first(where: { $0.name == user }) {
            return .success(
                UserPolicy(
                    programs: entry.programs,
                    umask: entry.umask,
                    chrootPath: entry.chrootPath,
                    source: .userLine(entry.line),
                    options: entry.options,
                    sftpServerOptions: sftpServerOptions ?? []
                )
            )
        }
        return Self.defaultPolicy(self)
    }

    /// The policy of users without a user line (ignoring errors, which `policy(for:)` checks).
    static func defaultPolicy(_ config: Configuration) -> Result<UserPolicy, LockoutReason> {
        .success(
            UserPolicy(
                programs: config.allowed,
                umask: config.effectiveUmask,
                chrootPath: config.chrootPath,
                source: .global,
                options: config.options,
                sftpServerOptions: config.sftpServerOptions ?? []
            )
        )
    }
}

/// Why a user is locked out before any command is looked at.
public enum LockoutReason: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file could not be used at all.
    case unusableFile(String)
    /// The configuration has errors that concern this user.
    case configurationErrors([ConfigDiagnostic])
    /// The user's passwd entry could not be found.
    case unknownUser(uid: UInt32)
    /// NSS failed to answer for the uid (errno), typically a user directory that cannot be reached.
    case lookupFailed(uid: UInt32, code: Int32)

    /// One line for the log.
    public var description: String {
        switch self {
        case .unusableFile(let message):
            return "configuration unusable: \(message)"
        case .configurationErrors(let errors):
            let first = errors.first.map { $0.description } ?? "unknown"
            let more = errors.count > 1 ? " (and \(errors.count - 1) more)" : ""
            return "configuration error: \(first)\(more)"
        case .unknownUser(let uid):
            return "no passwd entry for uid \(uid)"
        case .lookupFailed(let uid, let code):
            let reason = SystemError(call: "getpwuid_r", code: code).reason
            return "user lookup failed for uid \(uid): \(reason) (is the user directory reachable?)"
        }
    }
}
