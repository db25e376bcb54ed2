import Foundation
import Testing

/// Regression tests for the second security review, run against the black-box (Embedded) build.
@Suite(.serialized, .enabled(if: BlackBox.available, "set by `make blackbox`"))
struct SecurityReviewBlackBoxTests {
    init() throws {
        try BlackBox.prepare()
    }

    /// Review item 3: sftp-server runs with the administrator's options only.
    @Test(arguments: [
        ("sftp-server", true), ("sftp-server -f LOCAL5 -l INFO", true), ("sftp-server -l INFO -f LOCAL5", true),
        ("sftp-server -lINFO -fLOCAL5", true), ("sftp-server -l INFO", false), ("sftp-server -u 000", false),
        ("sftp-server -l QUIET -f LOCAL5", false), ("sftp-server -u 000 -l QUIET -e -Q requests", false),
        ("sftp-server -l INFO -f LOCAL5 -R", false),
    ])
    func sftpServerRunsWithTheAdministratorsOptions(_ command: String, _ allowed: Bool) throws {
        try BlackBox.writeConfig("allowsftp\numask = 027\nsftpserveroptions = -l INFO -f LOCAL5\n")
        let result = try BlackBox.run(["-c", command])
        if allowed {
            #expect(result.status == 7)
            #expect(result.values("arg") == ["-l", "INFO", "-f", "LOCAL5", "-u", "0027"])
        } else {
            #expect(result.status == 1)
            #expect(result.values("ran").isEmpty)
            #expect(result.stderr.contains("sftpserveroptions"), "\(result.stderr)")
        }
    }

    @Test func withoutSftpServerOptionsNoOptionIsAccepted() throws {
        try BlackBox.writeConfig("allowsftp\n")
        let result = try BlackBox.run(["-c", "sftp-server -l INFO"])
        #expect(result.status == 1)
        #expect(result.values("ran").isEmpty)
        #expect(result.stderr.contains("'sftpserveroptions = -l INFO'"), "the message says what to put in rssh.conf")
    }

    /// Review item 1: programs that run commands by design need a jail or the acknowledgement.
    @Test(arguments: ["cvs server", "rdist -Server", "rdistd -S", "svnserve -t"])
    func commandRunningProgramsNeedConfinement(_ command: String) throws {
        try BlackBox.writeConfig("allowcvs\nallowrdist\nallowsvnserve\n")
        let refused = try BlackBox.run(["-c", command])
        #expect(refused.status == 1)
        #expect(refused.values("ran").isEmpty)
        #expect(refused.stderr.contains("runs commands on the server by design"), "\(refused.stderr)")
        try BlackBox.writeConfig("allowcvs\nallowrdist\nallowsvnserve\noptions = unconfinedexec\n")
        let acknowledged = try BlackBox.run(["-c", command])
        #expect(acknowledged.status == 7)
    }

    /// Review item 1: no_new_privs for what rssh execs (a setuid program it reaches cannot gain privileges).
    @Test func programsRunWithNoNewPrivileges() throws {
        try BlackBox.writeConfig("allowscp\n")
        let result = try BlackBox.run(["-c", "scp -t ."])
        #expect(result.status == 7)
        #expect(result.values("nnp") == ["1"], "\(result.stdout)")
    }

    /// Review item 9: scp's sink takes exactly one target.
    @Test func scpSinkTakesOneTarget() throws {
        try BlackBox.writeConfig("allowscp\n")
        let result = try BlackBox.run(["-c", "scp -t a b"])
        #expect(result.status == 1)
        #expect(result.values("ran").isEmpty)
    }

    /// Review item 4: a deep glob is refused cleanly instead of overflowing glob(3)'s recursion (4,000
    /// components crashed rssh before anything was logged).
    @Test(arguments: [(4_000, "too long"), (300, "path components")])
    func deepGlobIsRefusedCleanly(_ depth: Int, _ reason: String) throws {
        try BlackBox.writeConfig("allowscp\n")
        let deep = String(repeating: "*/", count: depth) + "x"
        let result = try BlackBox.run(["-c", "scp -f " + deep])
        #expect(result.status == 1, "a crash would be 139")
        #expect(result.values("ran").isEmpty)
        #expect(result.stderr.contains(reason), "\(result.stderr.prefix(300))")
    }
}
