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

    /// Creates a session.
    public init(environment: [[UInt8]], umask: mode_t, access: AccessMode, home: [UInt8], confinement: LandlockPlan?) {
        self.environment = environment
        self.umask = umask
        self.access = access
        self.home = home
        self.confinement = confinement
    }

    /// The responder's access mode for the user's.
    public var responderAccess: WinSCPAccessMode {
        switch access {
        case .readWrite: .readWrite
        case .readOnly: .readOnly
        case .uploadOnly: .uploadOnly
        }
    }
}
