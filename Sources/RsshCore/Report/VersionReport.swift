import CRsshLibc

/// `rssh -v`: rssh 2.3.4's version block, then a check of the configuration an admin can act on.
public struct VersionReport {
    /// The compiled-in paths.
    public var paths: ProgramPaths
    /// The configuration as read, or why it could not be.
    public var configuration: Result<Configuration, ConfigFile.Failure>
    /// Whether a path names an executable file (injected so tests need no real programs).
    public var isExecutable: (String) -> Bool
    /// Whether the installed shell carries CAP_AUDIT_WRITE.
    public var shellCanAudit: Bool
    /// Why records are not kept (the kernel's audit is off, auditd is not running), or nil.
    public var auditDaemonProblem: String?
    /// What this process could not verify about the audit trail (without root: the kernel's switch; under
    /// hidepid: auditd).
    public var auditUnverified: [String]
    /// What sshd applies to rssh accounts, when it was looked at.
    public var sshd: SshdEffectiveConfig?
    /// lstat(2) for the sshd check's writable-path question (injected so tests need no real files).
    public var pathStatus: SshdConfigCheck.Status
    /// Whether a path is immutable, for the same check.
    public var pathIsImmutable: SshdConfigCheck.Immutability
    /// The kernel's Landlock ABI (> 0) or -errno.
    public var landlockABI: Int32
    /// Each account with an rssh login shell and why all its sessions will be refused (the session's and the
    /// helper's own checks), or nil when the accounts were not looked at.
    public var accounts: [AccountCheck]?
    /// Whether the landlocked accounts' homes were inspected (`rssh -v` does so only as root).
    public var homesInspected: Bool
    /// Each account with an rssh login shell and no user line that is in the groups of more than one group
    /// line, with those lines' numbers (NSS's getgrouplist), or nil when not looked at (only root does).
    public var groupOverlaps: [(name: String, lines: [Int])]?

    /// Creates a report.
    public init(
        paths: ProgramPaths,
        configuration: Result<Configuration, ConfigFile.Failure>,
        isExecutable: @escaping (String) -> Bool,
        shellCanAudit: Bool,
        auditDaemonProblem: String?,
        auditUnverified: [String] = [],
        sshd: SshdEffectiveConfig? = nil,
        pathStatus: @escaping SshdConfigCheck.Status = { _ in nil },
        pathIsImmutable: @escaping SshdConfigCheck.Immutability = { _ in false },
        landlockABI: Int32 = 0,
        accounts: [AccountCheck]? = nil,
        homesInspected: Bool = false,
        groupOverlaps: [(name: String, lines: [Int])]? = nil
    ) {
        self.paths = paths
        self.configuration = configuration
        self.isExecutable = isExecutable
        self.shellCanAudit = shellCanAudit
        self.auditDaemonProblem = auditDaemonProblem
        self.auditUnverified = auditUnverified
        self.sshd = sshd
        self.pathStatus = pathStatus
        self.pathIsImmutable = pathIsImmutable
        self.landlockABI = landlockABI
        self.accounts = accounts
        self.homesInspected = homesInspected
        self.groupOverlaps = groupOverlaps
    }

    /// An account and why its sessions will all be refused (empty when they will not).
    public struct AccountCheck: Sendable {
        /// The account's name.
        public var name: String
        /// What the session's and the helper's own checks find (`AccountLockout.find`).
        public var lockouts: [AccountLockout]

        /// Creates an entry.
        public init(name: String, lockouts: [AccountLockout]) {
            self.name = name
            self.lockouts = lockouts
        }
    }

    /// The report text, whether rssh.conf is free of errors, and `rssh -v`'s exit status: 0 healthy, 1
    /// rssh.conf has errors, 2 (`sshdBypassStatus`) sshd bypasses or weakens rssh or refuses its configuration.
    public func render() -> (text: String, healthy: Bool, status: Int32) {
        var out = "\nrssh \(ProgramPaths.version) (Swift; reads rssh 2.3.4 configuration)\n"
        out += "Copyright 2002-2010 Derek D. Martin (rssh); this implementation is a compatible rewrite\n\n"
        out += Self.field("rssh config file", paths.configFile)
        out += Self.field("chroot helper path", paths.chrootHelper)
        for program in [ServerProgram.scp, .sftpServer, .cvs, .rdist, .rdistd, .rsync, .svnserve] {
            out += Self.field(program.versionLabel, paths.path(of: program) ?? "(none)")
        }
        out += "\nConfiguration check\n"
        var healthy = true
        switch configuration {
        case .failure(let failure):
            healthy = false
            out += "  error: \(failure.description)\n"
            out += "  every user is locked out until this is fixed\n"
        case .success(let config):
            let errors = config.errors
            let check = Self.configurationCheck(config)
            out += check.text
            healthy = check.healthy
            var acknowledged: [String] = []
            for (who, policy) in Self.policies(config)
            where policy.options.contains(.unconfinedExec) && policy.chrootPath == nil {
                acknowledged.append(who)
            }
            if let options = config.sftpServerOptions {
                let words = options.map { Printable.text($0) }.joined(separator: " ")
                out += "  sftp-server runs with: \(words.isEmpty ? "(no options)" : words) and -u from the umask\n"
            } else {
                out += "  sftp-server runs with -u from the umask only (sftpserveroptions is not set)\n"
            }
            let policies = Self.policies(config)
            let modes = policies.map { $0.policy.accessMode }.filter { $0 != .readWrite }
            for mode in [AccessMode.readOnly, .uploadOnly, .appendOnly] where modes.contains(mode) {
                out += "\nAccess mode \(mode)\n"
                for program in TransferProgram.allCases { out += "  \(program.name): \(mode.rule(for: program))\n" }
                out += "  checksums: \(mode.checksumRule)\n"
                out += "  borg: \(mode.borgRule)\n"
                out += "  git: \(mode.gitRule)\n"
                for line in RsyncOption.allowList(for: mode) { out += "  \(line)\n" }
            }
            let landlocked = policies.filter { $0.policy.options.contains(.landlock) }.map { $0.who }
            out += "\nLandlock\n"
            if let problem = Landlock.problem(abi: landlockABI) {
                out += "  \(problem)\n"
                if !landlocked.isEmpty {
                    healthy = false
                    out += "  error: REFUSED until the kernel has Landlock: \(landlocked.joined(separator: ", "))\n"
                }
            } else {
                out += "  ABI \(landlockABI) on this kernel; a landlocked session gets:\n"
                for line in LandlockPlan.protections(abi: landlockABI) { out += "    \(line)\n" }
                out += "  what Landlock cannot do:\n"
                for line in LandlockPlan.gaps { out += "    \(line)\n" }
                out += "  landlocked: \(landlocked.isEmpty ? "nobody" : landlocked.joined(separator: ", "))\n"
                if !homesInspected {
                    out += "  each landlocked account's home is checked when rssh -v runs as root\n"
                }
            }
            for who in acknowledged {
                out +=
                    "  warning: \(who): unconfinedexec is set: cvs, rdist, svnserve and git run commands on the server "
                    + "outside any jail for it\n"
            }
            if !config.groups.isEmpty { out += Self.groupOverlapLines(groupOverlaps) }
            if !config.profiles.isEmpty { out += Self.profileLines(config) }
            var lockedOut: [String] = []
            for case .user(let name) in (errors.map { $0.scope }) where !lockedOut.contains(name) {
                lockedOut.append(name)
                out += "  user \(name): LOCKED OUT (error on its line)\n"
            }
            out += "\nPrograms\n"
            var needed = config.allowed
            for user in config.users { needed.formUnion(user.programs) }
            var options: UserOptions = []
            for (_, policy) in policies { options.formUnion(policy.options) }
            for program in ServerProgram.allCases where program != .gitReceivePack && program != .gitUploadArchive {
                guard
                    program.permission.map({ needed.allows($0) }) ?? program.option.map({ options.contains($0) })
                        ?? false
                else { continue }
                let path = paths.path(of: program) ?? ""
                let state = isExecutable(path) ? "present" : "MISSING (allowed but not installed)"
                let name = program.isGit ? "git" : program.permission?.name ?? program.name
                out += "  \(name): \(path): \(state)\n"
            }
            if config.chrootPath != nil || config.users.contains(where: { $0.chrootPath != nil }) {
                let state = isExecutable(paths.chrootHelper) ? "present" : "MISSING (chrooted users are refused)"
                out += "  chroot helper: \(paths.chrootHelper): \(state)\n"
            }
        }
        if case .success = configuration { out += Self.accountLines(accounts, shell: paths.shell) }
        out += "\nAudit trail\n"
        out += "  \(paths.shell) has cap_audit_write: \(shellCanAudit ? "yes" : "NO")\n"
        out +=
            "  kernel audit and auditd: \(auditDaemonProblem ?? (auditUnverified.isEmpty ? "on" : "no problem seen"))\n"
        for item in auditUnverified { out += "  cannot verify \(item)\n" }
        var reasons: [String] = []
        if !shellCanAudit { reasons.append("rssh lacks cap_audit_write (run make install as root)") }
        if let auditDaemonProblem { reasons.append(auditDaemonProblem) }
        if !reasons.isEmpty {
            out +=
                "  audit records are NOT being written: \(reasons.joined(separator: "; ")); decisions go to syslog only\n"
        } else if auditUnverified.isEmpty {
            out += "  audit records are written for every decision\n"
        } else {
            out += "  audit records are sent for every decision and the kernel accepts them; that they are kept "
            out += "cannot be verified by this process (run rssh -v as root to ask the kernel)\n"
        }
        if (try? configuration.get().requireAudit) == true {
            out +=
                reasons.isEmpty
                ? "  requireaudit is set: sessions are refused whenever a record cannot be written\n"
                : "  requireaudit is set: every session is REFUSED until this is fixed\n"
        }
        var bypassed = false
        if let sshd, let sftp = paths.path(of: .sftpServer) {
            let section = Self.sshdSection(
                sshd,
                shell: paths.shell,
                sftpServer: sftp,
                sftpServerOptions: (try? configuration.get().sftpServerOptions ?? []) ?? [],
                status: pathStatus,
                isImmutable: pathIsImmutable
            )
            out += section.text
            bypassed = section.bypassed
        }
        let status: Int32 = !healthy ? 1 : bypassed ? Self.sshdBypassStatus : 0
        switch status {
        case 0: out += "\nResult: configuration OK\n"
        case 1: out += "\nResult: configuration has ERRORS\n"
        default: out += "\nResult: configuration OK, but sshd bypasses or weakens rssh (see sshd above)\n"
        }
        return (out, healthy, status)
    }

    /// `rssh -v`'s exit status when rssh.conf is fine but sshd bypasses or weakens rssh, or refuses its
    /// configuration.
    public static let sshdBypassStatus: Int32 = 2

    /// The sshd part of the report, and whether anything in it bypasses or weakens rssh.
    static func sshdSection(
        _ facts: SshdEffectiveConfig,
        shell: String,
        sftpServer: String,
        sftpServerOptions: [[UInt8]],
        status: SshdConfigCheck.Status,
        isImmutable: SshdConfigCheck.Immutability = { _ in false }
    ) -> (text: String, bypassed: Bool) {
        var out = "\nsshd\n  \(facts.sourceDescription)\n"
        for note in facts.notes { out += "  note: \(note)\n" }
        if let unchecked = facts.unchecked {
            out += "  not checked: \(unchecked)\n"
            return (out, false)
        }
        if let invalid = facts.invalid {
            out += "  ERROR: sshd refuses its configuration (sshd -t says the same; a restart would fail):\n"
            for line in invalid.split(separator: "\n") { out += "    \(line)\n" }
            out += "  fix: correct the configuration; nothing else about sshd could be checked\n"
            return (out, true)
        }
        out +=
            facts.users.isEmpty
            ? "  no account has \(shell) as its login shell: the global settings were checked\n"
            : "  checked \(facts.users.count) account\(facts.users.count == 1 ? "" : "s") whose login shell is "
                + "\(shell)\n"
        let findings = SshdConfigCheck.findings(
            facts,
            sftpServer: sftpServer,
            sftpServerOptions: sftpServerOptions,
            status: status,
            isImmutable: isImmutable
        )
        for finding in findings {
            let label = finding.severity == .bypass ? "BYPASS" : "warning"
            let scope = finding.scope(totalUsers: facts.users.count)
            out += "  \(label): \(scope.isEmpty ? "" : scope + ": ")\(finding.message)\n"
            out += "    fix: \(finding.fix)\n"
        }
        let bypassed = findings.contains { $0.severity == .bypass }
        if !bypassed { out += "  no setting found that bypasses or weakens rssh\n" }
        if bypassed && !facts.users.isEmpty {
            out += "  settings for rssh accounts alone go in a block at the end of the sshd configuration, e.g.\n"
            out += "    Match Group <a group of the rssh accounts>  (or: Match User name1,name2)\n"
            out += "        DisableForwarding yes\n        PermitTTY no\n        PermitUserRC no\n"
        }
        return (out, bypassed)
    }

    private static func field(_ label: String, _ value: String) -> String {
        String(repeating: " ", count: max(0, 20 - label.count)) + label + " = " + value + "\n"
    }

    /// The default policy and each user line's, as `rssh -v` lists them.
    static func policies(_ config: Configuration) -> [(who: String, policy: UserPolicy)] {
        var result: [(who: String, policy: UserPolicy)] = []
        if case .success(let policy) = Configuration.defaultPolicy(config) {
            result.append(("default (no user line)", policy))
        }
        for user in config.users {
            if case .success(let policy) = config.policy(for: user.name) {
                result.append(("user \(user.name) (line \(user.line))", policy))
            }
        }
        let blocked = config.errors.contains { $0.scope == .global }
        for group in config.groups where !blocked {
            result.append(("group \(group.name) (line \(group.line))", Configuration.policy(group, config)))
        }
        return result
    }

    /// The group lines' overlaps: each account that more than one group line names, and which line wins.
    static func groupOverlapLines(_ overlaps: [(name: String, lines: [Int])]?) -> String {
        var out = "\nGroup lines (the first that names one of a user's groups applies; a user line wins)\n"
        guard let overlaps else {
            return out + "  accounts in the groups of more than one group line are named when rssh -v runs as root\n"
        }
        for overlap in overlaps where overlap.lines.count > 1 {
            let lines = overlap.lines.map { String($0) }.joined(separator: ", ")
            out +=
                "  warning: account \(overlap.name) is in the groups of lines \(lines): line \(overlap.lines[0]) applies\n"
        }
        if !overlaps.contains(where: { $0.lines.count > 1 }) {
            out +=
                "  no account is in the groups of more than one group line (\(overlaps.count) without a user line checked)\n"
        }
        return out
    }

    /// Each account whose sessions will all be refused, with the fix (rssh's refusal reaches an sftp client
    /// only as "Connection closed").
    static func accountLines(_ accounts: [AccountCheck]?, shell: String) -> String {
        var out = "\nAccounts whose login shell is \(shell) (the checks their sessions make)\n"
        guard let accounts else { return out + "  not looked at\n" }
        var refused = 0
        for account in accounts where !account.lockouts.isEmpty {
            refused += 1
            for lockout in account.lockouts {
                out += "  error: account \(account.name): every session is REFUSED: \(lockout.problem)\n"
                out += "    fix: \(lockout.fix)\n"
            }
        }
        if refused == 0 {
            out += "  every account passes the session's checks (\(accounts.count) checked)\n"
        }
        return out
    }

    /// The configuration check and the policies, as `rssh -v` prints them (and `rsshctl config check`),
    /// and whether the configuration is free of errors.
    public static func configurationCheck(_ config: Configuration) -> (text: String, healthy: Bool) {
        var out = ""
        let errors = config.errors
        for diagnostic in config.diagnostics { out += "  \(diagnostic.description)\n" }
        if errors.isEmpty && config.warnings.isEmpty { out += "  no errors, no warnings\n" }
        if errors.contains(where: { $0.scope == .global }) {
            out += "  every user is locked out until the errors above are fixed\n"
        }
        if errors.contains(where: { if case .group = $0.scope { true } else { false } }) {
            out += "  every user without a user line is locked out until the group line errors above are fixed\n"
        }
        out += "\nPolicies\n"
        for (who, policy) in policies(config) { out += policyLine(who, policy) }
        return (out, errors.isEmpty)
    }

    /// What `rssh -v` says of the one user `name` (`rsshctl user add` and `user show`): the diagnostics that
    /// concern it (the whole file's and its own line's), its policy line, and whether it is locked out.
    /// - Parameter groups: the account's group facts (`Configuration.groupFacts`), when the file has group lines.
    public static func userCheck(
        _ config: Configuration,
        name: String,
        groups: GroupFacts? = nil
    ) -> (text: String, lockedOut: Bool) {
        var out = ""
        let hasUserLine = config.users.contains { $0.name == name }
        for diagnostic in config.diagnostics {
            switch diagnostic.scope {
            case .global: out += "  \(diagnostic.description)\n"
            case .user(let who) where who == name: out += "  \(diagnostic.description)\n"
            case .user: break
            case .group: if !hasUserLine { out += "  \(diagnostic.description)\n" }
            case .profile: out += "  \(diagnostic.description) (only sessions selecting this profile)\n"
            }
        }
        switch config.policy(for: name, groups: groups) {
        case .success(let policy):
            let who: String
            switch policy.source {
            case .userLine(let line): who = "user \(name) (line \(line))"
            case .groupLine(let line, let group): who = "user \(name) (group \(group), line \(line))"
            case .global: who = "user \(name) (no user line: the defaults)"
            }
            out += policyLine(who, policy)
            return (out, false)
        case .failure(let reason):
            out += "  user \(name): LOCKED OUT (\(reason))\n"
            return (out, true)
        }
    }

    static func policyLine(_ who: String, _ policy: UserPolicy) -> String {
        let programs = policy.programs
        let allowed =
            policy.isLockedOut
            ? "locked out"
            : programs.isEmpty ? "no allow* program" : programs.programs.map { $0.name }.joined(separator: " ")
        let mask = String(policy.umask, radix: 8)
        let octal = String(repeating: "0", count: max(0, 3 - mask.count)) + mask
        var line = "  \(who): \(allowed); umask 0\(octal); "
        line += policy.chrootPath.map { "chroot \($0)" } ?? "no chroot"
        if !policy.options.isEmpty { line += "; options \(policy.options.names)" }
        if let root = policy.root {
            line += "; root \(Printable.text(root.path)) (enforced by Landlock)"
        }
        for program in programs.programs where policy.confinementProblem(program) != nil {
            let why =
                policy.options.contains(.landlock) ? "landlock does not confine the commands it runs" : "not chrooted"
            line += "; \(program.name) REFUSED (runs commands by design; \(why), no unconfinedexec)"
        }
        if policy.options.contains(.git), policy.confinementProblem(for: .gitUploadPack) != nil {
            let why =
                policy.options.contains(.landlock) ? "landlock does not confine the commands it runs" : "not chrooted"
            line += "; git REFUSED (runs commands by design; \(why), no unconfinedexec)"
        }
        return line + "\n"
    }
}
