import RsshCore

/// The one-line edits `rsshctl user` makes to rssh.conf text: every other byte (comments, blank lines, order,
/// the last line's missing newline) is kept.
///
/// An edit is validated with `ConfigParser`, the parser rssh itself uses: the new text must have no error, and
/// the user's entry in it must say exactly what was asked; otherwise the edit is refused and the text is left
/// as it was.
public enum ConfigEdit {
    /// Why an edit was refused.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// The edited text has errors (the parser's messages, `file:line: error: ...`).
        case invalid([String])
        /// The parser reads the user's line differently from what was asked.
        case misread(String)

        /// The message.
        public var description: String {
            switch self {
            case .invalid(let errors):
                "the edited configuration would have errors, so nothing was changed:\n  "
                    + errors.joined(separator: "\n  ")
            case .misread(let what): "the edited line does not read back as asked (\(what)); nothing was changed"
            }
        }
    }

    /// The ranges of the lines naming `name` (`user = name:...`, quoted or not), newline excluded, in file order.
    public static func userLineRanges(_ name: String, in text: [UInt8]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        while start < text.count {
            let end = text[start...].firstIndex(of: UInt8(ascii: "\n")) ?? text.count
            if namesUser(name, text[start..<end]) { result.append(start..<end) }
            start = end + 1
        }
        return result
    }

    /// Whether a line is a `user` line for `name`: optional white space, `user`, optional white space, `=`,
    /// optional white space, an optional opening quote, then the name and a colon.
    static func namesUser(_ name: String, _ line: ArraySlice<UInt8>) -> Bool {
        var index = line.startIndex
        func skipSpace() {
            while index < line.endIndex, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
        }
        func take(_ bytes: some Collection<UInt8>) -> Bool {
            guard line[index...].starts(with: bytes) else { return false }
            index += bytes.count
            return true
        }
        skipSpace()
        guard take("user".utf8) else { return false }
        skipSpace()
        guard take("=".utf8) else { return false }
        skipSpace()
        if index < line.endIndex, line[index] == UInt8(ascii: "\"") || line[index] == UInt8(ascii: "'") {
            index += 1
        }
        return take(Array(name.utf8) + [UInt8(ascii: ":")])
    }

    /// `text` with `name`'s line set to `line` (nil: removed): the first line naming the user is replaced in
    /// place, any later ones (which rssh ignores) are removed, and a new line is appended (after a newline
    /// when the text does not end with one).
    public static func setting(_ name: String, to line: String?, in text: [UInt8]) -> [UInt8] {
        let ranges = userLineRanges(name, in: text)
        var result: [UInt8] = []
        var position = 0
        for (index, range) in ranges.enumerated() {
            result += text[position..<range.lowerBound]
            position = range.upperBound
            if index == 0, let line {
                result += Array(line.utf8)
            } else if position < text.count {
                position += 1  // the removed line's newline
            } else if result.last == UInt8(ascii: "\n") {
                result.removeLast()  // a removed last line without a newline: its predecessor's newline goes
            }
        }
        result += text[position...]
        if ranges.isEmpty, let line {
            if let last = result.last, last != UInt8(ascii: "\n") { result.append(UInt8(ascii: "\n")) }
            result += Array(line.utf8) + [UInt8(ascii: "\n")]
        }
        return result
    }

    /// Edits and validates: the new text, or why it was refused.
    /// - Parameters:
    ///   - line: the line to set, or nil to remove `name`'s line.
    ///   - file: the path, for the parser's messages.
    public static func apply(
        _ name: String,
        line: UserLine?,
        to text: [UInt8],
        file: String
    ) -> Result<[UInt8], Refusal> {
        let edited = setting(name, to: line?.text, in: text)
        let config = ConfigParser.parse(edited, file: file)
        let errors = config.errors
        guard errors.isEmpty else { return .failure(.invalid(errors.map { $0.description })) }
        let entry = config.users.first { $0.name == name }
        if let line {
            guard let entry, line.matches(entry) else {
                return .failure(.misread("expected \(line.text)"))
            }
        } else if entry != nil {
            return .failure(.misread("a line for \(name) is still read"))
        }
        return .success(edited)
    }
}
