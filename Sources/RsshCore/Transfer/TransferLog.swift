/// One session's transfer log: which `TransferRecord`s are written, within the per-session cap.
///
/// A session can transfer any number of files (an rsync of a tree, an sftp client's mirror), and each would be
/// a syslog line and an audit record; unbounded, one session could rotate the audit trail away (the third
/// security review's F6). The cap is the session budget every other record path keeps
/// (`RecordBudget.maximumRecords`): the first `limit` records are written, the rest only counted, and the
/// session's end adds one line saying how many were not logged. Capping never ends the session: the transfers
/// themselves go on, and the session record's byte counts still cover them.
public struct TransferLog: Sendable, Equatable {
    /// The most transfer records one session writes (each a syslog line and an audit record).
    ///
    /// The security review's per-session audit budget, the same as the WinSCP responder's `RecordBudget`. The
    /// closing "N further transfers not logged" line is one more.
    public static let maximumRecords = RecordBudget.maximumRecords

    /// The session id every line carries.
    public let session: String
    /// The session's user, which every line and record carries (nil: none, as in the library's tests).
    public let user: String?
    /// The most records written.
    public let limit: Int
    /// Records written so far.
    public private(set) var logged = 0
    /// Records counted but not written because the cap was reached.
    public private(set) var notLogged = 0

    /// Creates the log of one session.
    /// - Parameters:
    ///   - session: the session id, as the session's start and end records carry it.
    ///   - user: the session's user.
    ///   - limit: the cap (tests use small ones).
    public init(session: String, user: String? = nil, limit: Int = TransferLog.maximumRecords) {
        self.session = session
        self.user = user
        self.limit = limit
    }

    /// Whether `record` is written (true), or only counted because the cap is reached (false).
    public mutating func admit(_ record: TransferRecord) -> Bool {
        guard logged < limit else {
            notLogged += 1
            return false
        }
        logged += 1
        return true
    }

    /// The syslog line for `record` if the cap admits it; nil once the cap is reached (the record is counted).
    public mutating func line(for record: TransferRecord) -> String? {
        admit(record) ? record.logLine(session: session, user: user) : nil
    }

    /// The line that ends a capped session's transfer log (a syslog line and an audit record); nil when every
    /// record was written.
    public var closingLine: String? {
        guard notLogged > 0 else { return nil }
        return "transfer session=" + TransferRecord.token(session) + TransferRecord.userField(user)
            + " op=cap \(notLogged) further transfers not logged (cap of \(limit) per session)"
    }

    /// The audit text of `closingLine`; nil when every record was written.
    public var closingAuditMessage: String? {
        guard notLogged > 0 else { return nil }
        return "op=rssh-transfer session=" + TransferRecord.token(session)
            + (user.map { " " + AuditMessage.encode("acct", Array($0.utf8)) } ?? "")
            + " transfer=cap notlogged=\(notLogged) cap=\(limit)"
    }
}
