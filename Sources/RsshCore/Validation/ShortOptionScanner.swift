/// Reads leading options the way OpenSSH's BSD getopt(3) does: clusters such as `-prt`, a value either
/// attached (`-lINFO`) or in the next word, `--` ending the options, and the first non-option word ending
/// them too (no GNU-style permutation).
struct ShortOptionScanner {
    /// One option occurrence.
    struct Occurrence: Equatable {
        var letter: UInt8
        var value: [UInt8]?
    }

    /// The options found, in order.
    var options: [Occurrence] = []
    /// The words after the options.
    var operands: ArraySlice<[UInt8]> = []
    /// Whether `--` ended the options.
    var sawDoubleDash = false

    /// Scans `arguments`.
    /// - Parameters:
    ///   - program: for messages.
    ///   - takesValue: for an allowed letter, whether it takes a value; nil for a letter that is not allowed.
    init(
        _ arguments: ArraySlice<[UInt8]>,
        program: ServerProgram,
        takesValue: (UInt8) -> Bool?
    ) throws(ArgumentRejection) {
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let word = arguments[index]
            if word == Array("--".utf8) {
                sawDoubleDash = true
                index += 1
                break
            }
            guard word.count > 1, word[0] == UInt8(ascii: "-") else { break }
            var position = 1
            while position < word.count {
                let letter = word[position]
                guard let needsValue = takesValue(letter) else {
                    throw ArgumentRejection(program, "option -\(Printable.text([letter])) is not allowed")
                }
                if !needsValue {
                    options.append(Occurrence(letter: letter, value: nil))
                    position += 1
                    continue
                }
                if position + 1 < word.count {
                    options.append(Occurrence(letter: letter, value: Array(word[(position + 1)...])))
                } else {
                    index += 1
                    guard index < arguments.endIndex else {
                        throw ArgumentRejection(program, "option -\(Printable.text([letter])) needs a value")
                    }
                    options.append(Occurrence(letter: letter, value: arguments[index]))
                }
                break
            }
            index += 1
        }
        operands = arguments[index...]
    }
}
