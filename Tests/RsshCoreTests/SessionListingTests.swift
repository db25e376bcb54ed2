import RsshCore
import Testing

@testable import RsshJail

/// `rsshctl who` and `rsshctl last` (issue 20): what they read from /proc (the supervisor's progress file too) and the audit trail.
struct SessionListingTests {
    static let shell = "/usr/local/bin/rssh"

    /// A raw record as `ausearch --raw` prints it (the ENRICHED format's trailer after a GS byte).
    static func auditLine(_ message: String, exe: String = shell) -> String {
        "type=USER_CMD msg=audit(1796542212.345:812): pid=4242 uid=1001 auid=1001 ses=7 msg='\(message) "
            + "exe=\"\(exe)\" hostname=? addr=192.0.2.7 terminal=? res=success'\u{1D}UID=\"alice\" AUID=\"alice\""
    }

    @Test func fieldsKeepEscapesInsideQuotes() {
        let fields = SessionFields.parse("a=1 user=\"x\\\" y=2\" z=\"\" w=3")
        #expect(fields.map { $0.key } == ["a", "user", "z", "w"])
        #expect(SessionFields.value("user", in: fields) == "x\\\" y=2")
        #expect(SessionFields.value("w", in: fields) == "3")
    }

    @Test func auditValuesDecode() {
        #expect(SessionFields.auditDecoded("616C696365") == "alice")
        #expect(SessionFields.auditDecoded("6120620A") == "a b\\x0a")
        #expect(SessionFields.auditDecoded("alice") == "alice")
        #expect(SessionFields.auditDecoded("ABC") == "ABC")
    }

    @Test func lastReadsTheSupervisorsRecord() throws {
        var record = SessionRecord(
            id: "0123456789abcdef",
            user: "alice x",
            uid: 1001,
            address: "192.0.2.7",
            program: "scp",
            start: 1_796_542_200,
            durationMilliseconds: 12_045,
            bytesFromClient: 3_000_000,
            bytesToClient: 120,
            end: .exited(0)
        )
        let first = try #require(EndedSession.fromAuditLine(Self.auditLine(record.auditMessage), shell: Self.shell))
        #expect(
            first
                == EndedSession(
                    session: "0123456789abcdef",
                    user: "alice x",
                    address: "192.0.2.7",
                    program: "scp",
                    start: "2026-12-06T07:30:00Z",
                    duration: "12.045",
                    bytesFromClient: 3_000_000,
                    bytesToClient: 120,
                    end: "exit=0"
                )
        )
        record.end = .signaled(9, core: false)
        record.clientGone = true
        let second = try #require(EndedSession.fromAuditLine(Self.auditLine(record.auditMessage), shell: Self.shell))
        #expect(second.end == "signal=9 signame=KILL client=gone")
        let table = EndedSession.render([first, second])
        #expect(table.split(separator: "\n").count == 3)
        #expect(table.hasPrefix("USER "))
    }

    @Test(arguments: [
        auditLine("op=rssh-allow acct=\"alice\" reason=ok cmd=\"scp\""),
        auditLine("op=rssh-session-end session=1 acct=\"a\" bytes_from_client=1 bytes_to_client=2", exe: "/tmp/rssh"),
        "type=USER_LOGIN msg=audit(1:2): msg='op=rssh-session-end session=1 acct=\"a\" exe=\"\(shell)\"'",
        "garbage",
    ])
    func lastIgnoresOtherRecords(_ line: String) {
        #expect(EndedSession.fromAuditLine(line, shell: Self.shell) == nil)
    }

    @Test func lastFiltersByUser() {
        let message = { (user: String) in
            "op=rssh-session-end session=1 acct=\"\(user)\" program=\"scp\" bytes_from_client=1 bytes_to_client=2 exit=0"
        }
        let log = [message("alice"), message("bob"), message("alice")].map { Self.auditLine($0) }.joined(
            separator: "\n"
        )
        #expect(EndedSession.list(auditLog: log, shell: Self.shell, user: "alice").count == 2)
        #expect(EndedSession.list(auditLog: log, shell: Self.shell, user: nil).count == 3)
    }

    @Test func procParsing() {
        let stat = "4242 (rssh) sess) ion) S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 98765 1234 56"
        #expect(OpenSession.startTicks(stat: stat) == 98765)
        #expect(OpenSession.bootTime(procStat: "cpu 1 2\nbtime 1796540000\nprocesses 9\n") == 1_796_540_000)
        #expect(OpenSession.realUid(status: "Name:\trssh-session\nUid:\t1001\t1001\t1001\t1001\n") == 1001)
        let environ = Array("PATH=/bin\0SSH_CONNECTION=192.0.2.7 40000 192.0.2.1 22\0".utf8)
        #expect(OpenSession.clientAddress(environ: environ) == "192.0.2.7")
        #expect(OpenSession.clientAddress(environ: Array("SSH_CONNECTION=x\"y 1 2 3\0".utf8)) == nil)
        #expect(
            OpenSession.program(cmdline: Array("rssh\0-c\0/usr/lib/openssh/sftp-server -l INFO\0".utf8))
                == "sftp-server"
        )
        #expect(OpenSession.program(cmdline: Array("rssh\0-v\0".utf8)) == "?")
    }

    @Test func progressLineGivesTheBytesOfItsOwnPidOnly() {
        var session = OpenSession(pid: 77, user: "alice", address: "?", program: "scp", start: "?")
        session.applyProgressLine("pid=78 session-end session=ffff bytes_from_client=1 bytes_to_client=2\n")
        #expect(session.session == nil && session.bytes == nil)
        session.applyProgressLine(
            "pid=77 session-end session=0123456789abcdef user=\"a\" bytes_from_client=10 bytes_to_client=20 exit=0\n"
        )
        #expect(session.session == "0123456789abcdef")
        #expect(session.bytes?.fromClient == 10 && session.bytes?.toClient == 20)
        #expect(OpenSession.render([session]).contains("alice  0123456789abcdef"))
    }

    /// A WinSCP session (an interactive login: no `-c COMMAND`) is named by the program its supervisor
    /// recorded, when that is a plain name; a command's own name is kept.
    @Test(arguments: [
        ("?", "winscp", "winscp"), ("?", "\u{1B}]0;pwned\u{07}", "?"), ("?", "Win SCP", "?"), ("?", "", "?"),
        ("sftp-server", "winscp", "sftp-server"),
    ])
    func progressLineNamesAnInteractiveSessionsProgram(_ row: (String, String, String)) {
        let (fromCommand, recorded, shown) = row
        var session = OpenSession(pid: 77, user: "alice", address: "?", program: fromCommand, start: "?")
        session.applyProgressLine(
            "pid=77 session-end session=0123456789abcdef user=\"alice\" program=\(recorded) bytes_from_client=1 "
                + "bytes_to_client=2\n"
        )
        #expect(session.program == shown)
    }

    /// A session id unlike rssh's (escape sequences, another length) is not shown.
    @Test(arguments: ["\u{1B}]0;pwned\u{07}", "0123", "0123456789ABCDEF", "0123456789abcdeg"])
    func aForgedSessionIdIsNotShown(_ id: String) {
        var session = OpenSession(pid: 77, user: "alice", address: "?", program: "scp", start: "?")
        session.applyProgressLine("pid=77 session-end session=\(id) bytes_from_client=1 bytes_to_client=2\n")
        #expect(session.session == nil)
        #expect(!OpenSession.render([session]).contains("\u{1B}"))
    }
}
