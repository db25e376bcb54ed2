import CRsshLibc

/// What the group lines need to know about one user, gathered before the decision: the names of the
/// groups the user is in.
///
/// The lookup goes from the user's gids to their names (one getgrgid_r per group the user is in, usually a
/// handful) rather than from every line's name to its gid (one getgrnam_r per group line, a hundred in a
/// large file, before the first match could be known). A group line therefore matches by the name NSS gives
/// the gid; a line naming a second name of a shared gid matches nobody, and `rssh -v` says so.
public struct GroupFacts: Sendable, Equatable {
    /// What a group line's name resolved to (`rssh -v`'s checks).
    public enum Resolution: Sendable, Equatable {
        /// The group's gid.
        case gid(gid_t)
        /// No such group: the line never matches.
        case unknown
        /// NSS failed (errno).
        case failed(Int32)
    }

    /// What one of the user's gids is called.
    public enum Name: Sendable, Equatable {
        /// The group's name.
        case name(String)
        /// The gid has no group entry: no line can name it.
        case unknown
        /// NSS failed (errno): a line might have named it, so the user is locked out.
        case failed(Int32)
    }

    /// The names of the user's primary and supplementary groups, or why they could not all be learnt.
    public var names: Result<[String], SystemError>

    /// Creates facts.
    public init(names: Result<[String], SystemError>) {
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
        let gids: [gid_t]
        switch lookup.memberships() {
        case .success(let found): gids = found
        case .failure(let error): return GroupFacts(names: .failure(error))
        }
        var names: [String] = []
        names.reserveCapacity(gids.count)
        var seen: [gid_t] = []
        for gid in gids where !seen.contains(gid) {
            seen.append(gid)
            switch lookup.name(of: gid) {
            case .name(let name): names.append(name)
            case .unknown: continue
            case .failed(let code):
                return GroupFacts(names: .failure(SystemError(call: "getgrgid_r", subject: "gid \(gid)", code: code)))
            }
        }
        return GroupFacts(names: .success(names))
    }

    /// The numbers of the group lines that name one of the user's groups, in file order (the first applies).
    public func groupLines(matching facts: GroupFacts) -> [Int] {
        guard case .success(let names) = facts.names else { return [] }
        return groups.filter { names.contains($0.name) }.map { $0.line }
    }

    /// A warning for each group line whose group does not exist (the line never matches), for `rssh -v`
    /// and `rsshctl config check`.
    public func unknownGroupWarnings(lookup: inout some GroupLookup) -> [ConfigDiagnostic] {
        var warnings: [ConfigDiagnostic] = []
        for entry in groups {
            switch lookup.gid(named: entry.name) {
            case .gid(let gid):
                // Members are matched by the name NSS gives their gid: a second name for it matches nobody.
                guard case .name(let canonical) = lookup.name(of: gid), canonical != entry.name else { break }
                warnings.append(
                    ConfigDiagnostic(
                        severity: .warning,
                        file: file,
                        line: entry.line,
                        message: "group '\(entry.name)' has gid \(gid), which is called '\(canonical)': members "
                            + "are matched by that name, so this line applies to nobody; name the group "
                            + "'\(canonical)'",
                        scope: .group(entry.name)
                    )
                )
            case .unknown:
                warnings.append(
                    ConfigDiagnostic(
                        severity: .warning,
                        file: file,
                        line: entry.line,
                        message: "group '\(entry.name)' does not exist: this line applies to nobody",
                        scope: .group(entry.name)
                    )
                )
            case .failed(let code):
                warnings.append(
                    ConfigDiagnostic(
                        severity: .warning,
                        file: file,
                        line: entry.line,
                        message: "group '\(entry.name)' could not be looked up "
                            + "(\(SystemError(call: "getgrnam_r", code: code).reason)): users without a user line "
                            + "are locked out while it cannot",
                        scope: .group(entry.name)
                    )
                )
            }
        }
        return warnings
    }
}
