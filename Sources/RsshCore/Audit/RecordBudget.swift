/// The per-session budget of log lines and audit records, kept in one place.
///
/// A session that sends many command lines (WinSCP's SCP mode) could otherwise flood the audit trail until
/// auditd rotates earlier sessions' records away. Every line the WinSCP responder reports goes through
/// `admit`, in the shell and inside a jail alike (there the root recorder keeps a budget of its own as well):
/// up to `maximumRecords` lines are logged (and recorded when they need an audit record); no-op lines
/// (WinSCP's `echo` framing, `unset`, `unalias`, `printenv LANG`) are only counted; the first line past the
/// budget ends the session with one summary record instead.
public struct RecordBudget: Sendable, Equatable {
    /// The most lines one session logs (each a syslog line, and an audit record when it needs one); the
    /// summary that ends a session is one more.
    public static let maximumRecords = 1_000

    /// What to do with a line.
    public enum Admission: Equatable, Sendable {
        /// Log it (and record it when it needs an audit record).
        case log
        /// A no-op: count it, log nothing.
        case count
        /// The budget is spent: record the summary instead and end the session.
        case exhausted
    }

    /// The most lines this budget admits.
    public let limit: Int
    /// Lines admitted so far, by kind.
    public private(set) var queries = 0
    /// Changes admitted (`mkdir`, `rm`, `mv`, `chmod`, `ln`).
    public private(set) var changes = 0
    /// Uploads admitted.
    public private(set) var uploads = 0
    /// Downloads admitted.
    public private(set) var downloads = 0
    /// Refused lines admitted.
    public private(set) var refusals = 0
    /// No-op lines counted and not logged.
    public private(set) var quiet = 0

    /// Creates a budget of `limit` lines.
    public init(limit: Int = RecordBudget.maximumRecords) {
        self.limit = limit
    }

    /// Lines logged so far.
    public var used: Int { queries + changes + uploads + downloads + refusals }

    /// Whether a line of `kind` is logged, only counted, or ends the session.
    public mutating func admit(_ kind: WinSCPEvent.Kind) -> Admission {
        if kind == .session {
            quiet += 1
            return .count
        }
        guard used < limit else { return .exhausted }
        switch kind {
        case .query: queries += 1
        case .change: changes += 1
        case .upload: uploads += 1
        case .download: downloads += 1
        case .refused, .exhausted, .summary: refusals += 1
        case .session: break
        }
        return .log
    }

    /// What the session did, for its summary line: the lines logged by kind, and those not logged.
    /// - Parameter cutOff: lines that were read but neither run nor logged because the budget was spent.
    public func summary(cutOff: Int = 0) -> String {
        var text = "\(used) lines logged (\(queries) queries, \(changes) changes, \(uploads) uploads, "
        text += "\(downloads) downloads, \(refusals) refused); \(quiet + cutOff) lines not logged "
        text += "(\(quiet) no-op keepalive lines"
        if cutOff > 0 { text += ", \(cutOff) past the budget of \(limit), not run" }
        return text + ")"
    }
}
