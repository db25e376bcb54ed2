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

    /// Each name's first entry's gid (small names are stored inline: no allocation per entry).
    private var gids: [String: gid_t] = [:]

    /// The file, when it can answer for NSS (see above); nil sends every name to NSS.
    static func load(group: String = "/etc/group", nsswitch: String = "/etc/nsswitch.conf") -> LocalGroupFile? {
        guard !Self.cacheDaemonPresent(), case .success(let configuration) = ConfigFile.read(nsswitch, trustedOwner: 0),
            Self.filesComeFirst(configuration), case .success(let text) = ConfigFile.read(group, trustedOwner: 0),
            text.count <= Self.maximumSize
        else { return nil }
        return LocalGroupFile(parsing: text)
    }

    /// Parses `text`; nil when any line is not a plain entry.
    init?(parsing text: [UInt8]) {
        var start = 0
        while start < text.count {
            let end = text[start...].firstIndex(of: 0x0A) ?? text.count
            guard let (name, gid) = Self.entry(text[start..<end]) else { return nil }
            if gids[name] == nil { gids[name] = gid }
            start = end + 1
        }
    }

    /// The gid of the first entry called `name`, or nil when no entry is (NSS's other sources may know it).
    func gid(named name: String) -> gid_t? {
        // Only ASCII names: String's == is canonical equivalence, and a non-ASCII name can equal an ASCII key
        // ("\u{212A}" is "K") where getgrnam_r compares bytes. The file's names are all ASCII.
        guard name.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        return gids[name]
    }

    /// `name:password:gid:members` with the plain name and gid described above, nothing else.
    private static func entry(_ line: ArraySlice<UInt8>) -> (String, gid_t)? {
        guard let nameEnd = line.firstIndex(of: UInt8(ascii: ":")),
            let passwordEnd = line[(nameEnd + 1)...].firstIndex(of: UInt8(ascii: ":")),
            let gidEnd = line[(passwordEnd + 1)...].firstIndex(of: UInt8(ascii: ":"))
        else { return nil }
        let name = line[..<nameEnd]
        let printable = { (byte: UInt8) in byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: ":") }
        guard let first = name.first, let last = name.last, first != UInt8(ascii: "-"),
            name.dropLast().allSatisfy(isNameByte), isNameByte(last) || last == UInt8(ascii: "$"),
            line[(nameEnd + 1)..<passwordEnd].allSatisfy(printable), line[(gidEnd + 1)...].allSatisfy(printable),
            let gid = plainGid(line[(passwordEnd + 1)..<gidEnd])
        else { return nil }
        return (String(decoding: name, as: UTF8.self), gid)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// A decimal gid without sign, space or leading zero, below (gid_t)-1 (which means "no gid").
    private static func plainGid(_ digits: ArraySlice<UInt8>) -> gid_t? {
        guard !digits.isEmpty, digits.count <= 10, digits.count == 1 || digits.first != UInt8(ascii: "0") else {
            return nil
        }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value < UInt64(gid_t.max) ? gid_t(value) : nil
    }

    /// Whether nsswitch.conf asks `files` first for groups, read strictly as glibc (2.33 and later) reads it.
    ///
    /// Yes only when every line is understood: blank, a comment (its first word starts with `#`; glibc has no
    /// comments after a word), or `database:` followed by sources (letters, digits, `_`, `-`) and single-word
    /// actions `[STATUS=action]` of known names (glibc refuses the whole file for one bad action); exactly one
    /// line is the `group` database; its first source is `files` with no action after it. White space is C's
    /// (`\v` and `\f` too). Anything else is not understood, so the answer is no and NSS is asked.
    static func filesComeFirst(_ configuration: [UInt8]) -> Bool {
        var groupSources: [ArraySlice<UInt8>]?
        for line in configuration.split(separator: 0x0A) {
            let words = line.split(whereSeparator: ConfigLexer.isSpace)
            guard let first = words.first, first.first != UInt8(ascii: "#") else { continue }
            guard let colon = first.firstIndex(of: UInt8(ascii: ":")) else { return false }
            let database = first[..<colon]
            let attached = first[(colon + 1)...]
            let sources = (attached.isEmpty ? [] : [attached]) + words.dropFirst()
            guard !database.isEmpty, database.allSatisfy(isServiceByte), sources.allSatisfy(isSourceOrAction) else {
                return false
            }
            guard Self.lowercased(database) == "group" else { continue }
            guard database.elementsEqual(Array("group".utf8)), groupSources == nil else { return false }
            groupSources = sources
        }
        guard let sources = groupSources, let source = sources.first, source.elementsEqual(Array("files".utf8)) else {
            return false
        }
        return sources.count == 1 || sources[1].first != UInt8(ascii: "[")
    }

    private static func isServiceByte(_ byte: UInt8) -> Bool {
        isNameByte(byte) && byte != UInt8(ascii: ".")
    }

    /// A source name, or one action in its own brackets: `[STATUS=action]`, `!` allowed before the status.
    private static func isSourceOrAction(_ word: ArraySlice<UInt8>) -> Bool {
        guard word.first == UInt8(ascii: "[") else { return word.allSatisfy(isServiceByte) }
        guard word.count > 2, word.last == UInt8(ascii: "]") else { return false }
        var inside = word.dropFirst().dropLast()
        if inside.first == UInt8(ascii: "!") { inside = inside.dropFirst() }
        let parts = inside.split(separator: UInt8(ascii: "="), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return ["success", "notfound", "unavail", "tryagain"].contains(lowercased(parts[0]))
            && ["return", "continue", "merge"].contains(lowercased(parts[1]))
    }

    /// The bytes with ASCII capitals lowered, as text (glibc compares statuses, actions and databases so).
    private static func lowercased(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
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
