import CRsshLibc

/// What the login shell does after deciding; the one place that maps each result to an exit status and
/// to what the user is told.
public enum ShellOutcome: Sendable, Equatable {
    /// Exec the program (the client then sees its own exit status).
    case run(VettedCommand, environment: [[UInt8]], umask: mode_t, decision: Decision)
    /// Exec the setuid chroot helper with the raw command line; it decides everything again itself.
    case chroot(helper: String, command: [UInt8], environment: [[UInt8]], umask: mode_t, decision: Decision)
    /// Answer WinSCP's SCP mode in this process (an interactive login with the `winscp` option).
    case respond(InteractiveSession, decision: Decision)
    /// Answer a recognised client probe with fixed bytes on standard output and exit 0; nothing runs.
    case answer([UInt8], decision: Decision)
    /// Refuse: print `message` and the banner for `programs`, log `decision`, exit 1.
    case refuse(message: String?, programs: ProgramSet, decision: Decision)

    /// The exit status of every refusal (rssh's `fail()` status).
    public static let refusedStatus: Int32 = 1

    /// The decision to log.
    public var decision: Decision {
        switch self {
        case .run(_, _, _, let decision), .chroot(_, _, _, _, let decision), .respond(_, let decision),
            .answer(_, let decision), .refuse(_, _, let decision):
            decision
        }
    }

    /// Marks a run's, a jail's or a WinSCP session's decision with a supervised session's id (other outcomes
    /// run nothing to supervise).
    public mutating func setSession(_ id: String) {
        switch self {
        case .run(let vetted, let environment, let umask, var decision):
            decision.session = id
            self = .run(vetted, environment: environment, umask: umask, decision: decision)
        case .chroot(let helper, let command, let environment, let umask, var decision):
            decision.session = id
            self = .chroot(helper: helper, command: command, environment: environment, umask: umask, decision: decision)
        case .respond(let session, var decision):
            decision.session = id
            self = .respond(session, decision: decision)
        case .answer, .refuse: break
        }
    }

    /// Whether the outcome starts a session that takes a `maxsessions` slot: a final run, the hand-over to
    /// the helper (which decides again inside the jail), or WinSCP's SCP mode.
    public var startsSession: Bool {
        switch self {
        case .run(_, _, _, let decision): decision.stage == .final
        case .chroot, .respond: true
        case .answer, .refuse: false
        }
    }

    /// What a refusal prints on stderr: the reason, then the classic banner.
    public var userMessage: String? {
        guard case .refuse(let message, let programs, _) = self else { return nil }
        return (message.map { "rssh: \($0)\n" } ?? "") + Banner.text(allowing: programs)
    }
}
