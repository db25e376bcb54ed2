import Testing

@testable import RsshCore

private func parse(_ text: String) -> Configuration {
    ConfigParser.parse(Array(text.utf8), file: "rssh.conf")
}

private func shell(_ config: String, account: Account? = alice, facts: SessionFacts = SessionFacts()) -> LoginShell {
    LoginShell(
        paths: debianPaths,
        account: account,
        configuration: .success(parse(config)),
        environment: [Array("SSH_CONNECTION=203.0.113.66 4242 192.0.2.1 22".utf8)],
        facts: facts
    )
}

private func decide(_ shell: LoginShell, _ command: String) -> ShellOutcome {
    shell.decide(command: Array(command.utf8), expansion: FileSystemExpansion.literal(homeDirectory: alice.home))
}

/// The options field and keyword (review item 1's syntax, shared by later options).
struct UserOptionsGrammarTests {
    @Test(arguments: [
        ("user = alice:022:00100::unconfinedexec\n", UserOptions.unconfinedExec, nil as String?),
        ("user = alice:022:00100:/srv/jail:unconfinedexec\n", .unconfinedExec, "/srv/jail"),
        ("user = alice:022:00100:\n", UserOptions(), nil), ("user = alice:022:00100::\n", UserOptions(), nil),
        ("user = alice:022:00100\n", UserOptions(), nil),
        // A user line replaces the global options.
        ("options = unconfinedexec\nuser = alice:022:00100\n", UserOptions(), nil),
    ])
    func validOptions(_ text: String, _ options: UserOptions, _ chroot: String?) throws {
        let config = parse(text)
        #expect(config.errors.isEmpty, "\(config.errors)")
        let policy = try config.policy(for: "alice").get()
        #expect(policy.options == options)
        #expect(policy.chrootPath == chroot)
    }

    @Test func globalOptionsApplyToUsersWithoutALine() throws {
        let policy = try parse("allowcvs\noptions = unconfinedexec\n").policy(for: "bob").get()
        #expect(policy.options == .unconfinedExec)
    }

    @Test(arguments: [
        "user = alice:022:00100::landlok\n", "user = alice:022:00100::unconfinedexec,,\n",
        "user = alice:022:00100::UnconfinedExec\n", "user = alice:022:00100:::x\n", "options = bogus\n",
        "options = unconfinedexec,\n", "sftpserveroptions = -u 000\n", "sftpserveroptions = -Q requests\n",
        "sftpserveroptions = -l LOUD\n", "sftpserveroptions = -l INFO /tmp\n", "sftpserveroptions = -S x\n",
    ])
    func invalidOptionsAreErrors(_ text: String) {
        let config = parse(text)
        #expect(!config.errors.isEmpty, "\(text)")
        #expect(!config.errors.isEmpty && (try? config.policy(for: "alice").get()) == nil, "fails closed")
    }

    @Test func sftpServerOptionsTakeTheRestOfTheLine() {
        let config = parse("sftpserveroptions = -l INFO -f \"LOCAL5\" # comment\n")
        #expect(config.errors.isEmpty, "\(config.errors)")
        #expect(config.sftpServerOptions == ["-l", "INFO", "-f", "LOCAL5"].map { Array($0.utf8) })
    }
}

/// Review items 1 and 3 in the decision.
struct SessionPolicyTests {
    @Test(arguments: ["cvs server", "rdist -Server", "rdistd -S", "svnserve -t"])
    func commandRunningProgramsNeedAJailOrTheAcknowledgement(_ command: String) {
        guard
            case .refuse(let message, _, let decision) = decide(shell("allowcvs\nallowrdist\nallowsvnserve\n"), command)
        else {
            Issue.record("\(command) ran for an unconfined user")
            return
        }
        #expect(message?.contains("unconfinedexec") == true)
        #expect(decision.reason.contains("runs commands on the server by design"))
        let acknowledged = decide(shell("allowcvs\nallowrdist\nallowsvnserve\noptions = unconfinedexec\n"), command)
        #expect(acknowledged.decision.allowed)
        let jailed = decide(shell("user = alice:022:111111:/srv/jail\n"), command)
        #expect(jailed.decision.allowed, "a confined user may run them")
    }

    @Test func sftpServerArgumentsAreBuiltNotPassedThrough() throws {
        let config = "allowsftp\numask = 077\nsftpserveroptions = -l INFO -R\n"
        guard case .run(let vetted, _, _, _) = decide(shell(config), "/usr/lib/openssh/sftp-server -R -l INFO") else {
            Issue.record("refused")
            return
        }
        #expect(
            vetted.arguments.map { String(decoding: $0, as: UTF8.self) } == [
                "/usr/lib/openssh/sftp-server", "-l", "INFO", "-R", "-u", "0077",
            ]
        )
        #expect(!decide(shell(config), "sftp-server -l INFO").decision.allowed, "a subset is not the set")
        #expect(!decide(shell(config), "sftp-server -l INFO -R -R").decision.allowed, "nor a repetition")
    }

    @Test func psftpFallbackRunsWithTheAdministratorsSet() throws {
        guard
            case .run(let vetted, _, _, _) = decide(
                shell("allowsftp\nsftpserveroptions = -l VERBOSE\n"),
                String(decoding: CommandVetter.psftpFallback, as: UTF8.self)
            )
        else {
            Issue.record("refused")
            return
        }
        #expect(
            vetted.arguments.dropFirst().map { String(decoding: $0, as: UTF8.self) } == ["-l", "VERBOSE", "-u", "0022"]
        )
    }
}

/// Review items 4, 5, 6 and 9 in the records and facts.
struct RecordTests {
    @Test func patternsGetAPrecheckThenAFinalDecision() {
        let first = decide(shell("allowscp\n"), "scp -f *.txt")
        #expect(first.decision.stage == .precheck)
        #expect(AuditMessage.build(first.decision).hasPrefix("op=rssh-precheck "))
        let plain = decide(shell("allowscp\n"), "scp -f a.txt")
        #expect(plain.decision.stage == .final)
        #expect(AuditMessage.build(plain.decision).contains("argc=3 a0=\"scp\" a1=\"-f\" a2=\"a.txt\""))
        let jailed = decide(shell("user = alice:022:00001:/srv/jail\n"), "scp -f a.txt")
        #expect(jailed.decision.stage == .precheck, "the helper gives the final verdict inside the jail")
    }

    @Test func theClientAddressIsTrustedOnlyForRsshUsers() {
        var other = alice
        other.shell = Array("/bin/sh".utf8)
        #expect(decide(shell("allowscp\n", account: other), "scp -t .").decision.address == nil)
        #expect(decide(shell("allowscp\n"), "scp -t .").decision.address == "203.0.113.66")
    }

    /// Also review 3, F12: a kernel whose audit is switched off drops every record.
    @Test(arguments: ["auditd is not running", "the kernel's audit is disabled"])
    func requireauditRefusesWhenNoRecordCanBeWritten(_ problem: String) {
        let facts = SessionFacts(audit: AuditTrail.Assessment(problem: problem))
        let outcome = decide(shell("allowscp\nrequireaudit\n", facts: facts), "scp -t .")
        #expect(!outcome.decision.allowed)
        #expect(outcome.decision.reason.contains(problem))
        #expect(decide(shell("allowscp\n", facts: facts), "scp -t .").decision.allowed)
    }

    @Test func aMissingHelperRefusesJailedUsers() {
        let outcome = decide(
            shell("user = alice:022:00001:/srv/jail\n", facts: SessionFacts(helperIsExecutable: false)),
            "scp -t ."
        )
        #expect(!outcome.decision.allowed)
        #expect(outcome.decision.reason.contains("is not installed"))
    }

    @Test func aFailedLookupIsNotAnUnknownUser() {
        let failed = decide(
            shell("allowscp\n", account: nil, facts: SessionFacts(lookupFailure: .failed(2))),
            "scp -t ."
        )
        #expect(failed.decision.reason.hasPrefix("user lookup failed for uid"))
        let unknown = decide(
            shell("allowscp\n", account: nil, facts: SessionFacts(lookupFailure: .noEntry)),
            "scp -t ."
        )
        #expect(unknown.decision.reason.hasPrefix("no passwd entry for uid"))
    }

    @Test func theSyslogLineIsBounded() {
        let command = [UInt8](repeating: 0x01, count: 60_000)
        let decision = Decision(allowed: false, user: "alice", uid: 1, address: nil, reason: "x", command: command)
        #expect(decision.logLine.utf8.count < 5_000)
        #expect(decision.logLine.hasSuffix("cmdlen=60000 command_truncated=yes"))
    }

    @Test(arguments: [
        Verdict(allowed: true, reason: "command vetted", argv: [Array("scp".utf8), [], Array("a b".utf8)]),
        Verdict(allowed: false, reason: "refused", argv: nil), Verdict(allowed: true, reason: "", argv: []),
    ])
    func verdictsRoundTrip(_ verdict: Verdict) {
        #expect(Verdict.decode(verdict.encoded()) == verdict)
        let bytes = verdict.encoded()
        for cut in 0..<bytes.count { #expect(Verdict.decode(Array(bytes[..<cut])) == nil, "truncated at \(cut)") }
        #expect(Verdict.decode(bytes + [0]) == nil, "trailing bytes")
    }

    @Test func hostileVerdictLengthsAreRefused() {
        #expect(Verdict.decode([UInt8(ascii: "A"), 0xFF, 0xFF, 0xFF, 0xFF]) == nil)
        #expect(Verdict.decode([UInt8(ascii: "A"), 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF]) == nil)
        #expect(Verdict.decode([UInt8(ascii: "X"), 0, 0, 0, 0, 0, 0, 0, 0]) == nil)
    }

    @Test(arguments: [
        ("Name:\tauditd\nUmask:\t0022\nUid:\t0\t0\t0\t0\n", true),
        ("Name:\tauditd\nUid:\t1000\t1000\t1000\t1000\n", false),
        ("Name:\tsleep\nUid:\t0\t0\t0\t0\n", false), ("Uid:\t0\t0\t0\t0\n", false),
        ("Name:\tauditdx\nUid:\t0\t0\t0\t0\n", false), ("Name:\tauditd\nUid:\t0x0\t0\t0\t0\n", false),
        ("Name:\tauditd\nUid:\t\n", false), ("Uid:\t0\t0\t0\t0\nName:\tauditd\n", false),
        ("Name:\tauditd\nUid:\t1000\t0\t0\t0\nUid:\t0\t0\t0\t0\n", false),
    ])
    func onlyARootProcessNamedAuditdCounts(_ status: String, _ counts: Bool) {
        #expect(AuditTrail.isRootAuditd(status: Array(status.utf8)) == counts)
    }

    @Test(arguments: [
        (String(repeating: "a/", count: 127) + "x", true), (String(repeating: "a/", count: 128) + "x", false),
        (String(repeating: "a", count: 4_096), true), (String(repeating: "a", count: 4_097), false),
    ])
    func wordsAreBoundedBeforeExpansion(_ word: String, _ accepted: Bool) {
        #expect(((try? WordExpander.checkBounds(Array(word.utf8))) != nil) == accepted)
    }
}
