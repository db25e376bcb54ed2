import CRsshLibc

extension VersionReport {
    /// The report program's `main` (what `rssh -v` runs): prints the report and exits 0 when all is well, 1
    /// when rssh.conf has errors, 2 when sshd bypasses or weakens rssh.
    public static func main() -> Never {
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
        let report = Self(
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
        DescriptorIO.writeAll(Array(report.text.utf8), to: STDOUT_FILENO)
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
    ) -> (lockouts: [AccountCheck]?, overlaps: [(name: String, lines: [Int])]) {
        guard case .success(let config) = configuration else { return (nil, []) }
        var checks: [AccountCheck] = []
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
            checks.append(AccountCheck(name: account.name, lockouts: lockouts))
        }
        return (checks, overlaps)
    }
}
