import CRsshLibc

/// The parsed contents of rssh.conf: global settings, user lines, and every problem found.
public struct Configuration: Sendable, Equatable {
    /// The umask used when neither a `umask` line nor a user line sets one.
    public static let defaultUmask: mode_t = 0o022

    /// The file the configuration was read from.
    public var file: String
    /// Programs allowed to every user without a `user=` line.
    public var allowed: ProgramSet = []
    /// The global `umask`, if set.
    public var umask: mode_t?
    /// The `logfacility`, if set.
    public var facility: SyslogFacility?
    /// The global `chrootpath`, if set.
    public var chrootPath: String?
    /// `requireaudit`: refuse any session whose kernel audit record cannot be written.
    public var requireAudit = false
    /// The global `options`, for users without a user line.
    public var options: UserOptions = []
    /// The global `options`' `maxsessions=N` (nil: no limit).
    public var maxSessions: Int?
    /// `sftpserveroptions`: the only options sftp-server runs with (nil when not set: none are accepted).
    public var sftpServerOptions: [[UInt8]]?
    /// The `user=` lines that were parsed (only the requested user's when parsing for one user).
    public var users: [UserEntry] = []
    /// The `group=` lines, in file order (the first that names a group of the user applies).
    public var groups: [UserEntry] = []
    /// The `profile=` lines, in file order (a key's forced command `rssh-profile NAME` selects one).
    public var profiles: [UserEntry] = []
    /// Errors and warnings, in file order.
    public var diagnostics: [ConfigDiagnostic] = []

    /// Creates an empty configuration for `file`.
    public init(file: String) {
        self.file = file
    }

    /// The errors among the diagnostics.
    public var errors: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .error } }

    /// The warnings among the diagnostics.
    public var warnings: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .warning } }

    /// The effective umask for users without their own line.
    public var effectiveUmask: mode_t { umask ?? Self.defaultUmask }
}
