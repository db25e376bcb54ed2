import Glibc
import Testing

@testable import RsshCore

/// /etc/group read once must answer exactly as getgrnam_r, or not be used.
struct LocalGroupFileTests {
    struct Switch: CustomTestStringConvertible, Sendable {
        var text: String
        var filesFirst: Bool
        var testDescription: String { text.debugDescription }
    }

    @Test(arguments: [
        Switch(text: "passwd: files systemd\ngroup:          files systemd\nshadow: files\n", filesFirst: true),
        Switch(text: "# a comment\n   # another\n\ngroup: files\n", filesFirst: true),
        Switch(text: "group:files ldap\n", filesFirst: true),
        Switch(text: "\tgroup: files\n", filesFirst: true),
        Switch(text: "group: files\nhosts: files [NOTFOUND=return] dns\n", filesFirst: true),
        Switch(text: "group: files sss [!UNAVAIL=return]\n", filesFirst: true),
        Switch(text: "group: files # local first\n", filesFirst: false),
        Switch(text: "group: files#local sss\n", filesFirst: false),
        Switch(text: "group: files\n\u{0B}group: systemd\n", filesFirst: false),
        Switch(text: "group: files \u{0B}[SUCCESS=continue] systemd\n", filesFirst: false),
        Switch(text: "group: files\u{0C}[SUCCESS=continue] systemd\n", filesFirst: false),
        Switch(text: "group: files\nhosts: files [NOTFOUND=retrun] dns\n", filesFirst: false),
        Switch(text: "group: files\nhosts: files [NOTFOUND=return dns\n", filesFirst: false),
        Switch(text: "group: files [NOTFOUND=return] sss\n", filesFirst: false),
        Switch(text: "group: files [SUCCESS=merge] sss\n", filesFirst: false),
        Switch(text: "group: sss files\n", filesFirst: false),
        Switch(text: "group: compat\n", filesFirst: false),
        Switch(text: "group:\n", filesFirst: false),
        Switch(text: "#group: files\n", filesFirst: false),
        Switch(text: "passwd: files\n", filesFirst: false),
        Switch(text: "group : files\n", filesFirst: false),
        Switch(text: "group files\n", filesFirst: false),
        Switch(text: "Group: files\n", filesFirst: false),
        Switch(text: "group: files\ngroup: sss\n", filesFirst: false),
        Switch(text: "gshadow: sss\ngroup: files\n", filesFirst: true),
    ])
    func readsTheGroupDatabaseLine(_ case_: Switch) {
        #expect(LocalGroupFile.filesComeFirst(Array(case_.text.utf8)) == case_.filesFirst)
    }

    /// The first reading of nsswitch.conf (split lines and words, strings), kept as the reference for the
    /// one-pass reading.
    static func referenceFilesComeFirst(_ configuration: [UInt8]) -> Bool {
        func isServiceByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-")
        }
        func lowercased(_ bytes: ArraySlice<UInt8>) -> String {
            String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        }
        func isSourceOrAction(_ word: ArraySlice<UInt8>) -> Bool {
            guard word.first == UInt8(ascii: "[") else { return word.allSatisfy(isServiceByte) }
            guard word.count > 2, word.last == UInt8(ascii: "]") else { return false }
            var inside = word.dropFirst().dropLast()
            if inside.first == UInt8(ascii: "!") { inside = inside.dropFirst() }
            let parts = inside.split(separator: UInt8(ascii: "="), omittingEmptySubsequences: false)
            guard parts.count == 2 else { return false }
            return ["success", "notfound", "unavail", "tryagain"].contains(lowercased(parts[0]))
                && ["return", "continue", "merge"].contains(lowercased(parts[1]))
        }
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
            guard lowercased(database) == "group" else { continue }
            guard database.elementsEqual(Array("group".utf8)), groupSources == nil else { return false }
            groupSources = sources
        }
        guard let sources = groupSources, let source = sources.first, source.elementsEqual(Array("files".utf8)) else {
            return false
        }
        return sources.count == 1 || sources[1].first != UInt8(ascii: "[")
    }

    @Test func oneReadingOfNsswitchAgreesWithTheReference() {
        var random = SplitMix64(state: 3)
        let words = [
            "group:", "Group:", "GROUP:", "group:files", "passwd:", "hosts:", "files", "Files", "sss", "systemd",
            "[NOTFOUND=return]", "[!unavail=Continue]", "[SUCCESS=merge]", "[success=]", "[=return]", "[x]", "[]",
            "#", "#c", "a.b", "g:h:", ":", "[tryagain=return=x]",
        ]
        let spaces = [" ", "  ", "\t", "\u{0B}", "\r", ""]
        var yes = 0
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<random.below(4) {
                for _ in 0..<random.below(5) { text += random.pick(spaces) + random.pick(words) }
                text += random.pick(["\n", "\n\n", " \n"])
            }
            if random.chance(30) { text = "group: files " + text }
            let bytes = Array(text.utf8)
            let expected = Self.referenceFilesComeFirst(bytes)
            #expect(LocalGroupFile.filesComeFirst(bytes) == expected, "\(text.debugDescription)")
            if expected { yes += 1 }
        }
        #expect(yes > 1_000)
    }

    struct GroupText: CustomTestStringConvertible, Sendable {
        var text: String
        var usable: Bool
        var testDescription: String { text.debugDescription }
    }

    @Test(arguments: [
        GroupText(text: "root:x:0:\nstaff:x:50:alice,bob\nmachine$:!:1001:\n", usable: true),
        GroupText(text: "", usable: true),
        GroupText(text: "root:x:0:", usable: true),
        GroupText(text: "root:x:0:\n\nstaff:x:50:\n", usable: false),
        GroupText(text: "# comment\nroot:x:0:\n", usable: false),
        GroupText(text: " root:x:0:\n", usable: false),
        GroupText(text: "+:::\n", usable: false),
        GroupText(text: "+staff:x:50:\n", usable: false),
        GroupText(text: "-staff:x:50:\n", usable: false),
        GroupText(text: "staff:x:50\n", usable: false),
        GroupText(text: "staff:x:50::\n", usable: false),
        GroupText(text: "staff:x:050:\n", usable: false),
        GroupText(text: "staff:x:5a:\n", usable: false),
        GroupText(text: "staff:x: 50:\n", usable: false),
        GroupText(text: "staff:x:4294967295:\n", usable: false),
        GroupText(text: "staff:x:42949672950:\n", usable: false),
        GroupText(text: "staff:x::\n", usable: false),
        GroupText(text: ":x:50:\n", usable: false),
        GroupText(text: "st aff:x:50:\n", usable: false),
        GroupText(text: "staff:x:50:a b\n", usable: false),
        GroupText(text: "staff:x:50:\r\n", usable: false),
        GroupText(text: "caf\u{E9}:x:50:\n", usable: false),
    ])
    func usesOnlyPlainFiles(_ case_: GroupText) {
        #expect((LocalGroupFile(parsing: Array(case_.text.utf8)) != nil) == case_.usable)
    }

    @Test func theFirstEntryOfANameWinsAndOthersAreLeftToNSS() throws {
        let file = try #require(LocalGroupFile(parsing: Array("a:x:1:\nstaff:x:50:\nstaff:x:51:\nalias:x:50:\n".utf8)))
        #expect(file.gid(named: "staff") == 50)
        #expect(file.gid(named: "alias") == 50)
        #expect(file.gid(named: "sta") == nil && file.gid(named: "staffs") == nil && file.gid(named: "") == nil)
        #expect(file.gid(named: "ldapgroup") == nil)
        // KELVIN SIGN is canonically "K" to String's ==, not to getgrnam_r's byte comparison.
        let kelvin = try #require(LocalGroupFile(parsing: Array("Kstaff:x:60:\n".utf8)))
        #expect(kelvin.gid(named: "Kstaff") == 60 && kelvin.gid(named: "\u{212A}staff") == nil)
    }

    /// The first reading of the file (slices, a dictionary of strings), kept as the reference the one-pass
    /// parser and its hash table must agree with.
    static func reference(_ text: [UInt8]) -> [String: gid_t]? {
        func isNameByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        let printable = { (byte: UInt8) in byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: ":") }
        var gids: [String: gid_t] = [:]
        var start = 0
        while start < text.count {
            let end = text[start...].firstIndex(of: 0x0A) ?? text.count
            let line = text[start..<end]
            guard let nameEnd = line.firstIndex(of: UInt8(ascii: ":")),
                let passwordEnd = line[(nameEnd + 1)...].firstIndex(of: UInt8(ascii: ":")),
                let gidEnd = line[(passwordEnd + 1)...].firstIndex(of: UInt8(ascii: ":"))
            else { return nil }
            let name = line[..<nameEnd]
            let digits = line[(passwordEnd + 1)..<gidEnd]
            guard let first = name.first, let last = name.last, first != UInt8(ascii: "-"),
                name.dropLast().allSatisfy(isNameByte), isNameByte(last) || last == UInt8(ascii: "$"),
                line[(nameEnd + 1)..<passwordEnd].allSatisfy(printable), line[(gidEnd + 1)...].allSatisfy(printable),
                !digits.isEmpty, digits.count <= 10, digits.count == 1 || digits.first != UInt8(ascii: "0"),
                digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let value = UInt64(String(decoding: digits, as: UTF8.self)), value < UInt64(gid_t.max)
            else { return nil }
            let key = String(decoding: name, as: UTF8.self)
            if gids[key] == nil { gids[key] = gid_t(value) }
            start = end + 1
        }
        return gids
    }

    @Test(arguments: 1...4)
    func oneReadingAgreesWithTheReference(seed: UInt64) {
        // Files of mostly valid entries with repeated names, and one damaged byte in a fifth of them.
        var random = SplitMix64(state: seed)
        // The bytes that make an entry unusable (`-` first, `$` not last, `:` or space in a field) are rare.
        let nameBytes = Array("abAB09._".utf8)
        let fieldBytes = Array("xX!*,0".utf8)
        func some(_ bytes: [UInt8], _ rare: String) -> UInt8 {
            random.chance(3) ? random.pick(Array(rare.utf8)) : random.pick(bytes)
        }
        var usable = 0
        for _ in 0..<2_000 {
            var names: [[UInt8]] = []
            var text: [UInt8] = []
            for _ in 0..<random.below(30) {
                let name =
                    names.isEmpty || random.chance(70)
                    ? (0..<(1 + random.below(4))).map { _ in some(nameBytes, "-$") } : random.pick(names)
                names.append(name)
                let gid =
                    random.chance(2)
                    ? "0\(random.below(9))" : String(random.next() % (random.chance(1) ? 1 << 33 : 70_000))
                let password = (0..<random.below(3)).map { _ in some(fieldBytes, ": ") }
                text +=
                    name + [UInt8(ascii: ":")] + password + [UInt8(ascii: ":")] + Array(gid.utf8) + [UInt8(ascii: ":")]
                text += Array("a,b".utf8).prefix(random.below(4)) + [0x0A]
            }
            if !text.isEmpty, random.chance(20) {
                text[random.below(text.count)] = random.pick(Array(" :\n\r\u{7F}x".utf8))
            }
            if !text.isEmpty, random.chance(20) { text.removeLast() }
            let expected = Self.reference(text)
            let file = LocalGroupFile(parsing: text)
            #expect((file == nil) == (expected == nil), "\(String(decoding: text, as: UTF8.self).debugDescription)")
            guard let file, let expected else { continue }
            usable += 1
            for name in names.map({ String(decoding: $0, as: UTF8.self) }) + ["zz", "a", "ab$"] {
                #expect(file.gid(named: name) == expected[name], "\(name)")
            }
        }
        #expect(usable > 500, "seed \(seed): only \(usable) usable files")
    }

    @Test func anNscdSocketKeepsTheFileUnused() throws {
        let directory = try TemporaryDirectory()
        #expect(!LocalGroupFile.cacheDaemonPresent(socket: directory.path + "/socket"))
        try directory.create("socket")
        #expect(LocalGroupFile.cacheDaemonPresent(socket: directory.path + "/socket"))
    }

    @Test func answersAsGetgrnamOnThisMachine() throws {
        // Every entry of this machine's /etc/group, and a name it lacks, against NSS itself. Debian's default
        // nsswitch.conf (`group: files systemd`) and a groupadd-written file make it usable.
        let file = try #require(LocalGroupFile.load(), "/etc/group cannot answer for NSS on this machine")
        let text = try ConfigFile.read("/etc/group", trustedOwner: 0).get()
        var names = text.split(separator: 0x0A).compactMap { $0.split(separator: UInt8(ascii: ":")).first }.map {
            String(decoding: $0, as: UTF8.self)
        }
        names.append("rssh-no-such-group")
        #expect(names.count > 1)
        for name in names {
            let nss = getgrnam(name).map { $0.pointee.gr_gid }
            #expect(file.gid(named: name) == nss, "\(name)")
        }
    }
}
