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

    /// Creates a shell around already-gathered facts.
    public init(
        paths: ProgramPaths,
        account: Account?,
        configuration: Result<Configuration, ConfigFile.Failure>,
        environment: [[UInt8]]
    ) {
        self.paths = paths
        self.account = account
        self.configuration = configuration
        self.environment = environment
    }

    /// Decides what to do with `command` (nil for an interactive login).
    /// - Parameter expansion: where `~` and globs resolve for an unchrooted user.
    public func decide(command: [UInt8]?, expansion: some PathExpansion) -> ShellOutcome {
        let address = ExecEnvironment.clientAddress(from: environment)
        guard let account else {
            let decision = Decision(
                allowed: false,
                user: "?",
                uid: system_getuid(),
                address: address,
                reason: LockoutReason.unknownUser(uid: system_getuid()).description,
                command: command
            )
            return .refuse(message: "your account could not be looked up", programs: [], decision: decision)
        }
        func refusal(_ message: String?, _ programs: ProgramSet, reason: String, chroot: String? = nil) -> ShellOutcome
        {
            let decision = Decision(
                allowed: false,
                user: account.name,
                uid: account.uid,
                address: address,
                chroot: chroot,
                reason: reason,
                command: command
            )
            return .refuse(message: message, programs: programs, decision: decision)
        }
        let policy: UserPolicy
        switch configuration {
        case .failure(let failure):
            return refusal(nil, [], reason: LockoutReason.unusableFile(failure.description).description)
        case .success(let config):
            switch config.policy(for: account.name) {
            case .failure(let reason): return refusal(nil, [], reason: reason.description)
            case .success(let resolved): policy = resolved
            }
        }
        guard let command else {
            return refusal(nil, policy.programs, reason: "interactive login attempted", chroot: policy.chrootPath)
        }
        if policy.isLockedOut {
            return refusal(nil, [], reason: "user is locked out (no program allowed)", chroot: policy.chrootPath)
        }
        // A jailed user's words are expanded only inside the jail, by the helper (CVE-2004-0609);
        // here they are checked with globs kept literal.
        func vet(_ here: some PathExpansion) throws(CommandRejection) -> VettedCommand {
            try CommandVetter.vet(command, allowed: policy.programs, paths: paths, expansion: here)
        }
        let vetted: VettedCommand
        do {
            vetted =
                try policy.chrootPath == nil ? vet(expansion) : vet(LiteralExpansion(homeDirectory: Array("/".utf8)))
        } catch {
            return refusal(error.description, policy.programs, reason: error.description, chroot: policy.chrootPath)
        }
        let jail = policy.chrootPath
        let decision = Decision(
            allowed: true,
            user: account.name,
            uid: account.uid,
            address: address,
            program: vetted.programName,
            chroot: jail,
            reason: (vetted.note ?? "command vetted") + (jail == nil ? "" : "; handing over to the chroot helper"),
            command: command
        )
        let environment = ExecEnvironment.build(
            for: vetted.program,
            account: account,
            home: account.home,
            inherited: environment
        )
        if jail != nil {
            return .chroot(
                helper: paths.chrootHelper,
                command: command,
                environment: environment,
                umask: policy.umask,
                decision: decision
            )
        }
        return .run(vetted, environment: environment, umask: policy.umask, decision: decision)
    }
}
