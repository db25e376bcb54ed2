/// sshd settings as `keyword value` pairs: the lines `sshd -T` prints, or the lines read from the files.
///
/// Keywords are lower case, as `sshd -T` prints them. Where a keyword appears more than once the first
/// one counts (sshd's own rule), except `subsystem`, which names one subsystem per line.
public struct SshdSettings: Sendable {
    /// One setting and where it came from.
    public struct Entry: Sendable, Equatable {
        /// The keyword, lower case.
        public var keyword: String
        /// The rest of the line, words separated by single spaces.
        public var value: String
        /// `file:line` for settings read from files; empty for `sshd -T` output.
        public var location: String

        /// Creates an entry.
        public init(keyword: String, value: String, location: String = "") {
            self.keyword = keyword
            self.value = value
            self.location = location
        }
    }

    /// The settings in order.
    public var entries: [Entry]

    /// OpenSSH's defaults for the keywords `rssh -v` looks at, for files that do not set them (`sshd -T`
    /// prints every keyword, so its output never needs them).
    static let defaults: [String: String] = [
        "forcecommand": "none",
        "chrootdirectory": "none",
        "permituserenvironment": "no",
        "permituserrc": "yes",
        "allowtcpforwarding": "yes",
        "allowstreamlocalforwarding": "yes",
        "disableforwarding": "no",
        "permittty": "yes",
        "authorizedkeysfile": ".ssh/authorized_keys .ssh/authorized_keys2",
    ]

    /// Creates settings from entries.
    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Parses `sshd -T` output: one `keyword value` line per setting.
    public init(sshdOutput: String) {
        entries = []
        for line in sshdOutput.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let keyword = words.first else { continue }
            entries.append(Entry(keyword: keyword.lowercased(), value: words.dropFirst().joined(separator: " ")))
        }
    }

    /// The entry that counts for `keyword`, or nil when it is not set.
    public func entry(_ keyword: String) -> Entry? {
        entries.first { $0.keyword == keyword }
    }

    /// The value that counts for `keyword`: the first one set, else OpenSSH's default, else "".
    public func value(_ keyword: String) -> String {
        entry(keyword)?.value ?? Self.defaults[keyword] ?? ""
    }

    /// Every entry of `keyword` (for `subsystem`).
    public func all(_ keyword: String) -> [Entry] {
        entries.filter { $0.keyword == keyword }
    }
}
