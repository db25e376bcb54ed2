import Testing

@testable import RsshCore

func policyShell(_ config: String, facts: SessionFacts = SessionFacts()) -> LoginShell {
    LoginShell(
        paths: debianPaths,
        account: alice,
        configuration: .success(ConfigParser.parse(Array(config.utf8), file: "rssh.conf")),
        environment: [],
        facts: facts
    )
}

func run(_ shell: LoginShell, _ command: String) -> VettedCommand? {
    guard
        case .run(let vetted, _, _, _) = shell.decide(
            command: Array(command.utf8),
            expansion: LiteralExpansion(homeDirectory: alice.home)
        )
    else { return nil }
    return vetted
}

func words(_ vetted: VettedCommand?) -> [String] {
    (vetted?.arguments ?? []).map { String(decoding: $0, as: UTF8.self) }
}

/// A root-owned ~/.ssh that others cannot write, as a landlocked user needs.
let safeSSH = FileStatus(owner: 0, mode: 0o040755)

struct LandlockPlanTests {
    typealias A = Landlock.Access

    @Test func homeIsReadWriteButNeverExecutableNorADevice() throws {
        let plan = LandlockPlan.session(abi: 7, home: alice.home)
        let home = try #require(plan.rules.first { $0.path == alice.home })
        #expect(home.required)
        #expect(home.access & (A.execute | A.makeChar | A.makeBlock | A.ioctlDev) == 0)
        #expect(
            home.access & (A.writeFile | A.readFile | A.readDir | A.refer | A.truncate) == A.writeFile | A.readFile
                | A.readDir | A.refer | A.truncate
        )
        #expect(plan.handledFilesystem == A.filesystem(abi: 7))
    }

    @Test func systemFilesAreReadOnly() {
        let plan = LandlockPlan.session(abi: 7, home: alice.home)
        for rule in plan.rules where rule.path != alice.home && rule.path != Array("/dev/null".utf8) {
            #expect(rule.access & ~(A.execute | A.readFile | A.readDir) == 0, "\(Printable.text(rule.path))")
        }
        #expect(plan.rules.contains { $0.path == Array("/etc/passwd".utf8) && $0.access == A.readFile })
    }

    @Test(
        arguments: [
            (Int32(2), UInt64(0), UInt64(0), UInt32(0)), (3, 0, 0, 0), (4, A.bindTCP | A.connectTCP, 0, 0),
            (6, A.bindTCP | A.connectTCP, A.scopeSignal | A.scopeAbstractUnixSocket, 0),
            (7, A.bindTCP | A.connectTCP, A.scopeSignal | A.scopeAbstractUnixSocket, Landlock.logNewExecOn),
        ] as [(Int32, UInt64, UInt64, UInt32)]
    )
    func eachABIAddsItsProtections(_ abi: Int32, _ network: UInt64, _ scoped: UInt64, _ flags: UInt32) {
        let plan = LandlockPlan.session(abi: abi, home: alice.home)
        #expect(plan.handledNetwork == network)
        #expect(plan.scoped == scoped)
        #expect(plan.restrictFlags == flags)
        #expect((plan.handledFilesystem & A.truncate != 0) == (abi >= 3))
        #expect((plan.handledFilesystem & A.ioctlDev != 0) == (abi >= 5))
    }

    @Test(
        arguments: [(-38, "not available"), (-95, "not available"), (1, "too old"), (0, "not available")]
            as [(Int32, String)]
    )
    func kernelsWithoutUsableLandlockRefuse(_ abi: Int32, _ reason: String) {
        let outcome = policyShell(
            "user = alice:022:00010::landlock\n",
            facts: SessionFacts(landlockABI: abi, sshDirectory: safeSSH)
        )
        .decide(command: Array("sftp-server".utf8), expansion: LiteralExpansion(homeDirectory: alice.home))
        #expect(!outcome.decision.allowed)
        #expect(outcome.decision.reason.contains(reason), "\(outcome.decision.reason)")
    }

    @Test(
        arguments: [
            nil, FileStatus(owner: 1001, mode: 0o040755), FileStatus(owner: 0, mode: 0o040777),
            FileStatus(owner: 0, mode: 0o120777),
        ] as [FileStatus?]
    )
    func aWritableOrMissingSSHDirectoryRefuses(_ ssh: FileStatus?) {
        let shell = policyShell(
            "user = alice:022:00010::landlock\n",
            facts: SessionFacts(landlockABI: 7, sshDirectory: ssh)
        )
        #expect(run(shell, "sftp-server") == nil)
    }

    @Test func aLandlockedSessionCarriesItsRulesetAndATemporaryDirectoryInHome() throws {
        let shell = policyShell(
            "user = alice:022:00011::landlock\n",
            facts: SessionFacts(landlockABI: 7, sshDirectory: safeSSH)
        )
        guard
            case .run(let vetted, let environment, _, let decision) = shell.decide(
                command: Array("scp -t .".utf8),
                expansion: LiteralExpansion(homeDirectory: alice.home)
            )
        else {
            Issue.record("a landlocked scp session was refused")
            return
        }
        #expect(vetted.confinement == LandlockPlan.session(abi: 7, home: alice.home))
        #expect(environment.contains(Array("TMPDIR=/home/alice".utf8)))
        #expect(decision.reason.contains("landlocked (ABI 7)"))
    }

    /// Review 3, F4: code that cvs, rdist or svnserve runs escapes Landlock (UDP, pathname sockets,
    /// `systemd-run --user`), so only a jail or the administrator's acknowledgement lets them run.
    @Test(arguments: ["cvs server", "rdist -Server", "svnserve -t"])
    func landlockIsNotConfinementForProgramsThatRunCommands(_ command: String) {
        let facts = SessionFacts(landlockABI: 7, sshDirectory: safeSSH)
        let landlocked = policyShell("user = alice:022:111111::landlock\n", facts: facts)
        guard
            case .refuse(_, _, let decision) = landlocked.decide(
                command: Array(command.utf8),
                expansion: LiteralExpansion(homeDirectory: alice.home)
            )
        else {
            Issue.record("\(command) ran for a landlocked user without unconfinedexec")
            return
        }
        #expect(decision.reason.contains("landlock is not enough"))
        let acknowledged = policyShell("user = alice:022:111111::landlock,unconfinedexec\n", facts: facts)
        #expect(run(acknowledged, command) != nil, "unconfinedexec acknowledges the risk")
    }

    @Test(arguments: [
        "user = alice:022:00010:/srv/jail:landlock\n", "options = landlock\nchrootpath = /srv/jail\n",
        "user = alice:022:00010::readonly,uploadonly\n",
    ])
    func contradictoryConfinementIsAnError(_ config: String) {
        #expect(!ConfigParser.parse(Array(config.utf8), file: "rssh.conf").errors.isEmpty)
    }
}

/// The access modes, held to `AccessMode.rule(for:)`: the table `rssh -v` prints.
struct AccessModeTests {
    @Test(arguments: [
        // (mode, command, allowed)
        ("readonly", "sftp-server", true), ("readonly", "scp -f a", true), ("readonly", "scp -t .", false),
        ("readonly", "rsync --server --sender -logDtpre.iLsfxC . a", true),
        ("readonly", "rsync --server -logDtpre.iLsfxC . a", false),
        ("readonly", "rsync --server --sender --remove-source-files -logDtpre.iLsfxC . a", false),
        ("readonly", "rsync --server --filter --sender -logDtpre.iLsfxC . a", false),
        ("readonly", "cvs server", false), ("uploadonly", "sftp-server", true), ("uploadonly", "scp -t .", true),
        ("uploadonly", "scp -f a", false), ("uploadonly", "rsync --server -rtpe.iLsfxCIvu . a", true),
        ("uploadonly", "rsync --server -logDtpre.iLsfxC . a", false),
        ("uploadonly", "rsync --server --sender -logDtpre.iLsfxC . a", false),
        ("uploadonly", "rsync --server --delete -logDtpre.iLsfxC . a", false),
        ("uploadonly", "rsync --server --list-only -logDtpre.iLsfxC . a", false), ("uploadonly", "cvs server", false),
        ("uploadonly", "svnserve -t", false),
    ])
    func decisionsFollowTheModeTable(_ mode: String, _ command: String, _ allowed: Bool) {
        let shell = policyShell("user = alice:022:111111::\(mode),unconfinedexec\n")
        #expect((run(shell, command) != nil) == allowed, "\(mode): \(command)")
    }

    @Test func readOnlySftpRunsWithDashR() {
        #expect(words(run(policyShell("user = alice:022:00010::readonly\n"), "sftp-server")).contains("-R"))
    }

    @Test func uploadOnlySftpDeniesReadingListingAndDeleting() {
        let argv = words(run(policyShell("user = alice:022:00010::uploadonly\n"), "sftp-server"))
        #expect(argv.suffix(4) == ["-P", AccessMode.uploadOnlyDeniedRequests.joined(separator: ","), "-u", "0022"])
    }

    @Test func theAdministratorsDeniedRequestsJoinTheModesInOneList() {
        let config = "sftpserveroptions = -P statvfs,remove -l INFO\nuser = alice:022:00010::uploadonly\n"
        let argv = words(run(policyShell(config), "sftp-server"))
        #expect(argv.filter { $0 == "-P" }.count == 1, "sftp-server keeps only the last -P")
        let list = argv.firstIndex(of: "-P").map { argv[$0 + 1].split(separator: ",").map(String.init) } ?? []
        #expect(Set(list) == Set(["statvfs"] + AccessMode.uploadOnlyDeniedRequests))
        #expect(argv.contains("INFO"))
    }

    @Test func uploadOnlyRsyncNeverOverwritesAndSendsNoChecksums() {
        let argv = words(
            run(policyShell("user = alice:022:10000::uploadonly\n"), "rsync --server -rtpe.iLsfxCIvu . a")
        )
        #expect(argv.prefix(4) == ["rsync", "--server", "--ignore-existing", "--whole-file"])
    }

    @Test func everyProgramHasARuleInEveryMode() {
        for mode in [AccessMode.readOnly, .uploadOnly] {
            for program in TransferProgram.allCases { #expect(!mode.rule(for: program).isEmpty) }
            #expect(mode.rule(for: .cvs) == "refused")
        }
    }
}
