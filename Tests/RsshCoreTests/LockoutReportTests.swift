import Testing

@testable import RsshCore

/// `rssh -v` and `rsshctl explain` name every account whose sessions will all be refused, with the fix
/// (issue 19: no silent lock-outs; sftp shows such a refusal only as "Connection closed"), from the checks
/// the session and the helper make themselves.
struct LockoutReportTests {
    private func report(_ accounts: [VersionReport.AccountCheck]?) -> String {
        VersionReport(
            paths: debianPaths,
            configuration: .success(
                ConfigParser.parse(Array("user = alice:022:00010::landlock\n".utf8), file: "rssh.conf")
            ),
            isExecutable: { _ in true },
            shellCanAudit: true,
            auditDaemonProblem: nil,
            landlockABI: 7,
            accounts: accounts,
            homesInspected: accounts != nil
        ).render().text
    }

    @Test func anAccountWhoseHomeFailsTheSessionsCheckIsNamedWithTheFix() {
        let problem = LoginShell.landlockHomeProblem(nil, uid: 1000) ?? ""
        let text = report([
            .init(name: "alice", lockouts: [AccountLockout(problem: problem, fix: "rsshctl ssh protect alice")]),
            .init(name: "bob", lockouts: []),
        ])
        #expect(text.contains("error: account alice: every session is REFUSED: \(problem)"))
        #expect(text.contains("fix: rsshctl ssh protect alice"))
        #expect(!text.contains("account bob"))
    }

    @Test func healthyAccountsAreCountedAndUninspectedHomesAreSaid() {
        #expect(report([.init(name: "bob", lockouts: [])]).contains("passes the session's checks (1 checked)"))
        #expect(report(nil).contains("checked when rssh -v runs as root"))
    }

    // MARK: - AccountLockout.find

    private static let rootDirectory = FileStatus(owner: 0, mode: 0o040755)
    private static let setuidHelper = FileStatus(owner: 0, mode: 0o104755)

    /// A file system in which everything is as it should be, unless a row changes it.
    struct World {
        var executables: Set<String> = [
            "/usr/libexec/rssh_chroot_helper", "/usr/lib/openssh/sftp-server",
            "/srv/jail/usr/lib/openssh/sftp-server", "/usr/bin/scp",
        ]
        var statuses: [String: FileStatus] = [
            "/": rootDirectory, "/srv": rootDirectory, "/srv/jail": rootDirectory,
            "/usr/libexec/rssh_chroot_helper": setuidHelper,
        ]
        var sshTakenOver = false

        var probe: AccountLockout.Probe {
            let executables = executables
            let statuses = statuses
            let taken = sshTakenOver
            return AccountLockout.Probe(
                isExecutable: { executables.contains($0) },
                status: { statuses[$0] },
                jailSsh: { _, _ in taken ? ("/srv/jail/home/alice/.ssh is owned by uid 1001", true) : nil }
            )
        }
    }

    static let rows: [(label: String, line: String, world: World, abi: Int32, home: LandlockHome?, expected: String?)] =
        [
            ("healthy sftp user", "user = alice:022:00010", World(), 7, nil, nil),
            ("no landlock in the kernel", "user = alice:022:00010::landlock", World(), -38, safeHome, "Landlock"),
            ("landlocked home not inspectable", "user = alice:022:00010::landlock", World(), 7, nil, "not inspected"),
            ("landlocked home safe", "user = alice:022:00010::landlock", World(), 7, safeHome, nil),
            (
                "helper missing", "user = alice:022:00010:/srv/jail",
                World(executables: ["/srv/jail/usr/lib/openssh/sftp-server"]), 7, nil, "is not installed"
            ),
            (
                "helper not setuid", "user = alice:022:00010:/srv/jail",
                World(statuses: [
                    "/": rootDirectory, "/srv": rootDirectory, "/srv/jail": rootDirectory,
                    "/usr/libexec/rssh_chroot_helper": FileStatus(owner: 0, mode: 0o100755),
                ]), 7, nil, "not setuid root"
            ),
            (
                "jail writable by others", "user = alice:022:00010:/srv/jail",
                World(statuses: [
                    "/": rootDirectory, "/srv": rootDirectory, "/srv/jail": FileStatus(owner: 0, mode: 0o040777),
                    "/usr/libexec/rssh_chroot_helper": setuidHelper,
                ]), 7, nil, "/srv/jail"
            ),
            ("jail missing", "user = alice:022:00010:/srv/gone", World(), 7, nil, "/srv/gone"),
            ("jail .ssh taken over", "user = alice:022:00010:/srv/jail", World(sshTakenOver: true), 7, nil, "refusing"),
            ("program missing", "user = alice:022:10000", World(), 7, nil, "no allowed program is installed"),
            (
                "program missing in the jail", "user = alice:022:00001:/srv/jail", World(), 7, nil,
                "/srv/jail/usr/bin/scp"
            ),
            ("one of two programs present", "user = alice:022:10010", World(), 7, nil, nil),
            ("cvs without a jail", "user = alice:022:00100", World(), 7, nil, "runs commands by design"),
        ]

    @Test(arguments: rows)
    func theSessionsChecksNameTheLockOut(
        _ row: (label: String, line: String, world: World, abi: Int32, home: LandlockHome?, expected: String?)
    ) throws {
        let config = ConfigParser.parse(Array((row.line + "\n").utf8), file: "rssh.conf")
        let policy = try config.policy(for: "alice").get()
        let found = AccountLockout.find(
            account: alice,
            policy: policy,
            paths: debianPaths,
            landlockABI: row.abi,
            landlockHome: row.home,
            inspectHome: true,
            probe: row.world.probe
        )
        if let expected = row.expected {
            #expect(found.contains { $0.problem.contains(expected) && !$0.fix.isEmpty }, "\(row.label): \(found)")
        } else {
            #expect(found.isEmpty, "\(row.label): \(found)")
        }
    }

    /// `rsshctl ssh protect` refuses a `.ssh` its user owns: the fix says to look at its keys and remove it first.
    @Test func aTakenOverSshIsRemovedBeforeItIsProtected() {
        let usersHome = FileStatus(owner: alice.uid, mode: 0o040750)
        var home = safeHome
        home.ssh = SshDirectory(status: FileStatus(owner: alice.uid, mode: 0o040700), home: usersHome)
        #expect(
            AccountLockout.landlockFix("alice", home, uid: alice.uid)
                == "check /home/alice/.ssh/authorized_keys (alice may have planted keys), remove /home/alice/.ssh, "
                + "then rsshctl ssh protect alice"
        )
        home.ssh = SshDirectory(status: nil, home: usersHome)
        #expect(
            AccountLockout.landlockFix("alice", home, uid: alice.uid)
                == "rsshctl ssh protect alice (or a root-owned home)"
        )
        home.ancestors = [
            LandlockHome.Ancestor(path: Array("/".utf8), status: FileStatus(owner: alice.uid, mode: 0o040755))
        ]
        #expect(AccountLockout.landlockFix("alice", home, uid: alice.uid).hasPrefix("a home owned by alice or root"))
    }

    @Test func theLandlockProblemIsTheSessionsOwnRefusalReason() throws {
        let config = ConfigParser.parse(Array("user = alice:022:00010::landlock\n".utf8), file: "rssh.conf")
        let shell = LoginShell(
            paths: debianPaths,
            account: alice,
            configuration: .success(config),
            environment: [],
            facts: SessionFacts(landlockABI: 7, landlockHome: nil)
        )
        let outcome = shell.decide(
            command: Array("/usr/lib/openssh/sftp-server".utf8),
            expansion: FileSystemExpansion.literal(homeDirectory: alice.home)
        )
        let found = AccountLockout.find(
            account: alice,
            policy: try config.policy(for: "alice").get(),
            paths: debianPaths,
            landlockABI: 7,
            landlockHome: nil,
            inspectHome: true,
            probe: World().probe
        )
        #expect(found.map { $0.problem } == [outcome.decision.reason])
    }
}
