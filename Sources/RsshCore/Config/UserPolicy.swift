import CRsshLibc

/// What one user may do, resolved from the configuration.
public struct UserPolicy: Sendable, Equatable {
    /// Where the policy came from.
    public enum Source: Sendable, Equatable {
        /// The global `allow*`, `umask` and `chrootpath` lines.
        case global
        /// The user's own `user=` line.
        case userLine(Int)
        /// A `group=` line (its number and group), for a member without a user line.
        case groupLine(Int, String)
    }

    /// The programs the user may run; empty means locked out.
    public var programs: ProgramSet
    /// The umask applied before the program runs.
    public var umask: mode_t
    /// The jail, or nil when the user is not chrooted.
    public var chrootPath: String?
    /// The global lines or a user line.
    public var source: Source
    /// The user line's options, or the global ones.
    public var options: UserOptions
    /// `maxsessions=N`: the most concurrent sessions of this account (nil: no limit).
    public var maxSessions: Int?
    /// The administrator's sftp-server options (`sftpserveroptions`, global); empty when not set.
    public var sftpServerOptions: [[UInt8]]
    /// The subdirectory of the home the session is rooted at (`root=`), or nil for the home itself.
    public var root: SessionRoot?
    /// The profile that narrowed the policy (a key's `rssh-profile NAME`), or nil.
    public var profile: String?

    /// Creates a policy.
    public init(
        programs: ProgramSet,
        umask: mode_t,
        chrootPath: String?,
        source: Source,
        options: UserOptions = [],
        sftpServerOptions: [[UInt8]] = [],
        maxSessions: Int? = nil,
        root: SessionRoot? = nil
    ) {
        self.programs = programs
        self.umask = umask
        self.chrootPath = chrootPath
        self.source = source
        self.options = options
        self.sftpServerOptions = sftpServerOptions
        self.maxSessions = maxSessions
        self.root = root
    }

    /// The directory the session is rooted at: `home`, or the root beneath it.
    public func area(home: [UInt8]) -> [UInt8] {
        root?.beneath(home) ?? home
    }

    /// What the user may do with files.
    public var accessMode: AccessMode { options.accessMode }

    /// Why `program` may not run for this user even though it is allowed, or nil.
    ///
    /// Only a jail confines a program that runs commands by design: under Landlock the commands it runs can
    /// still send UDP, connect to pathname unix sockets (before ABI 9) and ask `systemd --user` or D-Bus to
    /// start a process outside the ruleset.
    public func confinementProblem(_ program: TransferProgram) -> String? {
        confinementProblem(name: program.name, runsCommands: program.runsCommandsByDesign)
    }

    /// Why `program` may not run for this user even though it is allowed, or nil (git as cvs; borg in a jail).
    public func confinementProblem(for program: ServerProgram) -> String? {
        if program == .borg, chrootPath != nil {
            return "borg cannot run in a chroot jail (it is a Python program); use landlock instead"
        }
        return confinementProblem(
            name: program.isGit ? "git" : program.permission?.name ?? program.name,
            runsCommands: program.runsCommandsByDesign
        )
    }

    private func confinementProblem(name: String, runsCommands: Bool) -> String? {
        guard runsCommands, chrootPath == nil, !options.contains(.unconfinedExec) else { return nil }
        let landlock =
            options.contains(.landlock)
            ? " (landlock is not enough: the commands it runs can reach host services outside the ruleset)" : ""
        return "\(name) runs commands on the server by design; it is allowed only to a chrooted user, "
            + "or with the unconfinedexec option\(landlock)"
    }

    /// True when nothing is allowed ("This user is locked out."): no `allow*` program and no option that allows
    /// one (`checksums`, `borg`, `git`).
    public var isLockedOut: Bool { programs.isEmpty && options.isDisjoint(with: UserOptions.programs) }
}
