import CRsshLibc

extension LoginShell {
    /// Runs the login shell for this process: the whole of `rssh`'s `main`.
    ///
    /// Only argv and the compiled-in paths steer it; the environment is read solely to pass an allow-listed
    /// part of it on and to log the client address.
    /// - Parameter arguments: argv without argv[0].
    public static func main(arguments: [[UInt8]]) -> Never {
        let invocation = Invocation(arguments: arguments)
        if invocation == .version { printVersionReport() }
        var command: [UInt8]?
        if case .command(let text) = invocation { command = text }
        runSession(command: command)
    }

    /// `rssh -v`: prints the report and exits 0 when all is well, 1 when rssh.conf has errors, 2 when sshd
    /// bypasses or weakens rssh.
    static func printVersionReport() -> Never {
        let paths = ProgramPaths.compiledIn
        // One lookup for the whole report, so each group line's name is resolved once.
        var lookup = SystemGroupLookup(.kernel)
        let configuration = ConfigFile.read(paths.configFile, trustedOwner: paths.configOwner).map {
            var config = ConfigParser.parse($0, file: paths.configFile)
            config.diagnostics += config.unknownGroupWarnings(lookup: &lookup)
            return config
        }
        let root = system_geteuid() == 0
        let accounts = accountChecks(paths, configuration, lookup: &lookup, inspectHomes: root)
        let audit = AuditTrail.destination()
        let report = VersionReport(
            paths: paths,
            configuration: configuration,
            isExecutable: { path in !path.isEmpty && system_access(path, X_OK) == 0 },
            shellCanAudit: AuditTrail.fileHasAuditWrite(paths.shell),
            auditDaemonProblem: audit.problem,
            auditUnverified: audit.unverified,
            sshd: SshdEffectiveConfig.gather(paths: paths),
            pathStatus: SshdEffectiveConfig.pathStatus,
            pathIsImmutable: SshdEffectiveConfig.pathIsImmutable,
            landlockABI: Landlock.abi(),
            accounts: accounts.lockouts,
            homesInspected: root,
            groupOverlaps: root ? accounts.overlaps : nil
        ).render()
        writeAll(report.text, to: STDOUT_FILENO)
        exit(report.status)
    }

    /// One walk over the accounts whose login shell is rssh: each with what its sessions' own checks would
    /// say (`AccountLockout.find`; the homes of landlocked ones only as root), and each without a user line
    /// with the group lines naming its groups (NSS's getgrouplist: a report about other accounts, not a
    /// session; only the first line applies).
    static func accountChecks(
        _ paths: ProgramPaths,
        _ configuration: Result<Configuration, ConfigFile.Failure>,
        lookup: inout SystemGroupLookup,
        inspectHomes: Bool
    ) -> (lockouts: [VersionReport.AccountCheck]?, overlaps: [(name: String, lines: [Int])]) {
        guard case .success(let config) = configuration else { return (nil, []) }
        var checks: [VersionReport.AccountCheck] = []
        var overlaps: [(name: String, lines: [Int])] = []
        let abi = Landlock.abi()
        for account in Account.withShell(paths.shell, scanLimit: 100_000, limit: 10_000).accounts {
            lookup.source = .nss(name: account.name, gid: account.gid)
            // Every line resolved: the report names each account in more than one line's group.
            let groups = config.groupFacts(for: account.name, lookup: &lookup, complete: true)
            if let groups { overlaps.append((account.name, config.groupLines(matching: groups))) }
            guard case .success(let policy) = config.policy(for: account.name, groups: groups) else { continue }
            let landlocked = inspectHomes && policy.options.contains(.landlock)
            let lockouts = AccountLockout.find(
                account: account,
                policy: policy,
                paths: paths,
                landlockABI: abi,
                landlockHome: landlocked ? LandlockHome.gather(home: account.home) : nil,
                inspectHome: inspectHomes,
                probe: .system
            )
            checks.append(VersionReport.AccountCheck(name: account.name, lockouts: lockouts))
        }
        return (checks, overlaps)
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
            runResponder(
                session,
                decision: decision,
                audit: shell.facts.audit,
                requireAudit: requireAudit,
                log: log
            )
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
