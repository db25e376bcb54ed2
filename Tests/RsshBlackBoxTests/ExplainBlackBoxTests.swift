import Foundation
import Testing

/// `rsshctl explain` run as root for a real account (nobody), with a candidate configuration: exit 0 when
/// allowed, 1 when refused, 2 on a usage error or when not run as root; the text names the line, the verdict
/// and the argument vector (issue 19).
@Suite(
    .serialized,
    .enabled(if: BlackBox.rsshctl != nil && BlackBox.fixture != nil && getuid() == 0, "make blackbox, as root")
)
struct ExplainBlackBoxTests {
    init() throws {
        try BlackBox.prepare()
    }

    func explain(_ arguments: [String], config text: String = "user = nobody:022:00010\n") throws -> BlackBox.Result {
        let fixture = try #require(BlackBox.fixture)
        let file = fixture + "/explain.conf"
        try? FileManager.default.removeItem(atPath: file)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        return try BlackBox.run(
            ["explain", "nobody", "--config", file] + arguments,
            executable: BlackBox.rsshctl
        )
    }

    @Test func anAllowedSftpSessionExitsZeroWithItsArgumentVector() throws {
        let result = try explain(["--from", "192.0.2.9", "--", "sftp-server"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("line: user line 1\n"))
        #expect(result.stdout.contains("verdict: allowed\n"))
        #expect(result.stdout.contains("argv: \"sftp-server\""))
        #expect(result.stdout.contains("client address: none (192.0.2.9 is not trusted"))
        #expect(result.stdout.contains("login shell is not"))
        #expect(result.stdout.contains("client: the sftp subsystem"))
    }

    @Test func aRefusedCommandExitsOneWithTheReason() throws {
        let result = try explain(["--", "bash", "-c", "id"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("verdict: refused\n"))
        #expect(result.stdout.contains("reason: \"bash\" is not an allowed program\n"))
        let oneString = try explain(["--", "scp -S /tmp/x -t ."], config: "user = nobody:022:00011\n")
        #expect(oneString.status == 1 && oneString.stdout.contains("reason: scp: option -S is not allowed"))
    }

    @Test func usageErrorsAndNonRootExitTwo() throws {
        let rsshctl = try #require(BlackBox.rsshctl)
        #expect(try BlackBox.run(["explain"], executable: rsshctl).status == 2)
        #expect(try explain(["--nosuchoption"]).status == 2)
        let unknown = try BlackBox.run(["explain", "no-such-user-19", "--", "sftp-server"], executable: rsshctl)
        #expect(unknown.status == 2)
        let asNobody = try BlackBox.run(
            ["--reuid=65534", "--regid=65534", "--clear-groups", rsshctl, "explain", "nobody", "--", "sftp-server"],
            executable: "/usr/bin/setpriv"
        )
        #expect(asNobody.status == 2 && asNobody.stderr.contains("must be run as root"), "\(asNobody.stderr)")
    }
}
