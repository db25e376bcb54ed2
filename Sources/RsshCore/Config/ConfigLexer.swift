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

    private let text: UnsafeBufferPointer<UInt8>
    private let lineStart: Int
    private let lineEnd: Int
    private var position: Int

    /// Creates a lexer over `text[line]` (without its newline).
    init(_ text: UnsafeBufferPointer<UInt8>, line: Range<Int>) {
        self.text = text
        self.lineStart = line.lowerBound
        self.lineEnd = line.upperBound
        self.position = line.lowerBound
    }

    /// Returns the next token, or nil at the end of the line.
    /// - Parameters:
    ///   - colonMode: whether an unquoted `:` ends a token.
    ///   - equalsInside: whether an unquoted `=` after the token's first byte is part of it (the value of a
    ///     `user`, `group` or `profile` line or of `options`, which hold `root=SUBDIR` and `maxsessions=N`).
    mutating func next(colonMode: Bool = false, equalsInside: Bool = false) throws(Failure) -> ConfigToken? {
        while position < lineEnd, Self.isSpace(text[position]) { position += 1 }
        guard position < lineEnd else { return nil }
        let start = position
        let first = text[position]
        if first == UInt8(ascii: "=") || first == UInt8(ascii: "#") || (colonMode && first == UInt8(ascii: ":")) {
            position += 1
            return ConfigToken(
                range: start..<position,
                column: start - lineStart + 1,
                isQuoted: false,
                isDelimiter: true
            )
        }
        var quoted = false
        while position < lineEnd {
            let byte = text[position]
            // Fast path: the ordinary bytes that make up nearly every token.
            if Self.isOrdinary(byte) || (!colonMode && byte == UInt8(ascii: ":"))
                || (equalsInside && byte == UInt8(ascii: "="))
            {
                position += 1
                continue
            }
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quoted = true
                let open = position
                position += 1
                while position < lineEnd, text[position] != byte {
                    try checkControl(position)
                    position += 1
                }
                guard position < lineEnd else { throw .unmatchedQuote(column: open - lineStart + 1) }
                position += 1
                continue
            }
            if Self.isSpace(byte) || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "#")
                || (colonMode && byte == UInt8(ascii: ":"))
            {
                break
            }
            try checkControl(position)
            position += 1
        }
        return ConfigToken(range: start..<position, column: start - lineStart + 1, isQuoted: quoted, isDelimiter: false)
    }

    /// Whether `byte` is an ordinary token byte: one that never ends or starts anything inside an unquoted
    /// token (not white space, a quote, `=`, `#`, `:` or a control character).
    ///
    /// Compares, not a table: a table built at first use cost every session 45,000 instructions.
    @inline(__always)
    static func isOrdinary(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte != 0x7F && byte != UInt8(ascii: "'") && byte != UInt8(ascii: "\"")
            && byte != UInt8(ascii: "=") && byte != UInt8(ascii: "#") && byte != UInt8(ascii: ":")
    }

    /// White space as C's isspace() sees it in the "C" locale (so CRLF files work).
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    private func checkControl(_ index: Int) throws(Failure) {
        let byte = text[index]
        if byte < 0x20 && byte != 0x09 || byte == 0x7F { throw .controlCharacter(column: index - lineStart + 1) }
    }

    /// Splits a `user=` value at unquoted colons, removing one more level of quotes and keeping spaces,
    /// as rssh's second `get_token()` pass does (so `'/a:b'` nested inside `"…"` keeps its colon).
    static func splitFields(_ value: [UInt8]) throws(Failure) -> [[UInt8]] {
        // Runs between quotes and colons are copied whole, not byte by byte (a group line's value was about
        // 5,000 instructions byte by byte, and the shell parses every group line).
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var start = 0
        var index = 0
        while index < value.count {
            let byte = value[index]
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                field += value[start..<index]
                guard let close = value[(index + 1)...].firstIndex(of: byte) else {
                    throw .unmatchedQuote(column: index + 1)
                }
                field += value[(index + 1)..<close]
                index = close + 1
                start = index
                continue
            }
            if byte == UInt8(ascii: ":") {
                field += value[start..<index]
                fields.append(field)
                field = []
                start = index + 1
            }
            index += 1
        }
        field += value[start...]
        fields.append(field)
        return fields
    }

    /// The first field (the name) of an unquoted `user=` value, or nil when the value holds quotes.
    ///
    /// A quoted value needs the full `splitFields`. This lets the shell skip other users' lines without
    /// copying them.
    static func plainName(_ value: UnsafeBufferPointer<UInt8>.SubSequence) -> UnsafeBufferPointer<UInt8>.SubSequence? {
        var end = value.startIndex
        while end < value.endIndex {
            let byte = value[end]
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") { return nil }
            if byte == UInt8(ascii: ":") { break }
            end += 1
        }
        return value[value.startIndex..<end]
    }
}
