/// One ended supervised session, as `rsshctl last` lists it, read back from rssh's session-end audit records.
public struct EndedSession: Sendable, Equatable {
    /// The session id.
    public var session: String
    /// The account.
    public var user: String
    /// The client address, or `?`.
    public var address: String
    /// The program.
    public var program: String
    /// The start, `2026-12-06T07:30:00Z`.
    public var start: String
    /// The duration in seconds (`12.045`).
    public var duration: String
    /// Bytes from the client.
    public var bytesFromClient: UInt64
    /// Bytes to the client.
    public var bytesToClient: UInt64
    /// `exit=0`, `signal=9 signame=KILL`, `exit=unknown`; with ` client=gone` when the client went first.
    public var end: String

    /// Reads one raw `ausearch --raw` line, or nil when it is not rssh's session-end record.
    ///
    /// A USER_CMD record of `op=rssh-session-end` written by `shell` (its `exe=`). Only processes holding CAP_AUDIT_WRITE can write records,
    /// so no user can add one; the `exe=` check leaves out those of other programs that could.
    public static func fromAuditLine(_ line: String, shell: String) -> EndedSession? {
        guard line.hasPrefix("type=USER_CMD "), let open = line.firstRange(of: "msg='"),
            let close = line.lastIndex(of: "'"), open.upperBound <= close
        else { return nil }
        let fields = SessionFields.parse(line[open.upperBound..<close])
        func value(_ key: String) -> String? { SessionFields.value(key, in: fields) }
        guard value("op") == "rssh-session-end", value("exe") == shell || value("exe") == "\"\(shell)\"",
            let session = value("session"), let user = value("acct"), let fromClient = value("bytes_from_client"),
            let toClient = value("bytes_to_client")
        else { return nil }
        var end =
            value("signal").map { "signal=\($0) signame=\(value("signame") ?? "?")" } ?? "exit=\(value("exit") ?? "?")"
        if value("client") == "gone" { end += " client=gone" }
        return EndedSession(
            session: session,
            user: SessionFields.auditDecoded(user),
            address: value("addr") ?? "?",
            program: SessionFields.auditDecoded(value("program") ?? "?"),
            start: value("start") ?? "?",
            duration: value("duration") ?? "?",
            bytesFromClient: UInt64(fromClient) ?? 0,
            bytesToClient: UInt64(toClient) ?? 0,
            end: end
        )
    }

    /// The sessions in `text` (ausearch's raw output), for `user` only when given, oldest first.
    public static func list(auditLog text: String, shell: String, user: String?) -> [EndedSession] {
        text.split(separator: "\n").compactMap { fromAuditLine(String($0), shell: shell) }.filter {
            user == nil || $0.user == user
        }
    }

    /// The table `rsshctl last` prints.
    public static func render(_ sessions: [EndedSession]) -> String {
        var rows = [["USER", "SESSION", "ADDRESS", "PROGRAM", "START", "SECONDS", "FROM-CLIENT", "TO-CLIENT", "END"]]
        for s in sessions {
            rows.append([
                s.user, s.session, s.address, s.program, s.start, s.duration, "\(s.bytesFromClient)",
                "\(s.bytesToClient)", s.end,
            ])
        }
        return OpenSession.table(rows)
    }
}
