extension AuditMessage {
    /// The longest record text libaudit sends: its MAX_AUDIT_MESSAGE_LENGTH buffer less the terminating NUL.
    static let maximumRecordBytes = 8_969

    /// The longest address libaudit copies into a record (INET6_ADDRSTRLEN less the NUL).
    static let maximumAddressBytes = 45

    /// What libaudit's `audit_log_user_comm_message` appends to a message, found out about this process.
    public struct Trailer: Equatable, Sendable {
        /// The program name recorded in `comm=`.
        public var comm: String
        /// The running executable's path (`/proc/self/exe`), nil when it cannot be read.
        public var executable: [UInt8]?
        /// The terminal on standard input, output or error without `/dev/` (`pts/3`), or nil.
        public var terminal: String?
        /// This machine's name, given only with a terminal (as libaudit does), or nil.
        public var hostname: String?

        /// Creates a trailer.
        public init(comm: String, executable: [UInt8]?, terminal: String? = nil, hostname: String? = nil) {
            self.comm = comm
            self.executable = executable
            self.terminal = terminal
            self.hostname = hostname
        }
    }

    /// The whole text of an AUDIT_USER_CMD record: `message`, then the fields libaudit 3's
    /// `audit_log_user_comm_message` appends, in its order, encoding and length limits.
    ///
    /// rssh lays the record out itself and sends it with libaudit's `audit_send`: linking that function
    /// pulled libaudit's name tables and libcap-ng (with its constructor's system calls) into both privileged
    /// images, 130 KB of each (issue 22). What `ausearch` reads is unchanged: the same fields, found out the
    /// same way (`AuditTrail.trailer`).
    /// - Parameters:
    ///   - address: the client's address, already checked to be an IP address (`ExecEnvironment`), or nil.
    ///   - success: `res=success`, or `res=failed`.
    public static func record(_ message: String, trailer: Trailer, address: String?, success: Bool) -> [UInt8] {
        var text = Array(message.utf8)
        text += Array(" comm=".utf8) + Array(encoded(Array(trailer.comm.utf8)[...]).utf8)
        // libaudit writes "?" with its quotes when the executable cannot be read.
        text += Array(" exe=".utf8) + Array(encoded((trailer.executable ?? Array("?".utf8))[...]).utf8)
        text += Array(" hostname=".utf8) + Array((trailer.hostname ?? "?").utf8)
        let addressBytes = Array((address ?? "").utf8.prefix(maximumAddressBytes))
        text += Array(" addr=".utf8) + (addressBytes.isEmpty ? [UInt8(ascii: "?")] : addressBytes)
        text += Array(" terminal=".utf8) + Array((trailer.terminal ?? "?").utf8)
        text += Array((success ? " res=success" : " res=failed").utf8)
        if text.count > maximumRecordBytes { text.removeLast(text.count - maximumRecordBytes) }
        return text
    }
}
