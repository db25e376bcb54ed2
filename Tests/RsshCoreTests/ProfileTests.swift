import Glibc
import Testing

@testable import RsshCore

struct ProfileGrammarTests {
    struct Line: CustomTestStringConvertible, Sendable {
        var text: String
        var error: String?
        var root: String? = nil
        var testDescription: String { text.debugDescription }
    }

    @Test(arguments: [
        Line(text: "profile = backup:077:00011\n"),
        Line(text: "profile = backup:022:00011::uploadonly,root=backups\n", root: "backups"),
        Line(text: "profile = b-1.x_y:022:00011::root=a/b/c\n", root: "a/b/c"),
        Line(text: "profile = r:022:00010:/srv/jail:readonly\n"),
        Line(text: "profile = \"backup:022:00011::root=backups\"\n", root: "backups"),
        Line(text: "profile = :022:00010\n", error: "profile line has no valid profile name"),
        Line(text: "profile = a/b:022:00010\n", error: "profile line has no valid profile name"),
        Line(text: "profile = backup:022\n", error: "profile line for 'backup' needs name:umask:bits"),
        Line(text: "profile = backup:888:00010\n", error: "invalid umask '888' for profile 'backup'"),
        Line(text: "profile = b:022:00010::root=/etc\n", error: "not an absolute path"),
        Line(text: "profile = b:022:00010::root=\n", error: "root= needs a subdirectory"),
        Line(text: "profile = b:022:00010::root=a/../b\n", error: "'.', '..' or empty components"),
        Line(text: "profile = b:022:00010::root=..\n", error: "'.', '..' or empty components"),
        Line(text: "profile = b:022:00010::root=a//b\n", error: "'.', '..' or empty components"),
        Line(text: "profile = b:022:00010::root=a/\n", error: "'.', '..' or empty components"),
        Line(text: "profile = b:022:00010::root=./a\n", error: "'.', '..' or empty components"),
        Line(text: "profile = b:022:00010::root=a*b\n", error: "may only hold letters"),
        Line(text: "profile = b:022:00010::root=\"a b\"\n", error: "may only hold letters"),
        Line(text: "profile = b:022:00010::root=a,root=b\n", error: "root= is given twice"),
        Line(text: "profile = b:022:00010::readonly,uploadonly\n", error: "cannot be combined"),
        Line(text: "profile = b:022:00010:/srv/j:landlock\n", error: "landlock and a chroot path"),
        Line(text: "user = alice:022:00010::root=backups\n", error: "root= needs a confinement"),
        Line(text: "group = staff:022:00010::root=backups\n", error: "root= needs a confinement"),
        Line(text: "user = alice:022:00010::landlock,root=backups\n", root: "backups"),
        Line(text: "user = alice:022:00010:/srv/jail:root=backups\n", root: "backups"),
        Line(text: "options = \"landlock,root=backups\"\n", error: "root= belongs on a user, group or profile line"),
        Line(text: "umask = 022=\n", error: "syntax error"),
    ])
    func parsesProfileLinesAndRoots(_ line: Line) {
        for user in [nil, "alice"] as [String?] {
            let config = ConfigParser.parse(Array(("allowsftp\n" + line.text).utf8), file: "rssh.conf", onlyUser: user)
            if let error = line.error {
                #expect(config.errors.count == 1, "\(config.diagnostics)")
                #expect(config.errors.first?.message.contains(error) == true, "\(config.errors)")
                #expect(config.profiles.isEmpty)
            } else {
                #expect(config.errors.isEmpty, "\(config.diagnostics)")
                let entry = config.profiles.first ?? config.users.first
                #expect(entry != nil)
                #expect(entry?.root.map { String(decoding: $0.path, as: UTF8.self) } == line.root)
            }
        }
    }

    @Test func aProfileIsDefinedOnce() {
        let config = ConfigParser.parse(Array("profile = p:022:00010\nprofile = p:022:00010\n".utf8), file: "f")
        #expect(config.errors.first?.message.contains("already defined on line 1") == true)
        #expect(config.errors.first?.scope == .profile("p"))
    }

    @Test func aProfileErrorBlocksOnlySessionsSelectingIt() {
        let text = "allowsftp\nprofile = bad:999:00010\nprofile = good:077:00010\n"
        let config = ConfigParser.parse(Array(text.utf8), file: "f", onlyUser: "alice")
        #expect(config.policy(for: "alice").isSuccess)
        #expect(config.policy(for: "alice", profile: "good").isSuccess)
        guard case .failure(.configurationErrors) = config.policy(for: "alice", profile: "bad") else {
            Issue.record("the bad profile applied")
            return
        }
    }

    @Test(
        arguments: [
            ("rssh-profile backup", "backup", false),
            ("rssh-profile   backup  ", "backup", false),
            ("rssh-profile", nil, true),
            ("rssh-profile a b", nil, true),
            ("rssh-profile ../x", nil, true),
            ("rssh-profilex backup", nil, false),
            ("scp -t .", nil, false),
        ] as [(String, String?, Bool)]
    )
    func selectorGrammar(_ command: String, _ profile: String?, _ malformed: Bool) {
        let request = ProfileRequest(command: Array(command.utf8), original: Array("scp -t .".utf8))
        #expect(request.profile == profile)
        #expect((request.malformed != nil) == malformed)
        if profile != nil { #expect(request.command == Array("scp -t .".utf8)) }
    }
}

struct ProfileNarrowingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var line: String
        var profile: String
        var error: String? = nil
        var programs: [TransferProgram] = []
        var umask: UInt32 = 0
        var options: String = ""
        var chroot: String? = nil
        var root: String? = nil
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // Programs: intersected when narrower, an error when wider.
        Case(name: "fewer programs", line: "11011", profile: "p:022:00010", programs: [.sftp], umask: 0o022),
        Case(name: "a program the line lacks", line: "00010", profile: "p:022:00011", error: "it allows scp"),
        Case(name: "checksums the line lacks", line: "00010", profile: "p:022:00010::checksums", error: "checksums"),
        Case(name: "borg the line lacks", line: "00010::landlock", profile: "p:022:00010::borg", error: "borg"),
        Case(name: "git the line lacks", line: "00010", profile: "p:022:00010::git", error: "git"),
        Case(name: "winscp the line lacks", line: "00011", profile: "p:022:00001::winscp", error: "winscp"),
        Case(name: "unconfinedexec", line: "00010", profile: "p:022:00010::unconfinedexec", error: "unconfinedexec"),
        Case(
            name: "checksums kept when both have it",
            line: "00010::checksums",
            profile: "p:022:00010::checksums",
            programs: [.sftp],
            umask: 0o022,
            options: "checksums"
        ),
        Case(
            name: "checksums dropped when the profile lacks it",
            line: "00010::checksums",
            profile: "p:022:00010",
            programs: [.sftp],
            umask: 0o022
        ),
        // Umask: the profile's bits are added, never removed.
        Case(name: "umask tightened", line: "00010", profile: "p:077:00010", programs: [.sftp], umask: 0o077),
        Case(name: "umask cannot loosen", line: "00010", profile: "p:000:00010", programs: [.sftp], umask: 0o022),
        // Access modes: added; two different ones contradict.
        Case(
            name: "a mode added",
            line: "00010",
            profile: "p:022:00010::readonly",
            programs: [.sftp],
            umask: 0o022,
            options: "readonly"
        ),
        Case(
            name: "the line's mode stays",
            line: "00010::uploadonly",
            profile: "p:022:00010",
            programs: [.sftp],
            umask: 0o022,
            options: "uploadonly"
        ),
        Case(
            name: "another mode",
            line: "00010::readonly",
            profile: "p:022:00010::uploadonly",
            error: "contradicts the line's readonly"
        ),
        // Confinement: added, never replaced.
        Case(
            name: "landlock added",
            line: "00010",
            profile: "p:022:00010::landlock",
            programs: [.sftp],
            umask: 0o022,
            options: "landlock"
        ),
        Case(
            name: "landlock kept",
            line: "00010::landlock",
            profile: "p:022:00010",
            programs: [.sftp],
            umask: 0o022,
            options: "landlock"
        ),
        Case(
            name: "a jail added",
            line: "00010",
            profile: "p:022:00010:/srv/jail",
            programs: [.sftp],
            umask: 0o022,
            chroot: "/srv/jail"
        ),
        Case(
            name: "the same jail",
            line: "00010:/srv/jail",
            profile: "p:022:00010:/srv/jail",
            programs: [.sftp],
            umask: 0o022,
            chroot: "/srv/jail"
        ),
        Case(name: "another jail", line: "00010:/srv/a", profile: "p:022:00010:/srv/b", error: "not the line's jail"),
        Case(name: "a jail on landlock", line: "00010::landlock", profile: "p:022:00010:/srv/j", error: "landlock"),
        Case(name: "landlock on a jail", line: "00010:/srv/j", profile: "p:022:00010::landlock", error: "jail"),
        // Root: beneath the line's; needs a confinement from either.
        Case(
            name: "root on a landlocked line",
            line: "00010::landlock",
            profile: "p:022:00010::root=backups",
            programs: [.sftp],
            umask: 0o022,
            options: "landlock",
            root: "backups"
        ),
        Case(
            name: "root beneath the line's root",
            line: "00010::landlock,root=data",
            profile: "p:022:00010::root=backups",
            programs: [.sftp],
            umask: 0o022,
            options: "landlock",
            root: "data/backups"
        ),
        Case(
            name: "the line's root stays",
            line: "00010:/srv/j:root=data",
            profile: "p:022:00010",
            programs: [.sftp],
            umask: 0o022,
            chroot: "/srv/j",
            root: "data"
        ),
        Case(
            name: "root with landlock from the profile",
            line: "00010",
            profile: "p:022:00010::landlock,root=backups",
            programs: [.sftp],
            umask: 0o022,
            options: "landlock",
            root: "backups"
        ),
        Case(name: "root without confinement", line: "00010", profile: "p:022:00010::root=b", error: "root= needs"),
    ]

    @Test(arguments: cases)
    func narrows(_ case_: Case) {
        let text = "user = alice:022:\(case_.line)\nprofile = \(case_.profile)\n"
        let config = ConfigParser.parse(Array(text.utf8), file: "rssh.conf", onlyUser: "alice")
        #expect(config.errors.isEmpty, "\(config.diagnostics)")
        let result = config.policy(for: "alice", profile: "p")
        if let error = case_.error {
            guard case .failure(let reason) = result else {
                Issue.record("applied: \(result)")
                return
            }
            #expect(reason.description.contains(error), "\(reason)")
            #expect(reason.description.contains("profile 'p' (line 2)"), "\(reason)")
            return
        }
        guard case .success(let policy) = result else {
            Issue.record("refused: \(result)")
            return
        }
        #expect(policy.programs == ProgramSet(case_.programs))
        #expect(UInt32(policy.umask) == case_.umask)
        #expect(policy.options.names == case_.options)
        #expect(policy.chrootPath == case_.chroot)
        #expect(policy.root.map { String(decoding: $0.path, as: UTF8.self) } == case_.root)
        #expect(policy.profile == "p")
    }

    @Test func anUnknownProfileRefuses() {
        let config = ConfigParser.parse(Array("allowsftp\n".utf8), file: "f", onlyUser: "alice")
        #expect(config.policy(for: "alice", profile: "nosuch") == .failure(.unknownProfile("nosuch")))
    }

    @Test func aProfileNarrowsAGroupLineAndTheGlobals() {
        let config = ConfigParser.parse(
            Array("allowsftp\nallowscp\nprofile = p:022:00011::readonly\n".utf8),
            file: "f",
            onlyUser: "alice"
        )
        guard case .success(let policy) = config.policy(for: "alice", profile: "p") else {
            Issue.record("refused")
            return
        }
        #expect(policy.accessMode == .readOnly && policy.source == .global)
    }
}

struct ProfileSelectionTests {
    static let config = """
        user = alice:022:00011::landlock
        profile = backup:077:00011::uploadonly,root=backups
        profile = restore:022:00011::readonly
        profile = wide:022:10011
        profile = jailed:022:00010:/srv/jail

        """

    func decide(_ command: String?, original: String?, config: String = Self.config) -> ShellOutcome {
        var environment = [Array("SSH_CONNECTION=192.0.2.9 4000 192.0.2.1 22".utf8)]
        if let original { environment.append(Array("SSH_ORIGINAL_COMMAND=\(original)".utf8)) }
        let shell = LoginShell(
            paths: debianPaths,
            account: alice,
            configuration: .success(ConfigParser.parse(Array(config.utf8), file: "rssh.conf", onlyUser: "alice")),
            environment: environment,
            facts: SessionFacts(landlockABI: 7, landlockHome: safeHome)
        )
        return shell.decide(
            command: command.map { Array($0.utf8) },
            expansion: FileSystemExpansion.literal(homeDirectory: alice.home)
        )
    }

    @Test func theBackupKeyUploadsIntoItsRoot() throws {
        guard
            case .run(let vetted, let environment, let umask, let decision) =
                decide("rssh-profile backup", original: "/usr/lib/openssh/sftp-server")
        else {
            Issue.record("not run")
            return
        }
        #expect(umask == 0o077)
        #expect(vetted.arguments.contains(Array("-P".utf8)))
        let plan = try #require(vetted.confinement)
        #expect(plan.rules.first?.path == alice.home)
        #expect(plan.rules.first?.beneath == [Array("backups".utf8)])
        #expect(plan.startDirectory == Array("/home/alice/backups".utf8))
        #expect(environment.contains(Array("HOME=/home/alice/backups".utf8)))
        #expect(environment.contains(Array("TMPDIR=/home/alice/backups".utf8)))
        #expect(!environment.contains { $0.starts(with: Array("SSH_ORIGINAL_COMMAND".utf8)) })
        #expect(decision.profile == "backup")
        #expect(decision.command == Array("/usr/lib/openssh/sftp-server".utf8))
        #expect(decision.logLine.contains(" profile=\"backup\" "))
        #expect(decision.reason.contains("home rule /home/alice/backups"))
        #expect(AuditMessage.build(decision).contains("profile="))
    }

    @Test func theBackupKeyCannotDownload() {
        let outcome = decide("rssh-profile backup", original: "scp -f secret")
        #expect(!outcome.decision.allowed)
        #expect(outcome.decision.profile == "backup")
        #expect(decide("rssh-profile backup", original: "scp -t .").decision.allowed)
    }

    @Test func theRestoreKeyOnlyReads() {
        #expect(decide("rssh-profile restore", original: "scp -f x").decision.allowed)
        #expect(!decide("rssh-profile restore", original: "scp -t .").decision.allowed)
    }

    @Test func aWideningProfileRefusesTheSession() {
        let outcome = decide("rssh-profile wide", original: "scp -t .")
        #expect(!outcome.decision.allowed)
        #expect(outcome.decision.reason.contains("it allows rsync, which the line does not"))
        #expect(outcome.userMessage?.contains("profile wide is not available") == true)
    }

    @Test func aJailOnALandlockedLineRefuses() {
        #expect(!decide("rssh-profile jailed", original: "scp -t .").decision.allowed)
    }

    @Test func anUnknownProfileRefuses() {
        let outcome = decide("rssh-profile nosuch", original: "scp -t .")
        #expect(!outcome.decision.allowed)
        #expect(outcome.decision.reason.contains("unknown profile 'nosuch'"))
    }

    @Test func noOriginalCommandIsAnInteractiveLogin() {
        let outcome = decide("rssh-profile restore", original: nil)
        #expect(!outcome.decision.allowed)
        #expect(outcome.decision.reason.contains("interactive login attempted under profile restore"))
        #expect(outcome.userMessage?.contains("this key only runs commands") == true)
    }

    @Test func aForgedSelectorGainsNothing() {
        // Sent as the user's own command: no SSH_ORIGINAL_COMMAND, refused; with one (an AcceptEnv), the
        // session is only ever narrower than the line.
        #expect(!decide("rssh-profile backup", original: nil).decision.allowed)
        #expect(!decide("rssh-profile backup", original: "scp -f x").decision.allowed)
        #expect(decide("scp -f x", original: nil).decision.allowed)
    }

    @Test func aMalformedSelectorRefuses() {
        let outcome = decide("rssh-profile a b", original: "scp -t .")
        #expect(outcome.decision.reason.contains("malformed profile selector"))
    }

    @Test func aJailedProfileHandsTheOriginalCommandToTheHelper() {
        let config = "user = alice:022:00011:/srv/jail\nprofile = up:022:00001::uploadonly,root=in\n"
        guard
            case .chroot(_, let command, let environment, _, let decision) =
                decide("rssh-profile up", original: "scp -t .", config: config)
        else {
            Issue.record("not handed over")
            return
        }
        #expect(command == Array("rssh-profile up".utf8))
        #expect(environment.contains(Array("SSH_ORIGINAL_COMMAND=scp -t .".utf8)))
        #expect(decision.profile == "up")
        #expect(!decide("rssh-profile up", original: "scp -f x", config: config).decision.allowed)
    }
}

extension Result {
    fileprivate var isSuccess: Bool {
        if case .success = self { true } else { false }
    }
}

struct ProfileReportTests {
    @Test func theReportListsProfilesAndTheLinesTheyCannotNarrow() {
        let text = """
            allowsftp
            user = alice:022:00011::landlock
            user = bob:022:00010:/srv/jail
            profile = backup:077:00011::uploadonly,root=backups

            """
        let config = ConfigParser.parse(Array(text.utf8), file: "rssh.conf")
        let out = VersionReport.profileLines(config)
        #expect(out.contains("profile backup (line 4): scp sftp; umask 0077"))
        #expect(out.contains("root backups (enforced by Landlock)"))
        #expect(out.contains("cannot apply to user bob (line 3): it allows scp, which the line does not"))
        #expect(out.contains("cannot apply to default (no user line): it allows scp"))
        #expect(!out.contains("user alice"))
    }

    @Test(
        arguments: [
            ("LANG LC_*", nil),
            ("*", "*"),
            ("SSH_*", "SSH_*"),
            ("SSH_ORIGINAL_COMMAN?", "SSH_ORIGINAL_COMMAN?"),
            ("LANG SSH_ORIGINAL_COMMAND", "SSH_ORIGINAL_COMMAND"),
            ("SSH_ORIGINAL", nil),
        ] as [(String, String?)]
    )
    func acceptEnvMatchingTheOriginalCommandIsFlagged(_ acceptEnv: String, _ flagged: String?) {
        let settings = sshdOutput(["acceptenv": acceptEnv])
        let findings = SshdConfigCheck.findings(
            asRoot([("alice", settings)], global: settings),
            sftpServer: "/usr/lib/openssh/sftp-server",
            sftpServerOptions: [],
            status: rootOwned()
        )
        let finding = findings.first { $0.message.hasPrefix("AcceptEnv") }
        #expect(
            finding?.message.hasPrefix("AcceptEnv \(flagged ?? "") matches SSH_ORIGINAL_COMMAND") ?? (flagged == nil)
        )
        if flagged != nil {
            #expect(finding?.severity == .warning)
            #expect(finding?.users == ["alice"])
        }
    }
}
