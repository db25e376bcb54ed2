/// Turns split words into the argument vector: `~` becomes the home directory, globs become the
/// matching paths (or stay literal when nothing matches, as in sh).
public enum WordExpander {
    /// The longest word accepted before expansion: PATH_MAX, the longest path the kernel takes.
    public static let maximumWordLength = 4_096
    /// The most `/`-separated components in one word: glob(3) recurses once per component, and 4,000 of
    /// them overflowed the stack (no path a client sends comes near this).
    public static let maximumComponents = 128
    /// The most bytes all expanded words may hold together.
    public static let maximumExpandedBytes = 1 << 20

    /// Expands `words` within a default `ExpansionBudget` for all of them together.
    /// - Throws: `CommandError` when a word is out of bounds, expansion exceeds its budget, yields too many words
    ///   or a name with a control character.
    public static func expand(
        _ words: [ShellWord],
        using expansion: some PathExpansion
    ) throws(CommandError) -> [[UInt8]] {
        var budget = ExpansionBudget()
        return try expand(words, using: expansion, budget: &budget)
    }

    /// Expands `words`, charging all their patterns to `budget`.
    /// - Throws: `CommandError` when a word is out of bounds, expansion exceeds the budget, yields too many words
    ///   or a name with a control character.
    public static func expand(
        _ words: [ShellWord],
        using expansion: some PathExpansion,
        budget: inout ExpansionBudget
    ) throws(CommandError) -> [[UInt8]] {
        var result: [[UInt8]] = []
        result.reserveCapacity(words.count)
        // Every word is bounded before anything is expanded.
        for word in words {
            try checkBounds(word.text)
            if let pattern = word.globPattern { try checkDots(pattern, word: word.text) }
        }
        var total = 0
        for word in words {
            let first = result.count
            let home = word.hasTilde ? expansion.homeDirectory : []
            let literal = home + word.text
            if var pattern = word.globPattern {
                if word.hasTilde { pattern = escaped(home) + pattern }
                let matches = try expansion.glob(pattern, budget: &budget)
                try budget.chargeMatches(matches.count)
                if matches.isEmpty {
                    result.append(literal)
                } else {
                    for match in matches {
                        if match.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                            throw .controlCharacterInExpansion(word: Printable.text(match))
                        }
                        result.append(match)
                    }
                }
            } else {
                result.append(literal)
            }
            guard result.count <= CommandSplitter.maximumWords else { throw .tooManyWords(result.count) }
            total = result[first...].reduce(total) { $0 + $1.count }
            guard total <= maximumExpandedBytes else { throw .expansionTooLarge(total) }
        }
        return result
    }

    /// Refuses a word that is longer than a path can be or has more components than glob(3) can safely
    /// recurse into; checked on every word before anything is expanded.
    static func checkBounds(_ text: [UInt8]) throws(CommandError) {
        guard text.count <= maximumWordLength else { throw .wordTooLong(text.count) }
        var components = 1
        for byte in text where byte == UInt8(ascii: "/") {
            components += 1
            guard components <= maximumComponents else { throw .tooManyComponents(maximumComponents) }
        }
    }

    /// Refuses a `.` or `..` component after a component with a pattern.
    ///
    /// `*/..` revisits the same directories once per match, which multiplies glob's work at every `*/..`
    /// (`/*/../*/../*`), and no client sends it. Escaped (quoted) specials are not patterns.
    static func checkDots(_ pattern: [UInt8], word: [UInt8]) throws(CommandError) {
        var afterPattern = false
        var component: [UInt8] = []
        var isPattern = false
        var escaping = false
        for byte in pattern + [UInt8(ascii: "/")] {
            if escaping {
                component.append(byte)
                escaping = false
                continue
            }
            switch byte {
            case UInt8(ascii: "\\"):
                escaping = true
            case UInt8(ascii: "/"):
                if afterPattern && (component == [0x2E] || component == [0x2E, 0x2E]) {
                    throw .dotAfterPattern(word: Printable.text(word))
                }
                afterPattern = afterPattern || isPattern
                component.removeAll(keepingCapacity: true)
                isPattern = false
            default:
                if CommandSplitter.isGlobSpecial(byte) { isPattern = true }
                component.append(byte)
            }
        }
    }

    private static func escaped(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        for byte in bytes {
            if CommandSplitter.isGlobSpecial(byte) { result.append(UInt8(ascii: "\\")) }
            result.append(byte)
        }
        return result
    }
}
