/// The end of a supervised session, as it is logged and recorded (issue 20).
///
/// One syslog line and one AUDIT_USER_CMD record per session, written by the supervisor once the program
/// has ended: the session id (also in the start record), who, from where, what ran, when and for how long,
/// the bytes relayed from and to the client, and how the program ended. Values from outside are escaped
/// with `Printable` in the line and encoded by libaudit in the record, as every other record is.
public struct SessionRecord: Sendable, Equatable {
    /// How the program ended.
    public enum End: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal killed it (`core`: it dumped core).
        case signaled(Int32, core: Bool)
        /// Its status could not be collected.
        case unknown

        /// Decodes a raw wait(2) status.
        public static func decode(_ status: Int32) -> End {
            var value: Int32 = 0
            var core: Int32 = 0
            switch system_decode_status(status, &value, &core) {
            case 1: return .exited(value)
            case 2: return .signaled(value, core: core != 0)
            default: return .unknown
            }
        }

        /// The status the supervisor exits with when it cannot die by the signal itself (128 + N, as sh does).
        public var shellStatus: Int32 {
            switch self {
            case .exited(let code): code
            case .signaled(let signal, _): 128 + signal
            case .unknown: ShellOutcome.refusedStatus
            }
        }

        /// `exit=N`, or `signal=N signame=NAME` (with `core=yes`), or `exit=unknown`.
        public var fields: String {
            switch self {
            case .exited(let code): return "exit=\(code)"
            case .signaled(let signal, let core):
                let name = SessionRecord.signalName(signal)
                return "signal=\(signal) signame=\(name)" + (core ? " core=yes" : "")
            case .unknown: return "exit=unknown"
            }
        }
    }

    /// The session id, also in the start record.
    public var id: String
    /// The account name.
    public var user: String
    /// The real uid.
    public var uid: UInt32
    /// The client address, if known.
    public var address: String?
    /// The program's name (`sftp-server`, `scp`, …).
    public var program: String
    /// The jail, for a chrooted session.
    public var chroot: String?
    /// When the program was started: seconds since the epoch (UTC).
    public var start: Int64
    /// How long it ran, in milliseconds.
    public var durationMilliseconds: Int64
    /// Bytes read from the client (its uploads and requests).
    public var bytesFromClient: UInt64
    /// Bytes written to the client (downloads and answers).
    public var bytesToClient: UInt64
    /// How the program ended.
    public var end: End
    /// Whether the client went away before the program ended (a write to it failed).
    public var clientGone: Bool
    /// Whether the supervisor was killed (SIGKILL) before it could write this record: the watcher wrote it,
    /// with the bytes of the supervisor's last progress line; the program died with the supervisor.
    public var supervisorKilled = false

    /// Creates a record.
    public init(
        id: String,
        user: String,
        uid: UInt32,
        address: String?,
        program: String,
        chroot: String? = nil,
        start: Int64,
        durationMilliseconds: Int64,
        bytesFromClient: UInt64,
        bytesToClient: UInt64,
        end: End,
        clientGone: Bool = false
    ) {
        self.id = id
        self.user = user
        self.uid = uid
        self.address = address
        self.program = program
        self.chroot = chroot
        self.start = start
        self.durationMilliseconds = durationMilliseconds
        self.bytesFromClient = bytesFromClient
        self.bytesToClient = bytesToClient
        self.end = end
        self.clientGone = clientGone
    }

    /// Whether the program ended with status 0 (the record's `res=success`).
    public var succeeded: Bool { end == .exited(0) }

    /// `12.345`: the duration in seconds with milliseconds.
    public var duration: String {
        let millis = durationMilliseconds % 1000
        let padded = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(durationMilliseconds / 1000).\(padded)"
    }

    /// The fields both the line and the record carry after the account, in one order.
    private var tail: String {
        var text = " start=\(Self.timestamp(start)) duration=\(duration)"
        text += " bytes_from_client=\(bytesFromClient) bytes_to_client=\(bytesToClient) \(end.fields)"
        if clientGone { text += " client=gone" }
        if supervisorKilled { text += " supervisor=killed" }
        return text
    }

    /// The syslog line: `session-end session=ID user="alice" uid=1001 addr=… program=… start=… …`.
    public var logLine: String {
        var line = "session-end session=\(Printable.text(id)) user=\"\(Printable.text(user))\" uid=\(uid)"
        line += " addr=\(address.map { Printable.text($0) } ?? "?") program=\(Printable.text(program))"
        if let chroot { line += " chroot=\"\(Printable.text(chroot))\"" }
        return line + tail
    }

    /// The audit message (`AuditMessage.record` appends comm, exe, hostname, addr, terminal and res).
    public var auditMessage: String {
        var fields = ["op=rssh-session-end", "session=" + AuditMessage.token(id)]
        fields.append(AuditMessage.encode("acct", Array(user.utf8)))
        fields.append(AuditMessage.encode("program", Array(program.utf8)))
        if let chroot { fields.append(AuditMessage.encode("chroot", Array(chroot.utf8))) }
        return fields.joined(separator: " ") + tail
    }

    /// A fresh session id: 16 hex digits from getrandom(2) (the monotonic clock should that fail).
    public static func newID() -> String {
        var bytes = [UInt8](repeating: 0, count: 8)
        let status = bytes.withUnsafeMutableBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return -1 }
            return system_random(base, raw.count)
        }
        if status != 0 {
            let now = UInt64(bitPattern: system_monotonic_ns())
            bytes = (0..<8).map { UInt8(truncatingIfNeeded: now >> (8 * UInt64($0))) }
        }
        return Printable.hex(bytes)
    }

    /// A signal's name without `SIG` (`TERM`), or its number.
    public static func signalName(_ signal: Int32) -> String {
        system_signal_name(signal) ?? "\(signal)"
    }

    /// `2026-12-06T07:30:00Z` for seconds since the epoch.
    public static func timestamp(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        // Howard Hinnant's days-to-civil algorithm.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))Z"
    }
}
