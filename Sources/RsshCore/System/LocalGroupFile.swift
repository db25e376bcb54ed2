import CRsshLibc

/// `/etc/group` read once, so that many group lines' names resolve without one NSS call each (each
/// getgrnam_r opens, reads and parses the whole file again: about 12 µs, 1.2 ms for the last of 100 lines).
///
/// It is used only where it answers exactly as getgrnam_r does:
/// - no nscd socket exists (nscd would answer from its cache);
/// - nsswitch.conf's one `group:` line names `files` first, with no action after it, so a name the file
///   holds is answered from the file and nothing after it is asked (`filesComeFirst`);
/// - both files are root's and writable by nobody else (`ConfigFile`'s checks), /etc/group at most 512 KiB;
/// - every line of /etc/group is an entry in the plain form groupadd writes (`name:password:gid:members`, a
///   name of letters, digits, `.`, `_`, `-` and a final `$`, a decimal gid without leading zeros), so this
///   reading and NSS's files module cannot differ on any line.
///
/// Then, as in NSS, the first entry with a name gives its gid. A name the file lacks is left to NSS (the
/// sources after `files`: systemd, sss, ldap), and any file this does not fully understand is not used at all.
struct LocalGroupFile {
    /// The largest file used: every entry then fits the 4 MiB buffer `SystemGroupLookup` gives getgrnam_r at
    /// most (an entry needs its line and a pointer per member), so the two cannot differ on a huge entry.
    static let maximumSize = 512 << 10

    /// Each name's first entry's gid; the names are ranges of the file's bytes.
    private let names: FirstNameTable<gid_t>

    /// The file, when it can answer for NSS (see above); nil sends every name to NSS.
    static func load(group: String = "/etc/group", nsswitch: String = "/etc/nsswitch.conf") -> LocalGroupFile? {
        guard !Self.cacheDaemonPresent(), case .success(let configuration) = ConfigFile.read(nsswitch, trustedOwner: 0),
            Self.filesComeFirst(configuration), case .success(let text) = ConfigFile.read(group, trustedOwner: 0),
            text.count <= Self.maximumSize
        else { return nil }
        return LocalGroupFile(parsing: text)
    }

    /// Parses `text`; nil when any line is not a plain entry.
    ///
    /// One pass over the bytes, and names hashed where they stand (a dictionary of strings cost about 3,000
    /// instructions per entry, and every session with group lines loads the file).
    init?(parsing text: [UInt8]) {
        var names = FirstNameTable<gid_t>(bytes: text)
        guard text.withUnsafeBufferPointer({ Self.parse($0) { _ = names.insert($0, value: $1) } }) else { return nil }
        self.names = names
    }

    /// The gid of the first entry called `name`, or nil when no entry is (NSS's other sources may know it).
    ///
    /// Names are compared as bytes, as getgrnam_r compares them.
    func gid(named name: String) -> gid_t? {
        names.value(named: name)
    }

    /// Gives `entry` each line of `text` as an entry `name:password:gid:members` (the name's range and the
    /// gid), in file order; false when a line is not in the plain form described above.
    private static func parse(_ text: UnsafeBufferPointer<UInt8>, entry: (Range<Int>, gid_t) -> Void) -> Bool {
        let count = text.count
        var index = 0
        while index < count {
            // The name: name bytes, a final `$` allowed, not starting with `-`, not empty.
            let nameStart = index
            while index < count, isNameByte(text[index]) { index += 1 }
            if index < count, text[index] == UInt8(ascii: "$") { index += 1 }
            guard index > nameStart, text[nameStart] != UInt8(ascii: "-"), index < count,
                text[index] == UInt8(ascii: ":")
            else { return false }
            let name = nameStart..<index
            index += 1
            // The password: printable, no colon.
            while index < count, isFieldByte(text[index]) { index += 1 }
            guard index < count, text[index] == UInt8(ascii: ":") else { return false }
            index += 1
            // The gid: 1 to 10 decimal digits, no leading zero, below (gid_t)-1 (which means "no gid").
            let gidStart = index
            var value: UInt64 = 0
            while index < count, index - gidStart < 10, text[index] >= UInt8(ascii: "0"),
                text[index] <= UInt8(ascii: "9")
            {
                value = value * 10 + UInt64(text[index] - UInt8(ascii: "0"))
                index += 1
            }
            guard index > gidStart, index - gidStart == 1 || text[gidStart] != UInt8(ascii: "0"),
                value < UInt64(gid_t.max), index < count, text[index] == UInt8(ascii: ":")
            else { return false }
            index += 1
            // The members: printable, no colon, to the end of the line.
            while index < count, isFieldByte(text[index]) { index += 1 }
            guard index == count || text[index] == 0x0A else { return false }
            index += 1
            entry(name, gid_t(value))
        }
        return true
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// A byte of the password or members field: printable ASCII other than the colon.
    private static func isFieldByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: ":")
    }

    /// Whether nsswitch.conf asks `files` first for groups, read strictly as glibc (2.33 and later) reads it.
    ///
    /// Yes only when every line is understood: blank, a comment (its first word starts with `#`; glibc has no
    /// comments after a word), or `database:` followed by sources (letters, digits, `_`, `-`) and single-word
    /// actions `[STATUS=action]` of known names (glibc refuses the whole file for one bad action); exactly one
    /// line is the `group` database; its first source is `files` with no action after it. White space is C's
    /// (`\v` and `\f` too). Anything else is not understood, so the answer is no and NSS is asked.
    static func filesComeFirst(_ configuration: [UInt8]) -> Bool {
        configuration.withUnsafeBufferPointer { text in
            // The group line's first two words after `group:`, as ranges (no copies: this runs per session).
            var groupSources: (first: Range<Int>?, second: Range<Int>?)?
            var index = 0
            while index < text.count {
                var words = Words(text: text, index: index)
                defer { index = words.lineEnd + 1 }
                guard let first = words.next(), text[first.lowerBound] != UInt8(ascii: "#") else { continue }
                guard let colon = text[first].firstIndex(of: UInt8(ascii: ":")) else { return false }
                let database = first.lowerBound..<colon
                var attached: Range<Int>? = colon + 1 < first.upperBound ? (colon + 1)..<first.upperBound : nil
                var found: (first: Range<Int>?, second: Range<Int>?) = (nil, nil)
                guard !database.isEmpty, text[database].allSatisfy(isServiceByte) else { return false }
                while let source = attached ?? words.next() {
                    attached = nil
                    guard Self.isSourceOrAction(text[source]) else { return false }
                    if found.first == nil { found.first = source } else if found.second == nil { found.second = source }
                }
                guard Self.equalsIgnoringCase(text[database], "group") else { continue }
                guard text[database].elementsEqual("group".utf8), groupSources == nil else { return false }
                groupSources = found
            }
            guard let sources = groupSources, let source = sources.first, text[source].elementsEqual("files".utf8)
            else {
                return false
            }
            return sources.second.map { text[$0.lowerBound] != UInt8(ascii: "[") } ?? true
        }
    }

    /// The words of one line of `text` (white space is C's), from `index` to the line's end.
    private struct Words {
        let text: UnsafeBufferPointer<UInt8>
        var index: Int
        /// Where the line ends (its newline, or the end of the text).
        let lineEnd: Int

        init(text: UnsafeBufferPointer<UInt8>, index: Int) {
            self.text = text
            self.index = index
            var end = index
            while end < text.count, text[end] != 0x0A { end += 1 }
            self.lineEnd = end
        }

        mutating func next() -> Range<Int>? {
            while index < lineEnd, ConfigLexer.isSpace(text[index]) { index += 1 }
            guard index < lineEnd else { return nil }
            let start = index
            while index < lineEnd, !ConfigLexer.isSpace(text[index]) { index += 1 }
            return start..<index
        }
    }

    private static func isServiceByte(_ byte: UInt8) -> Bool {
        isNameByte(byte) && byte != UInt8(ascii: ".")
    }

    /// A source name, or one action in its own brackets: `[STATUS=action]`, `!` allowed before the status.
    private static func isSourceOrAction(_ word: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard word.first == UInt8(ascii: "[") else { return word.allSatisfy(isServiceByte) }
        guard word.count > 2, word.last == UInt8(ascii: "]") else { return false }
        var inside = word.dropFirst().dropLast()
        if inside.first == UInt8(ascii: "!") { inside = inside.dropFirst() }
        guard let equals = inside.firstIndex(of: UInt8(ascii: "=")) else { return false }
        let status = inside[..<equals]
        let action = inside[(equals + 1)...]
        return ["success", "notfound", "unavail", "tryagain"].contains { equalsIgnoringCase(status, $0) }
            && ["return", "continue", "merge"].contains { equalsIgnoringCase(action, $0) }
    }

    /// Whether `bytes` are `word` with ASCII capitals lowered (glibc compares statuses, actions and databases so).
    private static func equalsIgnoringCase(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        var pointer = word.utf8Start
        for byte in bytes {
            guard (byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte) == pointer.pointee else { return false }
            pointer += 1
        }
        return true
    }

    /// Whether nscd (or unscd) may be answering group lookups (its socket exists, or cannot be looked at).
    ///
    /// NSS then answers from its cache, which can hold an older /etc/group or nsswitch.conf, so the file would
    /// not answer the same.
    static func cacheDaemonPresent(socket: String = "/var/run/nscd/socket") -> Bool {
        var info = stat()
        return system_lstat(socket, &info) == 0 || system_errno() != ENOENT
    }
}
