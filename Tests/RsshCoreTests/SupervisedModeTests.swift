import Foundation
import Testing

@testable import RsshCore

/// The supervised mode (issue 20): the option grammar, the session record, the exit-status and signal mapping.
struct SupervisedModeTests {
    @Test(
        arguments: [
            ("supervised", UserOptions.supervised, nil as Int?),
            ("maxsessions=2", .supervised, 2),
            ("landlock,maxsessions=10", [.landlock, .supervised], 10),
            ("maxsessions=1000,supervised", .supervised, 1000),
            ("readonly", .readOnly, nil),
        ] as [(String, UserOptions, Int?)]
    )
    func optionsParse(_ row: (String, UserOptions, Int?)) throws {
        let (text, options, limit) = row
        let parsed = try UserOptions.parseLine(Array(text.utf8))
        #expect(parsed.options == options)
        #expect(parsed.maxSessions == limit)
    }

    @Test(arguments: [
        "maxsessions=0", "maxsessions=", "maxsessions=1001", "maxsessions=02", "maxsessions=-1", "maxsessions=1x",
        "maxsessions=2,maxsessions=3", "maxsessions", "maxsessions=99999999999999999999", "Supervised",
    ])
    func badOptionsAreErrors(_ text: String) {
        #expect(throws: UserOptions.ParseError.self) { try UserOptions.parseLine(Array(text.utf8)) }
    }

    /// WinSCP's SCP mode is supervised like a program (the supervisor's child answers it), in every line kind.
    @Test func winscpCanBeSupervised() throws {
        let text = """
            allowscp
            options = winscp,maxsessions=2
            user = alice:022:00011::winscp,supervised
            user = bob:022:00011:/srv/jail:winscp,maxsessions=3
            """
        let config = ConfigParser.parse(Array(text.utf8), file: "rssh.conf")
        #expect(config.errors.isEmpty, "\(config.diagnostics)")
        let rows: [(String, Int?)] = [("alice", nil), ("bob", 3), ("carol", 2)]
        for (user, limit) in rows {
            let policy = try config.policy(for: user).get()
            #expect(policy.options.isSuperset(of: [.winscp, .supervised]), "\(user)")
            #expect(policy.maxSessions == limit, "\(user)")
        }
    }

    /// The outcome of a supervised WinSCP login carries the session id and takes a slot, like a program's.
    @Test func aWinscpOutcomeIsASession() {
        let session = InteractiveSession(
            environment: [],
            umask: 0o022,
            access: .readWrite,
            home: Array("/h".utf8),
            confinement: nil
        )
        let decision = Decision(
            allowed: true,
            user: "alice",
            uid: 1001,
            address: nil,
            program: "winscp",
            reason: "WinSCP SCP-mode session",
            command: nil
        )
        var outcome = ShellOutcome.respond(session, decision: decision)
        #expect(outcome.startsSession)
        outcome.setSession("0123456789abcdef")
        #expect(outcome.decision.session == "0123456789abcdef")
    }

    @Test func aProfileKeepsSupervisionAndTakesTheLowerLimit() throws {
        let text = """
            allowsftp
            user = alice:022:00010::maxsessions=4
            user = bob:022:00010
            profile = two:022:00010::maxsessions=2
            profile = plain:022:00010
            profile = eight:022:00010::maxsessions=8
            """
        let config = ConfigParser.parse(Array(text.utf8), file: "rssh.conf")
        #expect(config.errors.isEmpty, "\(config.diagnostics)")
        let rows: [(String, String, Int?)] = [
            ("alice", "two", 2), ("alice", "plain", 4), ("alice", "eight", 4), ("bob", "two", 2), ("bob", "plain", nil),
        ]
        for (user, profile, limit) in rows {
            let policy = try config.policy(for: user, profile: profile).get()
            #expect(policy.maxSessions == limit, "\(user) under \(profile)")
            // A profile never drops the line's supervision (maxsessions needs it).
            #expect(policy.options.contains(.supervised) == (limit != nil), "\(user) under \(profile)")
        }
    }

    @Test func everyLineKindCarriesTheLimit() throws {
        let text = """
            allowsftp
            options = maxsessions=3
            user = alice:022:00010::landlock,maxsessions=2
            user = bob:022:00010::supervised
            group = staff:022:00010::maxsessions=5

            """
        let config = ConfigParser.parse(Array(text.utf8), file: "rssh.conf")
        #expect(config.errors.isEmpty)
        let alice = try config.policy(for: "alice").get()
        #expect(alice.maxSessions == 2 && alice.options.contains(.supervised) && alice.options.contains(.landlock))
        let bob = try config.policy(for: "bob").get()
        #expect(bob.maxSessions == nil && bob.options.contains(.supervised))
        #expect(config.groups.first?.maxSessions == 5)
        let other = try config.policy(for: "carol", groups: GroupFacts(memberships: .success([]), lines: [.unknown]))
            .get()
        #expect(other.maxSessions == 3 && other.options.contains(.supervised))
    }

    @Test func aBadLimitLocksTheLineOut() {
        let config = ConfigParser.parse(Array("user = alice:022:00010::maxsessions=0\n".utf8), file: "rssh.conf")
        #expect(!config.errors.isEmpty)
        #expect(throws: LockoutReason.self) { try config.policy(for: "alice").get() }
    }

    static let record = SessionRecord(
        id: "0123456789abcdef",
        user: "alice",
        uid: 1001,
        address: "192.0.2.7",
        program: "sftp-server",
        start: 1_796_542_200,
        durationMilliseconds: 12_045,
        bytesFromClient: 1_048_576,
        bytesToClient: 42,
        end: .exited(0)
    )

    @Test func recordLine() {
        #expect(
            Self.record.logLine
                == "session-end session=0123456789abcdef user=\"alice\" uid=1001 addr=192.0.2.7 program=sftp-server "
                + "start=2026-12-06T07:30:00Z duration=12.045 bytes_from_client=1048576 bytes_to_client=42 exit=0"
        )
        #expect(Self.record.succeeded)
    }

    @Test func recordEscapesUserText() {
        var record = Self.record
        record.user = "a\" uid=0 x=\"\n"
        record.chroot = "/srv/j\"ail"
        record.end = .signaled(9, core: false)
        record.clientGone = true
        let line = record.logLine
        #expect(line.contains("user=\"a\\\" uid=0 x=\\\"\\x0a\" uid=1001"))
        #expect(line.contains("chroot=\"/srv/j\\\"ail\""))
        #expect(line.hasSuffix("signal=9 signame=KILL client=gone"))
        #expect(!line.contains("\n"))
        let message = record.auditMessage
        #expect(message.hasPrefix("op=rssh-session-end session=0123456789abcdef acct="))
        #expect(!message.contains("uid=0"), "the account is hex-encoded by libaudit")
        #expect(message.contains("program=\"sftp-server\""))
        #expect(!record.succeeded)
    }

    @Test(
        arguments: [
            (SessionRecord.End.exited(0), "exit=0", Int32(0)),
            (.exited(7), "exit=7", 7),
            (.signaled(15, core: false), "signal=15 signame=TERM", 143),
            (.signaled(11, core: true), "signal=11 signame=SEGV core=yes", 139),
            (.unknown, "exit=unknown", 1),
        ] as [(SessionRecord.End, String, Int32)]
    )
    func endMapping(_ row: (SessionRecord.End, String, Int32)) {
        let (end, fields, status) = row
        #expect(end.fields == fields)
        #expect(end.shellStatus == status)
    }

    @Test(arguments: [
        (Int32(0), SessionRecord.End.exited(0)),
        (7 << 8, .exited(7)),
        (255 << 8, .exited(255)),
        (9, .signaled(9, core: false)),
        (15, .signaled(15, core: false)),
        (0x80 | 11, .signaled(11, core: true)),
    ])
    func rawStatusDecodes(_ raw: Int32, _ end: SessionRecord.End) {
        #expect(SessionRecord.End.decode(raw) == end)
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (1_796_542_200, "2026-12-06T07:30:00Z"),
        (4_102_444_799, "2099-12-31T23:59:59Z"),
    ])
    func timestamps(_ seconds: Int64, _ text: String) {
        #expect(SessionRecord.timestamp(seconds) == text)
    }

    @Test func durations() {
        var record = Self.record
        for (millis, text) in [(Int64(0), "0.000"), (5, "0.005"), (50, "0.050"), (61_500, "61.500")] {
            record.durationMilliseconds = millis
            #expect(record.duration == text)
        }
    }

    @Test func sessionIDs() {
        let first = SessionRecord.newID()
        #expect(first.count == 16 && first.allSatisfy { $0.isHexDigit })
        #expect(first != SessionRecord.newID())
    }

    /// The watcher's record: the bytes of the supervisor's last progress line, marked as such.
    @Test func watcherRecordTakesTheLastProgress() {
        let line =
            "pid=9 session-end session=0123456789abcdef user=\"a\" uid=1 addr=? program=scp start=x "
            + "duration=1.000 bytes_from_client=123 bytes_to_client=4567 exit=unknown\n"
        #expect(Supervisor.field("bytes_from_client", in: line) == 123)
        #expect(Supervisor.field("bytes_to_client", in: line) == 4567)
        #expect(Supervisor.field("bytes", in: line) == nil)
        var record = SessionRecord(
            id: "0123456789abcdef",
            user: "a",
            uid: 1,
            address: nil,
            program: "scp",
            start: 0,
            durationMilliseconds: 5,
            bytesFromClient: 123,
            bytesToClient: 4567,
            end: .unknown
        )
        record.supervisorKilled = true
        #expect(record.logLine.hasSuffix(" exit=unknown supervisor=killed"))
        #expect(record.auditMessage.hasSuffix(" exit=unknown supervisor=killed"))
    }

    @Test func startRecordCarriesTheSession() {
        var decision = Decision(allowed: true, user: "alice", uid: 1001, address: nil, reason: "ok", command: [])
        #expect(!decision.logLine.contains("session="), "exec mode: unchanged")
        #expect(!AuditMessage.build(decision).contains("session="))
        decision.session = "0123456789abcdef"
        #expect(decision.logLine.hasSuffix(" session=0123456789abcdef"))
        #expect(AuditMessage.build(decision).hasPrefix("op=rssh-allow session=0123456789abcdef "))
    }

    /// Only root's regular files that nobody else can open are slots (an earlier release's, the user's, are not).
    @Test(
        arguments: [
            (0o100600, 0, true), (0o100400, 0, true), (0o100600, 1001, false), (0o100644, 0, false),
            (0o100640, 0, false), (0o104600, 0, false), (0o040700, 0, false), (0o120777, 0, false),
        ] as [(UInt32, UInt32, Bool)]
    )
    func slotFiles(mode: UInt32, owner: UInt32, isSlot: Bool) {
        #expect(SessionSlots.isSlot(mode: mode, owner: owner) == isSlot)
    }

    @Test func slotPaths() {
        let slots = SessionSlots(uid: 1001, limit: 2)
        #expect(slots.directories == ["/run/rssh", "/run/rssh/sessions", "/run/rssh/sessions/1001"])
        #expect(slots.path(1) == "/run/rssh/sessions/1001/slot1")
        let root = FileStatus(owner: 0, mode: 0o040755)
        #expect(SessionSlots.directoryProblem("/d", root) == nil)
        #expect(SessionSlots.directoryProblem("/d", nil) == .unprepared("/d is missing"))
        for unsafe in [FileStatus(owner: 1001, mode: 0o040755), FileStatus(owner: 0, mode: 0o041777)] {
            guard case .unsafe = SessionSlots.directoryProblem("/d", unsafe) else {
                Issue.record("accepted \(unsafe)")
                continue
            }
        }
    }

    /// A helper that does not answer (a directory server that stopped answering) is killed and the session
    /// refused, rather than the session hanging before its first record.
    @Test func aHelperThatDoesNotAnswerIsKilled() throws {
        let directory = try TemporaryDirectory()
        let marker = directory.path + "/pid"
        try directory.create("helper", contents: "#!/bin/sh\necho $$ >\(marker)\nexec /bin/sleep 60\n", mode: 0o755)
        let helper = directory.path + "/helper"
        // Long enough for the script to have written its pid on a loaded machine, short of sleep's 60 s.
        let result = SessionSlots(uid: 1001, limit: 2).request(helper: helper, timeoutMilliseconds: 2_000)
        #expect(result.failure == .unprepared("\(helper) --session-slot did not answer in 2000 ms"))
        let text = try String(contentsOfFile: marker, encoding: .utf8)
        let pid = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }

    /// A helper that ends without a slot (the slot mode refused the caller) is a refusal too, without waiting.
    @Test func aHelperThatEndsWithoutASlotIsARefusal() throws {
        let directory = try TemporaryDirectory()
        try directory.create("helper", contents: "#!/bin/sh\nexit 0\n", mode: 0o755)
        let helper = directory.path + "/helper"
        let result = SessionSlots(uid: 1001, limit: 2).request(helper: helper, timeoutMilliseconds: 60_000)
        #expect(result.failure == .unprepared("\(helper) --session-slot gave no slot (its log says why)"))
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
