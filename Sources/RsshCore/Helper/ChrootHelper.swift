import CRsshLibc

/// The setuid-root chroot helper: runs one command for the calling user inside that user's jail.
///
/// It trusts nothing from its caller. Its only input is one argument, the raw command line; the user, the
/// jail, the program and the policy all come from the real uid, NSS and the compiled-in rssh.conf, read
/// again as root. The command is checked before the chroot (without expansion) and again inside the jail,
/// after `~` and globs are resolved against the jail's files.
public enum ChrootHelper {
    /// What a refusal reports.
    struct Refusal: Error {
        var reason: String
        var userMessage: String
    }

    /// Runs the helper for this process (the whole of `rssh_chroot_helper`'s `main`).
    /// - Parameter arguments: argv without argv[0].
    public static func main(arguments: [[UInt8]]) -> Never {
        sanitizeDescriptors()
        _ = system_set_not_dumpable()
        // The environment is attacker-controlled: keep only what ExecEnvironment's allow-list may pass on,
        // and never consult it for a decision.
        let inherited = LoginShell.currentEnvironment()
        guard system_clearenv() == 0 else { exit(1) }
        let paths = ProgramPaths.compiledIn
        let uid = system_getuid()
        let account = Account.lookup(uid: uid)
        let address = ExecEnvironment.clientAddress(from: inherited)
        var log = SyslogLogger(ident: "rssh_chroot_helper", facility: .daemon)
        var decision = Decision(
            allowed: false,
            user: account?.name ?? "?",
            uid: uid,
            address: address,
            reason: "",
            command: arguments.first
        )
        func refuse(_ refusal: Refusal) -> Never {
            decision.allowed = false
            decision.reason = refusal.reason
            // Possible only while still root; after the drop this says why it was not written.
            decision.audit =
                AuditTrail.record(decision, comm: "rssh_chroot_helper").map { "not written: \($0)" } ?? "written"
            log.error(decision.logLine)
            LoginShell.writeAll("rssh_chroot_helper: \(refusal.userMessage)\n", to: STDERR_FILENO)
            exit(ShellOutcome.refusedStatus)
        }
        do throws(Refusal) {
            let prepared = try prepare(arguments: arguments, account: account, paths: paths)
            decision.chroot = prepared.jail
            decision.program = prepared.programName
            if let facility = prepared.facility { log = SyslogLogger(ident: "rssh_chroot_helper", facility: facility) }
            let groups: [gid_t]
            do {
                groups = try PrivilegeDrop.groups(of: prepared.account)
            } catch {
                throw Refusal(reason: "group lookup failed: \(error)", userMessage: "cannot look up your groups")
            }
            // The audit record is written now, as root: after the drop the helper can no longer write one.
            var entering = decision
            entering.allowed = true
            entering.reason = "command pre-checked; entering the jail"
            if let problem = AuditTrail.record(entering, comm: "rssh_chroot_helper") {
                decision.audit = "not written: \(problem)"
                if prepared.requireAudit {
                    throw Refusal(
                        reason: "requireaudit is set and the audit record could not be written",
                        userMessage: "auditing is required but unavailable"
                    )
                }
            } else {
                decision.audit = "written before entering the jail"
            }
            // From here on, logging goes through the jail's /dev/log.
            system_closelog()
            do {
                try PrivilegeDrop.enter(jail: prepared.jail)
                try PrivilegeDrop.become(prepared.account, groups: groups)
                try PrivilegeDrop.forbidNewPrivileges()
            } catch {
                throw Refusal(reason: "privilege drop failed: \(error)", userMessage: "cannot enter the jail")
            }
            log = SyslogLogger(ident: "rssh_chroot_helper", facility: prepared.facility ?? .daemon)
            var home = JailPath.homeInside(jail: prepared.jail, home: prepared.account.home) ?? [UInt8(ascii: "/")]
            if !changeDirectory(home) {
                log.warning(
                    "user \(prepared.account.name): cannot enter home \(Printable.text(home)) inside the jail; using /"
                )
                home = [UInt8(ascii: "/")]
                guard changeDirectory(home) else {
                    throw Refusal(reason: "chdir(/) inside the jail failed", userMessage: "cannot enter the jail")
                }
            }
            let vetted: VettedCommand
            do {
                vetted = try CommandVetter.vet(
                    prepared.command,
                    allowed: prepared.policy.programs,
                    paths: paths,
                    expansion: FileSystemExpansion(homeDirectory: home)
                )
            } catch {
                throw Refusal(reason: "inside the jail: \(error)", userMessage: error.description)
            }
            var jailed = prepared.account
            jailed.home = home
            let environment = ExecEnvironment.build(
                for: vetted.program,
                account: jailed,
                home: home,
                inherited: inherited
            )
            decision.allowed = true
            decision.reason = (vetted.note ?? "command vetted") + " inside the jail"
            log.info(decision.logLine)
            let failure = ProcessImage.exec(
                path: vetted.executable,
                arguments: vetted.arguments,
                environment: environment,
                umask: prepared.policy.umask
            )
            throw Refusal(reason: "exec failed: \(failure)", userMessage: "cannot run \(vetted.executable) in the jail")
        } catch {
            refuse(error)
        }
    }

    /// Everything the helper decides as root before touching the jail.
    struct Prepared {
        var account: Account
        var policy: UserPolicy
        var jail: String
        var command: [UInt8]
        var programName: String
        var facility: SyslogFacility?
        var requireAudit: Bool
    }

    /// Checks the caller, the config, the policy, the command (unexpanded) and the jail path.
    static func prepare(arguments: [[UInt8]], account: Account?, paths: ProgramPaths) throws(Refusal) -> Prepared {
        guard system_geteuid() == 0 else {
            throw Refusal(
                reason: "not running as root (is the helper installed setuid root?)",
                userMessage: "not installed correctly"
            )
        }
        guard arguments.count == 1, let command = arguments.first else {
            throw Refusal(
                reason: "wrong number of arguments (\(arguments.count), expected 1)",
                userMessage: "usage: rssh_chroot_helper COMMAND (run by rssh, not by hand)"
            )
        }
        guard let account else {
            throw Refusal(reason: "no passwd entry for the calling uid", userMessage: "unknown user")
        }
        guard account.uid != 0 else { throw Refusal(reason: "refusing to jail root", userMessage: "not for root") }
        guard account.shell == Array(paths.shell.utf8) else {
            throw Refusal(
                reason: "login shell is \(Printable.text(account.shell)), not \(paths.shell)",
                userMessage: "your login shell is not rssh"
            )
        }
        let config: Configuration
        switch ConfigFile.read(paths.configFile, trustedOwner: paths.configOwner) {
        case .failure(let failure):
            throw Refusal(
                reason: LockoutReason.unusableFile(failure.description).description,
                userMessage: "locked out"
            )
        case .success(let bytes):
            config = ConfigParser.parse(bytes, file: paths.configFile, onlyUser: account.name)
        }
        let policy: UserPolicy
        switch config.policy(for: account.name) {
        case .failure(let reason): throw Refusal(reason: reason.description, userMessage: "locked out")
        case .success(let resolved): policy = resolved
        }
        guard let jail = policy.chrootPath else {
            throw Refusal(reason: "no chroot is configured for this user", userMessage: "no chroot configured for you")
        }
        guard !policy.isLockedOut else { throw Refusal(reason: "user is locked out", userMessage: "locked out") }
        let vetted: VettedCommand
        do {
            vetted = try CommandVetter.vet(
                command,
                allowed: policy.programs,
                paths: paths,
                expansion: LiteralExpansion(homeDirectory: [UInt8(ascii: "/")])
            )
        } catch {
            throw Refusal(reason: error.description, userMessage: error.description)
        }
        do {
            try JailPath.check(jail, status: FileStatus.lstat)
        } catch {
            throw Refusal(reason: error.description, userMessage: "the jail is not safe; ask your administrator")
        }
        return Prepared(
            account: account,
            policy: policy,
            jail: jail,
            command: command,
            programName: vetted.programName,
            facility: config.facility,
            requireAudit: config.requireAudit
        )
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
