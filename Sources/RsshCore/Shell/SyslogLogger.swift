import CRsshLibc

/// Writes rssh's lines to syslog(3) with a fixed ident; messages are always passed as data.
public struct SyslogLogger: Sendable {
    /// Opens the log with `ident` (which must live for the whole process) and `facility`.
    public init(ident: StaticString, facility: SyslogFacility) {
        ident.withUTF8Buffer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                // StaticString storage is immortal, as openlog(3) requires of its ident.
                guard let base = chars.baseAddress else { return }
                system_openlog(base, LOG_PID | LOG_NDELAY, facility.code)
            }
        }
    }

    /// Logs an informational line.
    public func info(_ message: String) { write(LOG_INFO, message) }

    /// Logs a warning.
    public func warning(_ message: String) { write(LOG_WARNING, message) }

    /// Logs an error.
    public func error(_ message: String) { write(LOG_ERR, message) }

    private func write(_ priority: Int32, _ message: String) {
        system_syslog(priority, message)
    }
}
