/// The allow-list of the coreutils checksum programs: `[--] [FILE…]`, files only.
///
/// GNU getopt permutes, so an option-like word anywhere before `--` would be read as an option (`-c` checks
/// a list, `--files0-from` reads names from a file): such words are refused, and the argument vector rssh
/// builds always has `--` before the files. No file means standard input (rclone's probe).
enum ChecksumValidator {
    /// Checks the words after the program name.
    static func validate(_ program: ServerProgram, _ arguments: ArraySlice<[UInt8]>) throws(ArgumentRejection) {
        var files = arguments
        if files.first == Array("--".utf8) {
            files = files.dropFirst()
        } else {
            if let option = files.first(where: { $0.first == UInt8(ascii: "-") && $0.count > 1 }) {
                throw ArgumentRejection(
                    program,
                    "option \"\(Printable.text(option))\" is not allowed (only file names, after an optional --)"
                )
            }
        }
        guard files.count <= 4096 else { throw ArgumentRejection(program, "too many files (at most 4096)") }
    }

    /// The argument vector rssh runs: the program name, `--`, then the files.
    static func arguments(_ vetted: [[UInt8]]) -> [[UInt8]] {
        guard let name = vetted.first else { return vetted }
        let files = vetted.dropFirst().first == Array("--".utf8) ? vetted.dropFirst(2) : vetted.dropFirst()
        return [name, Array("--".utf8)] + files
    }
}
