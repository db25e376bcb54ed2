import Foundation
import Testing

@Suite(.serialized, .enabled(if: BlackBox.available, "set by `make blackbox`"))
struct LoginShellBlackBoxTests {
    init() throws {
        try BlackBox.prepare()
    }

    @Test func allowedCommandRunsTheCompiledInProgramWithCleanEnvironment() throws {
        try BlackBox.writeConfig("logfacility = LOG_USER\nallowscp\numask = 027\n")
        let result = try BlackBox.run(["-c", "scp -p -t 'my dir'"])
        #expect(result.status == 7, "the program's own exit status reaches the client")
        #expect(result.values("ran") == [BlackBox.fixture! + "/bin/scp"])
        #expect(result.values("arg") == ["-p", "-t", "my dir"])
        #expect(result.values("umask") == ["0027"])
        let env = result.values("env")
        #expect(env.contains("PATH=/bin:/usr/bin"))
        #expect(env.contains("SSH_CONNECTION=198.51.100.7 40000 198.51.100.1 22"))
        #expect(!env.contains { $0.hasPrefix("LD_") || $0.hasPrefix("BASH_ENV") })
        #expect(!env.contains("HOME=/tmp/not-home"))
    }

    @Test func rsyncRunsWithoutHome() throws {
        try BlackBox.writeConfig("allowrsync\n")
        let result = try BlackBox.run(["-c", "rsync --server -vlogDtpre.iLsfxCIvu . dest/"])
        #expect(result.status == 7)
        #expect(!result.values("env").contains { $0.hasPrefix("HOME=") })
    }

    @Test(arguments: [
        [] as [String], ["-l"], ["-c"], ["-c", "scp -t .", "extra"], ["--", "-c", "scp -t ."], ["-v", "x"],
    ])
    func anythingButDashCIsAnInteractiveLogin(_ arguments: [String]) throws {
        try BlackBox.writeConfig("allowscp\nallowsftp\n")
        let result = try BlackBox.run(arguments)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("This account is restricted by rssh.\nAllowed commands: scp sftp\n"))
    }

    @Test(arguments: [
        "bash", "/bin/sh -c 'touch /tmp/rssh-pwned'", "scp -S /tmp/evil x y:", "scp -o ProxyCommand=id x y:",
        "rsync --server --daemon .", "rsync -e 'sh -c id' x y:", "scp -t .; touch /tmp/rssh-pwned", "scp -t $(id)",
        "scp -t `id`", "/bin/sh .ssh/rc", "%x%x%n", "cvs -e ed commit", "svnserve -t -r /",
    ])
    func refusedCommandsRunNothing(_ command: String) throws {
        try BlackBox.writeConfig("allowscp\nallowsftp\nallowrsync\nallowcvs\nallowsvnserve\n")
        let result = try BlackBox.run(["-c", command])
        #expect(result.status == 1)
        #expect(result.values("ran").isEmpty, "a stub ran for \(command)")
        #expect(result.stderr.contains("This account is restricted by rssh."))
    }

    @Test func configErrorsLockEveryoneOut() throws {
        try BlackBox.writeConfig("allowscp\nAllowSFTP\n")
        let result = try BlackBox.run(["-c", "scp -t ."])
        #expect(result.status == 1)
        #expect(result.values("ran").isEmpty)
        #expect(result.stderr.contains("This user is locked out."))
    }

    @Test func groupWritableConfigLocksEveryoneOut() throws {
        try BlackBox.writeConfig("allowscp\n", mode: 0o664)
        let result = try BlackBox.run(["-c", "scp -t ."])
        #expect(result.status == 1)
        #expect(result.values("ran").isEmpty)
        let version = try BlackBox.run(["-v"])
        #expect(version.status == 1)
        #expect(version.stdout.contains("writable by group or others"))
    }

    @Test func missingConfigLocksEveryoneOut() throws {
        BlackBox.removeConfig()
        let result = try BlackBox.run(["-c", "scp -t ."])
        #expect(result.status == 1)
        #expect(result.stderr.contains("This user is locked out."))
        let version = try BlackBox.run(["-v"])
        #expect(version.status == 1)
        #expect(version.stdout.contains("cannot be opened"))
    }

    @Test func versionShowsTheClassicBlockAndTheCheck() throws {
        try BlackBox.writeConfig("logfacility = LOG_USER\nallowsftp\nuser=someone:077:00011:/srv/jail\n")
        let result = try BlackBox.run(["-v"])
        #expect(result.status == 0)
        let fixture = try #require(BlackBox.fixture)
        #expect(result.stdout.contains("    rssh config file = \(fixture)/rssh.conf\n"))
        #expect(result.stdout.contains("  sftp server binary = \(fixture)/bin/sftp-server\n"))
        #expect(result.stdout.contains("user someone (line 3): scp sftp; umask 0077; chroot /srv/jail"))
        #expect(result.stdout.contains("Result: configuration OK"))
        try BlackBox.writeConfig("allowsftp\numask = 8\n")
        let broken = try BlackBox.run(["-v"])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("rssh.conf:2: error: invalid umask '8'"))
    }

    /// The report is a program of its own (kept out of the session's image): without it `rssh -v` says so and
    /// fails, and a session does not need it.
    @Test func versionWithoutTheReportProgramFailsAndSaysWhy() throws {
        try BlackBox.writeConfig("allowscp\n")
        let fixture = try #require(BlackBox.fixture)
        let report = fixture + "/rssh_report"
        try FileManager.default.moveItem(atPath: report, toPath: report + ".away")
        defer { try? FileManager.default.moveItem(atPath: report + ".away", toPath: report) }
        let version = try BlackBox.run(["-v"])
        #expect(version.status == 1)
        #expect(version.stdout.isEmpty)
        #expect(version.stderr == "rssh: cannot run the report program: execve(\(report)): No such file or directory\n")
        let session = try BlackBox.run(["-c", "scp -t ."])
        #expect(session.status == 7)
        #expect(session.values("ran") == [fixture + "/bin/scp"])
    }

    @Test func remoteGlobExpandsInTheWorkingDirectory() throws {
        try BlackBox.writeConfig("allowscp\n")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rssh-bb-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["a.txt", "b.txt", "c.dat"] {
            FileManager.default.createFile(atPath: directory + "/" + name, contents: Data())
        }
        let result = try BlackBox.run(["-c", "scp -f *.txt"], directory: directory)
        #expect(result.status == 7)
        #expect(result.values("arg") == ["-f", "a.txt", "b.txt"])
    }

    @Test func psftpFallbackRunsSftpServer() throws {
        try BlackBox.writeConfig("allowsftp\n")
        let script =
            "test -x /usr/lib/sftp-server && exec /usr/lib/sftp-server\n"
            + "test -x /usr/local/lib/sftp-server && exec /usr/local/lib/sftp-server\nexec sftp-server"
        let result = try BlackBox.run(["-c", script])
        #expect(result.status == 7)
        #expect(result.values("ran") == [BlackBox.fixture! + "/bin/sftp-server"])
        #expect(result.values("arg") == ["-u", "0022"], "the administrator's set (none) and the umask, nothing else")
    }

    @Test func chrootedUserIsHandedToTheHelperWithTheRawCommand() throws {
        let user = String(cString: getpwuid(getuid()).pointee.pw_name)
        try BlackBox.writeConfig("allowscp\nuser=\(user):022:00011:/srv/jail\n")
        let result = try BlackBox.run(["-c", "scp -t *.txt"])
        #expect(result.status == 7)
        #expect(result.values("ran") == [BlackBox.fixture! + "/rssh_chroot_helper"])
        #expect(result.values("arg") == ["scp -t *.txt"])
    }
}
