/// One line of a session's transfer log: a file sent or received, or a change to a name, as the program's own
/// log or protocol reported it.
///
/// The supervised mode builds these from sftp-server's log (`SftpServerLogParser`), rsync's server-side log
/// (`RsyncLogParser`) and the scp protocol's file records (`ScpStreamObserver`), and writes each through a
/// `TransferLog`, which keeps the per-session cap. Every byte string here is untrusted (a user chose the file
/// names): `logLine` escapes it with `Printable`, `auditMessage` encodes it as libaudit does.
public struct TransferRecord: Equatable, Sendable {
    /// What happened to the file.
    public enum Operation: Equatable, Sendable, CustomStringConvertible {
        /// Data went from the client into the server (sftp put, `scp -t`, rsync push).
        case upload
        /// Data went from the server to the client (sftp get, `scp -f`, rsync pull).
        case download
        /// A name was changed (`target` holds the new one).
        case rename
        /// A file was removed (sftp remove, rsync `--delete`).
        case remove
        /// A directory was created.
        case makeDirectory
        /// A directory was removed.
        case removeDirectory

        /// The word in the log line's `op=` field.
        public var description: String {
            switch self {
            case .upload: "upload"
            case .download: "download"
            case .rename: "rename"
            case .remove: "remove"
            case .makeDirectory: "mkdir"
            case .removeDirectory: "rmdir"
            }
        }
    }

    /// How the operation ended.
    public enum Result: Equatable, Sendable, CustomStringConvertible {
        /// The program reported it done.
        case ok
        /// The program reported it refused or failed; nothing (or nothing usable) was transferred.
        case failed
        /// Interrupted: the session or the stream ended before the program reported the end; `bytes` is
        /// what was counted so far.
        case partial

        /// The word in the log line's `result=` field.
        public var description: String {
            switch self {
            case .ok: "ok"
            case .failed: "failed"
            case .partial: "partial"
            }
        }
    }

    /// The most bytes of a path, a target or a reason put in one log line or audit record (the rest is cut and
    /// the line says so), as `Decision.maximumLoggedCommandBytes` does for command lines.
    public static let maximumLoggedPathBytes = 1_024

    /// What happened.
    public var operation: Operation
    /// The path as the user sees it: what the program logged (sftp-server: the path the client sent; rsync and
    /// scp: relative to the transfer's directory, or prefixed with it where the caller knows it).
    public var path: [UInt8]
    /// The new name of a rename; nil otherwise.
    public var target: [UInt8]?
    /// Bytes of file data transferred (for a download, those read; for an upload, those written); 0 for
    /// changes to names.
    public var bytes: UInt64
    /// How it ended.
    public var result: Result
    /// Why it failed or is partial, as the program said it (untrusted text); empty when `result` is `.ok`.
    public var reason: [UInt8]

    /// Creates a record.
    public init(
        _ operation: Operation,
        path: [UInt8],
        target: [UInt8]? = nil,
        bytes: UInt64 = 0,
        result: Result = .ok,
        reason: [UInt8] = []
    ) {
        self.operation = operation
        self.path = path
        self.target = target
        self.bytes = bytes
        self.result = result
        self.reason = reason
    }

    /// The syslog line: `transfer session=ID user="alice" op=upload path="…" bytes=N result=ok`, then `to="…"`
    /// for a rename and `reason="…"` when there is one; every untrusted byte through `Printable`, each field cut
    /// at `maximumLoggedPathBytes` with `…_truncated=yes` after it.
    /// - Parameters:
    ///   - session: the session id, as the session's start and end records carry it.
    ///   - user: the session's user, as the session-end record writes it (nil: no `user=` field).
    public func logLine(session: String, user: String? = nil) -> String {
        var line = "transfer session=" + Self.token(session) + Self.userField(user) + " op=" + operation.description
        line += Self.quoted("path", path)
        if let target { line += Self.quoted("to", target) }
        line += " bytes=\(bytes) result=" + result.description
        if !reason.isEmpty { line += Self.quoted("reason", reason) }
        return line
    }

    /// The text of the AUDIT_USER_CMD record (`AuditMessage.record` appends comm, exe, hostname, addr, terminal
    /// and res, which follows `result`): the path, target and reason encoded as libaudit's
    /// `audit_encode_nv_string` encodes them, so a file named `x res=success` cannot forge a field.
    /// - Parameters:
    ///   - session: the session id, as the session's start and end records carry it.
    ///   - user: the session's user (`acct=`, as the session-end record has it; nil: none).
    public func auditMessage(session: String, user: String? = nil) -> String {
        var fields = ["op=rssh-transfer", "session=" + Self.token(session)]
        if let user { fields.append(AuditMessage.encode("acct", Array(user.utf8))) }
        fields.append("transfer=" + operation.description)
        fields.append(AuditMessage.encode("path", Array(path.prefix(Self.maximumLoggedPathBytes))))
        if let target { fields.append(AuditMessage.encode("to", Array(target.prefix(Self.maximumLoggedPathBytes)))) }
        fields.append("bytes=\(bytes)")
        fields.append("result=" + result.description)
        if !reason.isEmpty {
            fields.append(AuditMessage.encode("reason", Array(reason.prefix(Self.maximumLoggedPathBytes))))
        }
        return fields.joined(separator: " ")
    }

    /// Whether the audit record reports success (`res=success`): only a completed operation does.
    public var succeeded: Bool { result == .ok }

    /// ` name="escaped"`, cut at `maximumLoggedPathBytes` with ` name_truncated=yes` after it.
    private static func quoted(_ name: String, _ value: [UInt8]) -> String {
        var text = " " + name + "=\"" + Printable.text(value.prefix(maximumLoggedPathBytes)) + "\""
        if value.count > maximumLoggedPathBytes { text += " " + name + "_truncated=yes" }
        return text
    }

    /// ` user="name"` (as the session-end record writes it), or nothing.
    static func userField(_ user: String?) -> String {
        user.map { " user=\"" + Printable.text(Array($0.utf8)) + "\"" } ?? ""
    }

    /// The session id as one field: `AuditMessage.token`'s alphabet, so it holds no space, quote or `=`.
    static func token(_ session: String) -> String {
        AuditMessage.token(session)
    }
}
