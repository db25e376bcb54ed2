import CRsshLibc

/// The login shell's decision procedure, free of side effects so it can be tested without running anything.
public struct LoginShell {
    /// The compiled-in paths.
    public var paths: ProgramPaths
    /// The account of the real uid, or nil when NSS had none.
    public var account: Account?
    /// The parsed configuration, or why the file could not be used.
    public var configuration: Result<Configuration, ConfigFile.Failure>
    /// The inherited environment, as `NAME=value` byte strings.
    public var environment: [[UInt8]]
    /// What was learnt before deciding.
    public var facts: SessionFacts

    /// Creates a shell around already-gathered facts.
    public init(
        paths: ProgramPaths,
        account: Account?,
        configuration: Result<Configuration, ConfigFile.Failure>,
        environment: [[UInt8]],
        facts: SessionFacts = SessionFacts()
    ) {
        self.paths = paths
        self.account = account
        self.configuration = configuration
        self.environment = environment
        self.facts = facts
    }

    /// Whether the account's login shell is this rssh: only then is the caller sshd's session for an rssh
    /// user, and only then are its client address and audit records trusted.
    public var callerIsRsshUser: Bool {
        account?.shell == Array(paths.shell.utf8)
    }

    /// Decides what to do with `command` (nil for an interactive login).
    ///
    /// With a literal `expansion` (the first call) a command whose words hold glob patterns, or that runs in
    /// a jail, gets a pre-check decision, to be recorded before anything is expanded; the caller then decides
    /// again with the file system's expansion for the final verdict (the helper does so inside the jail).
    /// A key's forced command `rssh-profile NAME` selects a profile (`ProfileRequest`, from `command` and
    /// this shell's `environment`): the client's request in `SSH_ORIGINAL_COMMAND` is then vetted under the
    /// account's policy narrowed by the profile.
    /// - Parameter expansion: where `~` and globs resolve for an unchrooted user.
    public func decide(command given: [UInt8]?, expansion: some PathExpansion) -> ShellOutcome {
        let request = ProfileRequest(command: given, environment: environment)
        let requested = request.command
        // A client address from a caller who is not an rssh user could be anything (item: forged addr=).
        let address = callerIsRsshUser ? ExecEnvironment.clientAddress(from: environment) : nil
        guard let account else {
            let uid = system_getuid()
            let reason: LockoutReason =
                if case .failed(let code) = facts.lookupFailure { .lookupFailed(uid: uid, code: code) } else {
                    .unknownUser(uid: uid)
                }
            let decision = Decision(
                allowed: false,
                user: "?",
                uid: uid,
                address: address,
                reason: reason.description,
                command: requested
            )
            return .refuse(message: "your account could not be looked up", programs: [], decision: decision)
        }
        func refusal(_ message: String?, _ programs: ProgramSet, reason: String, chroot: String? = nil) -> ShellOutcome
        {
            var decision = Decision(
                allowed: false,
                user: account.name,
                uid: account.uid,
                address: address,
                chroot: chroot,
                reason: reason,
                command: requested
            )
            decision.profile = request.profile
            return .refuse(message: message, programs: programs, decision: decision)
        }
        if let malformed = request.malformed { return refusal(malformed, [], reason: malformed) }
        let policy: UserPolicy
        let requireAudit: Bool
        switch configuration {
        case .failure(let failure):
            return refusal(nil, [], reason: LockoutReason.unusableFile(failure.description).description)
        case .success(let config):
            requireAudit = config.requireAudit
            switch config.policy(for: account.name, groups: facts.groups, profile: request.profile) {
            case .failure(let reason):
                let message = request.profile.map { "profile \($0) is not available" }
                return refusal(message, [], reason: reason.description)
            case .success(let resolved): policy = resolved
            }
        }
        let jail = policy.chrootPath
        let winscp = requested == nil && request.profile == nil && policy.options.contains(.winscp)
        if requested == nil, let profile = request.profile {
            return refusal(
                "this key only runs commands (profile \(profile))",
                policy.programs,
                reason: "interactive login attempted under profile \(profile) (no SSH_ORIGINAL_COMMAND)",
                chroot: jail
            )
        }
        if requested == nil && !winscp {
            return refusal(nil, policy.programs, reason: "interactive login attempted", chroot: jail)
        }
        if policy.isLockedOut {
            return refusal(nil, [], reason: "user is locked out (no program allowed)", chroot: jail)
        }
        if requireAudit, let problem = facts.auditProblem {
            return refusal(
                "auditing is required but unavailable",
                [],
                reason: "requireaudit is set and no audit record can be written: \(problem)",
                chroot: jail
            )
        }
        let landlocked = policy.options.contains(.landlock)
        if landlocked {
            if let problem = Landlock.problem(abi: facts.landlockABI) {
                return refusal("confinement is configured but not available", [], reason: problem)
            }
            if let problem = Self.landlockHomeProblem(facts.landlockHome, uid: account.uid) {
                return refusal("confinement is configured but not safe", [], reason: problem)
            }
        }
        if winscp { return respond(account: account, policy: policy, address: address) }
        let command = requested ?? []
        if command == CommandVetter.rcloneShellProbe {
            var decision = Decision(
                allowed: true,
                user: account.name,
                uid: account.uid,
                address: address,
                program: "echo",
                chroot: jail,
                reason: "rclone's shell-type probe, answered as a POSIX shell would (nothing runs)",
                command: command
            )
            decision.profile = request.profile
            return .answer(CommandVetter.rcloneShellProbeAnswer, decision: decision)
        }
        // A jailed user's words are expanded only inside the jail, by the helper (CVE-2004-0609);
        // here they are checked with globs kept literal.
        func vet(_ here: some PathExpansion) throws(CommandRejection) -> VettedCommand {
            try CommandVetter.vet(command, policy: policy, paths: paths, expansion: here)
        }
        // A root= moves `~` and the session's area to the subdirectory (the helper does so inside the jail).
        let area = policy.area(home: facts.landlockHome?.resolved ?? account.home)
        var vetted: VettedCommand
        do {
            vetted =
                try jail == nil
                ? vet(RootedExpansion(expansion, homeDirectory: area))
                // Literal: a jail's words are expanded inside it (the same expansion type as above, so the
                // Embedded shell specializes the vetter once).
                : vet(
                    RootedExpansion(
                        FileSystemExpansion.literal(homeDirectory: []),
                        homeDirectory: Array("/".utf8)
                    )
                )
        } catch {
            return refusal(error.description, policy.programs, reason: error.description, chroot: jail)
        }
        if let jail, !facts.helperIsExecutable {
            return refusal(
                "chroot is configured but not available",
                [],
                reason: "chroot helper \(paths.chrootHelper) is not installed",
                chroot: jail
            )
        }
        var decision = Decision(
            allowed: true,
            user: account.name,
            uid: account.uid,
            address: address,
            program: vetted.programName,
            chroot: jail,
            reason: (vetted.note ?? "command vetted") + (jail == nil ? "" : "; handing over to the chroot helper"),
            command: command
        )
        decision.profile = request.profile
        if landlocked {
            let home = facts.landlockHome?.resolved ?? account.home
            vetted.confinement = LandlockPlan.session(
                abi: facts.landlockABI,
                home: home,
                root: policy.root,
                program: vetted.program,
                appendOnly: policy.accessMode == .appendOnly
            )
            decision.reason += "; landlocked (ABI \(facts.landlockABI)); home rule \(Printable.text(area))"
        }
        if jail != nil || (vetted.hasPatterns && !expansion.expandsPatterns) {
            decision.stage = .precheck
            if jail == nil { decision.reason += "; patterns are expanded next" }
        } else {
            decision.argv = vetted.arguments
        }
        var environment = ExecEnvironment.build(
            for: vetted.program,
            account: account,
            home: policy.root == nil ? account.home : area,
            inherited: environment
        )
        // /tmp is outside the ruleset; cvs keeps its temporary files in the home (or the root) instead.
        if landlocked { environment.append(Array("TMPDIR=".utf8) + (policy.root == nil ? account.home : area)) }
        if jail != nil {
            // The helper selects the profile again from the same two inputs: the forced command and this.
            if request.profile != nil {
                environment.append(ProfileRequest.originalCommandVariable + [UInt8(ascii: "=")] + command)
            }
            return .chroot(
                helper: paths.chrootHelper,
                command: given ?? [],
                environment: environment,
                umask: policy.umask,
                decision: decision
            )
        }
        return .run(vetted, environment: environment, umask: policy.umask, decision: decision)
    }

    /// The outcome for WinSCP's SCP mode: the responder here, or the helper with the empty command (which
    /// no command line can be) for a jailed user, who gets the responder inside the jail.
    func respond(account: Account, policy: UserPolicy, address: String?) -> ShellOutcome {
        var decision = Decision(
            allowed: true,
            user: account.name,
            uid: account.uid,
            address: address,
            program: "winscp",
            chroot: policy.chrootPath,
            reason: "WinSCP SCP-mode session",
            command: nil
        )
        var environment = ExecEnvironment.build(for: .scp, account: account, home: account.home, inherited: environment)
        if policy.chrootPath != nil {
            decision.stage = .precheck
            decision.reason += "; handing over to the chroot helper"
            return .chroot(
                helper: paths.chrootHelper,
                command: [],
                environment: environment,
                umask: policy.umask,
                decision: decision
            )
        }
        var confinement: LandlockPlan?
        if policy.options.contains(.landlock) {
            let home = facts.landlockHome?.resolved ?? account.home
            confinement = LandlockPlan.session(
                abi: facts.landlockABI,
                home: home,
                appendOnly: policy.accessMode == .appendOnly
            )
            decision.reason += "; landlocked (ABI \(facts.landlockABI)); home rule \(Printable.text(home))"
            environment.append(Array("TMPDIR=".utf8) + account.home)
        }
        let session = InteractiveSession(
            environment: environment,
            umask: policy.umask,
            access: policy.accessMode,
            home: account.home,
            confinement: confinement,
            checksums: policy.options.contains(.checksums)
        )
        return .respond(session, decision: decision)
    }

    /// Why a landlocked session cannot be confined safely to this home (review 3, F11 and F5), or nil.
    ///
    /// Landlock only grants: it cannot keep the user out of `~/.ssh` inside the read-write home, so `.ssh` must
    /// be one the user can neither write nor rename away (`SshDirectory`), and the rule's path must be a home
    /// the user cannot re-point.
    public static func landlockHomeProblem(_ home: LandlockHome?, uid: uid_t) -> String? {
        guard let home else { return "the home directory was not inspected" }
        if let problem = home.problem(uid: uid) { return "landlock refused: " + problem }
        if let problem = home.ssh.problem {
            let path = Printable.text((home.resolved ?? home.home) + Array("/.ssh".utf8))
            return "landlock needs a ~/.ssh the user cannot replace (Landlock cannot protect it inside a writable "
                + "home): " + problem.description(path: path)
        }
        return nil
    }
}
