/// One line of a WinSCP session, as the responder reports it to the log and the audit trail.
///
/// The responder reports every line before it acts on it, so a refusal or a failure while running cannot
/// hide the attempt; the recorder's answer can still stop it (for `requireaudit`).
public struct WinSCPEvent: Equatable, Sendable {
    /// What kind of line this was.
    public enum Kind: Equatable, Sendable, CustomStringConvertible {
        /// WinSCP's own housekeeping: keepalive, `echo`, `printenv LANG`, `unset`, `unalias`.
        case session
        /// Reads metadata only: `pwd`, `groups`, `cd`, `ls`.
        case query
        /// Changes the file system: `mkdir`, `rm`, `mv`, `chmod`, `ln`.
        case change
        /// `scp -t`: a file transfer into the server.
        case upload
        /// `scp -f`: a file transfer out of the server.
        case download
        /// Refused: not a WinSCP command, not permitted, or not allowed in the access mode.
        case refused
        /// The session's end: what it did and what was not logged (a syslog line only).
        case summary
        /// The session's end because its `RecordBudget` was spent: the summary, as an audit record too.
        case exhausted

        /// A lower-case word for log fields.
        public var description: String {
            switch self {
            case .session: "session"
            case .query: "query"
            case .change: "change"
            case .upload: "upload"
            case .download: "download"
            case .refused: "refused"
            case .summary: "summary"
            case .exhausted: "budget exhausted"
            }
        }
    }

    /// What kind of line this was.
    public var kind: Kind
    /// The line as received, without its newline (log it through `Printable`).
    public var line: [UInt8]
    /// Why it was refused; empty otherwise.
    public var reason: String

    /// Creates an event.
    public init(kind: Kind, line: [UInt8], reason: String = "") {
        self.kind = kind
        self.line = line
        self.reason = reason
    }

    /// Whether the line belongs in the audit trail too: every transfer, change and refusal, and the summary
    /// of a session that spent its budget.
    public var needsAudit: Bool {
        switch kind {
        case .session, .query, .summary: false
        case .change, .upload, .download, .refused, .exhausted: true
        }
    }

    /// Whether the line is reported as allowed (`res=success`).
    public var allowed: Bool { kind != .refused && kind != .exhausted }

    /// The kind a command is recorded as.
    static func kind(of command: WinSCPCommand) -> Kind {
        switch command {
        case .keepalive, .echoReturnCode, .echoStatus, .printLanguage, .unset, .unalias: .session
        case .groups, .printDirectory, .changeDirectory, .list: .query
        case .makeDirectory, .remove, .move, .changeMode, .link: .change
        case .scp(.upload, _, _): .upload
        case .scp(.download, _, _), .checksum: .download
        }
    }
}
