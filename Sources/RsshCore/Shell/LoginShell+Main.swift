import CRsshLibc

extension LoginShell {
    /// Runs the login shell for this process: the whole of `rssh`'s `main`.
    ///
    /// Only argv and the compiled-in paths steer it; the environment is read solely to pass an allow-listed
    /// part of it on and to log the client address.
    /// - Parameter arguments: argv without argv[0].
    public static func main(arguments: [[UInt8]]) -> Never {
        let invocation = Invocation(arguments: arguments)
        if invocation == .version { runVersionReport() }
        var command: [UInt8]?
        if case .command(let text) = invocation { command = text }
        runSession(command: command)
    }

    /// `rssh -v`: replaced by the report program, which runs with the caller's own privileges.
    ///
    /// The report (sshd's effective configuration, every rssh account's lockouts) is most of the code that
    /// is not a session's, so it lives in its own image: each session maps, faults in and tears down less,
    /// and the code that parses sshd's output never runs with the shell's CAP_AUDIT_WRITE (a file
    /// capability exec gives to no program without one).
    static func runVersionReport() -> Never {
        let path = ProgramPaths.versionReport
        _ = system_execv(path, CStringArray([Array(path.utf8)]).pointer)
        let failure = SystemError.current("execve", path)
        writeAll("rssh: cannot run the report program: \(failure.description)\n", to: STDERR_FILENO)
        exit(1)
    }

    /// Whether `name`'s policy in `config` (narrowed by `profile`) has the `landlock` option (only then is the
    /// home inspected).
    static func isLandlocked(
        _ name: String,
        in config: Configuration,
        groups: GroupFacts? = nil,
        profile: String? = nil
    ) -> Bool {
        guard case .success(let policy) = config.policy(for: name, groups: groups, profile: profile) else {
            return false
        }
        return policy.options.contains(.landlock)
    }

    /// One session: gather the facts, decide, record, and exec the program (or the helper) or refuse.
    static func runSession(command: [UInt8]?) -> Never {
        let paths = ProgramPaths.compiledIn
        let found = Account.find(uid: system_getuid())
        let account = try? found.get()
        let configuration = ConfigFile.parse(paths.configFile, trustedOwner: paths.configOwner, onlyUser: account?.name)
        let log = SyslogLogger(ident: "rssh", facility: (try? configuration.get().facility) ?? .daemon)
        var shell = LoginShell(
            paths: paths,
            account: account,
            configuration: configuration,
            environment: currentEnvironment()
        )
        if case .failure(let failure) = found { shell.facts.lookupFailure = failure }
        shell.gatherFacts(command: command, groups: .kernel)
        // Only sshd's sessions for rssh users are recorded: anyone else could forge the client address and
        // fill the audit trail with allow records.
        shell.facts.audit =
            shell.callerIsRsshUser
            ? AuditTrail.assess()
            : AuditTrail.Assessment(problem: "the caller's login shell is not \(paths.shell): not recorded")
        let requireAudit = (try? configuration.get().requireAudit) == true
        let home = account?.home ?? Array("/".utf8)
        // The supervised mode: one id for the start and the end record, and a slot under maxsessions.
        let profile = ProfileRequest(command: command, environment: shell.environment).profile
        let supervision = account.flatMap { account in
            (try? configuration.get()).flatMap {
                try? $0.policy(for: account.name, groups: shell.facts.groups, profile: profile).get()
            }
        }.flatMap { $0.options.contains(.supervised) ? $0 : nil }
        let sessionID = supervision.map { _ in SessionRecord.newID() }
        var slot: SessionSlots.Slot?
        // Recorded before anything is expanded, so that no failure while expanding can hide the attempt.
        var outcome = shell.decide(command: command, expansion: FileSystemExpansion.literal(homeDirectory: home))
        if let sessionID { outcome.setSession(sessionID) }
        admit(&outcome, policy: supervision, slot: &slot, paths: paths)
        record(&outcome, facts: shell.facts, requireAudit: requireAudit, log: log)
        if case .run(let vetted, _, _, _) = outcome, outcome.decision.stage == .precheck {
            // Relative patterns resolve where the program will start: a root= (the plan enters it again,
            // by the descriptor its rule is on, before exec).
            if let start = vetted.confinement?.startDirectory, !CBytes.withCString(start, { system_chdir($0) == 0 }) {
                log.error("cannot enter the session's root \(Printable.text(start))")
                writeAll("rssh: cannot enter your area\n", to: STDERR_FILENO)
                exit(ShellOutcome.refusedStatus)
            }
            // Patterns are matched within ExpansionBudget, under lowered soft RLIMIT_AS/RLIMIT_CPU put back after.
            let expansion = FileSystemExpansion(homeDirectory: home, limitsResources: true)
            outcome = shell.decide(command: command, expansion: expansion)
            if let sessionID { outcome.setSession(sessionID) }
            admit(&outcome, policy: supervision, slot: &slot, paths: paths)
            record(&outcome, facts: shell.facts, requireAudit: requireAudit, log: log)
        }
        let failure: SystemError
        switch outcome {
        case .refuse:
            writeAll(outcome.userMessage ?? "", to: STDERR_FILENO)
            exit(ShellOutcome.refusedStatus)
        case .run(let vetted, let environment, let umask, let decision):
            if let sessionID {
                let plan = transferPlan(vetted, jailed: false)
                var launch = Supervisor.Launch(
                    path: vetted.executable,
                    arguments: TransferPlan.rsyncArguments(vetted.arguments, plan: plan),
                    environment: environment,
                    umask: umask,
                    forbidNewPrivileges: true,
                    confinement: vetted.confinement
                )
                if case .rsync = plan { launch.logDescriptor = TransferPlan.logDescriptor }
                supervise(
                    launch,
                    plan: plan,
                    decision: decision,
                    id: sessionID,
                    slot: slot,
                    audit: shell.facts.audit,
                    log: log
                )
            }
            failure = ProcessImage.exec(
                path: vetted.executable,
                arguments: vetted.arguments,
                environment: environment,
                umask: umask,
                forbidNewPrivileges: true,
                confinement: vetted.confinement
            )
        case .answer(let bytes, _):
            exit(DescriptorIO.writeAll(bytes, to: STDOUT_FILENO) ? 0 : ShellOutcome.refusedStatus)
        case .respond(let session, let decision):
            let audit = shell.facts.audit
            if let sessionID {
                let launch = Supervisor.Launch(answering: {
                    runResponder(session, decision: decision, audit: audit, requireAudit: requireAudit, log: log)
                })
                supervise(launch, plan: .winscp, decision: decision, id: sessionID, slot: slot, audit: audit, log: log)
            }
            runResponder(session, decision: decision, audit: audit, requireAudit: requireAudit, log: log)
        case .chroot(let helper, let command, let environment, let umask, let decision):
            // The one program that must gain privileges: the setuid helper sets no_new_privs itself.
            if let sessionID {
                let launch = Supervisor.Launch(
                    path: helper,
                    arguments: [Array(helper.utf8), command],
                    environment: environment,
                    umask: umask,
                    forbidNewPrivileges: false
                )
                let plan = transferPlan(command, policy: supervision, paths: paths)
                supervise(
                    launch,
                    plan: plan,
                    decision: decision,
                    id: sessionID,
                    slot: slot,
                    audit: shell.facts.audit,
                    log: log
                )
            }
            failure = ProcessImage.exec(
                path: helper,
                arguments: [Array(helper.utf8), command],
                environment: environment,
                umask: umask,
                forbidNewPrivileges: false
            )
        }
        log.error("exec failed: \(failure.description)")
        writeAll("rssh: cannot run \(failure.subject): \(failure.reason)\n", to: STDERR_FILENO)
        exit(ShellOutcome.refusedStatus)
    }

    /// Runs `launch` under a supervisor (the supervised mode); the end record names the decision's program.
    static func supervise(
        _ launch: Supervisor.Launch,
        plan: TransferPlan,
        decision: Decision,
        id: String,
        slot: SessionSlots.Slot?,
        audit: AuditTrail.Assessment,
        log: SyslogLogger
    ) -> Never {
        let record = SessionRecord(
            id: id,
            user: decision.user,
            uid: decision.uid,
            address: decision.address,
            program: decision.program ?? "?",
            chroot: decision.chroot,
            start: 0,
            durationMilliseconds: 0,
            bytesFromClient: 0,
            bytesToClient: 0,
            end: .unknown
        )
        var observer = TransferObserver(
            plan: plan,
            log: TransferLog(session: id, user: decision.user),
            sink: SyslogAuditSink(log: log, audit: audit, address: decision.address)
        )
        Supervisor.run(launch, record: record, slot: slot, audit: audit, log: log, observer: &observer)
    }

    /// Takes a `maxsessions` slot for an outcome that starts a program, or turns it into a refusal.
    ///
    /// The setuid helper takes the slot (the files are root's: rssh, as the user, cannot open them) and hands
    /// over its locked descriptor; any answer but a slot or "all taken" is refused.
    static func admit(
        _ outcome: inout ShellOutcome,
        policy: UserPolicy?,
        slot: inout SessionSlots.Slot?,
        paths: ProgramPaths
    ) {
        guard let policy, let limit = policy.maxSessions, slot == nil, outcome.startsSession else { return }
        switch SessionSlots(uid: system_getuid(), limit: limit).request(helper: paths.chrootHelper) {
        case .success(let taken):
            slot = taken
        case .failure(let failure):
            var decision = outcome.decision
            decision.allowed = false
            decision.stage = .final
            decision.reason = failure.description
            let message: String
            if case .full = failure {
                message = "too many sessions: this account may have \(limit) at once"
            } else {
                message = "the session limit cannot be checked; ask your administrator"
            }
            outcome = .refuse(message: message, programs: policy.programs, decision: decision)
        }
    }

    /// Writes `outcome`'s decision to the audit trail and syslog.
    ///
    /// Whether a record can be written at all is a fact `decide` already used; only a send that fails
    /// anyway is learnt here, and with `requireaudit` it turns an allowed outcome into a refusal.
    static func record(_ outcome: inout ShellOutcome, facts: SessionFacts, requireAudit: Bool, log: SyslogLogger) {
        var decision = outcome.decision
        let failure = facts.audit.send(decision, comm: "rssh")
        decision.audit = facts.audit.outcome(sendFailure: failure)
        if failure != nil {
            if decision.allowed && requireAudit {
                decision.allowed = false
                decision.stage = .final
                decision.reason = "requireaudit is set and the audit record could not be written"
                outcome = .refuse(message: "auditing is required but unavailable", programs: [], decision: decision)
            }
        }
        if decision.allowed { log.info(decision.logLine) } else { log.error(decision.logLine) }
    }

    /// The process environment as `NAME=value` byte strings.
    static func currentEnvironment() -> [[UInt8]] {
        var result: [[UInt8]] = []
        guard var cursor = CRsshLibc_environ() else { return result }
        while let entry = cursor.pointee {
            result.append(CBytes.copy(entry))
            cursor += 1
        }
        return result
    }

    /// Writes all of `text` to `fd`, retrying short writes and EINTR.
    static func writeAll(_ text: String, to fd: Int32) {
        DescriptorIO.writeAll(Array(text.utf8), to: fd)
    }
}
