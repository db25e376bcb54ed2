/// `rsshctl explain`: what a session of one account would do with one command line, and why.
///
/// The verdict, the reason and the argument vector are `LoginShell.decide`'s own, on facts gathered as a
/// session gathers them (`LoginShell.gatherFacts`): there is no second implementation to drift. Nothing
/// runs and nothing is expanded against the file system (the session expands `~` and globs as the user,
/// after the pre-check this shows; a jailed user's command is vetted once more inside the jail).
public struct Explanation {
    /// The shell that decides, with the account, configuration, environment and facts of the session.
    public var shell: LoginShell
    /// The command as sshd passes it with `-c` (nil: no command).
    public var command: [UInt8]?
    /// The client's own request when a profile's forced command carries it in `SSH_ORIGINAL_COMMAND`.
    public var request: [UInt8]?
    /// What the session's and the helper's checks say would refuse every session (`AccountLockout.find`).
    public var lockouts: [AccountLockout]
    /// The shell's decision on the literal command (the session's first decision).
    public let outcome: ShellOutcome

    /// The verdict as `rsshctl explain` prints it.
    public enum Verdict: String, Sendable, Equatable {
        /// The program runs (or rssh answers, or the helper takes over after the pre-check).
        case allowed
        /// The session is refused.
        case refused
    }

    /// Decides `command` with `shell`, as the session's first decision.
    public init(shell: LoginShell, command: [UInt8]?, request: [UInt8]? = nil, lockouts: [AccountLockout] = []) {
        self.shell = shell
        self.command = command
        self.request = request
        self.lockouts = lockouts
        let home = shell.account?.home ?? [UInt8(ascii: "/")]
        outcome = shell.decide(command: command, expansion: FileSystemExpansion.literal(homeDirectory: home))
    }

    /// What sshd hands rssh for a client that sends `request` from `address`.
    ///
    /// The command line (`rssh -c`) and the environment. With a profile the key's forced command `rssh-profile NAME` is the command and the
    /// client's request goes in `SSH_ORIGINAL_COMMAND`, as sshd presents a forced command.
    public static func sessionInput(
        request: [UInt8]?,
        profile: String?,
        address: String?
    ) -> (command: [UInt8]?, environment: [[UInt8]]) {
        var environment: [[UInt8]] = []
        if let address { environment.append(Array("SSH_CONNECTION=\(address) 0 0.0.0.0 22".utf8)) }
        guard let profile else { return (request, environment) }
        if let request { environment.append(Array("SSH_ORIGINAL_COMMAND=".utf8) + request) }
        return (Array("rssh-profile \(profile)".utf8), environment)
    }

    /// Allowed or refused.
    public var verdict: Verdict { outcome.decision.allowed ? .allowed : .refused }

    /// `rsshctl explain`'s exit status: 0 allowed, 1 refused.
    public var status: Int32 { verdict == .allowed ? 0 : ShellOutcome.refusedStatus }

    /// The argument vector that would run, each element escaped with `Printable` and quoted; nil when nothing
    /// runs from this decision (a refusal, an answer, the helper's hand-over).
    public var argumentVector: String? {
        guard case .run(let vetted, _, _, _) = outcome else { return nil }
        return Self.render(vetted.arguments)
    }

    /// Quoted, escaped elements separated by spaces.
    public static func render(_ arguments: [[UInt8]]) -> String {
        arguments.map { "\"" + Printable.text($0) + "\"" }.joined(separator: " ")
    }

    /// The report.
    public var text: String {
        var out = ""
        let decision = outcome.decision
        if let account = shell.account {
            out += "account: \(account.name) (uid \(account.uid), home \(Printable.text(account.home)), login shell "
            out += "\(Printable.text(account.shell)))\n"
        } else {
            out += "account: none (no passwd entry)\n"
        }
        if let address = decision.address {
            out += "client address: \(address)\n"
        } else if let sent = ExecEnvironment.clientAddress(from: shell.environment) {
            out += "client address: none (\(sent) is not trusted: the login shell is not \(shell.paths.shell))\n"
        } else {
            out += "client address: none\n"
        }
        out +=
            "command: " + (command.map { "\"\(Printable.text($0))\" (as sshd passes it to rssh -c)" } ?? "none") + "\n"
        if command != nil, let request {
            out += "request: \"\(Printable.text(request))\" (SSH_ORIGINAL_COMMAND)\n"
        }
        out += "client: \(ClientIdiom.classify(request ?? command).description)\n"
        out += policyLines
        out += "verdict: \(verdict.rawValue)\n"
        out += "reason: \(decision.reason)\n"
        switch outcome {
        case .run(let vetted, _, _, _):
            out += "program: \(vetted.executable)\n"
            out += "argv: \(Self.render(vetted.arguments))\n"
            if decision.stage == .precheck {
                out += "patterns: NOT expanded here: the session expands them as the user, after this pre-check, "
                out += "and vets the expanded vector again\n"
            }
        case .chroot(let helper, _, _, _, _):
            out += "program: \(helper), which vets the command again inside the jail as the user (~ and globs "
            out += "resolved there): the final vetting happens inside the jail, by the helper\n"
        case .answer(let bytes, _):
            out += "answer: \"\(Printable.text(bytes))\" (written by rssh; nothing runs)\n"
        case .respond(let session, _):
            out += "session: WinSCP's SCP mode, answered by rssh itself (\(session.access))\n"
        case .refuse(let message, _, _):
            out += "user sees: " + (message.map { "rssh: \($0), then " } ?? "") + "rssh's banner on stderr (an sftp "
            out += "client shows only \"Connection closed\")\n"
        }
        out += "log: \(decision.logLine)\n"
        for lockout in lockouts {
            out += "lock-out: every session of this account is REFUSED: \(lockout.problem)\n"
            out += "  fix: \(lockout.fix)\n"
        }
        return out
    }

    /// Which line applied, the policy and the confinement.
    private var policyLines: String {
        guard let account = shell.account, case .success(let config) = shell.configuration else {
            return "line: none (the configuration cannot be used)\n"
        }
        switch config.policy(for: account.name, groups: shell.facts.groups) {
        case .failure(let reason):
            return "line: none: locked out (\(reason.description))\n"
        case .success(let policy):
            var out = "line: "
            switch policy.source {
            case .userLine(let line): out += "user line \(line)\n"
            case .groupLine(let line, let group): out += "group line \(line) (group \(group))\n"
            case .global: out += "globals (no user line or group line applies)\n"
            }
            out += "policy:" + VersionReport.policyLine("", policy).dropFirst(3)
            if let jail = policy.chrootPath {
                out += "confinement: chroot jail \(jail) (through \(shell.paths.chrootHelper))\n"
            } else if policy.options.contains(.landlock) {
                let home = shell.facts.landlockHome?.resolved ?? account.home
                out += "confinement: landlock (ABI \(shell.facts.landlockABI); home rule \(Printable.text(home)))\n"
            } else {
                out += "confinement: none\n"
            }
            return out
        }
    }
}
