import Testing

@testable import RsshCore

/// `rsshctl explain`: the line that applied, the confinement, the verdict, the argument vector or the exact
/// refusal reason, all from `LoginShell.decide`.
struct ExplanationTests {
    static let config = """
        allowsftp
        group = backup:027:00001
        user = alice:022:10010
        user = dave:022:00010::landlock
        user = erin:022:00010:/srv/jail
        profile = restore:022:00010::readonly

        """

    static func shell(_ account: Account, groups: GroupFacts? = nil, home: LandlockHome? = nil) -> LoginShell {
        var shell = LoginShell(
            paths: debianPaths,
            account: account,
            configuration: .success(ConfigParser.parse(Array(config.utf8), file: "rssh.conf")),
            environment: Explanation.sessionInput(request: nil, profile: nil, address: "192.0.2.7").environment
        )
        shell.facts.groups = groups
        shell.facts.landlockABI = 7
        shell.facts.landlockHome = home
        return shell
    }

    static func named(_ name: String, uid: UInt32) -> Account {
        Account(name: name, uid: uid, gid: uid, home: Array("/home/\(name)".utf8), shell: alice.shell)
    }

    static func explain(_ shell: LoginShell, _ command: String?) -> Explanation {
        Explanation(shell: shell, command: command.map { Array($0.utf8) })
    }

    @Test func anAllowedCommandShowsTheLineTheConfinementAndTheArgumentVector() {
        let text = Self.explain(Self.shell(alice), "rsync --server --sender -vlogDtpre.iLsfxC . 'my dir/'").text
        #expect(text.contains("line: user line 3\n"))
        #expect(text.contains("confinement: none\n"))
        #expect(text.contains("verdict: allowed\n"))
        #expect(text.contains("program: /usr/bin/rsync\n"))
        #expect(text.contains(#"argv: "rsync" "--server" "--sender" "-vlogDtpre.iLsfxC" "." "my dir/""#))
        #expect(text.contains("client: rsync's server side, sending"))
        #expect(text.contains("client address: 192.0.2.7\n"))
    }

    @Test func aRefusalShowsTheReasonTheSessionLogs() {
        let shell = Self.shell(alice)
        let explanation = Self.explain(shell, "scp -S /tmp/x -t .")
        let decided = shell.decide(
            command: Array("scp -S /tmp/x -t .".utf8),
            expansion: FileSystemExpansion.literal(homeDirectory: alice.home)
        )
        #expect(explanation.verdict == .refused && explanation.status == 1)
        #expect(explanation.text.contains("reason: \(decided.decision.reason)\n"))
        #expect(explanation.text.contains("log: \(decided.decision.logLine)\n"))
        #expect(!explanation.text.contains("argv:"))
    }

    @Test func groupLinesAndGlobalsAreNamed() {
        let member = Self.named("gina", uid: 1010)
        let groups = GroupFacts(memberships: .success([1010, 3000]), lines: [.gid(3000)])
        let grouped = Self.explain(Self.shell(member, groups: groups), "scp -t .").text
        #expect(grouped.contains("line: group line 2 (group backup)\n"))
        #expect(grouped.contains("verdict: allowed\n"))
        let outsider = GroupFacts(memberships: .success([1010]), lines: [.gid(3000)])
        let global = Self.explain(Self.shell(member, groups: outsider), "/usr/lib/openssh/sftp-server").text
        #expect(global.contains("line: globals (no user line or group line applies)\n"))
    }

    @Test func landlockAndTheJailAreShown() {
        let dave = Self.named("dave", uid: 1011)
        let landlocked = Self.explain(Self.shell(dave, home: safeHomeOf(dave)), "/usr/lib/openssh/sftp-server").text
        #expect(landlocked.contains("confinement: landlock (ABI 7; home rule /home/dave)\n"))
        #expect(landlocked.contains("verdict: allowed\n"))
        let erin = Self.named("erin", uid: 1012)
        let jailed = Self.explain(Self.shell(erin), "/usr/lib/openssh/sftp-server")
        #expect(jailed.text.contains("confinement: chroot jail /srv/jail"))
        #expect(jailed.text.contains("the final vetting happens inside the jail, by the helper"))
        #expect(jailed.verdict == .allowed && !jailed.text.contains("argv:"))
    }

    @Test func patternsAreSaidNotToBeExpanded() {
        let text = Self.explain(Self.shell(alice), "rsync --server --sender . *.txt").text
        #expect(text.contains("verdict: allowed\n"))
        #expect(text.contains("patterns: NOT expanded here"))
        #expect(text.contains(#""*.txt""#))
    }

    @Test func anInteractiveLoginAndTheRcloneProbe() {
        let login = Self.explain(Self.shell(alice), nil)
        #expect(login.verdict == .refused && login.text.contains("reason: interactive login attempted"))
        let probe = Self.explain(Self.shell(alice), "echo ${ShellId}%ComSpec%")
        #expect(probe.verdict == .allowed && probe.text.contains(#"answer: "%ComSpec%\x0a""#))
    }

    /// How sshd presents a key's forced command: `rssh-profile NAME`, the request in SSH_ORIGINAL_COMMAND.
    ///
    /// The shell selects the profile from exactly these inputs: an unknown one refuses, a known one narrows.
    @Test func aProfileIsTheForcedCommandWithTheRequestInTheEnvironment() {
        let input = Explanation.sessionInput(request: Array("scp -t .".utf8), profile: "backup", address: nil)
        #expect(input.command == Array("rssh-profile backup".utf8))
        #expect(input.environment == [Array("SSH_ORIGINAL_COMMAND=scp -t .".utf8)])
        var shell = Self.shell(alice)
        shell.environment = input.environment
        let explanation = Explanation(shell: shell, command: input.command, request: Array("scp -t .".utf8))
        #expect(explanation.text.contains(#"request: "scp -t ." (SSH_ORIGINAL_COMMAND)"#))
        #expect(explanation.text.contains("client: the legacy scp protocol"))
        #expect(explanation.verdict == .refused)
        #expect(explanation.text.contains("unknown profile 'backup'"), "\(explanation.text)")
        let sftp = Array("/usr/lib/openssh/sftp-server".utf8)
        let restore = Explanation.sessionInput(request: sftp, profile: "restore", address: nil)
        shell.environment = restore.environment
        let narrowed = Explanation(shell: shell, command: restore.command, request: sftp)
        let decided = shell.decide(
            command: restore.command,
            expansion: FileSystemExpansion.literal(homeDirectory: alice.home)
        )
        #expect(narrowed.verdict == .allowed, "\(narrowed.text)")
        #expect(narrowed.text.contains("log: \(decided.decision.logLine)\n"))
        #expect(decided.decision.logLine.contains(#"profile="restore""#), "\(decided.decision.logLine)")
    }

    private func safeHomeOf(_ account: Account) -> LandlockHome {
        var home = safeHome
        home.home = account.home
        home.resolved = account.home
        home.status = FileStatus(owner: account.uid, mode: 0o040750)
        home.ssh.home = home.status
        return home
    }
}
