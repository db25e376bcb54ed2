/// Watches both directions of a legacy scp session (`scp -t` or `scp -f`) and reports one `TransferRecord` per
/// file, from the protocol's own records, without holding any file data.
///
/// The protocol (OpenSSH's scp.c, WinSCP's SCP mode): the *source* sends records, each one line, and waits for
/// the *sink*'s acknowledgement (a zero byte, or `\1` or `\2` and a message line) before going on:
///
///     sink:   \0                                   (ready)
///     source: T<mtime> 0 <atime> 0\n   sink: \0    (times of the next record, with -p)
///     source: C0644 <size> <name>\n    sink: \0    (a file; refused: \1scp: …\n, and no data follows)
///     source: <size bytes of data>\0   sink: \0    (\1message\n instead of the \0: the source failed to read;
///                                                  the sink's \1message\n: it failed to write)
///     source: D0755 0 <name>\n         sink: \0    (enter a directory, with -r)
///     source: E\n                      sink: \0    (leave it)
///     source: \1message\n                          (a file the source could not send; no acknowledgement)
///
/// With `scp -t` (an upload) the client is the source and rssh's program the sink; with `scp -f` (a download) the
/// program is the source. The observer must see each chunk before it is passed on (so an acknowledgement is never seen
/// before the record it answers); chunks may split anywhere. Work is O(1) per byte and file data is only counted, never
/// kept (a relay may move it without showing it here: `dataAhead`); a record line is kept up to `maximumRecordBytes`
/// and a path up to `maximumPathBytes`. Anything outside the grammar (or a source that does not wait for its
/// acknowledgement) ends the observation with one failed record, "unparseable scp stream", and everything after is
/// ignored: the session itself goes on, only its transfer lines stop.
public struct ScpStreamObserver: Sendable {
    /// What rssh's program is in the session.
    public enum Role: Equatable, Sendable {
        /// `scp -t`: the program receives (an upload); the client sends the records.
        case sink
        /// `scp -f`: the program sends (a download); the client acknowledges.
        case source
    }

    /// The longest record line kept (OpenSSH reads a record into a 2,048-byte buffer and refuses a longer
    /// one): a longer line makes the stream unparseable.
    public static let maximumRecordBytes = 4_096
    /// The longest directory-relative path followed through `D`/`E` nesting; deeper makes the stream
    /// unparseable (the kernel's PATH_MAX).
    public static let maximumPathBytes = 4_096
    /// The most bytes of an error message kept; the rest of its line is read and dropped.
    public static let maximumMessageBytes = 1_024

    /// What the source waits for the sink to acknowledge.
    private enum Pending: Equatable, Sendable {
        case start
        case time
        case file
        case directory
        case endDirectory
        case fileEnd
    }

    /// Where the source's stream is.
    private enum SourceState: Equatable, Sendable {
        /// Waits for the sink's acknowledgement of `Pending`.
        case awaiting(Pending)
        /// Reads a record line into `record`.
        case record
        /// Counts a file's data; this many bytes remain.
        case data(UInt64)
        /// Reads the byte after the data.
        case trailer
        /// Reads the source's error line that replaced the trailer.
        case trailerMessage
        /// A `\2` ended the session: nothing more may come.
        case finished
        /// Outside the grammar: everything is ignored.
        case unparseable
    }

    /// What rssh's program is.
    public let role: Role
    /// The directory the session's names are relative to (the program's target argument, when it is a
    /// directory), or empty.
    public let base: [UInt8]
    private var state = SourceState.awaiting(.start)
    private var record: [UInt8] = []
    /// The sink's error line in progress (nil when none is being read) and whether it is fatal.
    private var acknowledgement: [UInt8]?
    private var fatalAcknowledgement = false
    private var directory: [UInt8] = []
    private var directoryMarks: [Int] = []
    private var file: [UInt8] = []
    private var size: UInt64 = 0
    private var received: UInt64 = 0
    private var trailerError: [UInt8]?
    /// Why the stream was given up; nil while it parses.
    public private(set) var unparseableReason: String?

    /// Creates the observer of one session.
    /// - Parameters:
    ///   - role: `.sink` for `scp -t`, `.source` for `scp -f`.
    ///   - base: a directory to put before every name (empty: names relative to the target).
    public init(role: Role, base: [UInt8] = []) {
        self.role = role
        self.base = base
    }

    /// Bytes the client sent towards the program.
    public mutating func fromClient(_ bytes: UnsafeBufferPointer<UInt8>) -> [TransferRecord] {
        role == .sink ? fromSource(bytes) : fromSink(bytes)
    }

    /// Bytes the program sent towards the client.
    public mutating func fromProgram(_ bytes: UnsafeBufferPointer<UInt8>) -> [TransferRecord] {
        role == .sink ? fromSink(bytes) : fromSource(bytes)
    }

    /// Bytes the client sent towards the program.
    public mutating func fromClient(_ bytes: [UInt8]) -> [TransferRecord] {
        bytes.withUnsafeBufferPointer { fromClient($0) }
    }

    /// Bytes the program sent towards the client.
    public mutating func fromProgram(_ bytes: [UInt8]) -> [TransferRecord] {
        bytes.withUnsafeBufferPointer { fromProgram($0) }
    }

    /// The session ended (either side closed): the file in progress, if any, is reported as partial.
    public mutating func finish() -> [TransferRecord] {
        var records: [TransferRecord] = []
        switch state {
        case .data:
            records.append(
                current(.partial, "the stream ended during the file's data (\(received) of \(size) bytes)")
            )
        case .trailer, .trailerMessage, .awaiting(.fileEnd):
            records.append(current(.partial, "the stream ended before the file was acknowledged"))
        case .awaiting(.file):
            records.append(current(.partial, "the stream ended before the file was accepted"))
        case .record where !record.isEmpty:
            records.append(
                TransferRecord(
                    operation,
                    path: path(directory),
                    result: .failed,
                    reason: text("the stream ended inside a record")
                )
            )
        default: break
        }
        state = .finished
        return records
    }

    /// How many of the next bytes in one direction are file data, which this observer only counts: they may
    /// be moved without being shown to it (`skipData`); 0 when the next byte must be seen.
    /// - Parameter fromClient: the direction: from the client (else from the program).
    public func dataAhead(fromClient: Bool) -> UInt64 {
        guard fromClient == (role == .sink), case .data(let remaining) = state else { return 0 }
        return remaining
    }

    /// Whether the program's next byte would begin a message of its own.
    ///
    /// A record when rssh's program is the source (or before anything was acknowledged), an acknowledgement
    /// when it is the sink: the only places where a WinSCP session's end-of-file line can come
    /// (`WinSCPStreamObserver`).
    public var awaitsProgramMessage: Bool {
        switch role {
        case .source:
            return (state == .record && record.isEmpty) || state == .awaiting(.start) || state == .finished
        case .sink:
            return acknowledgement == nil && state != .unparseable
        }
    }

    /// Counts `count` bytes of file data that were moved without being shown (at most `dataAhead`); nothing
    /// in the sink's direction is ever file data.
    public mutating func skipData(_ count: UInt64, fromClient: Bool) {
        guard fromClient == (role == .sink) else { return }
        _ = countData(count)
    }

    /// Counts up to `available` bytes of the current file's data; returns how many were its data.
    private mutating func countData(_ available: UInt64) -> UInt64 {
        guard case .data(let remaining) = state else { return 0 }
        let taken = min(remaining, available)
        received += taken
        state = remaining == taken ? .trailer : .data(remaining - taken)
        return taken
    }

    // MARK: - The source's stream

    private mutating func fromSource(_ bytes: UnsafeBufferPointer<UInt8>) -> [TransferRecord] {
        var records: [TransferRecord] = []
        var index = 0
        while index < bytes.count {
            switch state {
            case .unparseable:
                return records
            case .finished:
                giveUp("bytes after the session ended", into: &records)
            case .awaiting:
                giveUp("the source went on before its acknowledgement", into: &records)
            case .record:
                let byte = bytes[index]
                index += 1
                if record.isEmpty, !Self.startsRecord(byte) {
                    giveUp("not an scp record", into: &records)
                } else if byte == UInt8(ascii: "\n") {
                    endRecord(into: &records)
                } else if record.count >= Self.maximumRecordBytes {
                    giveUp("a record longer than \(Self.maximumRecordBytes) bytes", into: &records)
                } else {
                    record.append(byte)
                }
            case .data:
                index += Int(countData(UInt64(bytes.count - index)))
            case .trailer:
                let byte = bytes[index]
                index += 1
                if byte == 0 {
                    state = .awaiting(.fileEnd)
                } else if byte == 1 || byte == 2 {
                    trailerError = []
                    state = .trailerMessage
                } else {
                    giveUp("no end byte after the file's data", into: &records)
                }
            case .trailerMessage:
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\n") {
                    state = .awaiting(.fileEnd)
                } else if let count = trailerError?.count, count < Self.maximumMessageBytes {
                    trailerError?.append(byte)
                }
            }
        }
        return records
    }

    /// Whether `byte` can start a record line.
    private static func startsRecord(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "C") || byte == UInt8(ascii: "D") || byte == UInt8(ascii: "E")
            || byte == UInt8(ascii: "T") || byte == 1 || byte == 2
    }

    /// A complete record line (without its newline).
    private mutating func endRecord(into records: inout [TransferRecord]) {
        let line = record[...]
        record.removeAll(keepingCapacity: true)
        guard let kind = line.first else { return }
        switch kind {
        case 1, 2:
            // A file the source could not send (no acknowledgement follows), or the end of the session.
            let message = Array(line.dropFirst().prefix(Self.maximumMessageBytes))
            records.append(TransferRecord(operation, path: [], result: .failed, reason: message))
            state = kind == 2 ? .finished : .record
        case UInt8(ascii: "E"):
            guard line.count == 1 else { return giveUp("a malformed E record", into: &records) }
            state = .awaiting(.endDirectory)
        case UInt8(ascii: "T"):
            guard Self.isTimes(line.dropFirst()) else { return giveUp("a malformed T record", into: &records) }
            state = .awaiting(.time)
        default:
            guard let (length, name) = Self.fileRecord(line.dropFirst()) else {
                return giveUp("a malformed \(kind == UInt8(ascii: "C") ? "C" : "D") record", into: &records)
            }
            guard directory.count + 1 + name.count <= Self.maximumPathBytes else {
                return giveUp("a path longer than \(Self.maximumPathBytes) bytes", into: &records)
            }
            file = directory.isEmpty ? Array(name) : directory + [UInt8(ascii: "/")] + name
            size = kind == UInt8(ascii: "C") ? length : 0
            received = 0
            trailerError = nil
            state = .awaiting(kind == UInt8(ascii: "C") ? .file : .directory)
        }
    }

    /// `<4 octal digits> <decimal size> <name>` after the C or D: the size and the name.
    private static func fileRecord(_ text: ArraySlice<UInt8>) -> (UInt64, ArraySlice<UInt8>)? {
        guard text.count >= 8 else { return nil }
        let mode = text.prefix(4)
        guard mode.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }),
            text[text.startIndex + 4] == UInt8(ascii: " ")
        else { return nil }
        let rest = text.dropFirst(5)
        guard let space = rest.firstIndex(of: UInt8(ascii: " ")), let length = ByteScan.decimal(rest[..<space])
        else { return nil }
        let name = rest[(space + 1)...]
        guard !name.isEmpty else { return nil }
        return (length, name)
    }

    /// `<mtime> <usec> <atime> <usec>` after the T: four decimal numbers.
    private static func isTimes(_ text: ArraySlice<UInt8>) -> Bool {
        let fields = text.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        return fields.count == 4 && fields.allSatisfy { ByteScan.decimal($0) != nil }
    }

    // MARK: - The sink's stream

    private mutating func fromSink(_ bytes: UnsafeBufferPointer<UInt8>) -> [TransferRecord] {
        var records: [TransferRecord] = []
        for byte in bytes {
            if state == .unparseable { return records }
            if var message = acknowledgement {
                if byte == UInt8(ascii: "\n") {
                    acknowledgement = nil
                    acknowledge(error: message, into: &records)
                } else if message.count < Self.maximumMessageBytes {
                    message.append(byte)
                    acknowledgement = message
                }
                continue
            }
            guard case .awaiting = state else {
                giveUp("an acknowledgement nothing waited for", into: &records)
                continue
            }
            switch byte {
            case 0: acknowledge(error: nil, into: &records)
            case 1, 2:
                acknowledgement = []
                fatalAcknowledgement = byte == 2
            default: giveUp("not an acknowledgement", into: &records)
            }
        }
        return records
    }

    /// The sink answered what the source waits for: `nil` for the zero byte, else its error line.
    private mutating func acknowledge(error: [UInt8]?, into records: inout [TransferRecord]) {
        guard case .awaiting(let pending) = state else { return }
        state = .record
        switch pending {
        case .start:
            if let error {
                records.append(TransferRecord(operation, path: path([]), result: .failed, reason: error))
            }
        case .time:
            break
        case .endDirectory:
            if error == nil, let mark = directoryMarks.popLast() { directory.removeSubrange(mark...) }
        case .file:
            if let error {
                records.append(current(.failed, error))
                file = []
            } else if size == 0 {
                state = .trailer
            } else {
                state = .data(size)
            }
        case .directory:
            if let error {
                records.append(current(.failed, error))
            } else {
                directoryMarks.append(directory.count)
                directory = file
            }
            file = []
        case .fileEnd:
            if let reason = trailerError {
                records.append(current(.failed, reason))
            } else if let error {
                records.append(current(.failed, error))
            } else {
                records.append(current(.ok, []))
            }
            trailerError = nil
            file = []
            received = 0
        }
        if error != nil && fatalAcknowledgement { state = .finished }
    }

    // MARK: - Records

    /// Uploads when the program is the sink, downloads when it is the source.
    private var operation: TransferRecord.Operation { role == .sink ? .upload : .download }

    /// The record of the current file (or directory).
    private func current(_ result: TransferRecord.Result, _ reason: [UInt8]) -> TransferRecord {
        TransferRecord(operation, path: path(file), bytes: received, result: result, reason: reason)
    }

    /// The record of the current file (or directory).
    private func current(_ result: TransferRecord.Result, _ reason: String) -> TransferRecord {
        current(result, text(reason))
    }

    /// `relative` below `base`.
    private func path(_ relative: [UInt8]) -> [UInt8] {
        RsyncLogParser.joined(base, relative)
    }

    /// The UTF-8 bytes of `reason`.
    private func text(_ reason: String) -> [UInt8] { Array(reason.utf8) }

    /// Stops parsing, with one failed record naming where it stood.
    private mutating func giveUp(_ reason: String, into records: inout [TransferRecord]) {
        guard state != .unparseable else { return }
        state = .unparseable
        unparseableReason = reason
        record = []
        acknowledgement = nil
        records.append(
            TransferRecord(
                operation,
                path: path(file),
                bytes: received,
                result: .failed,
                reason: text("unparseable scp stream: " + reason)
            )
        )
    }
}
