import CRsshLibc

/// sshd's configuration read from its files, following `Include` as sshd does, for `rssh -v` as non-root.
///
/// Only root can run `sshd -T` (it reads the host keys), so anyone else gets this reading of the files:
/// `Include` patterns are globbed (relative ones under `/etc/ssh`, as sshd resolves them, not next to the
/// including file), at most `maximumDepth` deep, and a `Match` inside an included file ends with that file
/// (sshd restores the including file's Match state). Match blocks are collected but not evaluated.
public struct SshdConfigFiles: Sendable {
    /// A `Match` block: its criteria, where it starts, and the settings inside it.
    public struct MatchBlock: Sendable {
        /// The criteria as written, such as `Group sftpusers`.
        public var criteria: String
        /// `file:line` of the Match line.
        public var location: String
        /// The settings inside the block (and inside files it includes).
        public var settings: SshdSettings
    }

    /// sshd's own limit on nested Include (SERVCONF_MAX_DEPTH).
    public static let maximumDepth = 16
    /// At most this many files are read, however the patterns multiply.
    public static let maximumFiles = 256

    /// The settings outside any Match block.
    public var global = SshdSettings()
    /// The Match blocks in file order.
    public var matchBlocks: [MatchBlock] = []
    /// Every file read, in order.
    public var files: [String] = []
    /// Files that could not be read and limits that cut the reading short.
    public var problems: [String] = []
    /// What sshd refuses to start with (a second `Subsystem` of the same name).
    public var invalid: [String] = []

    /// Reads `path` and every file it includes.
    /// - Parameters:
    ///   - baseDirectory: where relative Include patterns are resolved (sshd: `/etc/ssh`).
    ///   - trustedOwner: the uid that must own every file (root; a test names its own uid).
    public static func read(
        _ path: String,
        baseDirectory: String = "/etc/ssh",
        trustedOwner: UInt32 = 0
    )
        -> SshdConfigFiles
    {
        var reader = Reader(baseDirectory: baseDirectory) { file in
            ConfigFile.read(file, trustedOwner: trustedOwner).map { String(decoding: $0, as: UTF8.self) }
                .mapError { SshdProblem($0.description) }
        }
        reader.readFile(path, depth: 0, context: nil)
        return reader.result
    }

    /// Reads `text` as the file `name`; its Include lines are reported as not followed.
    public static func parse(_ text: String, name: String = "sshd_config") -> SshdConfigFiles {
        var reader = Reader(baseDirectory: "/etc/ssh") { file in
            file == name ? .success(text) : .failure(SshdProblem("not followed"))
        }
        reader.followsIncludes = false
        reader.readFile(name, depth: 0, context: nil)
        return reader.result
    }

    /// The walk over the files; `load` returns a file's text or why it cannot be read.
    private struct Reader {
        var baseDirectory: String
        var load: (String) -> Result<String, SshdProblem>
        var followsIncludes = true
        var result = SshdConfigFiles()

        init(baseDirectory: String, load: @escaping (String) -> Result<String, SshdProblem>) {
            self.baseDirectory = baseDirectory
            self.load = load
        }

        /// Reads one file in the Match block `context` (an index into `matchBlocks`, nil for global).
        mutating func readFile(_ path: String, depth: Int, context: Int?) {
            guard result.files.count < SshdConfigFiles.maximumFiles else {
                result.problems.append("more than \(SshdConfigFiles.maximumFiles) files: \(path) and later not read")
                return
            }
            let text: String
            switch load(path) {
            case .success(let loaded): text = loaded
            case .failure(let reason):
                result.problems.append("\(path): \(reason)")
                return
            }
            result.files.append(path)
            var context = context
            for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let words = Self.words(String(rawLine))
                guard let first = words.first else { continue }
                let keyword = first.lowercased()
                let value = words.dropFirst().joined(separator: " ")
                let location = "\(path):\(index + 1)"
                switch keyword {
                case "match":
                    if value.lowercased() == "all" {
                        context = nil
                    } else {
                        result.matchBlocks.append(
                            MatchBlock(criteria: value, location: location, settings: SshdSettings())
                        )
                        context = result.matchBlocks.count - 1
                    }
                case "include":
                    include(Array(words.dropFirst()), at: location, depth: depth, context: context)
                default:
                    let entry = SshdSettings.Entry(keyword: keyword, value: value, location: location)
                    if let context {
                        result.matchBlocks[context].settings.entries.append(entry)
                    } else {
                        if keyword == "subsystem", let name = words.dropFirst().first,
                            let earlier = result.global.all("subsystem").first(where: {
                                $0.value.split(separator: " ").first.map(String.init) == name
                            })
                        {
                            result.invalid.append(
                                "\(location): Subsystem '\(name)' already defined at \(earlier.location)"
                            )
                        }
                        result.global.entries.append(entry)
                    }
                }
            }
        }

        /// Follows one Include line: every pattern globbed, each match read in turn.
        mutating func include(_ patterns: [String], at location: String, depth: Int, context: Int?) {
            guard followsIncludes else {
                result.problems.append("\(location): Include \(patterns.joined(separator: " ")) not followed")
                return
            }
            guard depth + 1 <= SshdConfigFiles.maximumDepth else {
                result.problems.append(
                    "\(location): Include nested more than \(SshdConfigFiles.maximumDepth) deep: not followed"
                )
                return
            }
            for pattern in patterns {
                let absolute = pattern.hasPrefix("/") ? pattern : baseDirectory + "/" + pattern
                let matches: [[UInt8]]
                do throws(CommandError) {
                    var budget = ExpansionBudget()
                    matches = try FileSystemExpansion(homeDirectory: Array(baseDirectory.utf8))
                        .glob(Array(absolute.utf8), budget: &budget)
                } catch {
                    result.problems.append("\(location): Include \(absolute): glob failed")
                    continue
                }
                // The included file's own Match blocks end with it: the caller's context is passed, not changed.
                for match in matches {
                    readFile(String(decoding: match, as: UTF8.self), depth: depth + 1, context: context)
                }
            }
        }

        /// A line's words as sshd splits them: blanks or one `=` after the keyword, double quotes grouping,
        /// and a word starting with `#` ending the line.
        static func words(_ line: String) -> [String] {
            var words: [String] = []
            var current = ""
            var quoted = false
            var inWord = false
            var sawEquals = false
            for character in line {
                if quoted {
                    if character == "\"" { quoted = false } else { current.append(character) }
                    continue
                }
                switch character {
                case "\"":
                    quoted = true
                    inWord = true
                case " ", "\t", "\r":
                    if inWord { words.append(current) }
                    current = ""
                    inWord = false
                case "=" where !sawEquals && (words.isEmpty ? inWord : words.count == 1 && !inWord):
                    sawEquals = true
                    if inWord { words.append(current) }
                    current = ""
                    inWord = false
                case "#" where !inWord:
                    return words
                default:
                    current.append(character)
                    inWord = true
                }
            }
            if inWord { words.append(current) }
            return words
        }
    }
}
