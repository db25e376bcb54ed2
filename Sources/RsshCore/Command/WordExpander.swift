/// Turns split words into the argument vector: `~` becomes the home directory, globs become the
/// matching paths (or stay literal when nothing matches, as in sh).
public enum WordExpander {
    /// Expands `words`.
    /// - Throws: `CommandError` when expansion yields too many words or a name with a control character.
    public static func expand(
        _ words: [ShellWord],
        using expansion: some PathExpansion
    ) throws(CommandError) -> [[UInt8]] {
        var result: [[UInt8]] = []
        result.reserveCapacity(words.count)
        for word in words {
            let home = word.hasTilde ? expansion.homeDirectory : []
            let literal = home + word.text
            if var pattern = word.globPattern {
                if word.hasTilde { pattern = escaped(home) + pattern }
                let matches = try expansion.glob(pattern)
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
        }
        return result
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
