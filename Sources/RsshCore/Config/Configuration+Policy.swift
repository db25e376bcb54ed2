import CRsshLibc

extension Configuration {
    /// Resolves the policy for `user`, failing closed.
    ///
    /// Any error that concerns the whole file, or the user's own line, locks the user out: the
    /// configuration is then not what the administrator meant, and guessing would give more access.
    /// The first `user=` line naming the user replaces every global setting (an omitted chroot path
    /// means no chroot, as in rssh). Without one, the first `group=` line naming a group the user is in
    /// does the same; a line whose group does not exist never matches, and a group that could not be looked
    /// up before the matching line (or facts not gathered when the file has group lines) locks the user out.
    /// - Parameter groups: `groupFacts(for:lookup:)`'s answer for this user (nil when it needs none).
    /// - Returns: the policy, or the diagnostics that lock the user out.
    public func policy(for user: String, groups facts: GroupFacts? = nil) -> Result<UserPolicy, LockoutReason> {
        let entry = users.first(where: { $0.name == user })
        let blocking = errors.filter { error in
            switch error.scope {
            case .global: true
            case .user(let name): name == user
            case .group: entry == nil
            case .profile: false
            }
        }
        if !blocking.isEmpty { return .failure(.configurationErrors(blocking)) }
        if let entry { return .success(policy(entry, source: .userLine(entry.line))) }
        guard !groups.isEmpty else { return Self.defaultPolicy(self) }
        guard let facts else { return .failure(.groupsNotGathered) }
        let memberships: [gid_t]
        switch facts.memberships {
        case .success(let gids): memberships = gids
        case .failure(let error): return .failure(.groupLookupFailed(group: nil, error.description))
        }
        for (entry, resolution) in zip(groups, facts.lines) {
            switch resolution {
            case .gid(let gid) where memberships.contains(gid):
                return .success(policy(entry, source: .groupLine(entry.line, entry.name)))
            case .gid, .unknown: continue
            case .failed(let code):
                let reason = SystemError(call: "getgrnam_r", subject: entry.name, code: code).description
                return .failure(.groupLookupFailed(group: entry.name, reason))
            }
        }
        // Facts that stopped before a deciding line are not facts about the whole file: fail closed.
        guard facts.lines.count == groups.count else { return .failure(.groupsNotGathered) }
        return Self.defaultPolicy(self)
    }

    /// Resolves the policy for `user` narrowed by the profile `profile` selects (none: `policy(for:groups:)`).
    ///
    /// An error on the profile's line, an unknown profile, or a profile that would widen the user's own line
    /// (`UserPolicy.narrowed(by:)`) locks the session out: the key was given to be narrower, never wider.
    public func policy(
        for user: String,
        groups facts: GroupFacts? = nil,
        profile: String?
    ) -> Result<UserPolicy, LockoutReason> {
        let base = policy(for: user, groups: facts)
        guard let profile, case .success(let line) = base else { return base }
        return narrowed(line, by: profile)
    }

    /// `line` narrowed by the profile called `name`, or why the session is refused.
    public func narrowed(_ line: UserPolicy, by name: String) -> Result<UserPolicy, LockoutReason> {
        let blocking = errors.filter { $0.scope == .profile(name) }
        if !blocking.isEmpty { return .failure(.configurationErrors(blocking)) }
        guard let entry = profiles.first(where: { $0.name == name }) else { return .failure(.unknownProfile(name)) }
        switch line.narrowed(by: entry) {
        case .success(let narrowed): return .success(narrowed)
        case .failure(let conflict):
            return .failure(.profileWidens(profile: name, line: entry.line, conflict.description))
        }
    }

    /// The policy a group line gives its members, as `rssh -v` lists it.
    static func policy(_ group: UserEntry, _ config: Configuration) -> UserPolicy {
        config.policy(group, source: .groupLine(group.line, group.name))
    }

    private func policy(_ entry: UserEntry, source: UserPolicy.Source) -> UserPolicy {
        UserPolicy(
            programs: entry.programs,
            umask: entry.umask,
            chrootPath: entry.chrootPath,
            source: source,
            options: entry.options,
            sftpServerOptions: sftpServerOptions ?? [],
            maxSessions: entry.maxSessions,
            root: entry.root
        )
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
                sftpServerOptions: config.sftpServerOptions ?? [],
                maxSessions: config.maxSessions
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
    /// A group line's group, or the user's groups (group nil), could not be looked up.
    case groupLookupFailed(group: String?, String)
    /// The file has group lines but the caller gathered no group facts (a programming error: fail closed).
    case groupsNotGathered
    /// The key's forced command selects a profile the file does not define.
    case unknownProfile(String)
    /// The selected profile (defined on `line`) would widen the user's own line, or contradicts it.
    case profileWidens(profile: String, line: Int, String)

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
        case .groupLookupFailed(let group, let reason):
            let which = group.map { "group '\($0)'" } ?? "the user's groups"
            return "\(which) could not be looked up for the group lines: \(reason)"
        case .groupsNotGathered:
            return "the file has group lines but the user's groups were not gathered"
        case .unknownProfile(let name):
            return "unknown profile '\(name)' (no profile line defines it)"
        case .profileWidens(let name, let line, let reason):
            return "configuration error: profile '\(name)' (line \(line)) cannot apply to this user's line: \(reason)"
        }
    }
}
