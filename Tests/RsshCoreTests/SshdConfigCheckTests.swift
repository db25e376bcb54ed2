import Testing

@testable import RsshCore

/// `sshd -T` output for a configuration that leaves rssh alone, with `changes` applied (keyword → value;
/// an empty value removes the keyword) and `subsystems` as its `subsystem` lines.
func sshdOutput(
    _ changes: [String: String] = [:],
    subsystems: [String] = ["sftp /usr/lib/openssh/sftp-server"]
)
    -> SshdSettings
{
    var settings: [(String, String)] = [
        ("port", "22"), ("permittty", "no"), ("permituserrc", "no"), ("allowtcpforwarding", "no"),
        ("disableforwarding", "yes"), ("allowstreamlocalforwarding", "no"), ("forcecommand", "none"),
        ("chrootdirectory", "none"), ("authorizedkeysfile", "/etc/ssh/authorized_keys/%u"),
        ("permituserenvironment", "no"),
    ]
    for (keyword, value) in changes {
        settings.removeAll { $0.0 == keyword }
        if !value.isEmpty { settings.append((keyword, value)) }
    }
    let lines = settings.map { "\($0.0) \($0.1)\n" } + subsystems.map { "subsystem \($0)\n" }
    return SshdSettings(sshdOutput: lines.joined())
}

func rsshAccount(_ name: String, uid: UInt32 = 2000) -> Account {
    Account(name: name, uid: uid, gid: uid, home: Array("/home/\(name)".utf8), shell: Array("/usr/local/bin/rssh".utf8))
}

func asRoot(_ users: [(String, SshdSettings)], global: SshdSettings = sshdOutput()) -> SshdEffectiveConfig {
    SshdEffectiveConfig(
        source: .sshd(binary: "/usr/sbin/sshd", config: "/etc/ssh/sshd_config", connection: "host=h,addr=a"),
        global: global,
        users: users.enumerated().map {
            SshdEffectiveConfig.User(
                account: rsshAccount($0.element.0, uid: 2000 + UInt32($0.offset)),
                settings: $0.element.1
            )
        }
    )
}

/// Every path exists, owned by root and not writable by others, except the ones in `userOwned`.
func rootOwned(except userOwned: [String: UInt32] = [:]) -> SshdConfigCheck.Status {
    { path in (userOwned[path] ?? 0, 0, 0o040755) }
}

struct SshdConfigCheckTests {
    let sftp = "/usr/lib/openssh/sftp-server"

    func findings(
        _ facts: SshdEffectiveConfig,
        options: [String] = [],
        status: SshdConfigCheck.Status = rootOwned()
    )
        -> [SshdFinding]
    {
        SshdConfigCheck.findings(
            facts,
            sftpServer: sftp,
            sftpServerOptions: options.map { Array($0.utf8) },
            status: status
        )
    }

    @Test func aConfigurationThatLeavesRsshAloneHasNoFindings() {
        #expect(findings(asRoot([("alice", sshdOutput()), ("bob", sshdOutput())])).isEmpty)
        let withOptions = sshdOutput(subsystems: ["sftp /usr/lib/openssh/sftp-server -l INFO -f LOCAL5"])
        #expect(findings(asRoot([("alice", withOptions)]), options: ["-f", "LOCAL5", "-l", "INFO"]).isEmpty)
    }

    @Test func forceCommandInternalSftpEverywhereIsOneGroupedBypass() throws {
        let forced = sshdOutput(["forcecommand": "internal-sftp"])
        let result = findings(asRoot([("alice", forced), ("bob", forced), ("carol", forced)]))
        let finding = try #require(result.first)
        #expect(result.count == 1)
        #expect(finding.severity == .bypass)
        #expect(finding.message.hasPrefix("ForceCommand internal-sftp: sshd serves SFTP itself"))
        #expect(finding.users == ["alice", "bob", "carol"])
        #expect(finding.scope(totalUsers: 3) == "all 3 accounts (alice, bob, carol)")
    }

    @Test func matchDerivedSettingsAreReportedForTheAccountsTheyReachOnly() {
        // As `sshd -T -C user=bob,…` prints it when a `Match User bob` block sets ForceCommand and PermitTTY.
        let bob = sshdOutput(["forcecommand": "/usr/bin/scp -t /srv", "permittty": "yes"])
        let result = findings(asRoot([("alice", sshdOutput()), ("bob", bob), ("carol", sshdOutput())]))
        #expect(result.count == 2)
        #expect(result.allSatisfy { $0.users == ["bob"] && $0.severity == .bypass })
        #expect(result.contains { $0.message.hasPrefix("ForceCommand /usr/bin/scp -t /srv: every session runs") })
        #expect(result.contains { $0.message.hasPrefix("PermitTTY yes") && $0.fix == "PermitTTY no" })
    }

    @Test func chrootDirectoryConflictsWithTheHelper() throws {
        let result = findings(asRoot([("alice", sshdOutput(["chrootdirectory": "/srv/%u"]))]))
        let finding = try #require(result.first)
        #expect(finding.severity == .bypass)
        #expect(finding.message.hasPrefix("ChrootDirectory /srv/%u: sshd chroots before"))
        #expect(finding.fix.contains("rsshctl jail build"))
    }

    @Test(arguments: [
        ("sftp internal-sftp", SshdFinding.Severity.bypass, "Subsystem sftp internal-sftp: sshd serves SFTP itself"),
        ("files internal-sftp -d /x", .bypass, "Subsystem files internal-sftp"),
        ("sftp /usr/libexec/openssh/sftp-server", .warning, "SFTP will be refused"),
        ("sftp /usr/lib/openssh/sftp-server -l INFO", .warning, "'sftpserveroptions = -l INFO'"),
    ])
    func subsystemVariants(_ line: String, _ severity: SshdFinding.Severity, _ fragment: String) throws {
        let result = findings(asRoot([("alice", sshdOutput(subsystems: [line]))]))
        let finding = try #require(result.first { $0.message.contains(fragment) }, "\(result)")
        #expect(finding.severity == severity)
        #expect(finding.fix.contains("Subsystem"))
    }

    @Test func noSftpSubsystemIsAWarningNotABypass() {
        let result = findings(asRoot([("alice", sshdOutput(subsystems: []))]))
        #expect(result.map(\.severity) == [.warning])
        #expect(result.first?.message.contains("no 'Subsystem sftp'") == true)
    }

    @Test(arguments: [
        ("permituserenvironment", "yes", "PermitUserEnvironment no"),
        ("permituserrc", "yes", "PermitUserRC no"),
        ("permittty", "yes", "PermitTTY no"),
    ])
    func settingsThatWeakenRsshSayWhatToSet(_ keyword: String, _ value: String, _ fix: String) {
        let result = findings(asRoot([("alice", sshdOutput([keyword: value]))]))
        #expect(result.map(\.fix) == [fix])
        #expect(result.first?.severity == .bypass)
    }

    @Test func forwardingCountsUnlessDisableForwardingIsSet() {
        let open = sshdOutput(["disableforwarding": "no", "allowtcpforwarding": "yes"])
        let result = findings(asRoot([("alice", open)]))
        #expect(result.map(\.fix) == ["DisableForwarding yes"])
        #expect(result.first?.message.hasPrefix("AllowTcpForwarding yes (DisableForwarding no)") == true)
        let disabled = sshdOutput(["disableforwarding": "yes", "allowtcpforwarding": "yes"])
        #expect(findings(asRoot([("alice", disabled)])).isEmpty)
    }

    @Test func authorizedKeysInAHomeTheAccountOwnsIsABypass() {
        let facts = asRoot([("alice", sshdOutput(["authorizedkeysfile": ".ssh/authorized_keys /etc/keys/%u"]))])
        let owned = findings(facts, status: rootOwned(except: ["/home/alice": 2000]))
        #expect(owned.count == 1)
        #expect(
            owned.first?.message.hasPrefix("AuthorizedKeysFile .ssh/authorized_keys: the account can write it") == true
        )
        // A root-owned home and .ssh (what rsshctl jail build makes) is fine.
        #expect(findings(facts).isEmpty)
        // A group-writable directory of the account's own group is as good as its own.
        let group: SshdConfigCheck.Status = { path in
            (0, path == "/etc/keys" ? 2000 : 0, path == "/etc/keys" ? 0o040775 : 0o040755)
        }
        #expect(
            findings(facts, status: group).map(\.message).first?.hasPrefix("AuthorizedKeysFile /etc/keys/%u") == true
        )
    }

    /// An immutable root-owned `.ssh` in a home the account owns cannot be renamed away (review 3, F5).
    ///
    /// What is below it is safe unless the account can write it; without the attribute the home's owner
    /// replaces it.
    @Test(
        arguments: [
            ([String: UInt32](), Set<String>(), false),
            (["/home/alice": 2000], Set<String>(), true),
            (["/home/alice": 2000], ["/home/alice/.ssh"], false),
            (["/home/alice": 2000, "/home/alice/.ssh/authorized_keys": 2000], ["/home/alice/.ssh"], true),
            (["/home/alice": 2000, "/home/alice/.ssh": 2000], ["/home/alice/.ssh"], true),
            (["/home": 2000, "/home/alice": 2000], ["/home/alice/.ssh"], true),
            (["/home": 2000], ["/home/alice", "/home/alice/.ssh"], false),
        ] as [([String: UInt32], Set<String>, Bool)]
    )
    func anImmutableSSHDirectoryKeepsTheKeysFileOutOfReach(
        _ owned: [String: UInt32],
        _ immutable: Set<String>,
        _ writable: Bool
    ) {
        let alice = rsshAccount("alice", uid: 2000)
        let canWrite = SshdConfigCheck.userCanWrite(
            "/home/alice/.ssh/authorized_keys",
            account: alice,
            status: rootOwned(except: owned),
            isImmutable: { immutable.contains($0) }
        )
        #expect(canWrite == writable)
    }

    @Test func authorizedKeysPatternsExpandAsSshdDoes() {
        let bob = rsshAccount("bob", uid: 4242)
        #expect(
            SshdConfigCheck.authorizedKeysPath(".ssh/authorized_keys", account: bob) == "/home/bob/.ssh/authorized_keys"
        )
        #expect(SshdConfigCheck.authorizedKeysPath("/k/%u.%U%%", account: bob) == "/k/bob.4242%")
        #expect(SshdConfigCheck.authorizedKeysPath("%h/k", account: bob) == "/home/bob/k")
    }

    @Test func aThousandIdenticalAccountsGiveOneLineEach() throws {
        let weak = sshdOutput(["permittty": "yes", "forcecommand": "internal-sftp"])
        let users = (0..<1000).map { ("user\($0)", $0 == 500 ? sshdOutput() : weak) }
        let result = findings(asRoot(users))
        #expect(result.count == 2)
        let finding = try #require(result.first)
        #expect(finding.users.count == 999)
        #expect(!finding.users.contains("user500"))
        #expect(finding.scope(totalUsers: 1000) == "999 accounts (user0, user1, user2, user3, user4, …)")
    }

    @Test func withoutRsshAccountsTheGlobalSettingsAreChecked() {
        let facts = asRoot([], global: sshdOutput(["forcecommand": "internal-sftp"]))
        #expect(findings(facts).map(\.users) == [[]])
    }

    @Test func matchBlocksReadFromFilesAreReportedAsPossible() throws {
        let files = SshdConfigFiles.parse(
            "Subsystem sftp /usr/lib/openssh/sftp-server\nDisableForwarding yes\nPermitTTY no\nPermitUserRC no\n"
                + "Match Group sftpusers\n  ForceCommand internal-sftp\n  PermitTTY no\n"
        )
        let facts = SshdEffectiveConfig(
            source: .files(config: "sshd_config", reason: "test"),
            global: files.global,
            matchBlocks: files.matchBlocks
        )
        let result = findings(facts)
        #expect(result.count == 1, "\(result)")
        #expect(result.first?.message.hasPrefix("inside 'Match Group sftpusers' (sshd_config:5)") == true)
        #expect(result.first?.message.contains("ForceCommand internal-sftp") == true)
    }

    @Test func openSshDefaultsApplyToWhatTheFilesLeaveUnset() {
        let files = SshdConfigFiles.parse("Subsystem sftp /usr/lib/openssh/sftp-server\n")
        let facts = SshdEffectiveConfig(source: .files(config: "c", reason: "test"), global: files.global)
        #expect(findings(facts).map(\.fix) == ["PermitUserRC no", "PermitTTY no", "DisableForwarding yes"])
    }
}

struct VersionReportSshdTests {
    func report(
        _ sshd: SshdEffectiveConfig,
        config: String = "allowsftp\n"
    ) -> (text: String, healthy: Bool, status: Int32) {
        VersionReport(
            paths: debianPaths,
            configuration: .success(ConfigParser.parse(Array(config.utf8), file: "/etc/rssh.conf")),
            isExecutable: { _ in true },
            shellCanAudit: true,
            auditDaemonProblem: nil,
            sshd: sshd,
            pathStatus: rootOwned()
        ).render()
    }

    @Test func exitStatusesTellHealthyBypassedAndBrokenApart() {
        let clean = report(asRoot([("alice", sshdOutput())]))
        #expect(clean.status == 0)
        #expect(clean.text.contains("no setting found that bypasses or weakens rssh"))
        #expect(clean.text.contains("-C user=NAME,host=h,addr=a"))
        let bypassed = report(asRoot([("alice", sshdOutput(["forcecommand": "internal-sftp"]))]))
        #expect(bypassed.status == VersionReport.sshdBypassStatus)
        #expect(bypassed.healthy)
        #expect(bypassed.text.contains("  BYPASS: 1 account (alice): ForceCommand internal-sftp"))
        #expect(bypassed.text.contains("Result: configuration OK, but sshd bypasses or weakens rssh"))
        let broken = report(
            asRoot([("alice", sshdOutput(["forcecommand": "internal-sftp"]))]),
            config: "allowsftp\numask = 8\n"
        )
        #expect(broken.status == 1, "rssh.conf errors come first")
    }

    @Test func anInvalidSshdConfigurationIsReportedWithSshdsWords() {
        var facts = asRoot([])
        facts.invalid =
            "/etc/ssh/sshd_config.d/x.conf line 1: Subsystem 'sftp' already defined. (sshd -T: exit status 255)"
        let result = report(facts)
        #expect(result.status == VersionReport.sshdBypassStatus)
        #expect(result.text.contains("ERROR: sshd refuses its configuration"))
        #expect(result.text.contains("Subsystem 'sftp' already defined"))
    }

    @Test func readingTheFilesSaysMatchWasNotEvaluated() {
        let facts = SshdEffectiveConfig(
            source: .files(config: "/etc/ssh/sshd_config", reason: "not root"),
            global: sshdOutput()
        )
        #expect(report(facts).text.contains("Match blocks were NOT evaluated"))
    }
}

struct VersionReportUncheckedTests {
    @Test func anUnreadableConfigurationIsSaidAndDoesNotChangeTheStatus() {
        var facts = SshdEffectiveConfig(
            source: .files(config: "/etc/ssh/sshd_config", reason: "not root"),
            global: .init()
        )
        facts.unchecked = "/etc/ssh/sshd_config: config file /etc/ssh/sshd_config cannot be opened: Permission denied"
        let result = VersionReport(
            paths: debianPaths,
            configuration: .success(ConfigParser.parse(Array("allowsftp\n".utf8), file: "/etc/rssh.conf")),
            isExecutable: { _ in true },
            shellCanAudit: true,
            auditDaemonProblem: nil,
            sshd: facts
        ).render()
        #expect(result.status == 0)
        #expect(result.text.contains("  not checked: /etc/ssh/sshd_config: config file"))
    }
}
