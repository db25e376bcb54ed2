/// One allow or deny decision, as it is logged.
public struct Decision: Sendable, Equatable {
    /// Whether a decision is the last word on a command.
    public enum Stage: Sendable, Equatable {
        /// The verdict on what runs.
        case final
        /// Recorded before anything is expanded (globs, or everything inside a jail), so that no failure
        /// while expanding can hide the attempt; a final record follows.
        case precheck
    }

    /// The most command bytes a syslog line holds: escaping can quadruple them, and a line must stay well
    /// under the log socket's datagram and rsyslog's message limits (a longer one is dropped silently).
    public static let maximumLoggedCommandBytes = 1_024

    /// Whether the command runs.
    public var allowed: Bool
    /// The account name ("?" when unknown).
    public var user: String
    /// The real uid.
    public var uid: UInt32
    /// The client address from SSH_CONNECTION, if any.
    public var address: String?
    /// The program that runs, when allowed.
    public var program: String?
    /// The jail, when there is one.
    public var chroot: String?
    /// The profile a key's forced command selected (`rssh-profile NAME`), if any.
    public var profile: String?
    /// Why (for a refusal) or how (for an allowed command).
    public var reason: String
    /// The command line exactly as received (nil for an interactive login).
    public var command: [UInt8]?
    /// What became of the kernel audit record: nil before trying, `written` (verified by a root sender),
    /// `accepted by the kernel` (all the unprivileged shell can know), or `not written: why`.
    public var audit: String?
    /// A pre-check or the final verdict.
    public var stage: Stage = .final
    /// The argument vector that runs (final, allowed decisions only), for the audit record.
    public var argv: [[UInt8]]?
    /// The supervised session's id (the end record carries it too); nil in exec mode.
    public var session: String?

    /// Creates a decision.
    public init(
        allowed: Bool,
        user: String,
        uid: UInt32,
        address: String?,
        program: String? = nil,
        chroot: String? = nil,
        reason: String,
        command: [UInt8]?
    ) {
        self.allowed = allowed
        self.user = user
        self.uid = uid
        self.address = address
        self.program = program
        self.chroot = chroot
        self.reason = reason
        self.command = command
    }

    /// One syslog line: `key=value` fields, every value from outside escaped by `Printable`, so a command
    /// holding `"`, `=`, newlines or a format directive can neither fake a field nor a line.
    public var logLine: String {
        var line = stage == .precheck ? (allowed ? "prechecked" : "denied") : (allowed ? "allowed" : "denied")
        line += " user=\"\(Printable.text(user))\" uid=\(uid) addr=\(address.map { Printable.text($0) } ?? "?")"
        if let program { line += " program=\(Printable.text(program))" }
        if let chroot { line += " chroot=\"\(Printable.text(chroot))\"" }
        if let profile { line += " profile=\"\(Printable.text(profile))\"" }
        line += " reason=\"\(Printable.text(reason.utf8.prefix(Self.maximumLoggedCommandBytes)))\""
        if let command {
            line += " command=\"\(Printable.text(command.prefix(Self.maximumLoggedCommandBytes)))\""
            if command.count > Self.maximumLoggedCommandBytes {
                line += " cmdlen=\(command.count) command_truncated=yes"
            }
        }
        if let audit { line += " audit=\"\(Printable.text(audit))\"" }
        if let session { line += " session=\(Printable.text(session))" }
        return line
    }
}
