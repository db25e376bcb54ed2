/// One token of an rssh.conf line: where it lies in the file, and whether quotes must be removed from it.
///
/// Tokens are not copied out of the file unless their text is needed, which keeps a 10,000-user file cheap
/// to check on every login.
struct ConfigToken: Equatable {
    /// The byte offsets of the raw token (quotes included) in the file.
    var range: Range<Int>
    /// The 1-based column where the token starts, for messages.
    var column: Int
    /// Whether the raw token contains quote characters.
    var isQuoted: Bool
    /// True for a lone unquoted `=`, `#` or `:` (which always form a token of their own).
    var isDelimiter: Bool

    /// The token's bytes after quote removal.
    func bytes(in text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard isQuoted else { return Array(text[range]) }
        var result: [UInt8] = []
        result.reserveCapacity(range.count)
        var quote: UInt8?
        for byte in text[range] {
            if let open = quote {
                if byte == open { quote = nil } else { result.append(byte) }
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
            } else {
                result.append(byte)
            }
        }
        return result
    }

    /// Whether the token's text (after quote removal) is exactly `literal`.
    func equals(_ literal: [UInt8], in text: UnsafeBufferPointer<UInt8>) -> Bool {
        if isQuoted { return bytes(in: text) == literal }
        return range.count == literal.count && text[range].elementsEqual(literal)
    }

    /// Whether this is the unquoted single-character token `character`.
    func isDelimiter(_ character: UInt8, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        isDelimiter && text[range.lowerBound] == character
    }
}
