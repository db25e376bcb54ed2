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
