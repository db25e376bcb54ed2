import CRsshLibc

/// Where a supervised session's transfer lines go: a syslog line and an audit record each.
public protocol TransferSink {
    /// Writes one line of the transfer log: `line` to syslog, `audit` as an `op=rssh-transfer` audit record.
    mutating func write(line: String, audit: String, success: Bool)
}

/// The sink of a real session: syslog through rssh's logger, the audit record through `AuditTrail`'s sending
/// path (only when the session can write audit records at all; the syslog line is written either way).
public struct SyslogAuditSink: TransferSink {
    let log: SyslogLogger
    let audit: AuditTrail.Assessment
    let address: String?

    /// Creates the sink of one session.
    public init(log: SyslogLogger, audit: AuditTrail.Assessment, address: String?) {
        self.log = log
        self.audit = audit
        self.address = address
    }

    /// Sends the audit record (if it can), then logs the line (warning for a failed or partial transfer).
    public mutating func write(line: String, audit message: String, success: Bool) {
        if audit.problem == nil {
            _ = AuditTrail.send(message: message, address: address, success: success, comm: "rssh")
        }
        if success { log.info(line) } else { log.warning(line) }
    }
}

/// The transfer log of a supervised session (issue 20): the `SessionObserver` that feeds the program's own
/// log or protocol to the right reader and writes each `TransferRecord` through a `TransferLog` (the cap).
///
/// Chosen by the vetted program (`TransferPlan.choose`): sftp-server runs with `-e -l VERBOSE` (added by `CommandVetter`
/// for a supervised policy) and its stderr is read here and kept from the client once its log has begun (the lines
/// before it, rssh's or the chroot helper's own messages, still reach the client); scp's two streams are read before
/// they are relayed (`ScpStreamObserver`: the relay copies its records and acknowledgements, and splices each file's
/// data, which is only counted); rsync writes `--log-file` to a pipe the program holds on `logDescriptor`
/// (`TransferPlan.rsyncArguments`), not in a jail (no /proc there); a WinSCP session's command stream is read for
/// the scp runs in it (`WinSCPStreamObserver`). Any other program: only the session record's
/// counts.
public struct TransferObserver<Sink: TransferSink>: SessionObserver {
    private var sftp: SftpServerLogParser?
    private var scp: ScpStreamObserver?
    private var winscp: WinSCPStreamObserver?
    private var rsync: RsyncLogParser?
    /// Whether sftp-server's log has begun (its first line ending in CR LF): from then on stderr is its log.
    private var sftpLogging = false
    /// The cap and the session's id and user.
    public private(set) var log: TransferLog
    /// Where the lines go.
    public private(set) var sink: Sink

    /// Creates the observer of one session.
    public init(plan: TransferPlan, log: TransferLog, sink: Sink) {
        self.log = log
        self.sink = sink
        switch plan {
        case .none: break
        case .sftpServer: sftp = SftpServerLogParser()
        case .scp(let role, let base): scp = ScpStreamObserver(role: role, base: base)
        case .rsync(let destination): rsync = RsyncLogParser(destination: destination)
        case .winscp: winscp = WinSCPStreamObserver()
        }
    }

    /// True for scp and WinSCP: each chunk is read before it is relayed, except each file's data
    /// (`opaqueBytesAhead`).
    public var wantsBytes: Bool { scp != nil || winscp != nil }

    /// True for sftp-server: its log stays here.
    public var filtersProgramLines: Bool { sftp != nil }

    /// Feeds scp's records (and WinSCP's command lines).
    public mutating func observe(_ bytes: ArraySlice<UInt8>, direction: RelayDirection) {
        guard scp != nil || winscp != nil else { return }
        let records = bytes.withUnsafeBufferPointer { buffer in
            if direction == .fromClient { return scp?.fromClient(buffer) ?? winscp?.fromClient(buffer) ?? [] }
            return scp?.fromProgram(buffer) ?? winscp?.fromProgram(buffer) ?? []
        }
        write(records)
    }

    /// scp's file data in its source's direction: counted, never read.
    public func opaqueBytesAhead(_ direction: RelayDirection) -> UInt64 {
        let fromClient = direction == .fromClient
        return scp?.dataAhead(fromClient: fromClient) ?? winscp?.dataAhead(fromClient: fromClient) ?? 0
    }

    /// Counts scp's file data the relay spliced.
    public mutating func skipped(_ count: UInt64, direction: RelayDirection) {
        scp?.skipData(count, fromClient: direction == .fromClient)
        winscp?.skipData(count, fromClient: direction == .fromClient)
    }

    /// Other programs' stderr: nothing to read.
    public mutating func programLine(_ line: [UInt8]) {}

    /// Feeds sftp-server's log; the client gets only what came before it.
    public mutating func passesProgramLine(_ line: [UInt8]) -> Bool {
        guard sftp != nil else { return true }
        if line.last == UInt8(ascii: "\r") { sftpLogging = true }
        write(sftp?.feed(line + [UInt8(ascii: "\n")]) ?? [])
        return !sftpLogging
    }

    /// Feeds rsync's log.
    public mutating func programLog(_ bytes: ArraySlice<UInt8>) {
        guard rsync != nil else { return }
        write(rsync?.feed(bytes) ?? [])
    }

    /// The files still open are reported as they stand, then the cap's closing line if it was reached.
    public mutating func relayEnded() {
        write(sftp?.finish() ?? [])
        write(scp?.finish() ?? [])
        write(winscp?.finish() ?? [])
        rsync?.finish()
        if let line = log.closingLine, let audit = log.closingAuditMessage {
            sink.write(line: line, audit: audit, success: false)
        }
    }

    private mutating func write(_ records: [TransferRecord]) {
        for record in records {
            guard let line = log.line(for: record) else { continue }
            sink.write(
                line: line,
                audit: record.auditMessage(session: log.session, user: log.user),
                success: record.succeeded
            )
        }
    }
}
