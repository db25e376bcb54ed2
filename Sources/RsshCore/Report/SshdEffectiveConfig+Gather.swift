import CRsshLibc

extension SshdEffectiveConfig {
    /// At most this many accounts are checked one by one (each is one `sshd -T` run of about 15 ms).
    public static let maximumUsers = 500
    /// At most this many passwd entries are read looking for them (a directory may hold far more).
    public static let maximumEntriesScanned = 200_000
    /// How long one `sshd -T` may run.
    static let timeoutMilliseconds: Int32 = 10_000
    /// The most output kept from one `sshd -T` (it prints about 4 KiB).
    static let outputLimit = 256 << 10

    /// Gathers the facts for the accounts whose login shell is `paths.shell`.
    ///
    /// As root, sshd itself is asked (`sshd -T`), so Include, Match and defaults are exactly sshd's; as
    /// anyone else (sshd -T needs the host keys), or when the sshd binary is missing, the files are read.
    public static func gather(paths: ProgramPaths) -> SshdEffectiveConfig {
        let found = Account.withShell(paths.shell, scanLimit: maximumEntriesScanned, limit: maximumUsers)
        var notes: [String] = []
        if found.truncated {
            notes.append(
                "only the first \(found.accounts.count) accounts with \(paths.shell) as their shell were checked "
                    + "(\(found.scanned) passwd entries read; limits: \(maximumUsers) accounts, "
                    + "\(maximumEntriesScanned) entries)"
            )
        }
        var reason = "not root: sshd -T needs the host keys"
        if system_geteuid() == 0 {
            if system_access(paths.sshd, X_OK) == 0 {
                var facts = askSshd(paths: paths, accounts: found.accounts)
                facts.notes = notes + facts.notes
                return facts
            }
            reason = "\(paths.sshd) is not an executable file"
        }
        // sshd checks no owner; rssh's own rule (root, or the test build's builder) keeps foreign files out.
        let files = SshdConfigFiles.read(paths.sshdConfig, trustedOwner: paths.configOwner)
        var facts = SshdEffectiveConfig(
            source: .files(config: paths.sshdConfig, reason: reason),
            global: files.global,
            users: found.accounts.map { User(account: $0, settings: files.global) },
            invalid: files.invalid.isEmpty ? nil : files.invalid.joined(separator: "\n"),
            matchBlocks: files.matchBlocks,
            notes: notes + files.problems
        )
        if files.files.isEmpty {
            facts.unchecked = files.problems.first ?? "\(paths.sshdConfig) could not be read"
            facts.notes = notes
        }
        return facts
    }

    /// Runs `sshd -T` once globally and once per account.
    static func askSshd(paths: ProgramPaths, accounts: [Account]) -> SshdEffectiveConfig {
        var facts = SshdEffectiveConfig(
            source: .sshd(binary: paths.sshd, config: paths.sshdConfig, connection: connection),
            global: SshdSettings()
        )
        switch runTest(paths, extra: []) {
        case .success(let settings): facts.global = settings
        case .failure(let problem):
            facts.invalid = problem.description
            return facts
        }
        for account in accounts {
            // sshd -C splits its spec at commas and takes `=` as the separator: such names cannot be asked for.
            guard !account.name.contains(","), !account.name.contains("=") else {
                facts.notes.append("account \(account.name): its name cannot be passed to sshd -C; not checked")
                continue
            }
            switch runTest(paths, extra: ["-C", "user=\(account.name),\(connection)"]) {
            case .success(let settings): facts.users.append(User(account: account, settings: settings))
            case .failure(let problem): facts.notes.append("account \(account.name): not checked: \(problem)")
            }
        }
        return facts
    }

    /// One `sshd -T -f CONFIG [extra]` run: its settings, or why it failed (sshd's own words).
    static func runTest(_ paths: ProgramPaths, extra: [String]) -> Result<SshdSettings, SshdProblem> {
        let arguments = [paths.sshd, "-T", "-f", paths.sshdConfig] + extra
        let run = CapturedOutput.run(
            paths.sshd,
            arguments: arguments.map { Array($0.utf8) },
            environment: [Array("PATH=/usr/sbin:/usr/bin:/sbin:/bin".utf8), Array("LC_ALL=C".utf8)],
            timeoutMilliseconds: timeoutMilliseconds,
            limit: outputLimit
        )
        switch run {
        case .failure(let error): return .failure(SshdProblem("\(paths.sshd) could not be run: \(error.reason)"))
        case .success(let output):
            if output.timedOut {
                return .failure(SshdProblem("sshd -T did not finish within \(timeoutMilliseconds / 1000) s"))
            }
            guard output.exitCode == 0 else {
                // sshd ends its messages with CR LF.
                let text = output.stderr.split(separator: UInt8(ascii: "\n")).map {
                    Printable.text($0.filter { $0 != 13 })
                }
                .joined(separator: "\n")
                let how = output.exitCode.map { "exit status \($0)" } ?? "killed by a signal"
                return .failure(SshdProblem(text.isEmpty ? "sshd -T failed (\(how))" : "\(text) (sshd -T: \(how))"))
            }
            return .success(SshdSettings(sshdOutput: String(decoding: output.stdout, as: UTF8.self)))
        }
    }

    /// lstat(2) as `SshdConfigCheck` asks it: owner, group and mode, or nil when the path does not exist.
    public static func pathStatus(_ path: String) -> (owner: uid_t, group: gid_t, mode: mode_t)? {
        var info = stat()
        guard system_lstat(path, &info) == 0 else { return nil }
        return (info.st_uid, info.st_gid, info.st_mode)
    }

    /// Whether `path` carries the immutable attribute (read through an O_NOFOLLOW descriptor); false when it
    /// cannot be opened or has no flags.
    public static func pathIsImmutable(_ path: String) -> Bool {
        let fd = system_open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { _ = system_close(fd) }
        var flags: UInt32 = 0
        return system_get_inode_flags(fd, &flags) == 0 && flags & system_immutable_flag() != 0
    }
}
