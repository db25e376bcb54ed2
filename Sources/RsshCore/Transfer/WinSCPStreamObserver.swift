/// Watches both directions of a WinSCP SCP-mode session that rssh answers (`WinSCPResponder`) and reports one
/// `TransferRecord` per file its scp runs move.
///
/// The client's stream is WinSCP's command lines, read as the responder reads them (`WinSCPLine`,
/// `WinSCPCommand`). After a line that runs scp, both streams are the scp protocol (`ScpStreamObserver`),
/// after the responder's begin-of-file line, until its end-of-file line comes back from the program. WinSCP
/// sends its next line only after that line, so in the relay's order every byte falls on the right side. The
/// end-of-file line is recognised only where scp's next message would start (`ScpStreamObserver.awaitsProgramMessage`),
/// whose first byte can never be a `W`; inside a file's data it is data.
///
/// Names are as the line gave them: an upload's files below its target directory (WinSCP always sends `-d`),
/// a download's below the directory that holds its path. A line the responder refuses runs no scp; its
/// stream then holds the two markers and nothing between them, and yields no record. A client that does not
/// follow the protocol only loses its transfer lines, as with `ScpStreamObserver`: the session goes on, and its
/// record's byte counts, which the supervisor counts itself, still cover it.
public struct WinSCPStreamObserver: Sendable {
    /// The scp run in progress, nil between runs.
    private var scp: ScpStreamObserver?
    /// The command line being read from the client.
    private var line: [UInt8] = []
    /// The responder's begin-of-file line, still expected from the program before scp's own output.
    private var beginOfFile: ArraySlice<UInt8> = []
    /// The program's line that may be the end-of-file marker, while it is read.
    private var marker: [UInt8]?
    /// A line too long for the responder, or a program line that was neither scp's nor a marker: nothing
    /// after it is observed.
    public private(set) var stopped = false

    /// The begin-of-file line as the responder writes it.
    private static let beginOfFileLine = Array((WinSCPLine.beginOfFileMarker + "\n").utf8)
    /// The end-of-file marker's fixed part; the status (digits, or nothing for `$status`) and a newline follow.
    private static let endOfFilePrefix = Array((WinSCPLine.endOfFileMarker + ":").utf8)

    /// Creates the observer of one session.
    public init() {}

    /// The scp role and the directory its names are relative to, for an scp line (nil for any other line).
    static func scpRun(_ bytes: [UInt8]) -> (role: ScpStreamObserver.Role, base: [UInt8], beginOfFile: Bool)? {
        guard let line = try? WinSCPLine.parse(bytes), let command = try? WinSCPCommand.parse(line),
            case .scp(let direction, _, let path) = command
        else { return nil }
        switch direction {
        case .upload:
            return (.sink, Array(WinSCPResponder.trimmingSlashes(path)), line.beginOfFile)
        case .download:
            // scp names a file or directory it sends by its last component.
            return (.source, Array(WinSCPResponder.split(path).parent), line.beginOfFile)
        }
    }

    /// Bytes the client sent towards the responder.
    public mutating func fromClient(_ bytes: UnsafeBufferPointer<UInt8>) -> [TransferRecord] {
        var records: [TransferRecord] = []
        var index = 0
        while index < bytes.count, !stopped {
            if scp != nil {
                records += scp?.fromClient(UnsafeBufferPointer(rebasing: bytes[index...])) ?? []
                return records
            }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\n") {
                if let run = Self.scpRun(line) {
                    scp = ScpStreamObserver(role: run.role, base: run.base)
                    beginOfFile = run.beginOfFile ? Self.beginOfFileLine[...] : []
                }
                line.removeAll(keepingCapacity: true)
            } else if line.count >= WinSCPLine.maximumLength {
                // The responder ends such a session.
                stopped = true
            } else {
                line.append(byte)
            }
        }
        return records
    }

    /// Bytes the responder (or its scp) sent towards the client.
    public mutating func fromProgram(_ bytes: UnsafeBufferPointer<UInt8>) -> [TransferRecord] {
        var records: [TransferRecord] = []
        var index = 0
        while index < bytes.count, !stopped, scp != nil {
            let byte = bytes[index]
            if let expected = beginOfFile.first {
                guard byte == expected else { return stop(records) }
                beginOfFile = beginOfFile.dropFirst()
                index += 1
            } else if var line = marker {
                index += 1
                if byte == UInt8(ascii: "\n") {
                    marker = nil
                    guard Self.isEndOfFile(line) else { return stop(records) }
                    records += scp?.finish() ?? []
                    scp = nil
                } else if line.count > Self.endOfFilePrefix.count + 11 {
                    return stop(records)
                } else {
                    line.append(byte)
                    marker = line
                }
            } else if byte == UInt8(ascii: "W"), scp?.awaitsProgramMessage == true {
                marker = [byte]
                index += 1
            } else {
                // scp's own bytes, up to the next one that could start the marker.
                let end = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: "W")) ?? bytes.count
                records += scp?.fromProgram(UnsafeBufferPointer(rebasing: bytes[index..<end])) ?? []
                index = end
            }
        }
        return records
    }

    /// The session ended: a file in progress is reported as partial.
    public mutating func finish() -> [TransferRecord] {
        defer { scp = nil }
        return scp?.finish() ?? []
    }

    /// How many of the next bytes in one direction are file data (`ScpStreamObserver.dataAhead`).
    public func dataAhead(fromClient: Bool) -> UInt64 {
        scp?.dataAhead(fromClient: fromClient) ?? 0
    }

    /// Counts file data moved without being shown.
    public mutating func skipData(_ count: UInt64, fromClient: Bool) {
        scp?.skipData(count, fromClient: fromClient)
    }

    /// `WinSCP: this is end-of-file:` and a status of up to 10 digits, or none.
    private static func isEndOfFile(_ line: [UInt8]) -> Bool {
        guard line.starts(with: endOfFilePrefix) else { return false }
        let status = line.dropFirst(endOfFilePrefix.count)
        return status.count <= 10 && status.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Gives up on the session's transfer lines, after one failed record for the run it was in.
    private mutating func stop(_ records: [TransferRecord]) -> [TransferRecord] {
        stopped = true
        var records = records
        if var scp {
            // Whatever the run had not finished is partial; the run itself is reported as unparseable.
            records += scp.finish()
            records.append(
                TransferRecord(
                    scp.role == .sink ? .upload : .download,
                    path: scp.base,
                    result: .failed,
                    reason: Array("unparseable WinSCP stream: an unexpected line from the program".utf8)
                )
            )
        }
        scp = nil
        return records
    }
}
