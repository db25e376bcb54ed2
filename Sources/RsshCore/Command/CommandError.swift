/// Why a command line was refused before any program was chosen.
public enum CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing but white space.
    case empty
    /// Longer than `CommandSplitter.maximumLength` bytes.
    case tooLong(Int)
    /// More words than `CommandSplitter.maximumWords`, before or after expansion.
    case tooManyWords(Int)
    /// A control character, newline or NUL at the byte offset.
    case controlCharacter(offset: Int, byte: UInt8)
    /// An unquoted shell operator such as `;` or `|` at the byte offset.
    case metacharacter(offset: Int, byte: UInt8)
    /// `$` or a backquote: parameter expansion and command substitution are never performed.
    case expansion(offset: Int, byte: UInt8)
    /// A quote that is never closed.
    case unmatchedQuote(offset: Int)
    /// A backslash at the very end.
    case trailingBackslash
    /// An unquoted `#` starting a word (sh would drop the rest of the line as a comment).
    case comment(offset: Int)
    /// `~name` or another tilde form other than `~` and `~/…`.
    case unsupportedTilde(offset: Int)
    /// A word produced by expansion (a file name) holds a control character.
    case controlCharacterInExpansion(word: String)
    /// glob(3) failed for a reason other than "no match".
    case globFailed(pattern: String)
    /// A word longer than `WordExpander.maximumWordLength` bytes.
    case wordTooLong(Int)
    /// A word with more than `WordExpander.maximumComponents` path components.
    case tooManyComponents(Int)
    /// The expanded words hold more than `WordExpander.maximumExpandedBytes` bytes together.
    case expansionTooLarge(Int)
    /// Pattern expansion needed more of a resource than `ExpansionBudget` allows (the resource, its maximum).
    case expansionBudgetExceeded(ExpansionBudget.Resource, Int)
    /// A `.` or `..` component after a component with a pattern, such as `*/..` (the word).
    case dotAfterPattern(word: String)
    /// The resource limits around pattern expansion could not be set or put back (what failed).
    case expansionLimits(String)

    /// What the user and the log are told.
    public var description: String {
        switch self {
        case .empty: "empty command"
        case .tooLong(let count): "command line too long (\(count) bytes)"
        case .tooManyWords(let count): "too many words in command line (\(count))"
        case .controlCharacter(let offset, let byte):
            "control character \(Printable.text([byte])) at offset \(offset) in command line"
        case .metacharacter(let offset, let byte):
            "shell operator '\(Printable.text([byte]))' at offset \(offset) is not allowed (quote it if it is part of a name)"
        case .expansion(let offset, let byte):
            "'\(Printable.text([byte]))' at offset \(offset): variable expansion and command substitution are not allowed"
        case .unmatchedQuote(let offset): "unmatched quote at offset \(offset)"
        case .trailingBackslash: "backslash at end of command line"
        case .comment(let offset): "unquoted '#' at offset \(offset) would start a comment"
        case .unsupportedTilde(let offset): "only '~' and '~/' are expanded (offset \(offset))"
        case .controlCharacterInExpansion(let word): "expansion produced a name with a control character: \(word)"
        case .globFailed(let pattern): "pattern expansion failed for \(pattern)"
        case .wordTooLong(let count): "a word is too long (\(count) bytes; at most \(WordExpander.maximumWordLength))"
        case .tooManyComponents(let limit): "a word has more than \(limit) path components"
        case .expansionTooLarge(let count): "the expanded command is too large (\(count) bytes)"
        case .expansionBudgetExceeded(let resource, let maximum):
            "pattern expansion exceeded its budget (more than \(maximum) \(resource))"
        case .dotAfterPattern(let word): "'.' or '..' after a pattern is not expanded: \(word)"
        case .expansionLimits(let detail): "cannot bound pattern expansion: \(detail)"
        }
    }
}
