import CRsshLibc

/// A WinSCP SCP-mode session the login shell answers itself (the `winscp` option): what the responder
/// needs, decided before it starts.
public struct InteractiveSession: Sendable, Equatable {
    /// The environment scp runs with.
    public var environment: [[UInt8]]
    /// The umask for everything the session creates.
    public var umask: mode_t
    /// What the user may do with files.
    public var access: AccessMode
    /// The home directory (`cd` with no argument, `~`).
    public var home: [UInt8]
    /// The Landlock ruleset applied to the responder itself (and so to scp), for a landlocked user.
    public var confinement: LandlockPlan?
    /// Whether the user has the `checksums` option (WinSCP's checksum batch).
    public var checksums: Bool

    /// Creates a session.
    public init(
        environment: [[UInt8]],
        umask: mode_t,
        access: AccessMode,
        home: [UInt8],
        confinement: LandlockPlan?,
        checksums: Bool = false
    ) {
        self.environment = environment
        self.umask = umask
        self.access = access
        self.home = home
        self.confinement = confinement
        self.checksums = checksums
    }

    /// The responder's configuration for this session, with the compiled-in program paths of `paths`.
    public func responderConfiguration(paths: ProgramPaths) -> WinSCPResponder.Configuration {
        var checksumPaths: [ServerProgram: String] = [:]
        if checksums {
            for program in ServerProgram.checksums { checksumPaths[program] = paths.path(of: program) }
        }
        return WinSCPResponder.Configuration(
            scpPath: paths.path(of: .scp) ?? "",
            access: responderAccess,
            homeDirectory: home,
            environment: environment,
            checksumPaths: checksumPaths
        )
    }

    /// The responder's access mode for the user's.
    public var responderAccess: WinSCPAccessMode {
        switch access {
        case .readWrite: .readWrite
        case .readOnly: .readOnly
        case .uploadOnly: .uploadOnly
        case .appendOnly: .appendOnly
        }
    }
}
