import CRsshLibc

/// What one user may do, resolved from the configuration.
public struct UserPolicy: Sendable, Equatable {
    /// Where the policy came from.
    public enum Source: Sendable, Equatable {
        /// The global `allow*`, `umask` and `chrootpath` lines.
        case global
        /// The user's own `user=` line.
        case userLine(Int)
    }

    /// The programs the user may run; empty means locked out.
    public var programs: ProgramSet
    /// The umask applied before the program runs.
    public var umask: mode_t
    /// The jail, or nil when the user is not chrooted.
    public var chrootPath: String?
    /// The global lines or a user line.
    public var source: Source

    /// Creates a policy.
    public init(programs: ProgramSet, umask: mode_t, chrootPath: String?, source: Source) {
        self.programs = programs
        self.umask = umask
        self.chrootPath = chrootPath
        self.source = source
    }

    /// True when nothing is allowed ("This user is locked out.").
    public var isLockedOut: Bool { programs.isEmpty }
}
