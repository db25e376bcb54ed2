import CRsshLibc

/// What the group lines need to know about one user, gathered before the decision: the gids the user is
/// in and the names NSS gives them.
///
/// A line applies when one of the user's groups is called by the line's name: each of the user's gids is
/// named with getgrgid_r, and the lines are compared with those names, the way sshd's `Match Group` and
/// `AllowGroups` match. The cost is one lookup per group the user is in, whatever the number of group lines
/// and wherever the matching one stands. A second name for a gid (a second `/etc/group` entry with the same
/// gid) is not the name NSS gives it, so a line naming it applies to nobody; `rssh -v` warns about such lines.
public struct GroupFacts: Sendable, Equatable {
    /// What a group line's name resolved to (`rssh -v`'s warnings).
    public enum Resolution: Sendable, Equatable {
        /// The group's gid.
        case gid(gid_t)
        /// No such group: the line never matches.
        case unknown
        /// NSS failed (errno).
        case failed(Int32)
    }

    /// What a gid is called.
    public enum Name: Sendable, Equatable {
        /// The group's name.
        case name(String)
        /// The gid has no group entry: no line names it.
        case unknown
        /// NSS failed (errno): any line might have named it, so the user is locked out.
        case failed(Int32)
    }

    /// The user's primary and supplementary gids, or the errno of a failed lookup.
    public var memberships: Result<[gid_t], SystemError>
    /// The names of `memberships`, in the same order.
    public var names: [Name]

    /// Creates facts.
    public init(memberships: Result<[gid_t], SystemError>, names: [Name]) {
        self.memberships = memberships
        self.names = names
    }
}

/// Where group names and a user's groups are looked up (injected, so tests count the calls).
public protocol GroupLookup {
    /// The gid of the group called `name`.
    mutating func gid(named name: String) -> GroupFacts.Resolution
    /// The name of the group `gid`.
    mutating func name(of gid: gid_t) -> GroupFacts.Name
    /// The gids the user is in, the primary one included.
    mutating func memberships() -> Result<[gid_t], SystemError>
}

extension Configuration {
    /// The group facts for `user`, or nil when no group line can apply.
    ///
    /// No group line applies when the file has none, or the user has a user line; only otherwise is anything
    /// looked up, so a file without group lines costs no lookup at all.
    public func groupFacts(for user: String, lookup: inout some GroupLookup) -> GroupFacts? {
        guard !groups.isEmpty, !users.contains(where: { $0.name == user }) else { return nil }
        let memberships = lookup.memberships()
        guard case .success(let gids) = memberships else { return GroupFacts(memberships: memberships, names: []) }
        return GroupFacts(memberships: memberships, names: gids.map { lookup.name(of: $0) })
    }

    /// The numbers of the group lines that name one of the user's groups, in file order (the first applies).
    public func groupLines(matching facts: GroupFacts) -> [Int] {
        let names = facts.names.compactMap { name -> String? in
            guard case .name(let text) = name else { return nil }
            return text
        }
        return groups.filter { names.contains($0.name) }.map { $0.line }
    }

    /// A warning for each group line that applies to nobody (its group does not exist, or the name is a second
    /// name of a gid NSS calls otherwise) or whose group could not be looked up, for `rssh -v` and
    /// `rsshctl config check`.
    public func unknownGroupWarnings(lookup: inout some GroupLookup) -> [ConfigDiagnostic] {
        var warnings: [ConfigDiagnostic] = []
        for entry in groups {
            let problem: String
            switch lookup.gid(named: entry.name) {
            case .gid(let gid):
                guard case .name(let first) = lookup.name(of: gid), first != entry.name else { continue }
                problem =
                    "group '\(entry.name)' is a second name of gid \(gid), which NSS calls '\(first)': lines match "
                    + "the names of the user's groups (as sshd's Match Group does), so this line applies to nobody "
                    + "(name '\(first)' instead)"
            case .unknown:
                problem = "group '\(entry.name)' does not exist: this line applies to nobody"
            case .failed(let code):
                problem =
                    "group '\(entry.name)' could not be looked up "
                    + "(\(SystemError(call: "getgrnam_r", code: code).reason)): it cannot be checked"
            }
            warnings.append(
                ConfigDiagnostic(
                    severity: .warning,
                    file: file,
                    line: entry.line,
                    message: problem,
                    scope: .group(entry.name)
                )
            )
        }
        return warnings
    }
}
