import Testing

@testable import RsshCore

/// For generated (user, profile, command) triples, `rsshctl explain`'s printed verdict, reason and argument
/// vector equal what the shell decides (`LoginShell.decide`) for the same session: the explanation is read
/// back from its text, so an output path that printed anything but the decision would fail here.
struct ExplainPropertyTests {
    static let config = """
        allowsftp
        allowscp
        umask = 077
        group = backup:027:10001::checksums
        user = alice:022:11111::checksums,borg,unconfinedexec
        user = reader:022:10011::readonly,checksums
        user = dropper:022:10011::uploadonly
        user = appender:022:10000::appendonly
        user = dave:022:10011::landlock,winscp
        user = erin:022:10011:/srv/jail:winscp
        user = locked:022:00000

        """

    static let programs = [
        "/usr/lib/openssh/sftp-server", "sftp-server", "scp", "rsync", "md5sum", "sha256sum", "borg", "cvs", "rdistd",
        "svnserve", "git-upload-pack", "git", "bash", "echo", "rssh-profile", "'scp'", "/bin/sh",
    ]
    static let words = [
        "-t", "-f", "-r", "-p", "-d", "-v", "-S", "/tmp/x", "--server", "--sender", "-vlogDtpre.iLsfxC", "-e.LsfxC",
        "--delete", "--ignore-existing", ".", "dir/", "~/x", "~", "*.txt", "'a b'", "\"q\"", "serve", "--umask=077",
        "upload-pack", "repo.git", "server", "-S", "-t", "--", "-l", "INFO", "-R", ";", "$(id)", "|", "backup",
        "-u", "022", "--restrict-to-path", "/etc/passwd", "\\*",
    ]

    /// What real clients send.
    static let clients = [
        "/usr/lib/openssh/sftp-server", "scp -t .", "scp -f 'a b'", "scp -r -p -d -t dir", "md5sum file",
        "sha1sum -- x y", "rsync --server --sender -vlogDtpre.iLsfxC . dir/", "rsync --server -vlogDtpre.iLsfxC . ~/in",
        "rsync --server --sender -e.LsfxC . *.txt", "borg serve --umask=077", "git-upload-pack 'repo.git'",
        "cvs server", "svnserve -t", "/usr/sbin/rdistd -S", "scp -t ~/*.bak",
    ]

    static func command(_ random: inout SplitMix64) -> [UInt8]? {
        switch random.next() % 20 {
        case 0: return nil
        case 1: return CommandVetter.psftpFallback
        case 2: return CommandVetter.rcloneShellProbe
        case 3...9:
            var line = random.pick(clients)
            if random.next() % 3 == 0 { line += " " + random.pick(words) }
            return Array(line.utf8)
        default:
            var line = random.pick(programs)
            for _ in 0..<(random.next() % 6) { line += " " + random.pick(words) }
            return Array(line.utf8)
        }
    }

    static let accounts: [Account] = [
        "alice", "reader", "dropper", "appender", "dave", "erin", "locked", "gina", "bob",
    ]
    .enumerated().map {
        Account(
            name: $0.element,
            uid: UInt32(1001 + $0.offset),
            gid: UInt32(1001 + $0.offset),
            home: Array("/home/\($0.element)".utf8),
            shell: alice.shell
        )
    }

    /// The field `name` of the explanation's text (the first line starting `name: `), or nil.
    static func field(_ name: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
    }

    @Test(arguments: [UInt64(19), 0x5EED_0019, 2026])
    func explainsVerdictAndArgumentVectorAreTheShells(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let parsed = ConfigParser.parse(Array(Self.config.utf8), file: "rssh.conf")
        var allowed = 0
        for round in 0..<1_500 {
            let account = random.pick(Self.accounts)
            let profile: String? = random.next() % 5 == 0 ? random.pick(["backup", "restore"]) : nil
            let request = Self.command(&random)
            let address: String? = random.next() % 2 == 0 ? "192.0.2.\(random.next() % 255)" : nil
            let input = Explanation.sessionInput(request: request, profile: profile, address: address)
            var shell = LoginShell(
                paths: debianPaths,
                account: account,
                configuration: .success(parsed),
                environment: input.environment
            )
            shell.facts.landlockABI = random.next() % 4 == 0 ? -38 : 7
            shell.facts.landlockHome = random.next() % 3 == 0 ? nil : safeHome
            shell.facts.helperIsExecutable = random.next() % 5 != 0
            // gina is in backup's group, bob in none.
            shell.facts.groups = GroupFacts(
                memberships: .success(account.name == "gina" ? [account.gid, 3000] : [account.gid]),
                lines: [.gid(3000)]
            )
            let explanation = Explanation(shell: shell, command: input.command, request: profile == nil ? nil : request)
            let text = explanation.text
            let decided = shell.decide(
                command: input.command,
                expansion: FileSystemExpansion.literal(homeDirectory: account.home)
            )
            let label =
                "seed \(seed) round \(round): \(account.name) \(profile ?? "-") \(Printable.text(request ?? []))"
            #expect(Self.field("verdict", in: text) == (decided.decision.allowed ? "allowed" : "refused"), "\(label)")
            #expect(Self.field("reason", in: text) == decided.decision.reason, "\(label)")
            #expect(Self.field("log", in: text) == decided.decision.logLine, "\(label)")
            var expectedVector: String?
            if case .run(let vetted, _, _, _) = decided {
                expectedVector = vetted.arguments.map { "\"" + Printable.text($0) + "\"" }.joined(separator: " ")
                #expect(Self.field("program", in: text) == vetted.executable, "\(label)")
            }
            #expect(Self.field("argv", in: text) == expectedVector, "\(label)")
            #expect(explanation.status == (decided.decision.allowed ? 0 : 1), "\(label)")
            if decided.decision.allowed { allowed += 1 }
        }
        // The generator must reach both verdicts often enough to mean something.
        #expect(allowed > 100 && allowed < 1_400, "seed \(seed): \(allowed) of 1500 allowed")
    }
}
