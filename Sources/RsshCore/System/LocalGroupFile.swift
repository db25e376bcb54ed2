import CRsshLibc

/// `/etc/group` read once, so that many group lines' names resolve without one NSS call each (each
/// getgrnam_r opens, reads and parses the whole file again: about 12 µs, 1.2 ms for the last of 100 lines).
///
/// It is used only where it answers exactly as getgrnam_r does:
/// - nsswitch.conf's one `group:` line names `files` first, with no action after it, so a name the file
///   holds is answered from the file and nothing after it is asked;
/// - both files are root's and writable by nobody else (`ConfigFile`'s checks);
/// - every line of /etc/group is an entry in the plain form groupadd writes (`name:password:gid:members`, a
///   name of letters, digits, `.`, `_`, `-` and a final `$`, a decimal gid without leading zeros), so this
///   reading and NSS's files module cannot differ on any line.
///
/// Then, as in NSS, the first entry with a name gives its gid. A name the file lacks is left to NSS (the
/// sources after `files`: systemd, sss, ldap), and any file this does not fully understand is not used at all.
struct LocalGroupFile {
    private let text: [UInt8]
    private let entries: [(name: Range<Int>, gid: gid_t)]

    /// The file, when it can answer for NSS (see above); nil sends every name to NSS.
    static func load(group: String = "/etc/group", nsswitch: String = "/etc/nsswitch.conf") -> LocalGroupFile? {
        guard case .success(let configuration) = ConfigFile.read(nsswitch, trustedOwner: 0),
            Self.filesComeFirst(configuration), case .success(let text) = ConfigFile.read(group, trustedOwner: 0)
        else { return nil }
        return LocalGroupFile(parsing: text)
    }

    /// Parses `text`; nil when any line is not a plain entry.
    init?(parsing text: [UInt8]) {
        var entries: [(name: Range<Int>, gid: gid_t)] = []
        var start = 0
        while start < text.count {
            let end = text[start...].firstIndex(of: 0x0A) ?? text.count
            guard let entry = Self.entry(text, start..<end) else { return nil }
            entries.append(entry)
            start = end + 1
        }
        self.text = text
        self.entries = entries
    }

    /// The gid of the first entry called `name`, or nil when no entry is (NSS's other sources may know it).
    func gid(named name: String) -> gid_t? {
        let wanted = Array(name.utf8)
        for entry in entries where entry.name.count == wanted.count && text[entry.name].elementsEqual(wanted) {
            return entry.gid
        }
        return nil
    }

    /// `name:password:gid:members` with the plain name and gid described above, nothing else.
    private static func entry(_ text: [UInt8], _ line: Range<Int>) -> (name: Range<Int>, gid: gid_t)? {
        let fields = text[line].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard fields.count == 4, let name = fields.first, let last = name.last, name.first != UInt8(ascii: "-"),
            name.dropLast().allSatisfy(isNameByte), isNameByte(last) || last == UInt8(ascii: "$"),
            fields[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            fields[3].allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            let gid = plainGid(fields[2])
        else { return nil }
        return (name.startIndex..<name.endIndex, gid)
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

    /// Whether nsswitch.conf asks `files` first for groups.
    ///
    /// Yes only for exactly one `group:` line, written plainly (at the start of its line, as every distribution
    /// writes it), whose first source is `files` with no `[…]` action after it. Any other spelling of the group
    /// database (`group :`, ` group:`, `Group:`) is not understood, so the answer is no.
    static func filesComeFirst(_ configuration: [UInt8]) -> Bool {
        let group = Array("group".utf8)
        var sources: [ArraySlice<UInt8>]?
        for line in configuration.split(separator: 0x0A) {
            let words = line.prefix { $0 != UInt8(ascii: "#") }.split { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            guard let first = words.first,
                first.map({ $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }).starts(with: group)
            else { continue }
            guard sources == nil, line.first == UInt8(ascii: "g"), first.starts(with: Array("group:".utf8)) else {
                return false
            }
            // `group:files` names its first source in the same word.
            let attached = first.dropFirst(6)
            sources = (attached.isEmpty ? [] : [attached]) + words.dropFirst()
        }
        guard let sources, let source = sources.first, source.elementsEqual(Array("files".utf8)) else { return false }
        return sources.count == 1 || sources[1].first != UInt8(ascii: "[")
    }
}
