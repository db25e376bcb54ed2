import CRsshLibc

/// Writes decisions to the kernel audit trail (read back with `ausearch -m USER_CMD -i`).
///
/// Writing needs CAP_AUDIT_WRITE: the installed `rssh` has it as a file capability, the helper has it as
/// root. Without it libaudit drops the record and still returns success, so availability is checked first
/// and a return of 0 is never read as "written".
public enum AuditTrail {
    /// What a record the kernel acknowledged is logged as when the sender knows the kernel's audit is on and
    /// an audit daemon is registered (the helper and its recorder, as root).
    public static let written = "written"

    /// What a record the kernel acknowledged is logged as when the sender cannot know more.
    ///
    /// That is the unprivileged shell. The kernel acknowledges a user record even while its audit is switched
    /// off (`auditctl -e 0`) and drops it; asking whether it is on (AUDIT_GET) needs CAP_AUDIT_CONTROL, which
    /// rssh does not have.
    public static let accepted = "accepted by the kernel"

    /// What a process knows, before it sends a record, about where the record goes.
    public struct Assessment: Equatable, Sendable {
        /// Why no record can be written (none is sent), or nil: send it.
        public var problem: String?
        /// What a record the kernel acknowledges is logged as: `written` only where that was verified.
        public var acknowledged: String
        /// What this process could not verify, for `rssh -v`.
        public var unverified: [String]

        /// Creates an assessment.
        public init(problem: String?, acknowledged: String = AuditTrail.written, unverified: [String] = []) {
            self.problem = problem
            self.acknowledged = acknowledged
            self.unverified = unverified
        }

        /// Sends `decision`'s record unless a problem rules it out.
        /// - Returns: nil when the kernel acknowledged it, else why not (the problem, when nothing was sent).
        public func send(_ decision: Decision, comm: String) -> String? {
            problem ?? AuditTrail.send(decision, comm: comm)
        }

        /// Sends `decision`'s record unless a problem rules it out.
        /// - Parameter comm: the program name recorded in `comm=`.
        /// - Returns: what the log line says: `acknowledged`, or `not written: why`.
        public func record(_ decision: Decision, comm: String) -> String {
            outcome(sendFailure: send(decision, comm: comm))
        }

        /// What the log line says once the record was sent: `acknowledged`, or `not written: why`.
        public func outcome(sendFailure: String?) -> String {
            guard let failure = problem ?? sendFailure else { return acknowledged }
            return "not written: \(failure)"
        }
    }

    /// The kernel's audit status as AUDIT_GET reports it, interpreted.
    public enum KernelAudit: Equatable, Sendable {
        /// Auditing is switched on and an audit daemon is registered.
        case on
        /// `enabled` is 0: the kernel acknowledges user records and drops them.
        case disabled
        /// Auditing is on but no audit daemon is registered.
        case noDaemon
        /// The caller may not ask (EPERM: no CAP_AUDIT_CONTROL).
        case notPermitted
        /// The status could not be read: why.
        case unreadable(String)

        /// Interprets AUDIT_GET's result: `code` 0 or -errno, then the `enabled` switch (0 off, 1 on, 2 locked
        /// on) and the registered daemon's pid.
        public static func interpret(code: Int32, enabled: Int32, pid: Int32) -> KernelAudit {
            guard code == 0 else {
                if -code == EPERM { return .notPermitted }
                return .unreadable(SystemError(call: "AUDIT_GET", code: -code).reason)
            }
            if enabled == 0 { return .disabled }
            return pid > 0 ? .on : .noDaemon
        }

        /// Why no record is kept, or nil.
        public var problem: String? {
            switch self {
            case .on, .notPermitted: nil
            case .disabled: "the kernel's audit is disabled"
            case .noDaemon: "auditd is not running (the kernel has no audit daemon registered)"
            case .unreadable(let reason): "the audit status cannot be read: \(reason)"
            }
        }
    }

    /// Whether auditd runs, as far as an unprivileged process can see it in /proc.
    public enum DaemonSighting: Equatable, Sendable {
        /// A root process named auditd is visible.
        case running
        /// None is, and /proc shows other processes: it is not running.
        case notRunning
        /// None is, but /proc hides other users' processes (hidepid): unknown.
        case cannotVerify

        /// Classifies what /proc showed: whether a root auditd was seen, and whether PID 1 (which always
        /// exists) is visible and readable.
        public static func classify(auditdSeen: Bool, initVisible: Bool) -> DaemonSighting {
            if auditdSeen { return .running }
            return initVisible ? .notRunning : .cannotVerify
        }
    }

    /// What this process knows about its records: its own CAP_AUDIT_WRITE first, then `destination()`.
    public static func assess() -> Assessment {
        switch system_has_audit_write() {
        case 1: return destination()
        case 0:
            return Assessment(
                problem:
                    "this process lacks CAP_AUDIT_WRITE (make install sets it with setcap; is the file system nosuid?)"
            )
        default: return Assessment(problem: "capabilities cannot be read")
        }
    }

    /// Whether a record sent now is kept: the kernel's audit switch and daemon, as far as this process can know.
    ///
    /// Root asks the kernel (AUDIT_GET): `enabled` and the registered daemon; only then is an acknowledged
    /// record called written. Without CAP_AUDIT_CONTROL (rssh itself, deliberately) the kernel cannot be asked:
    /// a kernel booted with `audit=0` is read from /proc/cmdline, and only a process named `auditd` whose real
    /// uid is 0 counts as the daemon (a user can name a process `auditd`, not make it root's; the process
    /// table, not a pid file anyone could leave behind, is what is read). When /proc hides other users'
    /// processes (hidepid), whether auditd runs is unknown, not "no": the record is still sent.
    public static func destination() -> Assessment {
        // Asking costs a netlink round trip that is bound to fail without root; rssh goes straight to /proc.
        if system_geteuid() == 0 {
            let kernel = kernelStatus()
            if kernel != .notPermitted { return Assessment(problem: kernel.problem) }
        }
        let kernelUnknown = "whether the kernel's audit is switched on (auditctl -e): asking needs CAP_AUDIT_CONTROL"
        if bootedWithoutAudit(commandLine: readSmallFile("/proc/cmdline", limit: 4096)) {
            return Assessment(problem: "the kernel was booted with audit=0")
        }
        switch daemonSighting() {
        case .running:
            return Assessment(problem: nil, acknowledged: accepted, unverified: [kernelUnknown])
        case .notRunning:
            return Assessment(problem: "auditd is not running")
        case .cannotVerify:
            return Assessment(
                problem: nil,
                acknowledged: accepted + " (auditd cannot be verified: /proc hides other processes, hidepid)",
                unverified: [kernelUnknown, "whether auditd runs: /proc hides other users' processes (hidepid)"]
            )
        }
    }

    /// The kernel's answer to AUDIT_GET.
    public static func kernelStatus() -> KernelAudit {
        var enabled: Int32 = 0
        var pid: Int32 = 0
        let code = system_audit_status(&enabled, &pid)
        return KernelAudit.interpret(code: code, enabled: enabled, pid: pid)
    }

    /// Whether a kernel command line switches auditing off at boot (`audit=0` as a word).
    ///
    /// Read as bytes, like the other /proc files here: the shell reads them on every session, and walking
    /// them Character by Character was the largest share of its own code's time (perf, issue 22).
    static func bootedWithoutAudit(commandLine: [UInt8]?) -> Bool {
        guard let commandLine else { return false }
        var rest = commandLine[...]
        while let word = firstWord(in: rest) {
            if ByteScan.equals(word, "audit=0") || ByteScan.equals(word, "audit=off") { return true }
            rest = rest[word.endIndex...]
        }
        return false
    }

    /// Space, tab or newline.
    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 }

    /// What /proc shows of auditd to this process.
    static func daemonSighting() -> DaemonSighting {
        let seen = rootAuditdFromPidFile() || rootProcessNamedAuditdExists()
        return DaemonSighting.classify(auditdSeen: seen, initVisible: seen || readSmallFile("/proc/1/status") != nil)
    }

    /// The fast path: /run/auditd.pid names a process called auditd whose real uid is 0.
    ///
    /// The file is only a hint (it may be stale); the process's own status is what is trusted.
    private static func rootAuditdFromPidFile() -> Bool {
        guard let text = readSmallFile("/run/auditd.pid"), let pid = firstWord(in: text[...]).flatMap(ByteScan.decimal),
            pid > 0
        else { return false }
        return isRootAuditd(status: readSmallFile("/proc/\(pid)/status", limit: 4096))
    }

    /// Whether a /proc/PID/status text is that of a process named auditd with real uid 0.
    ///
    /// The kernel writes `Name:` first and `Uid:` a few lines later: the scan ends at `Uid:`, before the
    /// memory and signal lines that make up most of the text.
    static func isRootAuditd(status text: [UInt8]?) -> Bool {
        guard let text else { return false }
        var named = false
        var rest = text[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(of: 0x0A) ?? rest.endIndex
            let line = rest[..<end]
            rest = rest[(end == rest.endIndex ? end : end + 1)...]
            if ByteScan.hasPrefix(line, "Name:") {
                named = firstWord(in: line.dropFirst(5)).map { ByteScan.equals($0, "auditd") } ?? false
            }
            if ByteScan.hasPrefix(line, "Uid:") {
                return named && firstWord(in: line.dropFirst(4)).flatMap(ByteScan.decimal) == 0
            }
        }
        return false
    }

    /// The first blank-separated word of `text`.
    private static func firstWord(in text: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let start = text.firstIndex(where: { !isBlank($0) }) else { return nil }
        return text[start...].prefix { !isBlank($0) }
    }

    private static func rootProcessNamedAuditdExists() -> Bool {
        guard let directory = system_opendir("/proc") else { return false }
        defer { system_closedir(directory) }
        while let entry = system_readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let first = name.utf8.first, first >= 0x31, first <= 0x39 else { continue }
            guard let comm = readSmallFile("/proc/\(name)/comm"),
                firstWord(in: comm[...]).map({ ByteScan.equals($0, "auditd") }) == true
            else { continue }
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

    /// Writes the record without checking availability first (the caller has, once per process).
    /// - Returns: nil when the kernel acknowledged it, else why not.
    public static func send(_ decision: Decision, comm: String) -> String? {
        send(message: AuditMessage.build(decision), address: decision.address, success: decision.allowed, comm: comm)
    }

    /// Writes one AUDIT_USER_CMD record with a message already built and encoded (a session's end record).
    /// - Returns: nil when the kernel acknowledged it, else why not.
    public static func send(message: String, address: String?, success: Bool, comm: String) -> String? {
        let fd = system_audit_open()
        guard fd >= 0 else { return "audit_open: \(SystemError.current("audit_open").reason)" }
        defer { system_audit_close(fd) }
        // Sent as libaudit's audit_send_user_message sends it, except that every refusal is reported: libaudit
        // returns 0 for ECONNREFUSED (a kernel without audit) and for EPERM without CAP_AUDIT_WRITE, and retries
        // EINVAL as the older AUDIT_USER type (kernels before AUDIT_USER_CMD, 2.6.x).
        var text = AuditMessage.record(message, trailer: trailer(comm: comm), address: address, success: success)
        // libaudit sends the terminating NUL with the text.
        text.append(0)
        let sequence = text.withUnsafeBytes { bytes -> Int32 in
            guard let base = bytes.baseAddress else { return -EINVAL }
            return system_audit_send(fd, system_audit_user_cmd, base, bytes.count)
        }
        guard sequence > 0 else {
            return "audit_send: \(SystemError(call: "audit_send", code: sequence < 0 ? -sequence : EIO).reason)"
        }
        return nil
    }

    /// This process's part of a record, found as libaudit finds it: the executable from `/proc/self/exe`, the
    /// first terminal among descriptors 0 to 2 (a character device, under /dev/ unless it has one link), and
    /// the host name only with a `pts`/`tty` terminal.
    static func trailer(comm: String) -> AuditMessage.Trailer {
        var trailer = AuditMessage.Trailer(comm: comm, executable: executable)
        guard let path = terminalPath() else { return trailer }
        let dev = Array("/dev/".utf8)
        let shown = path.starts(with: dev) ? Array(path.dropFirst(dev.count)) : path
        trailer.terminal = String(decoding: shown, as: UTF8.self)
        if shown.starts(with: "pts".utf8) || shown.starts(with: "tty".utf8) || shown.starts(with: "/dev/tty".utf8) {
            // libaudit ignores gethostname's result and keeps what the buffer holds, cut at 63 bytes.
            var name = [CChar](repeating: 0, count: 64)
            _ = system_gethostname(&name, name.count)
            name[63] = 0
            trailer.hostname = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return trailer
    }

    /// The running executable's path, read at the first record and kept, as libaudit keeps it.
    ///
    /// Kept, not read again: a supervised session outlives a package upgrade, after which the link reads
    /// `… (deleted)` and its end record would no longer name the installed rssh (`rsshctl last` matches `exe=`).
    private static let executable = executablePath()

    /// The running executable's path, or nil when /proc cannot say.
    private static func executablePath() -> [UInt8]? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = system_readlinkat(AT_FDCWD, "/proc/self/exe", &buffer, Int(PATH_MAX))
        guard count >= 0 else { return nil }
        return buffer.prefix(count).map { UInt8(bitPattern: $0) }
    }

    /// The first of descriptors 0, 1 and 2 that is a terminal with a name under 32 bytes, if that name is a
    /// character device (libaudit's `check_ttyname`).
    private static func terminalPath() -> [UInt8]? {
        var name = [CChar](repeating: 0, count: 32)
        for fd: Int32 in 0..<3 where system_ttyname(fd, &name, name.count) == 0 && name[0] != 0 {
            let path = name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            var info = stat()
            guard CBytes.withCString(path, { system_lstat($0, &info) }) == 0,
                info.st_mode & CRsshLibc_S_IFMT == CRsshLibc_S_IFCHR,
                info.st_nlink <= 1 || path.starts(with: "/dev/".utf8)
            else { return nil }
            return path
        }
        return nil
    }

    private static func readSmallFile(_ path: String, limit: Int = 64) -> [UInt8]? {
        let fd = system_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { _ = system_close(fd) }
        var buffer = [UInt8](repeating: 0, count: limit)
        let count = buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return system_read(fd, base, raw.count)
        }
        guard count > 0 else { return nil }
        buffer.removeLast(limit - count)
        return buffer
    }
}
