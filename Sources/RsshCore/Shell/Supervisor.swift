import CRsshLibc

/// The supervised mode (option `supervised`, or `maxsessions=N`): rssh forks the program and stays its parent.
///
/// The supervisor is rssh itself, as the user, outside any jail or Landlock domain: it relays the standard
/// streams (`SessionRelay`), forwards SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2 and SIGALRM to the
/// program, ends as the program did (its exit status, or death by its signal, so the client sees what the
/// program did), and writes one session record at the end. It keeps only what it had before exec mode drops
/// it: CAP_AUDIT_WRITE (a file capability, to write the end record; capabilities gained at exec also make it
/// non-dumpable, so the user cannot ptrace it). The program is started as in exec mode (umask, no
/// capabilities, no_new_privs, the Landlock ruleset applied in the child only), and dies with SIGKILL should
/// the supervisor die first (PR_SET_PDEATHSIG), so killing a supervisor cannot leave a program running
/// outside `maxsessions`. A Landlock domain of ABI 6 or later cannot signal the supervisor at all (signal
/// scoping). For a chrooted user the child execs the setuid helper, which chroots and drops as in exec mode:
/// no root process relays user data, and the jail needs no log socket for the record.
public enum Supervisor {
    /// What the child execs: the program, or the setuid helper for a jailed user.
    public struct Launch: Sendable {
        /// The executable.
        public var path: String
        /// Its argument vector.
        public var arguments: [[UInt8]]
        /// Its environment.
        public var environment: [[UInt8]]
        /// The umask.
        public var umask: mode_t
        /// no_new_privs (false only for the setuid helper, which sets it itself).
        public var forbidNewPrivileges: Bool
        /// The Landlock ruleset, applied in the child.
        public var confinement: LandlockPlan?
        /// The descriptor the program inherits the write end of a log pipe on (rsync's `--log-file`), whose
        /// bytes go to the observer's `programLog`; nil for none.
        public var logDescriptor: Int32?
        /// What the child runs instead of exec'ing `path` (WinSCP's SCP mode, which rssh answers itself).
        ///
        /// It confines itself (umask, no_new_privs, the Landlock ruleset) and keeps CAP_AUDIT_WRITE for its
        /// per-line records, as in exec mode.
        public var answer: (@Sendable () -> Never)?

        /// Creates a launch.
        public init(
            path: String,
            arguments: [[UInt8]],
            environment: [[UInt8]],
            umask: mode_t,
            forbidNewPrivileges: Bool,
            confinement: LandlockPlan? = nil
        ) {
            self.path = path
            self.arguments = arguments
            self.environment = environment
            self.umask = umask
            self.forbidNewPrivileges = forbidNewPrivileges
            self.confinement = confinement
        }

        /// A launch whose child runs `answer` in this image, with no exec (WinSCP's SCP mode); what only an
        /// exec uses (path, arguments, environment, umask) is left empty or closed.
        public init(answering answer: @escaping @Sendable () -> Never) {
            self.init(path: "", arguments: [], environment: [], umask: 0o077, forbidNewPrivileges: true)
            self.answer = answer
        }
    }

    /// The process name a supervisor carries (`/proc/PID/comm`), which `rsshctl who` looks for (with the
    /// process's executable, which a user cannot fake).
    public static let processName: StaticString = "rssh-session"

    /// The name of the memory file with the session's progress (`/proc/PID/fd/N` links to
    /// `/memfd:rssh-session (deleted)`), which `rsshctl who` reads.
    public static let progressName: StaticString = "rssh-session"

    /// Starts the program, relays until it ends, writes the record, and ends as the program did.
    /// - Parameters:
    ///   - record: the record's fixed fields (id, user, address, program, chroot); the rest is filled in.
    ///   - slot: the `maxsessions` slot this session holds, if any.
    ///   - audit: what this process knows about its audit records.
    public static func run<Observer: SessionObserver>(
        _ launch: Launch,
        record template: SessionRecord,
        slot: SessionSlots.Slot?,
        audit: AuditTrail.Assessment,
        log: SyslogLogger,
        observer: inout Observer
    ) -> Never {
        // Not dumpable whatever the install left (a file capability makes it so, a missing one would not): a
        // program of the same user must not ptrace the supervisor, which runs outside its jail. The program
        // is dumpable again after its exec, as in exec mode.
        guard system_set_not_dumpable() == 0 else {
            fatal("cannot set up the session: \(SystemError.current("prctl(PR_SET_DUMPABLE)").description)", log: log)
        }
        // A client or a watcher that went away must show as a failed write, never kill the supervisor before
        // its record (the program gets SIGPIPE's default back at its exec).
        _ = system_ignore_sigpipe(true)
        let signals = system_supervisor_signals()
        var input: [Int32] = [-1, -1]
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        var logPipe: [Int32] = [-1, -1]
        guard signals >= 0, system_pipe(&input) == 0, system_pipe(&output) == 0, system_pipe(&errors) == 0,
            launch.logDescriptor == nil || system_pipe(&logPipe) == 0
        else {
            fatal("cannot set up the session: \(SystemError.current("pipe").description)", log: log)
        }
        let started = system_realtime()
        let clock = system_monotonic_ns()
        var record = template
        record.start = started.seconds
        // What `rsshctl who` shows of the session so far, in a memory file only this process has: a
        // non-dumpable process's /proc/PID/fd is root's to open, so the user can neither read nor forge it.
        let progress = Supervisor.progressName.withUTF8Buffer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in chars.baseAddress.map { system_memfd($0) } ?? -1 }
        }
        // The watcher: writes the end record should this process be killed before it can (below).
        var watch: [Int32] = [-1, -1]
        guard system_pipe(&watch) == 0 else {
            fatal("cannot set up the session: \(SystemError.current("pipe").description)", log: log)
        }
        let watcher = system_fork()
        if watcher == 0 {
            Supervisor.watch(watch[0], progress: progress, record: record, clock: clock, audit: audit, log: log)
        }
        guard watcher > 0 else {
            fatal("cannot start the session's watcher: \(SystemError.current("fork").description)", log: log)
        }
        _ = system_close(watch[0])
        let parent = system_getpid()
        let child = system_fork()
        if child == 0 {
            // The child: the pipes become its standard streams (dup2 clears close-on-exec on the copies).
            guard system_dup2(input[0], STDIN_FILENO) >= 0, system_dup2(output[1], STDOUT_FILENO) >= 0,
                system_dup2(errors[1], STDERR_FILENO) >= 0, system_die_with_parent() == 0,
                system_getppid() == parent, system_unblock_signals() == 0,
                inheritLog(logPipe[1], as: launch.logDescriptor)
            else { system_exit_now(ShellOutcome.refusedStatus) }
            if let answer = launch.answer {
                // No exec closes the supervisor's descriptors here: the child's copy of the stdin pipe's
                // write end would keep its own stdin from ever ending, and the watcher's pipe, the progress
                // file and the slot are the supervisor's alone. SIGPIPE gets its default back, as at an exec.
                let supervisors = input + output + errors + logPipe + [watch[1], progress, slot?.fd ?? -1]
                for fd in supervisors where fd > STDERR_FILENO { _ = system_close(fd) }
                _ = system_ignore_sigpipe(false)
                answer()
            }
            let failure = ProcessImage.exec(
                path: launch.path,
                arguments: launch.arguments,
                environment: launch.environment,
                umask: launch.umask,
                forbidNewPrivileges: launch.forbidNewPrivileges,
                confinement: launch.confinement
            )
            DescriptorIO.writeAll(Array("rssh: cannot run \(failure.subject): \(failure.reason)\n".utf8), to: 2)
            system_exit_now(ShellOutcome.refusedStatus)
        }
        guard child > 0 else {
            DescriptorIO.writeAll([1], to: watch[1])  // no session: nothing for the watcher to record
            fatal("cannot start the program: \(SystemError.current("fork").description)", log: log)
        }
        for fd in [input[0], output[1], errors[1], logPipe[1]] where fd >= 0 { _ = system_close(fd) }
        if logPipe[0] >= 0 { _ = system_set_nonblocking(logPipe[0]) }
        for fd in [input[1], output[0], errors[0]] { _ = system_set_nonblocking(fd) }
        _ = Supervisor.processName.withUTF8Buffer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                chars.baseAddress.map { system_set_process_name($0) } ?? -1
            }
        }
        func publish(_ fromClient: UInt64, _ toClient: UInt64) {
            guard progress >= 0 else { return }
            var current = record
            current.bytesFromClient = fromClient
            current.bytesToClient = toClient
            current.durationMilliseconds = (system_monotonic_ns() - clock) / 1_000_000
            let bytes = Array("pid=\(system_getpid()) \(current.logLine)\n".utf8)
            _ = bytes.withUnsafeBytes { raw in raw.baseAddress.map { system_pwrite(progress, $0, raw.count, 0) } ?? -1 }
            _ = system_ftruncate(progress, bytes.count)
        }
        publish(0, 0)
        // What start-up wrote and no longer needs stays this process's for the whole session: give it back.
        system_release_idle_memory()
        var relay = SessionRelay(
            child: child,
            signals: signals,
            stdin: input[1],
            stdout: output[0],
            stderr: errors[0],
            splices: !observer.wantsBytes,
            log: logPipe[0]
        )
        let outcome = relay.run(observer: &observer, progress: publish)
        record.durationMilliseconds = (system_monotonic_ns() - clock) / 1_000_000
        record.bytesFromClient = outcome.bytesFromClient
        record.bytesToClient = outcome.bytesToClient
        record.clientGone = outcome.clientGone
        record.end = outcome.status.map { SessionRecord.End.decode($0) } ?? .unknown
        write(record, audit: audit, log: log)
        // The record is written: the watcher may go (a kill between the two leaves a second record, never none).
        DescriptorIO.writeAll([1], to: watch[1])
        if let slot { _ = system_close(slot.fd) }
        if case .signaled(let signal, _) = record.end { system_die_by_signal(signal) }
        exit(record.end.shellStatus)
    }

    /// The watcher's process name (`rsshctl who` lists only `processName`).
    static let watcherName: StaticString = "rssh-watch"

    /// The watcher: a child in a process group of its own, which writes the end record when the supervisor
    /// dies before it has (a SIGKILL, such as a client's `signal` request: sshd sends it to the session's
    /// process group, which the watcher has left).
    ///
    /// It keeps only the pipe whose write end the supervisor holds and the progress file, and waits. One byte
    /// means the supervisor wrote the record; the end of file without it means it died first: the watcher then
    /// writes the record from the supervisor's last progress line (bytes so far; the program, killed with
    /// its supervisor by PR_SET_PDEATHSIG, left no status), marked `supervisor=killed`. It inherits the
    /// supervisor's blocked signals and is not dumpable.
    static func watch(
        _ pipe: Int32,
        progress: Int32,
        record: SessionRecord,
        clock: Int64,
        audit: AuditTrail.Assessment,
        log: SyslogLogger
    ) -> Never {
        system_closelog()
        let null = system_open("/dev/null", O_RDWR)
        // The pipe and the progress file first go above every descriptor involved (and above 4), so that no
        // dup2 below replaces one still to be moved; then /dev/null becomes 0-2, they become 3 and 4.
        let above = max(pipe, progress, null, 4) + 1
        let savedPipe = system_duplicate_above(pipe, above)
        let savedProgress = progress < 0 ? -1 : system_duplicate_above(progress, above)
        guard system_own_process_group() == 0, null >= 0, savedPipe >= 0, progress < 0 || savedProgress >= 0,
            system_dup2(null, STDIN_FILENO) >= 0, system_dup2(null, STDOUT_FILENO) >= 0,
            system_dup2(null, STDERR_FILENO) >= 0, system_dup2(savedPipe, 3) >= 0,
            progress < 0 || system_dup2(savedProgress, 4) >= 0, system_close_from(5) == 0
        else { system_exit_now(ShellOutcome.refusedStatus) }
        _ = Supervisor.watcherName.withUTF8Buffer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                chars.baseAddress.map { system_set_process_name($0) } ?? -1
            }
        }
        system_release_idle_memory()
        var byte: UInt8 = 0
        while true {
            let count = system_read(3, &byte, 1)
            if count == 1 { system_exit_now(0) }
            if count == 0 || system_errno() != EINTR { break }
        }
        var ended = record
        ended.end = .unknown
        ended.supervisorKilled = true
        ended.durationMilliseconds = (system_monotonic_ns() - clock) / 1_000_000
        if progress >= 0 {
            var line = [UInt8](repeating: 0, count: 4096)
            let count = line.withUnsafeMutableBytes { raw in
                raw.baseAddress.map { system_pread(4, $0, raw.count, 0) } ?? -1
            }
            if count > 0 {
                let text = String(decoding: line[0..<count], as: UTF8.self)
                ended.bytesFromClient = Self.field("bytes_from_client", in: text) ?? 0
                ended.bytesToClient = Self.field("bytes_to_client", in: text) ?? 0
            }
        }
        write(ended, audit: audit, log: log)
        system_exit_now(0)
    }

    /// The number after the last ` NAME=` in a progress line (the counts follow every text field).
    static func field(_ name: String, in line: String) -> UInt64? {
        var value: UInt64?
        for word in line.split(separator: " ") where word.hasPrefix(name + "=") {
            value = UInt64(word.dropFirst(name.utf8.count + 1).prefix { $0 != "\n" })
        }
        return value
    }

    /// Writes the end record: the audit record (when one can be written), then the syslog line.
    static func write(_ record: SessionRecord, audit: AuditTrail.Assessment, log: SyslogLogger) {
        let failure =
            audit.problem
            ?? AuditTrail.send(
                message: record.auditMessage,
                address: record.address,
                success: record.succeeded,
                comm: "rssh"
            )
        let line = record.logLine + " audit=\"\(Printable.text(audit.outcome(sendFailure: failure)))\""
        if record.succeeded { log.info(line) } else { log.warning(line) }
    }

    private static func fatal(_ message: String, log: SyslogLogger) -> Never {
        log.error(message)
        DescriptorIO.writeAll(Array("rssh: \(message)\n".utf8), to: STDERR_FILENO)
        exit(ShellOutcome.refusedStatus)
    }
}
