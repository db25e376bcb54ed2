/// Splits one rssh.conf line into tokens exactly as rssh 2.3.4's `get_token()` does, but strictly.
///
/// A token ends at white space, `=`, `#` and, in colon mode, `:`. A quote (`'` or `"`) anywhere in a token
/// makes everything up to the next identical quote literal, and the token goes on after it; there is no
/// backslash escaping. Unlike rssh, an unmatched quote is always an error, and so is a control character.
struct ConfigLexer {
    /// Why a line could not be tokenized.
    enum Failure: Error, Equatable {
        /// A quote opened at `column` is never closed.
        case unmatchedQuote(column: Int)
        /// A control character (other than white space) stands at `column`.
        case controlCharacter(column: Int)
    }

    private let line: [UInt8]
    private var position = 0

    /// Creates a lexer over one line (without its newline).
    init(_ line: [UInt8]) {
        self.line = line
    }

    /// True when only white space is left.
    var atEnd: Bool {
        var index = position
        while index < line.count, Self.isSpace(line[index]) { index += 1 }
        return index == line.count
    }

    /// The rest of the line after the current position (for comment handling).
    var remainder: ArraySlice<UInt8> { line[position...] }

    /// Returns the next token, or nil at the end of the line.
    /// - Parameter colonMode: whether an unquoted `:` ends a token.
    mutating func next(colonMode: Bool = false) throws(Failure) -> ConfigToken? {
        while position < line.count, Self.isSpace(line[position]) { position += 1 }
        guard position < line.count else { return nil }
        let start = position
        let first = line[position]
        if first == UInt8(ascii: "=") || first == UInt8(ascii: "#") || (colonMode && first == UInt8(ascii: ":")) {
            position += 1
            return ConfigToken(bytes: [first], column: start + 1, isDelimiter: true)
        }
        var bytes: [UInt8] = []
        while position < line.count {
            let byte = line[position]
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                let open = position
                position += 1
                while position < line.count, line[position] != byte {
                    try Self.checkControl(line[position], column: position + 1)
                    bytes.append(line[position])
                    position += 1
                }
                guard position < line.count else { throw .unmatchedQuote(column: open + 1) }
                position += 1
                continue
            }
            if Self.isSpace(byte) || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "#")
                || (colonMode && byte == UInt8(ascii: ":"))
            {
                break
            }
            try Self.checkControl(byte, column: position + 1)
            bytes.append(byte)
            position += 1
        }
        return ConfigToken(bytes: bytes, column: start + 1, isDelimiter: false)
    }

    /// White space as C's isspace() sees it in the "C" locale (so CRLF files work).
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    private static func checkControl(_ byte: UInt8, column: Int) throws(Failure) {
        if byte < 0x20 && byte != 0x09 || byte == 0x7F { throw .controlCharacter(column: column) }
    }

    /// Splits a `user=` value at unquoted colons, removing one more level of quotes and keeping spaces,
    /// as rssh's second `get_token()` pass does (so `'/a:b'` nested inside `"…"` keeps its colon).
    static func splitFields(_ value: [UInt8]) throws(Failure) -> [[UInt8]] {
        var fields: [[UInt8]] = [[]]
        var index = 0
        while index < value.count {
            let byte = value[index]
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                let open = index
                index += 1
                while index < value.count, value[index] != byte {
                    fields[fields.count - 1].append(value[index])
                    index += 1
                }
                guard index < value.count else { throw .unmatchedQuote(column: open + 1) }
                index += 1
                continue
            }
            if byte == UInt8(ascii: ":") {
                fields.append([])
            } else {
                fields[fields.count - 1].append(byte)
            }
            index += 1
        }
        return fields
    }
}
