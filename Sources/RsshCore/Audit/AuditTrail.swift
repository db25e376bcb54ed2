import CRsshLibc

/// Writes decisions to the kernel audit trail (read back with `ausearch -m USER_CMD -i`).
///
/// Writing needs CAP_AUDIT_WRITE: the installed `rssh` has it as a file capability, the helper has it as
/// root. Without it libaudit drops the record and still returns success, so availability is checked first
/// and a return of 0 is never read as "written".
public enum AuditTrail {
    /// Why no record can be written, or nil when one can.
    public static func unavailability() -> String? {
        switch system_has_audit_write() {
        case 1: break
        case 0:
            return "this process lacks CAP_AUDIT_WRITE (make install sets it with setcap; is the file system nosuid?)"
        default: return "capabilities cannot be read"
        }
        return auditDaemonProblem()
    }

    /// Why auditd is not running, or nil when it is.
    ///
    /// The kernel is asked first (AUDIT_GET: the audit daemon it has registered). That needs
    /// CAP_AUDIT_CONTROL, which the helper has as root but rssh deliberately does not; then only a process
    /// named `auditd` whose real uid is 0 counts (a user can name a process `auditd`, not make it root's,
    /// and the process table, not a pid file anyone could leave behind, is what is read).
    public static func auditDaemonProblem() -> String? {
        // Asking costs a netlink round trip that is bound to fail without root; rssh goes straight to the table.
        guard system_geteuid() == 0 else { return rootAuditdFromPidFile() ? nil : rootAuditdProblem() }
        let pid = system_audit_daemon_pid()
        if pid > 0 { return nil }
        if pid == 0 { return "auditd is not running (the kernel has no audit daemon registered)" }
        guard -pid == EPERM else {
            return "the audit status cannot be read: \(SystemError(call: "AUDIT_GET", code: -pid).reason)"
        }
        return rootAuditdFromPidFile() ? nil : rootAuditdProblem()
    }

    private static func rootAuditdProblem() -> String? {
        rootProcessNamedAuditdExists() ? nil : "auditd is not running"
    }

    /// The fast path: /run/auditd.pid names a process called auditd whose real uid is 0.
    ///
    /// The file is only a hint (it may be stale); the process's own status is what is trusted.
    private static func rootAuditdFromPidFile() -> Bool {
        guard let text = readSmallFile("/run/auditd.pid"), let pid = Int(text.trimmingWhitespace()), pid > 0 else {
            return false
        }
        return isRootAuditd(status: readSmallFile("/proc/\(pid)/status", limit: 4096))
    }

    /// Whether a /proc/PID/status text is that of a process named auditd with real uid 0.
    static func isRootAuditd(status text: String?) -> Bool {
        guard let text else { return false }
        var name: Substring?
        var uid: UInt32?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Name:") {
                name = line.dropFirst(5).split(whereSeparator: { $0 == "\t" || $0 == " " }).first
            }
            if line.hasPrefix("Uid:") {
                uid = line.dropFirst(4).split(whereSeparator: { $0 == "\t" || $0 == " " }).first.flatMap {
                    UInt32(String($0))
                }
            }
        }
        return name == "auditd" && uid == 0
    }

    private static func rootProcessNamedAuditdExists() -> Bool {
        guard let directory = system_opendir("/proc") else { return false }
        defer { system_closedir(directory) }
        while let entry = system_readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let first = name.utf8.first, first >= 0x31, first <= 0x39 else { continue }
            guard readSmallFile("/proc/\(name)/comm")?.trimmingWhitespace() == "auditd" else { continue }
            if isRootAuditd(status: readSmallFile("/proc/\(name)/status", limit: 4096)) { return true }
        }
        return false
    }

    /// Whether the file at `path` carries CAP_AUDIT_WRITE as a permitted, effective file capability.
    public static func fileHasAuditWrite(_ path: String) -> Bool {
        var data = [UInt8](repeating: 0, count: 24)
        let size = data.withUnsafeMutableBytes { buffer -> Int in
            guard let base = buffer.baseAddress else { return -1 }
            return system_getxattr(path, "security.capability", base, buffer.count)
        }
        guard size >= 12 else { return false }
        let word = { (offset: Int) in
            UInt32(data[offset]) | UInt32(data[offset + 1]) << 8 | UInt32(data[offset + 2]) << 16
                | UInt32(data[offset + 3]) << 24
        }
        let effective = word(0) & 1 == 1
        let permittedLow = word(4)
        return effective && permittedLow & (1 << 29) != 0  // CAP_AUDIT_WRITE is 29
    }

    /// Writes one AUDIT_USER_CMD record for `decision`.
    /// - Parameter comm: the program name recorded in `comm=`.
    /// - Returns: nil when written, else why not.
    public static func record(_ decision: Decision, comm: String) -> String? {
        if let problem = unavailability() { return problem }
        return send(decision, comm: comm)
    }

    /// Writes the record without checking availability first (the caller has, once per process).
    /// - Returns: nil when written, else why not.
    public static func send(_ decision: Decision, comm: String) -> String? {
        let fd = system_audit_open()
        guard fd >= 0 else { return "audit_open: \(SystemError.current("audit_open").reason)" }
        defer { system_audit_close(fd) }
        let message = AuditMessage.build(decision)
        let status: Int32
        if let address = decision.address {
            status = system_audit_log_user_comm_message(fd, message, comm, address, decision.allowed)
        } else {
            status = system_audit_log_user_comm_message(fd, message, comm, nil, decision.allowed)
        }
        guard status > 0 else { return "audit_log_user_comm_message: \(SystemError.current("audit_log").reason)" }
        return nil
    }

    private static func readSmallFile(_ path: String, limit: Int = 64) -> String? {
        let fd = system_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { _ = system_close(fd) }
        var buffer = [UInt8](repeating: 0, count: limit)
        let count = buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return system_read(fd, base, raw.count)
        }
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}

extension String {
    /// The string without leading and trailing blanks and newlines (Foundation-free).
    func trimmingWhitespace() -> String {
        let isBlank = { (c: Character) in c == " " || c == "\n" || c == "\t" || c == "\r" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
