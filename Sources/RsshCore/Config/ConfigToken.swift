/// One token of an rssh.conf line, with its quotes already removed.
struct ConfigToken: Equatable {
    /// The token's bytes after quote removal.
    var bytes: [UInt8]
    /// The 1-based column where the token starts, for messages.
    var column: Int
    /// True for a lone unquoted `=`, `#` or `:` (which always form a token of their own).
    var isDelimiter: Bool

    /// Whether this is the unquoted single-character token `character`.
    func isDelimiter(_ character: UInt8) -> Bool {
        isDelimiter && bytes.count == 1 && bytes[0] == character
    }
}
