/// Why a line from the client is not one of WinSCP's command lines.
///
/// `isFramed` tells the two kinds apart: a line that carries WinSCP's end-of-file echo gets its refusal and
/// the end-of-file marker (the session goes on, as a shell would answer an unknown command), while any other
/// line ends the session, because nothing after it can be trusted to be in step with WinSCP.
public enum WinSCPLineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The line is longer than `WinSCPLine.maximumLength`.
    case tooLong(Int)
    /// The line does not end with WinSCP's end-of-file echo.
    case notFramed
    /// A control character (or NUL) at `offset`.
    case controlCharacter(offset: Int, byte: UInt8)
    /// A byte outside the bare-word alphabet, unquoted, at `offset` (`;`, `|`, `$`, a backquote, `*`, …).
    case metacharacter(offset: Int, byte: UInt8)
    /// `$` or a backquote inside double quotes, which a shell would expand.
    case expansion(offset: Int, byte: UInt8)
    /// A backslash that does not escape `$`, `` ` ``, `"` or `\` inside double quotes.
    case unsupportedEscape(offset: Int)
    /// A double quote that is never closed.
    case unmatchedQuote(offset: Int)
    /// A quoted and a bare part joined into one word (`"a"b`), which WinSCP never sends.
    case joinedWord(offset: Int)
    /// A `~` anywhere but at the start of `cd`'s bare argument.
    case misplacedTilde(offset: Int)
    /// An empty word (`""`).
    case emptyWord(offset: Int)
    /// The command text is empty between the begin-of-file and end-of-file echoes.
    case emptyCommand

    /// Whether the line carried WinSCP's end-of-file echo, so the session can answer it and go on.
    public var isFramed: Bool {
        switch self {
        case .tooLong, .notFramed: false
        default: true
        }
    }

    /// A one-line explanation for stderr and the log.
    public var description: String {
        switch self {
        case .tooLong(let length): "line too long (\(length) bytes, at most \(WinSCPLine.maximumLength))"
        case .notFramed: "not a WinSCP command line (no end-of-file echo)"
        case .controlCharacter(let offset, let byte): "control character \\x\(Printable.hex([byte])) at \(offset)"
        case .metacharacter(let offset, let byte): "\(quoted(byte)) is not allowed unquoted (at \(offset))"
        case .expansion(let offset, let byte): "\(quoted(byte)) would be expanded (at \(offset))"
        case .unsupportedEscape(let offset): "unsupported backslash escape at \(offset)"
        case .unmatchedQuote(let offset): "unmatched double quote at \(offset)"
        case .joinedWord(let offset): "quoted and unquoted text joined into one word at \(offset)"
        case .misplacedTilde(let offset): "'~' is only allowed at the start of cd's argument (at \(offset))"
        case .emptyWord(let offset): "empty word at \(offset)"
        case .emptyCommand: "empty command"
        }
    }

    private func quoted(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? "'" + Printable.text([byte]) + "'" : "\\x" + Printable.hex([byte])
    }
}
