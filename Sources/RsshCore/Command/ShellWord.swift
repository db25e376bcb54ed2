/// One word of a command line after quote removal, with what is still to be expanded.
public struct ShellWord: Sendable, Equatable {
    /// The word's bytes after quote removal (without a leading `~` when `hasTilde`).
    public var text: [UInt8]
    /// The glob(3) pattern when an unquoted `*`, `?` or `[` occurs; quoted specials are escaped in it.
    public var globPattern: [UInt8]?
    /// The word began with an unquoted `~` followed by `/` or nothing.
    public var hasTilde: Bool
    /// The word was typed plainly: no quotes, escapes, tilde or glob, so `text` is exactly what was sent.
    public var isPlain: Bool

    /// Creates a word.
    public init(text: [UInt8], globPattern: [UInt8]? = nil, hasTilde: Bool = false, isPlain: Bool = true) {
        self.text = text
        self.globPattern = globPattern
        self.hasTilde = hasTilde
        self.isPlain = isPlain
    }
}
