/// Splits a command line into words with a strict subset of POSIX sh word rules.
///
/// Supported: blanks and tabs between words, single quotes, double quotes (where `\` escapes only
/// `$`, `` ` ``, `"` and `\`), backslash escapes, `~` and `~/…` at the start of a word, and `*`, `?`, `[`
/// globs (expanded later by `WordExpander`). Everything else a shell would interpret is refused rather than
/// guessed at: unquoted `; & | < > ( ) { }`, any `$` or backquote outside single quotes, an unquoted `#`
/// starting a word, control characters and NUL anywhere (even quoted), and overlong input.
public enum CommandSplitter {
    /// The longest command line accepted, in bytes.
    public static let maximumLength = 65_536
    /// The most words accepted, before or after glob expansion.
    public static let maximumWords = 4_096

    private struct Builder {
        var text: [UInt8] = []
        var pattern: [UInt8] = []
        var hasGlob = false
        var hasTilde = false
        var isPlain = true

        mutating func append(_ byte: UInt8, quoted: Bool) {
            text.append(byte)
            if quoted {
                isPlain = false
                if CommandSplitter.isGlobSpecial(byte) { pattern.append(UInt8(ascii: "\\")) }
            }
            pattern.append(byte)
        }

        var word: ShellWord {
            ShellWord(text: text, globPattern: hasGlob ? pattern : nil, hasTilde: hasTilde, isPlain: isPlain)
        }
    }

    /// Whether glob(3) gives `byte` a meaning (so it must be escaped when it was quoted).
    static func isGlobSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "[")
            || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "\\")
    }

    private static func isControl(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F
    }

    /// Splits `line` into words.
    /// - Throws: `CommandError` for anything outside the supported subset.
    public static func split(_ line: [UInt8]) throws(CommandError) -> [ShellWord] {
        guard line.count <= maximumLength else { throw .tooLong(line.count) }
        var words: [ShellWord] = []
        var current: Builder?
        var index = 0
        let space = UInt8(ascii: " ")
        let tab = UInt8(ascii: "\t")
        while index < line.count {
            let byte = line[index]
            if byte == space || byte == tab {
                if let finished = current {
                    words.append(finished.word)
                    guard words.count <= maximumWords else { throw .tooManyWords(words.count) }
                    current = nil
                }
                index += 1
                continue
            }
            if isControl(byte) { throw .controlCharacter(offset: index, byte: byte) }
            let atWordStart = current == nil
            // Moved out, not copied: with `current` still holding the word's buffers, every append below copied
            // the whole word first (a 60 KB unquoted word took a second of CPU, quadratic in its length).
            var word = current ?? Builder()
            current = nil
            switch byte {
            case UInt8(ascii: "'"):
                let open = index
                index += 1
                word.isPlain = false
                while index < line.count, line[index] != UInt8(ascii: "'") {
                    if isControl(line[index]) { throw .controlCharacter(offset: index, byte: line[index]) }
                    word.append(line[index], quoted: true)
                    index += 1
                }
                guard index < line.count else { throw .unmatchedQuote(offset: open) }
            case UInt8(ascii: "\""):
                let open = index
                index += 1
                word.isPlain = false
                while index < line.count, line[index] != UInt8(ascii: "\"") {
                    var inner = line[index]
                    if inner == UInt8(ascii: "$") || inner == UInt8(ascii: "`") {
                        throw .expansion(offset: index, byte: inner)
                    }
                    if inner == UInt8(ascii: "\\"), index + 1 < line.count,
                        Self.escapableInDoubleQuotes(line[index + 1])
                    {
                        index += 1
                        inner = line[index]
                    }
                    if isControl(inner) { throw .controlCharacter(offset: index, byte: inner) }
                    word.append(inner, quoted: true)
                    index += 1
                }
                guard index < line.count else { throw .unmatchedQuote(offset: open) }
            case UInt8(ascii: "\\"):
                guard index + 1 < line.count else { throw .trailingBackslash }
                index += 1
                if isControl(line[index]) { throw .controlCharacter(offset: index, byte: line[index]) }
                word.append(line[index], quoted: true)
            case UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "<"), UInt8(ascii: ">"),
                UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "}"):
                throw .metacharacter(offset: index, byte: byte)
            case UInt8(ascii: "$"), UInt8(ascii: "`"):
                throw .expansion(offset: index, byte: byte)
            case UInt8(ascii: "#") where atWordStart:
                throw .comment(offset: index)
            case UInt8(ascii: "~") where atWordStart:
                let next = index + 1 < line.count ? line[index + 1] : space
                guard next == UInt8(ascii: "/") || next == space || next == tab else {
                    throw .unsupportedTilde(offset: index)
                }
                word.hasTilde = true
                word.isPlain = false
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["):
                word.hasGlob = true
                word.isPlain = false
                word.append(byte, quoted: false)
            default:
                word.append(byte, quoted: false)
            }
            current = word
            index += 1
        }
        if let finished = current { words.append(finished.word) }
        guard !words.isEmpty else { throw .empty }
        guard words.count <= maximumWords else { throw .tooManyWords(words.count) }
        return words
    }

    private static func escapableInDoubleQuotes(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "$") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "\\")
    }
}
