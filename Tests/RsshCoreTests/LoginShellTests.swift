import Testing

@testable import RsshCore

struct LoginShellTests {
    let environment = [Array("SSH_CONNECTION=192.0.2.9 4000 192.0.2.1 22".utf8), Array("LD_PRELOAD=/x.so".utf8)]

    func shell(_ config: String, account: Account? = nil) -> LoginShell {
        LoginShell(
            paths: debianPaths,
            account: account ?? alice,
            configuration: .success(ConfigParser.parse(Array(config.utf8), file: "rssh.conf", onlyUser: "alice")),
            environment: environment
        )
    }

    func decide(_ config: String, _ command: String?) -> ShellOutcome {
        shell(config).decide(
            command: command.map { Array($0.utf8) },
            expansion: FileSystemExpansion.literal(homeDirectory: Array("/home/alice".utf8))
        )
    }

    @Test func allowedCommandRunsWithUmaskAndCleanEnvironment() throws {
        guard case .run(let vetted, let env, let umask, let decision) = decide("allowscp\numask = 027\n", "scp -t .")
        else {
            Issue.record("not run")
            return
        }
        #expect(vetted.executable == "/usr/bin/scp")
        #expect(umask == 0o27)
        #expect(!env.contains { $0.starts(with: Array("LD_".utf8)) })
        #expect(decision.allowed)
        #expect(decision.address == "192.0.2.9")
        #expect(decision.logLine.contains("program=scp"))
    }

    @Test func interactiveLoginGetsTheBanner() {
        let outcome = decide("allowscp\nallowsftp\n", nil)
        guard case .refuse(nil, let programs, let decision) = outcome else {
            Issue.record("not refused")
            return
        }
        #expect(programs == [.scp, .sftp])
        #expect(decision.reason == "interactive login attempted")
        #expect(outcome.userMessage?.contains("Allowed commands: scp sftp") == true)
    }

    @Test func forbiddenCommandNamesTheReason() {
        let outcome = decide("allowsftp\n", "scp -t .")
        #expect(outcome.decision.allowed == false)
        #expect(outcome.userMessage?.hasPrefix("rssh: scp is not allowed for this user\n") == true)
    }

    @Test func configurationErrorLocksOut() {
        let outcome = decide("allowscp\nAllowSFTP\n", "scp -t .")
        #expect(outcome.decision.allowed == false)
        #expect(outcome.decision.reason.contains("rssh.conf:2"))
        #expect(outcome.userMessage?.contains("This user is locked out.") == true)
    }

    @Test func unusableConfigFileLocksOut() {
        let shell = LoginShell(
            paths: debianPaths,
            account: alice,
            configuration: .failure(.cannotOpen("/etc/rssh.conf", SystemError(call: "open", code: 2))),
            environment: []
        )
        let outcome = shell.decide(
            command: Array("scp -t .".utf8),
            expansion: FileSystemExpansion.literal(homeDirectory: [])
        )
        #expect(outcome.decision.allowed == false)
        #expect(outcome.decision.reason.contains("cannot be opened"))
    }

    @Test func unknownAccountIsRefused() {
        let shell = LoginShell(
            paths: debianPaths,
            account: nil,
            configuration: .success(Configuration(file: "f")),
            environment: []
        )
        #expect(
            shell.decide(command: Array("scp -t .".utf8), expansion: FileSystemExpansion.literal(homeDirectory: []))
                .decision
                .allowed == false
        )
    }

    @Test func lockedOutUser() {
        let outcome = decide("allowscp\nuser=alice:022:00000\n", "scp -t .")
        #expect(outcome.decision.allowed == false)
        #expect(outcome.userMessage?.contains("This user is locked out.") == true)
    }

    @Test func chrootedUserGoesThroughTheHelperWithTheRawCommand() {
        let outcome = decide("allowscp\nuser=alice:022:00011:/srv/jail\n", "scp -t *.txt")
        guard case .chroot(let helper, let command, _, let umask, let decision) = outcome else {
            Issue.record("not chrooted: \(outcome)")
            return
        }
        #expect(helper == "/usr/libexec/rssh_chroot_helper")
        #expect(command == Array("scp -t *.txt".utf8))
        #expect(umask == 0o22)
        #expect(decision.chroot == "/srv/jail")
    }

    @Test func chrootedUserIsStillPrecheckedOutsideTheJail() {
        #expect(decide("user=alice:022:00011:/srv/jail\n", "scp -S /tmp/x -t .").decision.allowed == false)
        #expect(decide("user=alice:022:00011:/srv/jail\n", "bash").decision.allowed == false)
    }
}
