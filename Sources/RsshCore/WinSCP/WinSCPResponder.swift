import CRsshLibc

/// Answers WinSCP's SCP mode on a shell channel without running a shell.
///
/// WinSCP drives a Unix shell with a fixed set of command lines (`WinSCPLine`, `WinSCPCommand`). The
/// responder reads them one byte at a time (the scp child reads the same stdin, so nothing may be read
/// ahead), answers each with system calls, and runs only scp, with an argument vector it builds itself:
/// `scp -r [-p] -d -t|-f -- <path>`. After each command it prints WinSCP's end-of-file marker with the
/// status, as the shell's `echo` would. Output goes to stdout, errors to stderr, as WinSCP expects.
///
/// Lines carrying WinSCP's end-of-file echo are answered even when refused (status 127, or 1 for the
/// access mode), so WinSCP shows the error and stays connected. A line without it, an overlong line, or
/// end of input ends the session.
public struct WinSCPResponder {
    /// The facts a session runs with.
    public struct Configuration: Sendable {
        /// The scp program's absolute path (the compiled-in `ProgramPaths` entry).
        public var scpPath: String
        /// What the session may change.
        public var access: WinSCPAccessMode
        /// Where `cd` and `cd ~…` go (the path as seen inside any jail).
        public var homeDirectory: [UInt8]
        /// scp's environment, `NAME=value` each (already allow-listed by the caller).
        public var environment: [[UInt8]]
        /// Where command lines (and scp's protocol) come from.
        public var input: Int32
        /// Where answers go.
        public var output: Int32
        /// Where error messages go.
        public var error: Int32
        /// The checksum programs' absolute paths; empty without the `checksums` option.
        public var checksumPaths: [ServerProgram: String]

        /// Creates a configuration; the descriptors default to stdin, stdout and stderr.
        public init(
            scpPath: String,
            access: WinSCPAccessMode,
            homeDirectory: [UInt8],
            environment: [[UInt8]],
            input: Int32 = 0,
            output: Int32 = 1,
            error: Int32 = 2,
            checksumPaths: [ServerProgram: String] = [:]
        ) {
            self.scpPath = scpPath
            self.access = access
            self.homeDirectory = homeDirectory
            self.environment = environment
            self.input = input
            self.output = output
            self.error = error
            self.checksumPaths = checksumPaths
        }
    }

    /// The session's facts.
    public let configuration: Configuration
    /// Called with every line before it is acted on; returning false refuses it (the record could not be
    /// written and the caller requires one).
    let record: (WinSCPEvent) -> Bool
    /// The status `$?` holds.
    var lastStatus: Int32 = 0
    /// Owner and group names already looked up.
    var names = AccountNames()

    /// The exit status when the input does not look like WinSCP at all.
    public static let protocolErrorStatus: Int32 = 1

    /// The most refused lines one session may send.
    ///
    /// Each is an audit record (WinSCP itself sends a handful at most). They count against the session's
    /// `RecordBudget` too.
    public static let maximumRefusals = 100

    /// The session's budget of log lines and audit records: every reported line goes through it.
    private(set) var budget = RecordBudget()

    /// How many lines this session has had refused.
    var refusals: Int { budget.refusals }

    /// Creates a responder.
    /// - Parameters:
    ///   - configuration: the session's facts.
    ///   - record: called with every line before it runs; return false when it could not be recorded and
    ///     the caller requires a record (`requireaudit`): the session ends.
    public init(configuration: Configuration, record: @escaping (WinSCPEvent) -> Bool) {
        self.configuration = configuration
        self.record = record
    }

    /// Answers lines until end of input, or until a line that is not WinSCP's.
    /// - Returns: the exit status for the session: the last command's status at end of input, or
    ///   `protocolErrorStatus` after a line that is not WinSCP's, too many refusals, a line that could not
    ///   be recorded, or a spent budget. The session's summary is reported last, whatever ended it.
    public mutating func run() -> Int32 {
        while true {
            switch readLine() {
            case .endOfInput:
                return finish(lastStatus)
            case .tooLong:
                let error = WinSCPLineError.tooLong(WinSCPLine.maximumLength + 1)
                _ = report(WinSCPEvent(kind: .refused, line: [], reason: error.description))
                writeError("rssh: \(error.description); session ended\n")
                return finish(Self.protocolErrorStatus)
            case .line(let bytes):
                guard answer(bytes) else { return finish(Self.protocolErrorStatus) }
            }
        }
    }

    /// Reports the session's summary (unless a spent budget already did) and returns `status`.
    mutating func finish(_ status: Int32) -> Int32 {
        if !exhausted { _ = record(WinSCPEvent(kind: .summary, line: [], reason: budget.summary())) }
        return status
    }

    /// Whether the budget ended the session (its summary is then already reported).
    private(set) var exhausted = false

    /// Reports one line through the session's budget.
    ///
    /// The line is logged (and recorded), only counted, or, past the budget, replaced by the summary record.
    /// False when the session must end (the budget is spent, or the line could not be recorded and a record
    /// is required).
    mutating func report(_ event: WinSCPEvent) -> Bool {
        switch budget.admit(event.kind) {
        case .count:
            return true
        case .log:
            guard record(event) else {
                writeError("rssh: the session could not be recorded; session ended\n")
                return false
            }
            return true
        case .exhausted:
            exhausted = true
            let reason =
                "session ended: its budget of \(budget.limit) logged lines is spent; " + budget.summary(cutOff: 1)
            _ = record(WinSCPEvent(kind: .exhausted, line: event.line, reason: reason))
            writeError("rssh: this session reached its limit of \(budget.limit) logged commands; session ended\n")
            return false
        }
    }

    /// Answers one line; false when the session must end.
    mutating func answer(_ bytes: [UInt8]) -> Bool {
        let line: WinSCPLine
        do {
            line = try WinSCPLine.parse(bytes)
        } catch {
            guard report(WinSCPEvent(kind: .refused, line: bytes, reason: error.description)) else { return false }
            writeError(
                "rssh: \(error.description); this account only answers WinSCP's SCP mode, session ended\n"
            )
            return false
        }
        if line.beginOfFile { writeOutput(Array((WinSCPLine.beginOfFileMarker + "\n").utf8)) }
        guard let status = respond(to: line, bytes: bytes) else { return false }
        lastStatus = status
        if refusals >= Self.maximumRefusals {
            writeError("rssh: too many refused commands (\(refusals)); session ended\n")
            return false
        }
        var marker = WinSCPLine.endOfFileMarker + ":"
        switch line.returnVariable {
        case .questionMark: marker += String(lastStatus)
        case .status: break
        case .zero: marker += "0"
        }
        writeOutput(Array((marker + "\n").utf8))
        // The end-of-file echo itself succeeded.
        lastStatus = 0
        return true
    }

    /// Parses, checks, reports and runs the command on a framed line: its status, or nil when the session
    /// must end (see `report`).
    mutating func respond(to line: WinSCPLine, bytes: [UInt8]) -> Int32? {
        let command: WinSCPCommand
        do {
            command = try WinSCPCommand.parse(line)
        } catch {
            guard report(WinSCPEvent(kind: .refused, line: bytes, reason: error.description)) else { return nil }
            writeError("rssh: \(error.description)\n")
            return error.status
        }
        if let refusal = configuration.access.refusal(of: command) ?? optionRefusal(of: command) {
            guard report(WinSCPEvent(kind: .refused, line: bytes, reason: refusal)) else { return nil }
            writeError("rssh: \(Self.name(of: command)): \(refusal)\n")
            return 1
        }
        guard report(WinSCPEvent(kind: WinSCPEvent.kind(of: command), line: bytes)) else { return nil }
        return execute(command)
    }

    /// Runs an accepted command: its status.
    mutating func execute(_ command: WinSCPCommand) -> Int32 {
        switch command {
        case .keepalive:
            return lastStatus
        case .echoReturnCode:
            writeOutput(Array("\(lastStatus)\n".utf8))
            return 0
        case .echoStatus:
            writeOutput([UInt8(ascii: "\n")])
            return 0
        case .printLanguage:
            // WinSCP only looks for "UTF-8"; file names pass through as bytes.
            writeOutput(Array("C.UTF-8\n".utf8))
            return 0
        case .unset, .unalias:
            return 0
        case .groups:
            return printGroups()
        case .printDirectory:
            return printWorkingDirectory()
        case .changeDirectory(let directory):
            return changeDirectory(directory)
        case .list(let path, let itself, let fullTime):
            return list(path: path, directoryItself: itself, fullTime: fullTime)
        case .makeDirectory(let path):
            return makeDirectory(path)
        case .remove(let path):
            return remove(path)
        case .move(let from, let to):
            return move(from: from, to: to)
        case .changeMode(let mode, let recursive, let path):
            return changeMode(mode, recursive: recursive, path: path)
        case .link(let target, let name, let symbolic):
            return link(target: target, name: name, symbolic: symbolic)
        case .scp(let direction, let preserve, let path):
            return runScp(direction, preserve: preserve, path: path)
        case .checksum(let program, let paths):
            return runChecksum(program, paths: paths)
        }
    }

    /// Why `command` is refused for want of an option, or nil.
    func optionRefusal(of command: WinSCPCommand) -> String? {
        guard case .checksum(let program, _) = command, configuration.checksumPaths[program] == nil else { return nil }
        return "not allowed for this user (no checksums option)"
    }

    /// The command's name for messages.
    static func name(of command: WinSCPCommand) -> String {
        switch command {
        case .keepalive, .echoReturnCode, .echoStatus: "echo"
        case .printLanguage: "printenv"
        case .unset: "unset"
        case .unalias: "unalias"
        case .groups: "groups"
        case .printDirectory: "pwd"
        case .changeDirectory: "cd"
        case .list: "ls"
        case .makeDirectory: "mkdir"
        case .remove: "rm"
        case .move: "mv"
        case .changeMode: "chmod"
        case .link: "ln"
        case .scp: "scp"
        case .checksum(let program, _): program.name
        }
    }

    // MARK: - Input and output

    enum InputLine {
        case line([UInt8])
        case tooLong
        case endOfInput
    }

    /// Reads up to a newline, one byte per read(2).
    ///
    /// Whatever follows the newline belongs to the next reader, which may be scp. A last line without a
    /// newline is dropped, never run.
    func readLine() -> InputLine {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = system_read(configuration.input, &byte, 1)
            if count < 0 && system_errno() == EINTR { continue }
            guard count == 1 else { return .endOfInput }
            if byte == UInt8(ascii: "\n") { return .line(line) }
            guard line.count < WinSCPLine.maximumLength else { return .tooLong }
            line.append(byte)
        }
    }

    // A peer that is gone ends the session on the next read; a failed write needs no handling of its own.
    func writeOutput(_ bytes: [UInt8]) { DescriptorIO.writeAll(bytes, to: configuration.output) }

    func writeError(_ text: String) { DescriptorIO.writeAll(Array(text.utf8), to: configuration.error) }
}
