/// Turns rsync's server-side per-file log into `TransferRecord`s, and says how rssh asks rsync for that log.
///
/// The mechanism: an rsync server honours `--log-file=FILE` and `--log-file-format=FMT` on its own command
/// line and writes one line per file it sent (`send`), received (`recv`) or deleted (`del.`), after the file
/// is complete. A client cannot send either option (rssh's rsync table refuses `--log-file*` in any word), so
/// in supervised mode rssh appends `serverArguments(descriptor:)` itself, after validation, right after
/// `--server`: the log goes to a pipe the supervisor keeps open on that descriptor, never to a file in the
/// user's area. rsync opens the path with `fopen(…, "a")`, so it must resolve in the program's file system:
/// `/proc/self/fd/N` needs /proc (a jail without one makes rsync fall back to syslog and tell the client it
/// could not open the log file).
///
/// Each line is `YYYY/MM/DD HH:MM:SS [PID] rssh-transfer OP LENGTH NAME`: `%o` the operation, `%l` the file's
/// length in bytes (rssh refuses `-h`, so it is plain digits), `%f` the name (on a sender as the client named
/// it, on a receiver relative to the destination; directories are not logged without `%i`). rsync escapes a
/// control byte in a name as `\#ooo` and a literal `\#` followed by three digits as `\#134#…`, so names are
/// unambiguous and one line is one record; other lines (rsync's own errors, the start and the totals) do
/// not start with the marker and are only counted. rsync logs completed files only: one refused or cut off
/// shows in the session's exit status (23, 20), not here.
public struct RsyncLogParser: Sendable {
    /// The word that starts every per-file line, so rsync's other lines (errors that quote names) cannot be
    /// taken for one.
    public static let marker = "rssh-transfer"
    /// The `--log-file-format` rssh passes.
    public static let logFileFormat = marker + " %o %l %f"
    /// The most bytes of one line kept (a name escaped four bytes per byte can be long); a longer line is
    /// skipped and counted.
    public static let maximumLineBytes = 16_384

    /// The options rssh appends right after `--server` in supervised mode: the log on `descriptor` (a pipe the
    /// supervisor reads), in `logFileFormat`.
    /// - Parameter descriptor: the descriptor the program inherits the pipe's write end on.
    public static func serverArguments(descriptor: Int32) -> [String] {
        ["--log-file=/proc/self/fd/\(descriptor)", "--log-file-format=" + logFileFormat]
    }

    /// The receiver's destination directory to put before received and deleted names.
    ///
    /// Empty (or `.`) for none. rsync names a received file relative to the destination when that is a directory, and by the
    /// sender's name when the destination is the new file's own name (`rsync a.txt host:b.txt` logs `a.txt`),
    /// so pass the server's last argument only when it names a directory (the client sent it with a trailing
    /// `/`, or the caller checked).
    public let destination: [UInt8]
    private var line: [UInt8] = []
    private var skipping = false
    /// Lines that were not per-file lines (rsync's start, totals and errors), or too long.
    public private(set) var otherLines = 0

    /// Creates a parser for one rsync server.
    /// - Parameter destination: for a receiver, the destination directory its names are relative to.
    public init(destination: [UInt8] = []) {
        self.destination = destination
    }

    /// Reads the next bytes of the log (any chunking) and returns the records of the lines they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [TransferRecord] {
        var records: [TransferRecord] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if skipping {
                    otherLines += 1
                } else if let record = parse(line[...]) {
                    records.append(record)
                } else {
                    otherLines += 1
                }
                line.removeAll(keepingCapacity: true)
                skipping = false
            } else if !skipping {
                if line.count >= Self.maximumLineBytes {
                    skipping = true
                    line.removeAll(keepingCapacity: true)
                } else {
                    line.append(byte)
                }
            }
        }
        return records
    }

    /// Ends the log: a last line without its newline is not a complete record (rsync ends every line).
    public mutating func finish() {
        if !line.isEmpty || skipping { otherLines += 1 }
        line.removeAll()
        skipping = false
    }

    /// One line: the time stamp and pid rsync puts first, then the marker, operation, length and name.
    func parse(_ text: ArraySlice<UInt8>) -> TransferRecord? {
        guard let body = Self.afterPrefix(text), ByteScan.hasPrefix(body, "rssh-transfer ") else { return nil }
        let rest = body.dropFirst(14)
        let operation: TransferRecord.Operation
        if ByteScan.hasPrefix(rest, "send ") {
            operation = .download
        } else if ByteScan.hasPrefix(rest, "recv ") {
            operation = .upload
        } else if ByteScan.hasPrefix(rest, "del. ") {
            operation = .remove
        } else {
            return nil
        }
        let fields = rest.dropFirst(5)
        guard let space = fields.firstIndex(of: UInt8(ascii: " ")), let length = ByteScan.decimal(fields[..<space]),
            let name = Self.unescape(fields[(space + 1)...]), !name.isEmpty
        else { return nil }
        let path = operation == .download ? name : Self.joined(destination, name)
        return TransferRecord(operation, path: path, bytes: operation == .remove ? 0 : length)
    }

    /// What follows `YYYY/MM/DD HH:MM:SS [PID] `; nil if the line does not start that way.
    static func afterPrefix(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        // 2026/12/06 07:09:17 [16666] : digits at fixed places, then a bracketed pid.
        let shape = Array("0000/00/00 00:00:00 [".utf8)
        guard text.count > shape.count + 2 else { return nil }
        var index = text.startIndex
        for expected in shape {
            let byte = text[index]
            if expected == UInt8(ascii: "0") {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            } else {
                guard byte == expected else { return nil }
            }
            index += 1
        }
        guard let close = text[index...].firstIndex(of: UInt8(ascii: "]")), close > index, close - index <= 10,
            ByteScan.decimal(text[index..<close]) != nil, close + 1 < text.endIndex,
            text[close + 1] == UInt8(ascii: " ")
        else { return nil }
        return text[(close + 2)...]
    }

    /// A name with rsync's `\#ooo` escapes undone.
    ///
    /// rsync writes `\#` and three octal digits for a control byte, and escapes a literal backslash that
    /// precedes `#` and three digits the same way (`\#134`), so such a sequence is always an escape; a backslash
    /// followed by anything else is itself. Nil for `\#` and three digits that are not a byte in octal (rsync
    /// writes none).
    static func unescape(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == UInt8(ascii: "\\"), index + 4 < text.endIndex, text[index + 1] == UInt8(ascii: "#"),
                text[(index + 2)...(index + 4)].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            {
                var value: UInt32 = 0
                for digit in text[(index + 2)...(index + 4)] {
                    guard digit <= UInt8(ascii: "7") else { return nil }
                    value = value * 8 + UInt32(digit - UInt8(ascii: "0"))
                }
                guard value <= 0xFF else { return nil }
                result.append(UInt8(value))
                index += 5
            } else {
                result.append(byte)
                index += 1
            }
        }
        return result
    }

    /// `directory/name`, with one slash between them; `name` alone when there is no directory.
    static func joined(_ directory: [UInt8], _ name: [UInt8]) -> [UInt8] {
        guard !directory.isEmpty, directory != [UInt8(ascii: ".")], directory != Array("./".utf8) else { return name }
        if directory.last == UInt8(ascii: "/") { return directory + name }
        return directory + [UInt8(ascii: "/")] + name
    }
}
