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
            expansion: FileSystemExpansion.literal(homeDirectory: alice.home)
        )
    else { return nil }
    return vetted
}

func words(_ vetted: VettedCommand?) -> [String] {
    (vetted?.arguments ?? []).map { String(decoding: $0, as: UTF8.self) }
}

/// A root-owned directory nobody else can write.
private let rootDirectory = FileStatus(owner: 0, mode: 0o040755)
/// alice's own home, as useradd makes it.
private let usersHome = FileStatus(owner: alice.uid, mode: 0o040750)

/// The facts about alice's home, safe unless a test changes one.
private func landlockHome(
    ssh: SshDirectory = SshDirectory(status: rootDirectory, immutable: true, home: usersHome),
    resolved: String? = "/home/alice",
    status: FileStatus? = usersHome,
    ancestors: [(String, FileStatus?)] = [("/", rootDirectory), ("/home", rootDirectory)]
) -> LandlockHome {
    LandlockHome(
        home: alice.home,
        resolved: resolved.map { Array($0.utf8) },
        status: status,
        ancestors: ancestors.map { LandlockHome.Ancestor(path: Array($0.0.utf8), status: $0.1) },
        ssh: ssh
    )
}

/// A home whose ~/.ssh the user can neither write nor rename away, as a landlocked user needs.
let safeHome = landlockHome()

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
            facts: SessionFacts(landlockABI: abi, landlockHome: safeHome)
        )
        .decide(command: Array("sftp-server".utf8), expansion: FileSystemExpansion.literal(homeDirectory: alice.home))
        #expect(!outcome.decision.allowed)
        #expect(outcome.decision.reason.contains(reason), "\(outcome.decision.reason)")
    }

    /// Every unprotected ~/.ssh refuses the session, naming the condition and the fix (review 3, F5).
    @Test(
        arguments: [
            (nil, false, "is missing"),
            (FileStatus(owner: 1001, mode: 0o040755), true, "owned by uid 1001"),
            (FileStatus(owner: 0, mode: 0o040777), true, "writable by group or others"),
            (FileStatus(owner: 0, mode: 0o120777), true, "not a directory"),
            (rootDirectory, false, "root-owned but not immutable"),
        ] as [(FileStatus?, Bool, String)]
    )
    func anUnprotectedSSHDirectoryRefuses(_ ssh: FileStatus?, _ immutable: Bool, _ reason: String) {
        let home = landlockHome(ssh: SshDirectory(status: ssh, immutable: immutable, home: usersHome))
        let outcome = policyShell(
            "user = alice:022:00010::landlock\n",
            facts: SessionFacts(landlockABI: 7, landlockHome: home)
        )
        .decide(command: Array("sftp-server".utf8), expansion: FileSystemExpansion.literal(homeDirectory: alice.home))
        #expect(!outcome.decision.allowed)
        #expect(outcome.userMessage?.contains("confinement is configured but not safe") == true)
        #expect(outcome.decision.reason.contains(reason), "\(outcome.decision.reason)")
        #expect(outcome.decision.reason.contains("chattr +i"), "\(outcome.decision.reason)")
    }

    /// A home the Landlock rule cannot trust refuses the session (review 3, F11).
    @Test(
        arguments: [
            (landlockHome(resolved: "/", status: rootDirectory), "is /"),
            (landlockHome(resolved: nil, status: nil), "cannot be resolved"),
            (landlockHome(status: FileStatus(owner: 1234, mode: 0o040755)), "owned by uid 1234"),
            (landlockHome(status: FileStatus(owner: alice.uid, mode: 0o100644)), "not a directory"),
            (
                landlockHome(ancestors: [("/", rootDirectory), ("/home", FileStatus(owner: 0, mode: 0o041777))]),
                "/home above"
            ),
            (
                landlockHome(ancestors: [("/", rootDirectory), ("/home", FileStatus(owner: alice.uid, mode: 0o040755))]
                ), "writable by the user"
            ),
            (landlockHome(ancestors: [("/", rootDirectory), ("/home", nil)]), "cannot be read"),
            (nil, "not inspected"),
        ] as [(LandlockHome?, String)]
    )
    func anUntrustworthyHomeRefuses(_ home: LandlockHome?, _ reason: String) {
        let outcome = policyShell(
            "user = alice:022:00010::landlock\n",
            facts: SessionFacts(landlockABI: 7, landlockHome: home)
        )
        .decide(command: Array("sftp-server".utf8), expansion: FileSystemExpansion.literal(homeDirectory: alice.home))
        #expect(!outcome.decision.allowed)
        #expect(outcome.decision.reason.contains(reason), "\(outcome.decision.reason)")
    }

    /// The rule is the resolved home, and the log line names it.
    @Test func theRuleIsTheResolvedHomeAndTheLogNamesIt() throws {
        let home = landlockHome(resolved: "/data/alice")
        let shell = policyShell(
            "user = alice:022:00010::landlock\n",
            facts: SessionFacts(landlockABI: 7, landlockHome: home)
        )
        guard
            case .run(let vetted, _, _, let decision) = shell.decide(
                command: Array("sftp-server".utf8),
                expansion: FileSystemExpansion.literal(homeDirectory: alice.home)
            )
        else {
            Issue.record("a protected home is allowed")
            return
        }
        #expect(vetted.confinement?.rules.first?.path == Array("/data/alice".utf8))
        #expect(decision.reason.contains("home rule /data/alice"), "\(decision.reason)")
    }

    @Test func aLandlockedSessionCarriesItsRulesetAndATemporaryDirectoryInHome() throws {
        let shell = policyShell(
            "user = alice:022:00011::landlock\n",
            facts: SessionFacts(landlockABI: 7, landlockHome: safeHome)
        )
        guard
            case .run(let vetted, let environment, _, let decision) = shell.decide(
                command: Array("scp -t .".utf8),
                expansion: FileSystemExpansion.literal(homeDirectory: alice.home)
            )
        else {
            Issue.record("a landlocked scp session was refused")
            return
        }
        #expect(vetted.confinement == LandlockPlan.session(abi: 7, home: alice.home))
        #expect(environment.contains(Array("TMPDIR=/home/alice".utf8)))
        #expect(decision.reason.contains("landlocked (ABI 7); home rule /home/alice"))
    }

    /// Review 3, F4: code that cvs, rdist or svnserve runs escapes Landlock (UDP, pathname sockets,
    /// `systemd-run --user`), so only a jail or the administrator's acknowledgement lets them run.
    @Test(arguments: ["cvs server", "rdist -Server", "svnserve -t"])
    func landlockIsNotConfinementForProgramsThatRunCommands(_ command: String) {
        let facts = SessionFacts(landlockABI: 7, landlockHome: safeHome)
        let landlocked = policyShell("user = alice:022:111111::landlock\n", facts: facts)
        guard
            case .refuse(_, _, let decision) = landlocked.decide(
                command: Array(command.utf8),
                expansion: FileSystemExpansion.literal(homeDirectory: alice.home)
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

/// The protection predicate on its own (review 3, F5): owner, mode, the immutable flag and the home's owner.
struct SshDirectoryTests {
    private static let rootHome = FileStatus(owner: 0, mode: 0o040755)

    @Test(
        arguments: [
            (nil, false, 0, usersHome, SshDirectory.Problem.missing),
            (FileStatus(owner: 0, mode: 0o120777), true, 0, rootHome, .notDirectory),
            (FileStatus(owner: 0, mode: 0o100644), true, 0, rootHome, .notDirectory),
            (FileStatus(owner: 1001, mode: 0o040755), true, 0, rootHome, .notOwnedByRoot(owner: 1001)),
            (FileStatus(owner: 0, mode: 0o040775), true, 0, rootHome, .writableByOthers(mode: 0o040775)),
            (FileStatus(owner: 0, mode: 0o040757), true, 0, rootHome, .writableByOthers(mode: 0o040757)),
            (rootDirectory, false, 0, usersHome, .replaceable(flagsError: 0)),
            (rootDirectory, false, 95, usersHome, .replaceable(flagsError: 95)),
            (rootDirectory, false, 0, nil, .replaceable(flagsError: 0)),
            (rootDirectory, false, 0, FileStatus(owner: 0, mode: 0o040775), .replaceable(flagsError: 0)),
            (rootDirectory, false, 0, FileStatus(owner: 0, mode: 0o041777), .replaceable(flagsError: 0)),
            (rootDirectory, false, 0, FileStatus(owner: 0, mode: 0o120777), .replaceable(flagsError: 0)),
            (rootDirectory, true, 0, usersHome, nil),
            (FileStatus(owner: 0, mode: 0o040700), true, 0, usersHome, nil),
            (rootDirectory, false, 0, rootHome, nil),
            (rootDirectory, true, 0, rootHome, nil),
        ] as [(FileStatus?, Bool, Int32, FileStatus?, SshDirectory.Problem?)]
    )
    func protection(
        _ ssh: FileStatus?,
        _ immutable: Bool,
        _ flagsError: Int32,
        _ home: FileStatus?,
        _ expected: SshDirectory.Problem?
    ) {
        #expect(SshDirectory(status: ssh, immutable: immutable, flagsError: flagsError, home: home).problem == expected)
    }

    /// Only what shows a replaced `.ssh` counts as taken over; the helper refuses those and warns on the rest.
    @Test(
        arguments: [
            (SshDirectory.Problem.missing, false), (.replaceable(flagsError: 0), false), (.notDirectory, true),
            (.notOwnedByRoot(owner: 5), true), (.writableByOthers(mode: 0o777), true),
        ] as [(SshDirectory.Problem, Bool)]
    )
    func takenOver(_ problem: SshDirectory.Problem, _ expected: Bool) {
        #expect(problem.isTakenOver == expected)
    }

    @Test func parentsOfAHomeAreEveryDirectoryAboveIt() {
        let parents = LandlockHome.parents(of: Array("/srv/users//alice".utf8))?.map {
            String(decoding: $0, as: UTF8.self)
        }
        #expect(parents == ["/", "/srv", "/srv/users"])
        #expect(LandlockHome.parents(of: Array("relative".utf8)) == nil)
    }

    /// The facts read from a real directory: the user's own home (not root-only), no `.ssh`.
    @Test func inspectReadsAMissingSSHDirectory() {
        let ssh = SshDirectory.inspect(home: Array("/nonexistent-rssh-home".utf8), homeStatus: nil)
        #expect(ssh.status == nil && ssh.problem == .missing)
    }
}
