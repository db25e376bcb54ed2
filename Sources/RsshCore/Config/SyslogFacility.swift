import CRsshLibc

/// A syslog facility, as accepted by the `logfacility` keyword.
public struct SyslogFacility: Sendable, Hashable {
    /// The `LOG_*` value to pass to openlog(3).
    public var code: Int32
    /// The canonical `LOG_*` name, for messages.
    public var name: String

    /// The facility rssh logs to before a `logfacility` line is read.
    public static let daemon = SyslogFacility(code: LOG_DAEMON, name: "LOG_DAEMON")

    // rssh accepts both spellings, case-sensitively.
    private static let table: [(String, Int32)] = [
        ("kern", LOG_KERN), ("user", LOG_USER), ("mail", LOG_MAIL), ("daemon", LOG_DAEMON),
        ("auth", LOG_AUTH), ("authpriv", LOG_AUTHPRIV), ("syslog", LOG_SYSLOG), ("lpr", LOG_LPR),
        ("news", LOG_NEWS), ("uucp", LOG_UUCP), ("cron", LOG_CRON), ("ftp", LOG_FTP),
        ("local0", LOG_LOCAL0), ("local1", LOG_LOCAL1), ("local2", LOG_LOCAL2), ("local3", LOG_LOCAL3),
        ("local4", LOG_LOCAL4), ("local5", LOG_LOCAL5), ("local6", LOG_LOCAL6), ("local7", LOG_LOCAL7),
    ]

    /// Looks up a facility by its rssh.conf spelling (`LOG_LOCAL0` or `local0`); nil when unknown.
    public init?(configName: String) {
        for (short, code) in Self.table {
            let long = "LOG_" + short.uppercased()
            if configName == short || configName == long {
                self.init(code: code, name: long)
                return
            }
        }
        return nil
    }

    private init(code: Int32, name: String) {
        self.code = code
        self.name = name
    }
}
