import Glibc
import Testing

@testable import RsshCore

private func parse(_ text: String, user: String? = nil) -> Configuration {
    ConfigParser.parse(Array(text.utf8), file: "rssh.conf", onlyUser: user)
}

struct ConfigParserTests {
    struct Valid: CustomTestStringConvertible, Sendable {
        var text: String
        var allowed: [TransferProgram]
        var umask: mode_t? = nil
        var chroot: String? = nil
        var testDescription: String { text.debugDescription }
    }

    @Test(arguments: [
        Valid(text: "allowscp\n", allowed: [.scp]),
        Valid(
            text: "allowscp\nallowsftp\nallowcvs\nallowrdist\nallowrsync\nallowsvnserve\n",
            allowed: TransferProgram.allCases
        ),
        Valid(text: "allowscp#comment\n", allowed: [.scp]),
        Valid(text: "  allowsftp   # trailing comment\n", allowed: [.sftp]),
        Valid(text: "# only a comment\n\n   \n", allowed: []),
        Valid(text: "allowscp\r\nallowsftp\r\n", allowed: [.scp, .sftp]),
        Valid(text: "allowscp\nallowsftp", allowed: [.scp, .sftp]),  // no final newline: accepted (rssh refused)
        Valid(text: "umask=022\nallowscp\n", allowed: [.scp], umask: 0o22),
        Valid(text: "umask = 0022\n", allowed: [], umask: 0o22),
        Valid(text: "umask = 0\n", allowed: [], umask: 0),
        Valid(text: "umask = 0000000000000000000022\n", allowed: [], umask: 0o22),  // strtol takes any leading zeros
        Valid(text: "umask = 777\n", allowed: [], umask: 0o777),
        Valid(text: "umask = 022\numask = 077\n", allowed: [], umask: 0o77),
        Valid(text: "chrootpath = /srv/jail\n", allowed: [], chroot: "/srv/jail"),
        Valid(text: "chrootpath = \"/usr/local/my chroot\"\n", allowed: [], chroot: "/usr/local/my chroot"),
        Valid(text: "chrootpath=/srv/jail/\n", allowed: [], chroot: "/srv/jail"),
        Valid(text: "chrootpath = /a#comment\n", allowed: [], chroot: "/a"),
        Valid(text: "chrootpath = '/a#b'\n", allowed: [], chroot: "/a#b"),
        Valid(text: "\"allowscp\"\n", allowed: [.scp]),
        Valid(text: "logfacility = LOG_USER\nallowscp\n", allowed: [.scp]),
        Valid(text: "logfacility = local7\n", allowed: []),
    ])
    func validGlobal(_ case_: Valid) {
        let config = parse(case_.text)
        #expect(config.errors.isEmpty, "\(config.errors)")
        #expect(config.allowed == ProgramSet(case_.allowed))
        #expect(config.umask == case_.umask)
        #expect(config.chrootPath == case_.chroot)
    }

    struct Invalid: CustomTestStringConvertible, Sendable {
        var text: String
        var line: Int
        var fragment: String
        var testDescription: String { text.debugDescription }
    }

    @Test(arguments: [
        Invalid(text: "AllowSCP\n", line: 1, fragment: "case-sensitive"),
        Invalid(text: "allowscpp\n", line: 1, fragment: "unknown keyword"),
        Invalid(text: "allowscp\nfoo = bar\n", line: 2, fragment: "unknown keyword 'foo'"),
        Invalid(text: "allowscp = yes\n", line: 1, fragment: "unexpected"),
        Invalid(text: "allowscp allowsftp\n", line: 1, fragment: "unexpected"),
        Invalid(text: "\"allowsftp\n", line: 1, fragment: "unmatched quote"),
        Invalid(text: "chrootpath = '/a\n", line: 1, fragment: "unmatched quote"),
        Invalid(text: "umask 022\n", line: 1, fragment: "assignment expected"),
        Invalid(text: "umask =\n", line: 1, fragment: "needs a value"),
        Invalid(text: "umask = 8\n", line: 1, fragment: "invalid umask"),
        Invalid(text: "umask = 999\n", line: 1, fragment: "invalid umask"),
        Invalid(text: "umask = -1\n", line: 1, fragment: "invalid umask"),
        Invalid(text: "umask = 1000\n", line: 1, fragment: "invalid umask"),
        Invalid(text: "umask = abc\n", line: 1, fragment: "invalid umask"),
        // Regression (found by FuzzConfig): enough octal digits overflowed the accumulator and trapped.
        Invalid(text: "umask = 777777777777\n", line: 1, fragment: "invalid umask"),
        Invalid(text: "logfacility = LOCAL0\n", line: 1, fragment: "unknown log facility"),
        Invalid(text: "logfacility = log_user\n", line: 1, fragment: "unknown log facility"),
        Invalid(text: "chrootpath = /my jail\n", line: 1, fragment: "unexpected"),
        Invalid(text: "chrootpath = relative/jail\n", line: 1, fragment: "must be absolute"),
        Invalid(text: "= allowscp\n", line: 1, fragment: "starts with"),
        Invalid(text: "allowscp\n\n\nallow\u{01}scp\n", line: 4, fragment: "control character"),
        Invalid(text: "allowscp\nallowsftp\u{00}\n", line: 2, fragment: "control character"),
        Invalid(text: "user = \"bob:022:00001\n", line: 1, fragment: "unmatched quote"),
        Invalid(text: "user = root : 022 : 00001\n", line: 1, fragment: "unexpected"),
        Invalid(text: "user=alice: 022:00001\n", line: 1, fragment: "unexpected"),
    ])
    func invalidGlobal(_ case_: Invalid) {
        let config = parse(case_.text)
        let errors = config.errors
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.line == case_.line)
        #expect(errors.first?.scope == .global)
        #expect(errors.first?.message.contains(case_.fragment) == true, "\(errors)")
        // A global error locks out every user, whatever the rest of the file says.
        guard case .failure(.configurationErrors) = config.policy(for: "anyone") else {
            Issue.record("not locked out")
            return
        }
    }

    struct UserLine: CustomTestStringConvertible, Sendable {
        var line: String
        var programs: [TransferProgram]
        var umask: mode_t
        var chroot: String?
        var testDescription: String { line }
    }

    @Test(arguments: [
        // 5 bits, upstream order: rsync rdist cvs sftp scp.
        UserLine(line: "user=alice:077:00010:", programs: [.sftp], umask: 0o77, chroot: nil),
        UserLine(line: "user=alice:077:00010", programs: [.sftp], umask: 0o77, chroot: nil),
        UserLine(line: "user=alice:011:00001", programs: [.scp], umask: 0o11, chroot: nil),
        UserLine(line: "user=alice:022:00100", programs: [.cvs], umask: 0o22, chroot: nil),
        UserLine(line: "user=alice:022:01000", programs: [.rdist], umask: 0o22, chroot: nil),
        UserLine(line: "user=alice:022:10000", programs: [.rsync], umask: 0o22, chroot: nil),
        UserLine(
            line: "user=alice:022:11111",
            programs: [.rsync, .rdist, .cvs, .sftp, .scp],
            umask: 0o22,
            chroot: nil
        ),
        // 6 bits, Debian order: svnserve is the rightmost.
        UserLine(line: "user=alice:022:000001", programs: [.svnserve], umask: 0o22, chroot: nil),
        UserLine(line: "user=alice:022:000010", programs: [.scp], umask: 0o22, chroot: nil),
        UserLine(line: "user=alice:022:000100", programs: [.sftp], umask: 0o22, chroot: nil),
        UserLine(line: "user=alice:022:100000", programs: [.rsync], umask: 0o22, chroot: nil),
        UserLine(line: "user=alice:022:00000", programs: [], umask: 0o22, chroot: nil),
        // Chroot paths and quoting.
        UserLine(line: "user=alice:022:00011:/srv/jail", programs: [.sftp, .scp], umask: 0o22, chroot: "/srv/jail"),
        UserLine(
            line: "user=\"alice:011:00001:/usr/local/chroot\"",
            programs: [.scp],
            umask: 0o11,
            chroot: "/usr/local/chroot"
        ),
        UserLine(
            line: "user=alice:'011:00001:/usr/local/chroot'",
            programs: [.scp],
            umask: 0o11,
            chroot: "/usr/local/chroot"
        ),
        UserLine(
            line: "user = \"alice:011:00001:/usr/local/my chroot\"  # comment",
            programs: [.scp],
            umask: 0o11,
            chroot: "/usr/local/my chroot"
        ),
        UserLine(
            line: "user=alice:011:00001:\"/usr/local/my chroot\"",
            programs: [.scp],
            umask: 0o11,
            chroot: "/usr/local/my chroot"
        ),
        UserLine(line: "user=alice:01\"1:00001:/tmp/jail\"", programs: [.scp], umask: 0o11, chroot: "/tmp/jail"),
        UserLine(line: "user=\"alice:022:00001:'/tmp/a:b'\"", programs: [.scp], umask: 0o22, chroot: "/tmp/a:b"),
    ])
    func userLines(_ case_: UserLine) throws {
        let config = parse("allowrsync\numask = 002\nchrootpath = /global\n" + case_.line + "\n", user: "alice")
        #expect(config.errors.isEmpty, "\(config.errors)")
        let policy = try config.policy(for: "alice").get()
        #expect(policy.programs == ProgramSet(case_.programs))
        #expect(policy.umask == case_.umask)
        // An omitted chroot path does not inherit the global chrootpath.
        #expect(policy.chrootPath == case_.chroot)
        #expect(policy.source == .userLine(4))
    }

    @Test(arguments: [
        "user=alice:022:0001",  // 4 bits
        "user=alice:022:0000001",  // 7 bits
        "user=alice:022:00002",
        "user=alice:0x2:00001",
        "user=alice:999:00001",
        "user=alice:0555555555562:00001",  // regression: overflowed before the range check
        "user=alice::00001",
        "user=alice:022",
        "user=alice",
        "user=alice:022:00001:/tmp/a:b",  // one level of quotes is removed before the colon split
        "user=alice:022:00001:relative",
        "user=alice:022:00001:\"/tmp/a:b\"",
    ])
    func malformedMatchingLineLocksOut(_ line: String) {
        let config = parse("allowscp\nallowsftp\n\(line)\nuser=alice:022:00011\n", user: "alice")
        guard case .failure(.configurationErrors(let errors)) = config.policy(for: "alice") else {
            Issue.record("alice was not locked out by \(line)")
            return
        }
        #expect(errors.first?.line == 3)
        // Another user is unaffected by an error confined to alice's line.
        #expect((try? config.policy(for: "bob").get())?.programs == [.scp, .sftp])
    }

    @Test func otherUsersLinesAreNotFullyCheckedForTheShell() throws {
        let config = parse("allowscp\nuser=bob:garbage:2\nuser=alice:022:00010\n", user: "alice")
        #expect(config.errors.isEmpty)
        #expect(try config.policy(for: "alice").get().programs == [.sftp])
        // rssh -v checks every line.
        let full = parse("allowscp\nuser=bob:garbage:2\nuser=alice:022:00010\n")
        #expect(full.errors.count == 1)
        #expect(full.errors.first?.scope == .user("bob"))
    }

    /// Regression (found by FuzzConfig): the shell's fast path skipped another user's line whose name was
    /// empty or not UTF-8, which the full check reports as a global error, so `rssh -v` and the shell disagreed.
    @Test(arguments: [[0x9F, 0xC5, 0xCF, 0xC6, 0x37] as [UInt8], [], [0xFF]])
    func undecodableNamesLockEveryoneOutInBothModes(_ name: [UInt8]) {
        let text = Array("allowscp\nuser=".utf8) + name + Array(":022:00001\n".utf8)
        let full = ConfigParser.parse(text, file: "f")
        let fast = ConfigParser.parse(text, file: "f", onlyUser: "alice")
        #expect(full.policy(for: "alice") == fast.policy(for: "alice"))
        guard case .failure = fast.policy(for: "alice") else {
            Issue.record("alice not locked out")
            return
        }
    }

    @Test func firstMatchingLineWins() throws {
        let config = parse("allowscp\nuser=alice:022:00010\nuser=alice:077:00001\n", user: "alice")
        let policy = try config.policy(for: "alice").get()
        #expect(policy.programs == [.sftp])
        #expect(policy.umask == 0o22)
        #expect(config.warnings.count == 1)
    }

    @Test func usersWithoutLineGetGlobals() throws {
        let config = parse("allowscp\numask = 027\nchrootpath = /srv/jail\nuser=alice:022:00010\n")
        let policy = try config.policy(for: "carol").get()
        #expect(policy.programs == [.scp])
        #expect(policy.umask == 0o27)
        #expect(policy.chrootPath == "/srv/jail")
        #expect(policy.source == .global)
    }

    @Test func requireauditIsAnExtensionKeyword() {
        #expect(parse("allowscp\nrequireaudit\n").requireAudit)
        #expect(!parse("allowscp\n").requireAudit)
        #expect(parse("requireaudit = yes\n").errors.count == 1)
    }

    @Test func defaultUmaskIs022() throws {
        #expect(try parse("allowscp\n").policy(for: "x").get().umask == 0o22)
    }

    @Test func noAllowLinesMeansLockedOut() throws {
        let config = parse("umask = 022\n")
        #expect(try config.policy(for: "x").get().isLockedOut)
        #expect(config.warnings.contains { $0.message.contains("locked out") })
    }

    @Test func latin1CommentIsAccepted() {
        let bytes: [UInt8] = Array("# Gr".utf8) + [0xFC] + Array("\u{DF}e\nallowscp\n".utf8)
        let config = ConfigParser.parse(bytes, file: "f")
        #expect(config.errors.isEmpty)
        #expect(config.allowed == [.scp])
    }

    @Test func longLinesAreAccepted() {
        let config = parse("chrootpath = /" + String(repeating: "a", count: 3000) + "\nallowscp\n")
        #expect(config.errors.isEmpty)
    }

    @Test func reparsingGivesTheSameResult() {
        let text = "logfacility = LOG_USER\nallowscp\numask = 022\nuser=alice:027:00011:/srv/jail\nuser=bob:x:y\n"
        #expect(parse(text) == parse(text))
    }
}

/// The shell's fast path for other users' lines skips only what the full check accepts silently.
struct OtherUsersFastPathTests {
    @Test(arguments: [
        ("user = bob:022:00011:/srv/jail", true), ("user=bob:022:00011", true), ("  user\t=\tbob:022:00011  ", true),
        ("user = bob:022:00011 # comment", true), ("user = bob:022:00011#comment", true),
        ("user = a-very-long-user-name:022:00011:/srv/a/rather/long/jail/path/to/scan", true),
        ("user = alice:022:00011", false), ("user = alice", false), ("user = alicex:022:00011", true),
        ("user = :022:00011", false), ("user =", false), ("user = bob:022:00011 extra", false),
        ("user = \"bob:022:00011\"", false), ("user = bob:022:'x y'", false), ("user = bob:022:00011=", false),
        ("users = bob:022:00011", false), ("user bob", false), ("user = b\u{1}b:022:00011", false),
        ("user = bÃ¶b:022:00011", false), ("user = bob:022:00011\u{7F}", false), ("allowscp", false),
        ("user = bob:022:0001\u{1}1:/a/b/c/d/e/f/g", false), ("user = alice:022:00011:/srv/a/long/jail", false),
        ("user = alice2:022:00011:/srv/a/long/jail", true), ("user = ali:022:00011:/srv/a/long/jail", true),
        ("user = :022:00011:/srv/a/long/jail/path", false), ("user = bob:022:00011:/srv/a/long/jail#x", true),
        ("user = bob:022:00011:/srv/a/long/jail x", false), ("user = bob:022:00011:/srv/a/long/jail  ", true),
        ("user = bob:022:00011:/srv/a/\u{1}ong/jail", false), ("user = alice", false), ("user = alice:", false),
        ("user = bob", true), ("user = bobbobbobbobbobbobbob", true), ("user = alice#x", false),
        ("user =  bob:022:00011", true), ("user =\tbob:022:00011", true), ("user =  alice:022:00011", false),
        ("user = \"bob\":022:00011", false), ("user = \u{7F}bob:022:00011", false),
    ])
    func skipsOnlyPlainLinesOfOtherUsers(_ line: String, _ skipped: Bool) {
        let bytes = Array(line.utf8)
        let fast = bytes.withUnsafeBufferPointer {
            ConfigParser.isOtherUsersPlainLine($0, 0..<bytes.count, onlyUser: Array("alice".utf8))
        }
        #expect(fast == skipped, "\(line.debugDescription)")
        if fast {
            // What is skipped must be exactly what the full check accepts without a word about it.
            let full = ConfigParser.parse(bytes + [0x0A], file: "rssh.conf")
            #expect(full.errors.filter { $0.scope == .global }.isEmpty, "\(full.errors)")
        }
    }

    @Test func oneVectorPassSkipsOnlyWhatTheLineCheckSkips() {
        // Lines of every length around the block size, followed by other lines (so blocks may read past the
        // newline, never past the buffer): an end found must be the line's newline, on a line
        // isOtherUsersPlainLine skips.
        var random = SplitMix64(state: 13)
        let alphabet = Array("bobalice:0127/ #=\"\r\t".utf8) + [0x01, 0x7F, 0xC3]
        var skipped = 0
        for _ in 0..<50_000 {
            var line = Array(random.pick(["user = ", "user = ", "user =  ", "user= ", "group = "]).utf8)
            line += random.pick([[], Array("alice".utf8), Array("bob".utf8), Array("alice:".utf8)])
            line += (0..<random.below(45)).map { _ in random.chance(90) ? UInt8(ascii: "a") : random.pick(alphabet) }
            let text = line + [0x0A] + (0..<random.below(20)).map { _ in UInt8(ascii: "x") }
            let end = text.withUnsafeBufferPointer {
                ConfigParser.otherUsersPlainLineEnd($0.baseAddress!, 0, $0.count, onlyUser: Array("alice".utf8))
            }
            guard let end else { continue }
            skipped += 1
            #expect(end == line.count, "\(Printable.text(line))")
            #expect(
                text.withUnsafeBufferPointer {
                    ConfigParser.isOtherUsersPlainLine($0, 0..<line.count, onlyUser: Array("alice".utf8))
                },
                "\(Printable.text(line))"
            )
        }
        #expect(skipped > 3_000)
    }

    @Test func splitFieldsReadsAsRsshsSecondPass() {
        // The reference: rssh's byte-by-byte reading (quotes removed, colons split outside them).
        func reference(_ value: [UInt8]) -> [[UInt8]]? {
            var fields: [[UInt8]] = [[]]
            var index = 0
            while index < value.count {
                let byte = value[index]
                if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                    index += 1
                    while index < value.count, value[index] != byte {
                        fields[fields.count - 1].append(value[index])
                        index += 1
                    }
                    guard index < value.count else { return nil }
                } else if byte == UInt8(ascii: ":") {
                    fields.append([])
                } else {
                    fields[fields.count - 1].append(byte)
                }
                index += 1
            }
            return fields
        }
        var random = SplitMix64(state: 11)
        let alphabet = Array("ab:'\"/ ".utf8)
        for _ in 0..<20_000 {
            let value = (0..<Int(random.next() % 12)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            #expect((try? ConfigLexer.splitFields(value)) == reference(value), "\(value)")
        }
    }

    @Test func userPrefixIsTheBytesOfUserEquals() {
        let bytes = Array("user = x".utf8)
        let load = UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        #expect(load & 0x00FF_FFFF_FFFF_FFFF == ConfigParser.userPrefix)
    }

    @Test func groupPrefixIsTheBytesOfGroupEquals() {
        let bytes = Array("group = ".utf8)
        #expect(
            UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
                == ConfigParser.groupPrefix
        )
    }

    @Test(arguments: [nil, "alice"] as [String?])
    func plainGroupLinesParseAsTheFullCheckDoes(onlyUser: String?) {
        // `group = VALUE` may take the fast path; `group\t= VALUE` never does (and keeps the columns). Both
        // must give the same configuration, diagnostics included, whatever the value.
        var random = SplitMix64(state: 5)
        let alphabet = Array("ab01701:::/=#'\" ".utf8)
        var fast = 0
        for _ in 0..<20_000 {
            var lines: [[UInt8]] = []
            for _ in 0..<(1 + random.below(3)) {
                let name = random.pick(["ab", "b", "", "a:b"]).utf8
                let value: [UInt8] =
                    random.chance(50)
                    ? Array(name) + Array(":\(random.pick(["022", "0", "7777", "08", ""])):".utf8)
                        + Array(random.pick(["00010", "000011", "0001", "1100a", "00010:", "00010:/j"]).utf8)
                    : (0..<random.below(20)).map { _ in random.pick(alphabet) }
                lines.append(value)
            }
            let text: [UInt8] = lines.flatMap { Array("group = ".utf8) + $0 + [0x0A] }
            let slow: [UInt8] = lines.flatMap { Array("group\t= ".utf8) + $0 + [0x0A] }
            let config = ConfigParser.parse(text, file: "f", onlyUser: onlyUser)
            #expect(config == ConfigParser.parse(slow, file: "f", onlyUser: onlyUser), "\(Printable.text(text))")
            fast += config.groups.count
        }
        #expect(fast > 1_000)
    }

    @Test func blockTestMatchesTheByteTest() {
        // Each byte value in each lane, among plain neighbours, and random blocks mostly printable.
        for lane in 0..<16 {
            for value in 0...255 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 16)
                bytes[lane] = UInt8(value)
                let block = bytes.withUnsafeBytes { $0.loadUnaligned(as: SIMD16<UInt8>.self) }
                #expect(ConfigParser.isPlainBlock(block) == ConfigParser.isPlain(UInt8(value)), "\(value) at \(lane)")
            }
        }
        var random = SplitMix64(state: 7)
        for _ in 0..<20_000 {
            var bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if random.chance(60) { bytes = bytes.map { 0x21 + $0 % 0x5E } }
            let block = bytes.withUnsafeBytes { $0.loadUnaligned(as: SIMD16<UInt8>.self) }
            let slow = !bytes.contains { $0 < 0x21 || $0 >= 0x7F || Array("\"'=#".utf8).contains($0) }
            #expect(ConfigParser.isPlainBlock(block) == slow, "\(bytes)")
            #expect(bytes.allSatisfy(ConfigParser.isPlain) == slow)
        }
    }

    @Test(arguments: 16...40)
    func rangeTestReadsEveryByte(count: Int) {
        // A stop byte at each position of a range of each length is found, the overlapping last block included.
        for position in 0..<count {
            var bytes = [UInt8](repeating: UInt8(ascii: "b"), count: count)
            bytes[position] = UInt8(ascii: "=")
            #expect(!bytes.withUnsafeBufferPointer { ConfigParser.isPlain($0.baseAddress!, count: count) })
        }
        let plain = [UInt8](repeating: UInt8(ascii: ":"), count: count)
        #expect(plain.withUnsafeBufferPointer { ConfigParser.isPlain($0.baseAddress!, count: count) })
    }
}
