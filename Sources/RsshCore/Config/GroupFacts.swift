import CRsshLibc

/// What the group lines need to know about one user, gathered before the decision: the gids the user is
/// in and the gids the `group=` lines name, in file order up to the first that decides.
///
/// A line matches by gid, so every name of a gid (a second `/etc/group` entry, a directory's name for a local
/// gid) selects its line. Names are resolved in file order and no further than the first line that matches
/// (or whose lookup fails, which locks the user out): a member of an early line's group pays for that line's
/// lookups only; the last line's members pay one lookup per line before theirs.
public struct GroupFacts: Sendable, Equatable {
    /// What a group line's name resolved to.
    public enum Resolution: Sendable, Equatable {
        /// The group's gid.
        case gid(gid_t)
        /// No such group: the line never matches.
        case unknown
        /// NSS failed (errno): the line might have matched, so the user is locked out.
        case failed(Int32)
    }

    /// What a gid is called (`AccountNames`, WinSCP's listings).
    public enum Name: Sendable, Equatable {
        /// The group's name.
        case name(String)
        /// The gid has no group entry.
        case unknown
        /// NSS failed (errno).
        case failed(Int32)
    }

    /// The user's primary and supplementary gids, or the errno of a failed lookup.
    public var memberships: Result<[gid_t], SystemError>
    /// The resolutions of `Configuration.groups`, in the same order, up to and including the first that
    /// decides (a line the user is in, or a failed lookup); all of them when none decides.
    public var lines: [Resolution]

    /// Creates facts.
    public init(memberships: Result<[gid_t], SystemError>, lines: [Resolution]) {
        self.memberships = memberships
        self.lines = lines
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
    /// - Parameter complete: resolve every line (`rssh -v`'s overlaps), not only up to the deciding one.
    public func groupFacts(for user: String, lookup: inout some GroupLookup, complete: Bool = false) -> GroupFacts? {
        guard !groups.isEmpty, !users.contains(where: { $0.name == user }) else { return nil }
        let memberships = lookup.memberships()
        guard case .success(let gids) = memberships else { return GroupFacts(memberships: memberships, lines: []) }
        var lines: [GroupFacts.Resolution] = []
        for entry in groups {
            let resolution = lookup.gid(named: entry.name)
            lines.append(resolution)
            guard !complete else { continue }
            switch resolution {
            case .gid(let gid) where gids.contains(gid): return GroupFacts(memberships: memberships, lines: lines)
            case .failed: return GroupFacts(memberships: memberships, lines: lines)
            case .gid, .unknown: continue
            }
        }
        return GroupFacts(memberships: memberships, lines: lines)
    }

    /// The numbers of the group lines that name one of the user's groups, in file order (the first applies).
    public func groupLines(matching facts: GroupFacts) -> [Int] {
        guard case .success(let memberships) = facts.memberships else { return [] }
        var lines: [Int] = []
        for (entry, resolution) in zip(groups, facts.lines) {
            if case .gid(let gid) = resolution, memberships.contains(gid) { lines.append(entry.line) }
        }
        return lines
    }

    /// A warning for each group line whose group does not exist (the line never matches), for `rssh -v`
    /// and `rsshctl config check`.
    public func unknownGroupWarnings(lookup: inout some GroupLookup) -> [ConfigDiagnostic] {
        var warnings: [ConfigDiagnostic] = []
        for entry in groups {
            switch lookup.gid(named: entry.name) {
            case .gid: break
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
