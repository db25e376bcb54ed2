import CRsshLibc

/// The setuid-root chroot helper: runs one command for the calling user inside that user's jail.
///
/// It trusts nothing from its caller. Its only input is one argument, the raw command line (and, when that is
/// a profile selector `rssh-profile NAME`, the client's request in `SSH_ORIGINAL_COMMAND`, read the way the
/// shell reads it: a profile only narrows, so a forged one gains nothing); the user, the
/// jail, the program and the policy all come from the real uid, NSS and the compiled-in rssh.conf, read
/// again as root; the supplementary groups are the caller's kernel credential, as unforgeable as its real
/// uid (``PrivilegeDrop/callerGroups()``). The command is checked before the chroot (without expansion) and
/// again inside the jail, after `~` and globs are resolved against the jail's files.
public enum ChrootHelper {
    /// What a refusal reports.
    struct Refusal: Error {
        var reason: String
        var userMessage: String
    }

    /// Runs the helper for this process (the whole of `rssh_chroot_helper`'s `main`).
    ///
    /// As root: check the caller, the config and the command (unexpanded); then either write the final record
    /// (a command nothing inside the jail can change, ``settledCommand(_:paths:)``) or fork the audit recorder.
    /// Then chroot and drop to the user for good, expand and vet inside the jail, report the final verdict and
    /// argument vector to the recorder (or refuse one that differs from the record), and exec.
    /// - Parameter arguments: argv without argv[0].
    public static func main(arguments: [[UInt8]]) -> Never {
        // The supervisor's pid, in the supervised mode (checked again after the drop, see below).
        let parent = system_getppid()
        sanitizeDescriptors()
        _ = system_set_not_dumpable()
        // A recorder that is gone must show as a failed write (EPIPE), which is logged or, under requireaudit,
        // ends the session; never as a death by SIGPIPE whose disposition the caller chose.
        guard system_ignore_sigpipe(true) == 0 else { exit(1) }
        // The environment is attacker-controlled: keep only what ExecEnvironment's allow-list may pass on,
        // and consult it for nothing but the profile's command (`ProfileRequest`, which can only narrow).
        let inherited = LoginShell.currentEnvironment()
        let request = ProfileRequest(command: arguments.first, environment: inherited)
        guard system_clearenv() == 0 else { exit(1) }
        let paths = ProgramPaths.compiledIn
        if arguments.count == 2, arguments[0] == Array("--session-slot".utf8) {
            takeSessionSlot(limit: UserOptions.sessionLimit(arguments[1][...]), paths: paths)
        }
        let uid = system_getuid()
        let found = Account.find(uid: uid)
        let account = try? found.get()
        // Anyone can run a setuid program: only an rssh user's caller is trusted with the client address
        // and gets audit records (the helper refuses everyone else anyway).
        let trusted = account?.shell == Array(paths.shell.utf8)
        var audit: AuditTrail.Assessment? =
            trusted
            ? nil : AuditTrail.Assessment(problem: "the caller's login shell is not \(paths.shell): not recorded")
        var log = SyslogLogger(ident: "rssh_chroot_helper", facility: .daemon)
        var decision = Decision(
            allowed: false,
            user: account?.name ?? "?",
            uid: uid,
            address: trusted ? ExecEnvironment.clientAddress(from: inherited) : nil,
            reason: "",
            command: request.command
        )
        decision.profile = request.profile
        // A refusal while still root, before the recorder exists.
        func refuse(_ refusal: Refusal) -> Never {
            decision.allowed = false
            decision.reason = refusal.reason
            // Assessed once: a refusal after the assessment does not ask the kernel again.
            decision.audit = (audit ?? AuditTrail.assess()).record(decision, comm: "rssh_chroot_helper")
            log.error(decision.logLine)
            LoginShell.writeAll("rssh_chroot_helper: \(refusal.userMessage)\n", to: STDERR_FILENO)
            exit(ShellOutcome.refusedStatus)
        }
        let prepared: Prepared
        let groups: [gid_t]
        do throws(Refusal) {
            prepared = try prepare(arguments: arguments, request: request, account: found, paths: paths)
            decision.chroot = prepared.jail
            decision.program = prepared.programName
            if let facility = prepared.facility { log = SyslogLogger(ident: "rssh_chroot_helper", facility: facility) }
            if let warning = prepared.sshWarning { log.warning("user \(prepared.account.name): \(warning)") }
            do {
                groups = try PrivilegeDrop.callerGroups()
            } catch {
                throw Refusal(reason: "group list unreadable: \(error)", userMessage: "cannot read your groups")
            }
            audit = audit ?? AuditTrail.assess()
            if prepared.requireAudit, let problem = audit?.problem {
                throw Refusal(
                    reason: "requireaudit is set and no audit record can be written: \(problem)",
                    userMessage: "auditing is required but unavailable"
                )
            }
        } catch {
            refuse(error)
        }
        // NSS modules (LDAP, sss) may have left descriptors open without CLOEXEC: none may reach the jail.
        system_closelog()
        guard system_close_from(3) == 0 else {
            refuse(Refusal(reason: "close_range failed", userMessage: "internal error"))
        }
        let assessment = audit ?? AuditTrail.Assessment(problem: "not assessed")
        // A command that nothing inside the jail can change gets its final record now, from root (outside the
        // jail, where libaudit still finds /proc/self/exe); any other goes to a recorder forked to outlive the
        // drop.
        let settled = settledCommand(prepared, paths: paths)
        var recorder: AuditRecorder?
        var recordedEarly: (reason: String, audit: String)?
        if let settled {
            var final = decision
            final.allowed = true
            final.reason = (settled.note ?? "command vetted") + " for the jail, before the drop"
            final.argv = settled.arguments
            let failure = assessment.send(final, comm: "rssh_chroot_helper")
            if failure != nil, prepared.requireAudit {
                refuse(
                    Refusal(
                        reason: "requireaudit is set and the audit record could not be written",
                        userMessage: "auditing is required but unavailable"
                    )
                )
            }
            recordedEarly = (final.reason, assessment.outcome(sendFailure: failure))
        } else if assessment.problem == nil {
            recorder = AuditRecorder.start(decision)
            if recorder == nil, prepared.requireAudit {
                refuse(Refusal(reason: "the audit recorder could not be started", userMessage: "internal error"))
            }
        }
        // From here on the helper is the user inside the jail; every outcome is reported to the recorder, or
        // was recorded before the drop. A refusal after that allow record (a failed chroot or set*id call, a
        // jail root the user cannot enter) is recorded as a deny: the helper keeps CAP_AUDIT_WRITE for it
        // through the uid change, and runs nothing of the user's before it execs (which drops it).
        func conclude(_ verdict: Verdict, userMessage: String?) {
            decision.allowed = verdict.allowed
            decision.reason = verdict.reason + " inside the jail"
            let written: Bool
            if let recordedEarly {
                written = verdict.allowed
                if written {
                    decision.reason = recordedEarly.reason
                    decision.audit = recordedEarly.audit
                } else {
                    decision.audit = assessment.record(decision, comm: "rssh_chroot_helper")
                }
            } else {
                written = recorder?.finish(verdict) ?? false
                decision.audit =
                    written
                    ? assessment.acknowledged
                    : recorder == nil
                        ? "not written: \(assessment.problem ?? "the recorder could not be started")"
                        : "not written: the recorder failed"
            }
            if decision.allowed, prepared.requireAudit, !written {
                decision.allowed = false
                decision.reason = "requireaudit is set and the audit record could not be written"
            }
            if decision.allowed { log.info(decision.logLine) } else { log.error(decision.logLine) }
            guard decision.allowed else {
                LoginShell.writeAll("rssh_chroot_helper: \(userMessage ?? "not allowed")\n", to: STDERR_FILENO)
                exit(ShellOutcome.refusedStatus)
            }
        }
        do throws(SystemError) {
            try PrivilegeDrop.enter(jail: prepared.jail)
            try PrivilegeDrop.become(
                prepared.account,
                groups: groups,
                keepingAuditWrite: recordedEarly != nil && assessment.problem == nil
            )
            try PrivilegeDrop.forbidNewPrivileges()
            // Supervised: the program must die with its supervisor, or killing the supervisor would free the
            // account's slot while the program runs on. The setuid exec and the uid change above cleared what
            // the supervisor set, so it is set again now, as the user, and the supervisor must still be there.
            if prepared.policy.options.contains(.supervised) {
                guard system_die_with_parent() == 0 else { throw SystemError.current("prctl(PR_SET_PDEATHSIG)") }
                guard parent > 1, system_getppid() == parent else {
                    throw SystemError(call: "getppid", subject: "the supervisor", code: ESRCH)
                }
            }
        } catch {
            // Whatever failed, nothing continues: the helper exits (from root, or half-dropped).
            conclude(
                Verdict(allowed: false, reason: "privilege drop failed: \(error)", argv: nil),
                userMessage: "cannot enter the jail"
            )
            exit(ShellOutcome.refusedStatus)
        }
        // Logging now goes through the jail's /dev/log.
        log = SyslogLogger(ident: "rssh_chroot_helper", facility: prepared.facility ?? .daemon)
        var home = JailPath.homeInside(jail: prepared.jail, home: prepared.account.home) ?? [UInt8(ascii: "/")]
        // A root= is enforced by a Landlock rule on it inside the jail (opened without following links, and
        // entered by that descriptor before exec); `~` and relative patterns resolve there. Never `/` instead.
        var confinement: LandlockPlan?
        if let root = prepared.policy.root {
            let abi = Landlock.abi()
            if let problem = Landlock.problem(abi: abi) {
                conclude(
                    Verdict(allowed: false, reason: "root= needs Landlock inside the jail: \(problem)", argv: nil),
                    userMessage: "confinement is configured but not available"
                )
                exit(ShellOutcome.refusedStatus)
            }
            confinement = LandlockPlan.session(
                abi: abi,
                home: home,
                root: root,
                appendOnly: prepared.policy.accessMode == .appendOnly
            )
            home = root.beneath(home)
            guard changeDirectory(home) else {
                conclude(
                    Verdict(allowed: false, reason: "cannot enter root \(Printable.text(home))", argv: nil),
                    userMessage: "cannot enter your area"
                )
                exit(ShellOutcome.refusedStatus)
            }
        } else if !changeDirectory(home) {
            log.warning(
                "user \(prepared.account.name): cannot enter home \(Printable.text(home)) inside the jail; using /"
            )
            home = [UInt8(ascii: "/")]
            guard changeDirectory(home) else {
                conclude(
                    Verdict(allowed: false, reason: "chdir(/) failed", argv: nil),
                    userMessage: "cannot enter the jail"
                )
                exit(ShellOutcome.refusedStatus)
            }
        }
        if prepared.command.isEmpty {
            var jailed = prepared.account
            jailed.home = home
            let session = InteractiveSession(
                environment: ExecEnvironment.build(for: .scp, account: jailed, home: home, inherited: inherited),
                umask: prepared.policy.umask,
                access: prepared.policy.accessMode,
                home: home,
                confinement: nil,
                checksums: prepared.policy.options.contains(.checksums)
            )
            runResponder(
                session,
                decision: decision,
                recorder: recorder,
                acknowledged: assessment.acknowledged,
                requireAudit: prepared.requireAudit,
                log: log
            )
        }
        let vetted: VettedCommand
        do {
            vetted = try CommandVetter.vet(
                prepared.command,
                policy: prepared.policy,
                paths: paths,
                expansion: FileSystemExpansion(homeDirectory: home, limitsResources: true)
            )
        } catch {
            conclude(Verdict(allowed: false, reason: error.description, argv: nil), userMessage: error.description)
            exit(ShellOutcome.refusedStatus)
        }
        if let settled, vetted != settled {
            conclude(
                Verdict(allowed: false, reason: "the command vetted again differs from the one recorded", argv: nil),
                userMessage: "internal error"
            )
            exit(ShellOutcome.refusedStatus)
        }
        if confinement != nil {
            confinement = LandlockPlan.session(
                abi: confinement?.abi ?? 0,
                home: JailPath.homeInside(jail: prepared.jail, home: prepared.account.home) ?? [UInt8(ascii: "/")],
                root: prepared.policy.root,
                program: vetted.program,
                appendOnly: prepared.policy.accessMode == .appendOnly
            )
        }
        var jailed = prepared.account
        jailed.home = home
        let environment = ExecEnvironment.build(
            for: vetted.program,
            account: jailed,
            home: home,
            inherited: inherited
        )
        var reason = vetted.note ?? "command vetted"
        if let start = confinement?.startDirectory {
            reason += "; landlocked in the jail; root rule \(Printable.text(start))"
        }
        conclude(
            Verdict(allowed: true, reason: reason, argv: vetted.arguments),
            userMessage: nil
        )
        let failure = ProcessImage.exec(
            path: vetted.executable,
            arguments: vetted.arguments,
            environment: environment,
            umask: prepared.policy.umask,
            forbidNewPrivileges: true,
            confinement: confinement
        )
        log.error("exec failed inside the jail: \(failure)")
        LoginShell.writeAll("rssh_chroot_helper: cannot run \(vetted.executable) in the jail\n", to: STDERR_FILENO)
        exit(ShellOutcome.refusedStatus)
    }

    /// The vetted command when nothing inside the jail can change it; nil when only the vetting inside the jail,
    /// as the user, can tell what runs.
    ///
    /// Then its final record is written as root before the chroot and the drop, with no recorder to fork and no
    /// round trip. Inside the jail only two inputs can differ from this literal vetting: the files a pattern
    /// matches, and the home (`~`, borg's and git's area), which falls back to `/` when the user cannot enter
    /// it. With no pattern, and one vector for the jail home and for `/`, the vector is fixed; it is vetted
    /// again inside the jail all the same, and a difference is refused. A root= (refused inside the jail when
    /// it cannot be entered), the supervised mode (its supervisor must still be there after the drop) and a
    /// WinSCP session (one record per line) keep the recorder: they can decide after the drop.
    static func settledCommand(_ prepared: Prepared, paths: ProgramPaths) -> VettedCommand? {
        guard let literal = prepared.literal, !literal.hasPatterns, prepared.policy.root == nil,
            !prepared.policy.options.contains(.supervised)
        else { return nil }
        let root = [UInt8(ascii: "/")]
        let home = JailPath.homeInside(jail: prepared.jail, home: prepared.account.home) ?? root
        guard home != root else { return literal }
        let atHome = try? CommandVetter.vet(
            prepared.command,
            policy: prepared.policy,
            paths: paths,
            expansion: FileSystemExpansion.literal(homeDirectory: home)
        )
        return atHome == literal ? literal : nil
    }

    /// `--session-slot N`: takes a free slot among the caller's first N and sends its locked descriptor on
    /// standard output, a socket (``SessionSlots``).
    ///
    /// Only for an rssh user whose policy sets `maxsessions`, and N at most the largest limit a session of
    /// the account can have (its line's or a profile's; rssh asks for its session's, the lower). A caller
    /// asking for fewer only keeps itself out. The slot files are made as they are needed: `/run` is empty
    /// after a boot. Nothing else is read.
    static func takeSessionSlot(limit requested: Int?, paths: ProgramPaths) -> Never {
        let log = SyslogLogger(ident: "rssh_chroot_helper", facility: .daemon)
        guard system_geteuid() == 0, case .success(let account) = Account.find(uid: system_getuid()),
            account.uid != 0, account.shell == Array(paths.shell.utf8),
            case .success(let config) = ConfigFile.parse(
                paths.configFile,
                trustedOwner: paths.configOwner,
                onlyUser: account.name
            )
        else {
            log.error("session slot: refused (not root, not an rssh user, or rssh.conf unusable)")
            exit(ShellOutcome.refusedStatus)
        }
        var lookup = SystemGroupLookup(.kernel)
        let groups = config.groupFacts(for: account.name, lookup: &lookup)
        guard case .success(let policy) = config.policy(for: account.name, groups: groups),
            let largest = ([policy.maxSessions] + config.profiles.map { $0.maxSessions }).compactMap({ $0 }).max(),
            let requested, requested <= largest
        else {
            log.error("session slot: refused for \(account.name): no maxsessions in the policy, or N above it")
            exit(ShellOutcome.refusedStatus)
        }
        let result = SessionSlots(uid: account.uid, limit: requested).take(preparing: largest)
        if case .failure(let failure) = result, !failure.isFull {
            log.error("session slot for \(account.name): \(failure.description)")
        }
        exit(SessionSlots.answer(result, on: STDOUT_FILENO) ? 0 : ShellOutcome.refusedStatus)
    }

    /// Everything the helper decides as root before touching the jail.
    struct Prepared {
        var account: Account
        var policy: UserPolicy
        var jail: String
        var command: [UInt8]
        var programName: String
        /// The command vetted without expansion, for the home `/` (nil for a WinSCP session).
        var literal: VettedCommand?
        var facility: SyslogFacility?
        var requireAudit: Bool
        /// Why the jail home's `.ssh` is not protected although nothing shows it was replaced, to be logged.
        var sshWarning: String?
    }

    /// Checks the caller, the config, the policy, the command (unexpanded) and the jail path.
    static func prepare(
        arguments: [[UInt8]],
        request: ProfileRequest,
        account found: Result<Account, Account.LookupFailure>,
        paths: ProgramPaths
    ) throws(Refusal) -> Prepared {
        guard system_geteuid() == 0 else {
            throw Refusal(
                reason: "not running as root (is the helper installed setuid root?)",
                userMessage: "not installed correctly"
            )
        }
        guard arguments.count == 1, arguments.first != nil else {
            throw Refusal(
                reason: "wrong number of arguments (\(arguments.count), expected 1)",
                userMessage: "usage: rssh_chroot_helper COMMAND (run by rssh, not by hand)"
            )
        }
        let account: Account
        switch found {
        case .success(let entry): account = entry
        case .failure(.noEntry):
            throw Refusal(reason: "no passwd entry for the calling uid", userMessage: "unknown user")
        case .failure(.failed(let code)):
            let reason = LockoutReason.lookupFailed(uid: system_getuid(), code: code).description
            throw Refusal(reason: reason, userMessage: "your account could not be looked up")
        }
        guard account.uid != 0 else { throw Refusal(reason: "refusing to jail root", userMessage: "not for root") }
        guard account.shell == Array(paths.shell.utf8) else {
            throw Refusal(
                reason: "login shell is \(Printable.text(account.shell)), not \(paths.shell)",
                userMessage: "your login shell is not rssh"
            )
        }
        let config: Configuration
        switch ConfigFile.parse(paths.configFile, trustedOwner: paths.configOwner, onlyUser: account.name) {
        case .failure(let failure):
            throw Refusal(
                reason: LockoutReason.unusableFile(failure.description).description,
                userMessage: "locked out"
            )
        case .success(let parsed):
            config = parsed
        }
        // The shell's membership source and code: the caller's kernel groups, the same group lines.
        var lookup = SystemGroupLookup(.kernel)
        let groups = config.groupFacts(for: account.name, lookup: &lookup)
        if let malformed = request.malformed { throw Refusal(reason: malformed, userMessage: malformed) }
        let policy: UserPolicy
        switch config.policy(for: account.name, groups: groups, profile: request.profile) {
        case .failure(let reason): throw Refusal(reason: reason.description, userMessage: "locked out")
        case .success(let resolved): policy = resolved
        }
        guard let command = request.command else {
            throw Refusal(
                reason: "interactive login attempted under profile \(request.profile ?? "?") (no SSH_ORIGINAL_COMMAND)",
                userMessage: "this key only runs commands"
            )
        }
        guard let jail = policy.chrootPath else {
            throw Refusal(reason: "no chroot is configured for this user", userMessage: "no chroot configured for you")
        }
        guard !policy.isLockedOut else { throw Refusal(reason: "user is locked out", userMessage: "locked out") }
        // The empty command, which no command line can be, is rssh's hand-over of a WinSCP session.
        let programName: String
        var literal: VettedCommand?
        if command.isEmpty {
            guard request.profile == nil, policy.options.contains(.winscp), policy.programs.allows(.scp) else {
                throw Refusal(reason: "interactive session without the winscp option", userMessage: "not allowed")
            }
            programName = "winscp"
        } else {
            do {
                literal = try CommandVetter.vet(
                    command,
                    policy: policy,
                    paths: paths,
                    expansion: FileSystemExpansion.literal(homeDirectory: [UInt8(ascii: "/")])
                )
                programName = literal?.programName ?? "?"
            } catch {
                throw Refusal(reason: error.description, userMessage: error.description)
            }
        }
        try JailPath.checked(jail)
        let sshWarning = try checkSshDirectory(jail: jail, account: account)
        return Prepared(
            account: account,
            policy: policy,
            jail: jail,
            command: command,
            programName: programName,
            literal: literal,
            facility: config.facility,
            requireAudit: config.requireAudit,
            sshWarning: sshWarning
        )
    }

    /// Checks the jail home's `.ssh` as root, before anything is dropped (review 3, F5).
    ///
    /// sshd reads `authorized_keys` below the home's outside path, which the jailed user can write. A `.ssh` that
    /// is not a root-owned directory (or is writable by others) shows it was replaced: refused. One that is
    /// missing, or root's but neither immutable nor in a root-owned home (as `rsshctl jail build` made them
    /// before), is only logged, so an upgrade does not lock out every existing jail.
    /// - Returns: the warning to log, or nil.
    static func checkSshDirectory(jail: String, account: Account) throws(Refusal) -> String? {
        guard let finding = jailSshFinding(jail: jail, account: account) else { return nil }
        guard !finding.refused else {
            throw Refusal(
                reason: "refusing: \(finding.text)",
                userMessage: "the jail is not safe; ask your administrator"
            )
        }
        return finding.text + " (run rsshctl jail build again)"
    }

    /// What the helper's check finds of the jail home's `.ssh`, or nil when nothing.
    ///
    /// The problem, and whether it refuses the session (a `.ssh` that was replaced) rather than only logging
    /// a warning. `rssh -v` and `rsshctl explain` ask the same question.
    static func jailSshFinding(jail: String, account: Account) -> (text: String, refused: Bool)? {
        // A home outside the jail is not reachable from it; a missing home cannot be written by the user.
        guard JailPath.homeInside(jail: jail, home: account.home) != nil,
            let home = FileStatus.lstat(account.home)
        else { return nil }
        guard let problem = SshDirectory.inspect(home: account.home, homeStatus: home).problem else { return nil }
        let text = problem.description(path: Printable.text(account.home + Array("/.ssh".utf8)))
        return (text, problem.isTakenOver)
    }

    /// Runs WinSCP's SCP mode inside the jail, as the user; every line is logged, and recorded by the root
    /// recorder (whose answer can refuse the line under `requireaudit`).
    static func runResponder(
        _ session: InteractiveSession,
        decision: Decision,
        recorder: AuditRecorder?,
        acknowledged: String,
        requireAudit: Bool,
        log: SyslogLogger
    ) -> Never {
        _ = system_umask(session.umask)
        var start = decision
        start.allowed = true
        start.reason = "WinSCP SCP-mode session inside the jail"
        let recorded = recorder?.record(Verdict(allowed: true, reason: "WinSCP SCP-mode session", argv: nil)) ?? false
        start.audit = recorded ? acknowledged : "not written: the recorder failed or is not running"
        if requireAudit && !recorded {
            start.allowed = false
            start.reason = "requireaudit is set and the audit record could not be written"
            log.error(start.logLine)
            LoginShell.writeAll("rssh_chroot_helper: auditing is required but unavailable\n", to: STDERR_FILENO)
            exit(ShellOutcome.refusedStatus)
        }
        log.info(start.logLine)
        let configuration = session.responderConfiguration(paths: .compiledIn)
        var responder = WinSCPResponder(configuration: configuration) { event in
            decision.logWinSCP(event, requireAudit: requireAudit, acknowledged: acknowledged, log: log) { line in
                guard let recorder else { return "the recorder is not running" }
                let verdict = Verdict(allowed: line.allowed, reason: line.reason, argv: nil, line: event.line)
                return recorder.record(verdict) ? nil : "the recorder failed"
            }
        }
        let status = responder.run()
        _ = recorder?.end()
        exit(status)
    }

    /// Makes sure fds 0-2 are open (so nothing privileged lands on them) and closes every other one.
    static func sanitizeDescriptors() {
        for fd: Int32 in 0...2 where system_fcntl_getfd(fd) == -1 {
            // open(2) returns the lowest free descriptor, which is this one.
            guard system_open("/dev/null", O_RDWR) == fd else { exit(1) }
        }
        guard system_close_from(3) == 0 else { exit(1) }
    }

    private static func changeDirectory(_ path: [UInt8]) -> Bool {
        CBytes.withCString(path) { system_chdir($0) == 0 }
    }
}
