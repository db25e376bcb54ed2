import Testing

@testable import RsshCore

/// `rssh -v` names every landlocked account whose sessions will all be refused, with the fix (issue 19: no
/// silent lock-outs; sftp shows such a refusal only as "Connection closed").
struct LockoutReportTests {
    private func report(_ homes: [VersionReport.LandlockAccount]?) -> String {
        VersionReport(
            paths: debianPaths,
            configuration: .success(
                ConfigParser.parse(Array("user = alice:022:00010::landlock\n".utf8), file: "rssh.conf")
            ),
            isExecutable: { _ in true },
            shellCanAudit: true,
            auditDaemonProblem: nil,
            landlockABI: 7,
            landlockHomes: homes
        ).render().text
    }

    @Test func anAccountWhoseHomeFailsTheSessionsCheckIsNamedWithTheFix() {
        let problem = LoginShell.landlockHomeProblem(nil, uid: 1000)
        let text = report([.init(name: "alice", problem: problem), .init(name: "bob", problem: nil)])
        #expect(text.contains("error: account alice: every session is REFUSED: \(problem ?? "")"))
        #expect(text.contains("fix: rsshctl ssh protect alice"))
        #expect(!text.contains("account bob"))
    }

    @Test func healthyHomesAreCountedAndUninspectedOnesAreSaid() {
        #expect(report([.init(name: "bob", problem: nil)]).contains("pass the session's checks (1 checked)"))
        #expect(report(nil).contains("checked when rssh -v runs as root"))
    }
}
