/// Turns OpenSSH sftp-server's own log (on stderr with `-e`, at `-l VERBOSE`, `-l DEBUG1` or `-l INFO`)
/// into `TransferRecord`s.
///
/// The lines that matter, as sftp-server 9.2 writes them (one `write(2)` each, ending in CR LF; recorded
/// samples are in the tests):
///
///     open "/home/u/up.bin" flags WRITE,CREATE,TRUNCATE mode 0644
///     close "/home/u/up.bin" bytes read 0 written 5000
///     forced close "/home/u/up.bin" bytes read 0 written 777      (the client went away first)
///     sent status No such file                                    (the request before it failed)
///     posix-rename old "/home/u/a" new "/home/u/b"                (or `rename old … new …`)
///     remove name "/home/u/a"
///     mkdir name "/home/u/d" mode 0777
///     rmdir name "/home/u/d"
///
/// A `close` gives the file's bytes, matched to its `open` by name. Only failures log a `sent status` below
/// DEBUG1, so whose it is depends on which requests log a line first (`Level`): at VERBOSE
/// (`serverArguments`) every request that names a path does, at INFO stat and realpath do not, and at DEBUG1
/// every request does and every status is logged (exact, but two lines per read or write). Paths are logged as
/// the client sent them, so as the user sees them (inside a jail, relative to the jail's root). Other lines
/// (session opened, opendir, set, stat, DEBUG1's request lines, …) are ignored.
///
/// Trust: with `-e`, sftp-server escapes neither CR nor LF in a name (OpenSSH logs to stderr with `VIS_SAFE`).
/// A name with a bare LF is put back together here (real lines end in CR LF), but a file named with CR LF can
/// forge whole lines: a transfer line is as trustworthy as sftp-server's own log, and the session record's
/// byte counts (counted by the supervisor) bound what a session really moved. Lines longer than
/// `maximumLineBytes`, and names sftp-server cut (its messages stop at 1,022 bytes), are counted in
/// `unparsedLines`, not reported.
public struct SftpServerLogParser: Sendable {
    /// The most bytes of one line kept; a longer line is skipped and counted.
    ///
    /// sftp-server's messages are at most 1,022 bytes; the rest of the room is for names with a bare LF put
    /// back together.
    public static let maximumLineBytes = 4_096
    /// The most files tracked as open at once (OpenSSH's client keeps one or two; past this the oldest is
    /// reported as it stands).
    public static let maximumOpenFiles = 64

    /// A file sftp-server logged as opened and not yet as closed.
    private struct OpenFile: Sendable {
        var name: [UInt8]
        var writes: Bool
        /// The `sent status` that followed the open, if one did.
        var status: [UInt8]?
    }

    /// What the last line was, for the `sent status` line that may follow it.
    private enum Last: Sendable {
        case other
        case open
        case change(TransferRecord)
    }

    /// How much sftp-server logs, which decides whose a `sent status` line is.
    public enum Level: Equatable, Sendable {
        /// `-l VERBOSE` (what `serverArguments` asks for): every request that names a path logs a line before
        /// it runs, stat, lstat and realpath included, and only failures log a status. So a status after a
        /// change is the change's, unless a read, write or fstat on an open file (which log nothing) failed
        /// right after it; an open is known to have failed only when no close ever follows. No line per read
        /// or write: with DEBUG1's two, a supervised 1 GiB sftp upload measured 1.06 of exec mode's time, with
        /// VERBOSE 1.02 (`make bench` row 9's method run alone; within the machine's noise, which a whole
        /// `make bench` run also shows: 1.06 at VERBOSE).
        case verbose
        /// `-l INFO`: only failures log a `sent status`, and requests that are not logged (stat, realpath)
        /// fail silently too, so a status after a change may be a later request's, and an open is known to have
        /// failed only when no close ever follows.
        case info
        /// `-l DEBUG1`: every request's status is logged, right after the request's own line, and a successful
        /// open logs its handle; so each result is exact.
        case debug
    }

    /// The options that make sftp-server write its log to stderr (the supervisor's pipe) at the level this
    /// parser reads by default.
    public static let serverArguments = ["-e", "-l", "VERBOSE"]

    /// The level sftp-server runs at.
    public let level: Level
    private var line: [UInt8] = []
    private var skipping = false
    private var afterCarriageReturn = false
    private var files: [OpenFile] = []
    private var last = Last.other
    /// Lines that were too long, cut by sftp-server, or not of a known form that reports a transfer.
    public private(set) var unparsedLines = 0

    /// Creates a parser at the start of a session.
    /// - Parameter level: the level sftp-server was started with.
    public init(level: Level = .verbose) {
        self.level = level
    }

    /// Reads the next bytes of sftp-server's stderr (any chunking) and returns the records they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [TransferRecord] {
        var records: [TransferRecord] = []
        for byte in bytes {
            defer { afterCarriageReturn = byte == 0x0D }
            if byte == UInt8(ascii: "\n") && afterCarriageReturn {
                if skipping {
                    unparsedLines += 1
                } else {
                    line.removeLast()
                    message(line[...], into: &records)
                }
                line.removeAll(keepingCapacity: true)
                skipping = false
                continue
            }
            // A bare LF is part of a name: the message goes on.
            if skipping { continue }
            if line.count >= Self.maximumLineBytes {
                skipping = true
                line.removeAll(keepingCapacity: true)
                continue
            }
            line.append(byte)
        }
        return records
    }

    /// Ends the session: reports the change awaiting its status and every file never closed (refused when a
    /// `sent status` followed its open, otherwise cut off).
    public mutating func finish() -> [TransferRecord] {
        var records: [TransferRecord] = []
        if !line.isEmpty && !skipping { unparsedLines += 1 }
        line.removeAll()
        flushChange(into: &records)
        for file in files { records.append(Self.unclosed(file)) }
        files.removeAll()
        return records
    }

    /// One complete message, without its CR LF.
    private mutating func message(_ text: ArraySlice<UInt8>, into records: inout [TransferRecord]) {
        if ByteScan.hasPrefix(text, "sent status ") {
            let status = Array(text.dropFirst(12))
            let success = status == Array("Success".utf8)
            switch last {
            case .open where !success:
                guard var file = files.popLast() else { break }
                if level == .debug {
                    // At DEBUG1 a successful open logs its handle first: this status is the open's own.
                    records.append(
                        TransferRecord(
                            file.writes ? .upload : .download,
                            path: file.name,
                            result: .failed,
                            reason: status
                        )
                    )
                } else {
                    file.status = status
                    files.append(file)
                }
            case .change(var record) where !success:
                record.result = .failed
                record.reason = status
                switch level {
                case .info:
                    record.reason += Array(" (or a later request's: sftp-server at INFO does not say)".utf8)
                case .verbose:
                    record.reason += Array(
                        " (or a later request's on an open file: sftp-server at VERBOSE does not say)".utf8
                    )
                case .debug:
                    break
                }
                records.append(record)
                last = .other
            default: break
            }
            flushChange(into: &records)
            return
        }
        flushChange(into: &records)
        if let open = Self.parseOpen(text) {
            if files.count >= Self.maximumOpenFiles { records.append(Self.unclosed(files.removeFirst())) }
            files.append(open)
            last = .open
        } else if let record = parseClose(text) {
            records.append(record)
        } else if let change = Self.parseChange(text) {
            last = .change(change)
        } else if !Self.isQuiet(text) {
            unparsedLines += 1
        }
    }

    /// Lines that report no transfer: the session's start and end, directory reads, attribute changes,
    /// metadata requests, and DEBUG1's request lines.
    private static func isQuiet(_ text: ArraySlice<UInt8>) -> Bool {
        for prefix: StaticString in [
            "session ", "opendir ", "closedir ", "set ", "debug1: ", "received client version ", "realpath ",
            "lstat name ", "stat name ", "symlink old ", "hardlink old ", "users-groups-by-id: ", "statvfs ",
            "fstatvfs ", "copy-data ",
        ] where ByteScan.hasPrefix(text, prefix) {
            return true
        }
        return false
    }

    /// Reports the change the last line announced as done: no `sent status` followed it.
    private mutating func flushChange(into records: inout [TransferRecord]) {
        if case .change(let record) = last { records.append(record) }
        last = .other
    }

    /// `open "NAME" flags FLAGS mode OCTAL`, read from the right so a name may hold anything.
    private static func parseOpen(_ text: ArraySlice<UInt8>) -> OpenFile? {
        guard ByteScan.hasPrefix(text, "open \""),
            let mode = ByteScan.lastOccurrence(of: " mode ", in: text),
            ByteScan.all(text[(mode + 6)...], { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }),
            let flags = ByteScan.lastOccurrence(of: "\" flags ", in: text[..<mode]),
            flags >= text.startIndex + 6
        else { return nil }
        let words = text[(flags + 8)..<mode]
        guard ByteScan.all(words, { ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || $0 == UInt8(ascii: ",") })
        else { return nil }
        let writes =
            ByteScan.occurrences(of: "WRITE", in: words, limit: 1).count == 1
            || ByteScan.occurrences(of: "APPEND", in: words, limit: 1).count == 1
        return OpenFile(name: unvis(text[(text.startIndex + 6)..<flags]), writes: writes)
    }

    /// `[forced ]close "NAME" bytes read N written N`: the record of the file, matched to its open by name.
    private mutating func parseClose(_ whole: ArraySlice<UInt8>) -> TransferRecord? {
        let forced = ByteScan.hasPrefix(whole, "forced ")
        let text = forced ? whole.dropFirst(7) : whole
        guard ByteScan.hasPrefix(text, "close \""),
            let written = ByteScan.lastOccurrence(of: " written ", in: text),
            let writtenBytes = ByteScan.decimal(text[(written + 9)...]),
            let read = ByteScan.lastOccurrence(of: "\" bytes read ", in: text[..<written]),
            read >= text.startIndex + 7,
            let readBytes = ByteScan.decimal(text[(read + 13)..<written])
        else { return nil }
        let name = Self.unvis(text[(text.startIndex + 7)..<read])
        var writes = writtenBytes > 0
        if let index = files.lastIndex(where: { $0.name == name }) {
            writes = writes || files[index].writes
            files.remove(at: index)
        }
        var record = TransferRecord(
            writes ? .upload : .download,
            path: name,
            bytes: writes ? writtenBytes : readBytes
        )
        if forced {
            record.result = .partial
            record.reason = Array("the session ended before the client closed the file".utf8)
        }
        return record
    }

    /// A rename, remove, mkdir or rmdir line.
    private static func parseChange(_ text: ArraySlice<UInt8>) -> TransferRecord? {
        if ByteScan.hasPrefix(text, "remove name \""), text.count >= 14, text.last == UInt8(ascii: "\"") {
            return TransferRecord(.remove, path: unvis(text.dropFirst(13).dropLast()))
        }
        if ByteScan.hasPrefix(text, "rmdir name \""), text.count >= 13, text.last == UInt8(ascii: "\"") {
            return TransferRecord(.removeDirectory, path: unvis(text.dropFirst(12).dropLast()))
        }
        if ByteScan.hasPrefix(text, "mkdir name \""), let mode = ByteScan.lastOccurrence(of: "\" mode ", in: text),
            mode >= text.startIndex + 12,
            ByteScan.all(text[(mode + 7)...], { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") })
        {
            return TransferRecord(.makeDirectory, path: unvis(text[(text.startIndex + 12)..<mode]))
        }
        let names: ArraySlice<UInt8>
        if ByteScan.hasPrefix(text, "rename old \"") {
            names = text.dropFirst(12)
        } else if ByteScan.hasPrefix(text, "posix-rename old \"") {
            names = text.dropFirst(18)
        } else {
            return nil
        }
        guard names.last == UInt8(ascii: "\"") else { return nil }
        let inner = names.dropLast()
        let separators = ByteScan.occurrences(of: "\" new \"", in: inner)
        guard separators.count == 1, let separator = separators.first else {
            // A name holding `" new "` makes the two names inseparable: report them as one.
            return TransferRecord(
                .rename,
                path: unvis(inner),
                reason: Array("the old and new names cannot be told apart".utf8)
            )
        }
        return TransferRecord(.rename, path: unvis(inner[..<separator]), target: unvis(inner[(separator + 7)...]))
    }

    /// A name as sftp-server wrote it, decoded: OpenSSH's log passes messages through `strnvis(3)` with
    /// `VIS_SAFE | VIS_OCTAL`, which writes a backslash as `\\` and a byte outside printable ASCII (but CR, LF,
    /// TAB, BS and BEL) as `\ooo`; anything else stays as it is.
    static func unvis(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < text.endIndex else {
                result.append(byte)
                index += 1
                continue
            }
            if text[index + 1] == UInt8(ascii: "\\") {
                result.append(byte)
                index += 2
            } else if index + 3 < text.endIndex,
                text[(index + 1)...(index + 3)].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }),
                text[index + 1] <= UInt8(ascii: "3")
            {
                var value: UInt8 = 0
                for digit in text[(index + 1)...(index + 3)] { value = value &* 8 &+ (digit - UInt8(ascii: "0")) }
                result.append(value)
                index += 4
            } else {
                result.append(byte)
                index += 1
            }
        }
        return result
    }

    /// The record of a file never closed.
    private static func unclosed(_ file: OpenFile) -> TransferRecord {
        if let status = file.status {
            return TransferRecord(file.writes ? .upload : .download, path: file.name, result: .failed, reason: status)
        }
        return TransferRecord(
            file.writes ? .upload : .download,
            path: file.name,
            result: .partial,
            reason: Array("no close was logged".utf8)
        )
    }
}
