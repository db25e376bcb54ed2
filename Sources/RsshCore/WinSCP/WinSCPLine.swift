/// One line of WinSCP's SCP-mode protocol, taken apart without a shell.
///
/// WinSCP sends each command as `[echo "WinSCP: this is begin-of-file" ; ]<command> ; echo "WinSCP: this is
/// end-of-file:<RV>"`, with `<RV>` exactly `$?`, `$status` or `0`, and, to skip the startup message and as a
/// keepalive, the end-of-file echo alone. The echoes are matched as fixed text; only the command between
/// them is split into words, and only in WinSCP's own quoting: double-quoted words in which a backslash
/// escapes exactly `$`, `` ` ``, `"` or `\` (and nothing else may be escaped or expanded), or bare words from
/// a small alphabet. Everything a shell would interpret (operators, expansions, globs, a second command) is
/// refused, never run.
public struct WinSCPLine: Equatable, Sendable {
    /// The longest line accepted, in bytes (WinSCP's longest lines are two quoted paths).
    public static let maximumLength = 8_192

    /// What WinSCP asked the end-of-file echo to print after the colon.
    public enum ReturnVariable: Equatable, Sendable, CustomStringConvertible {
        /// `$?`, which a Bourne shell sets to the last command's status.
        case questionMark
        /// `$status`, a csh variable a Bourne shell leaves empty.
        case status
        /// `0`, sent while WinSCP is still detecting which variable works.
        case zero

        /// The text as WinSCP writes it.
        public var description: String {
            switch self {
            case .questionMark: "$?"
            case .status: "$status"
            case .zero: "0"
            }
        }
    }

    /// Whether the line starts with the begin-of-file echo (WinSCP adds it only to its scp commands).
    public var beginOfFile: Bool
    /// The command between the echoes, as sent; empty for the end-of-file echo alone.
    public var command: [UInt8]
    /// Where `command` starts in the line, for error offsets.
    public var commandOffset: Int
    /// The end-of-file echo's variable.
    public var returnVariable: ReturnVariable

    static let beginOfFileEcho = Array("echo \"WinSCP: this is begin-of-file\" ; ".utf8)
    static let endOfFilePrefix = Array("echo \"WinSCP: this is end-of-file:".utf8)
    static let separator = Array(" ; ".utf8)

    /// The line the begin-of-file echo prints.
    public static let beginOfFileMarker = "WinSCP: this is begin-of-file"
    /// The line the end-of-file echo prints, before the colon and the value.
    public static let endOfFileMarker = "WinSCP: this is end-of-file"

    /// Takes `line` (without its newline) apart into the echoes and the command text.
    /// - Throws: `WinSCPLineError.tooLong` or `.notFramed` when the line is not WinSCP's shape at all.
    public static func parse(_ line: [UInt8]) throws(WinSCPLineError) -> WinSCPLine {
        guard line.count <= maximumLength else { throw .tooLong(line.count) }
        let variables: [ReturnVariable] = [.questionMark, .status, .zero]
        for variable in variables {
            let echo = endOfFilePrefix + Array(variable.description.utf8) + [UInt8(ascii: "\"")]
            if line == echo {
                return WinSCPLine(beginOfFile: false, command: [], commandOffset: 0, returnVariable: variable)
            }
            let suffix = separator + echo
            guard line.count > suffix.count, line.suffix(suffix.count).elementsEqual(suffix) else { continue }
            var body = Array(line.prefix(line.count - suffix.count))
            var offset = 0
            var begin = false
            if body.starts(with: beginOfFileEcho) {
                body.removeFirst(beginOfFileEcho.count)
                offset = beginOfFileEcho.count
                begin = true
            }
            return WinSCPLine(beginOfFile: begin, command: body, commandOffset: offset, returnVariable: variable)
        }
        throw .notFramed
    }

    /// Whether this is the end-of-file echo alone (WinSCP's startup-message skip and keepalive).
    public var isEndOfFileOnly: Bool { command.isEmpty && !beginOfFile }

    /// The command split into words.
    /// - Throws: `WinSCPLineError` for anything outside WinSCP's quoting.
    public func words() throws(WinSCPLineError) -> [WinSCPWord] {
        var words: [WinSCPWord] = []
        var index = 0
        let text = command
        let space = UInt8(ascii: " ")
        let quote = UInt8(ascii: "\"")
        while index < text.count {
            let byte = text[index]
            let offset = commandOffset + index
            if byte == space {
                index += 1
                continue
            }
            var word: [UInt8] = []
            let start = offset
            if byte == quote {
                index += 1
                while true {
                    guard index < text.count else { throw .unmatchedQuote(offset: start) }
                    var inner = text[index]
                    if inner == quote { break }
                    if inner == UInt8(ascii: "\\") {
                        guard index + 1 < text.count, Self.isEscapable(text[index + 1]) else {
                            throw .unsupportedEscape(offset: commandOffset + index)
                        }
                        index += 1
                        inner = text[index]
                    } else if inner == UInt8(ascii: "$") || inner == UInt8(ascii: "`") {
                        throw .expansion(offset: commandOffset + index, byte: inner)
                    }
                    if Self.isControl(inner) { throw .controlCharacter(offset: commandOffset + index, byte: inner) }
                    word.append(inner)
                    index += 1
                }
                index += 1
                guard index == text.count || text[index] == space else {
                    throw .joinedWord(offset: commandOffset + index)
                }
                guard !word.isEmpty else { throw .emptyWord(offset: start) }
                words.append(WinSCPWord(bytes: word, isQuoted: true))
                continue
            }
            while index < text.count, text[index] != space {
                let inner = text[index]
                let at = commandOffset + index
                if Self.isControl(inner) { throw .controlCharacter(offset: at, byte: inner) }
                if inner == quote { throw .joinedWord(offset: at) }
                if inner == UInt8(ascii: "~") {
                    guard word.isEmpty else { throw .misplacedTilde(offset: at) }
                } else if !Self.isBare(inner) {
                    throw .metacharacter(offset: at, byte: inner)
                }
                word.append(inner)
                index += 1
            }
            words.append(WinSCPWord(bytes: word, isQuoted: false))
        }
        guard !words.isEmpty else { throw .emptyCommand }
        return words
    }

    /// The bytes WinSCP's `DelimitStr` escapes inside double quotes.
    static func isEscapable(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "$") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "\\")
    }

    static func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }

    /// The bare-word alphabet: letters, digits and `- + , . / _ =` (options, modes, variable names).
    static func isBare(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "/"),
            UInt8(ascii: "_"), UInt8(ascii: "="):
            true
        default: false
        }
    }
}

/// One word of a WinSCP command: its bytes after quote removal, and whether it was double-quoted.
public struct WinSCPWord: Equatable, Sendable {
    /// The word's bytes, escapes undone.
    public var bytes: [UInt8]
    /// Whether the word was written in double quotes.
    public var isQuoted: Bool

    /// Creates a word.
    public init(bytes: [UInt8], isQuoted: Bool) {
        self.bytes = bytes
        self.isQuoted = isQuoted
    }

    /// Whether this is the bare word `text`.
    func isBare(_ text: String) -> Bool { !isQuoted && bytes.elementsEqual(text.utf8) }
}
