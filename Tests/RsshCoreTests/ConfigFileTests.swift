import Glibc
import Testing

@testable import RsshCore

/// `ConfigFile.parse` reads a piece at a time and parses each piece's complete lines: wherever the pieces
/// end, the configuration is the one `ConfigParser.parse` makes from the whole file.
struct ConfigFileTests {
    /// A file of several pieces: 10,000 users, a line longer than one piece, diagnostics on both sides of a
    /// piece's end, and no final newline.
    static let largeText: String = {
        var lines = ["logfacility = LOG_USER", "allowsftp"]
        for i in 1...10_000 { lines.append("user = benchuser\(i):022:00011:/srv/jail\(i)") }
        lines.append("user = \"quoted user\":022:00010")
        lines.append("chrootpath = /" + String(repeating: "a", count: 3 * ConfigFile.parseChunk))
        lines.append("user = broken:999:00010")
        lines.append("bogus = 1")
        lines.append("umask = 077")
        return lines.joined(separator: "\n")
    }()

    @Test(arguments: [nil, "benchuser1", "benchuser9999", "quoted user", "broken", "absent"])
    func piecesParseAsTheWholeFile(user: String?) throws {
        let directory = try TemporaryDirectory()
        try directory.create("rssh.conf", contents: Self.largeText)
        let path = directory.path + "/rssh.conf"
        let whole = try ConfigFile.read(path, trustedOwner: getuid()).get()
        #expect(whole.count > 3 * ConfigFile.parseChunk)
        let expected = ConfigParser.parse(whole, file: path, onlyUser: user)
        #expect(!expected.errors.isEmpty && expected.umask == 0o77)
        #expect(try ConfigFile.parse(path, trustedOwner: getuid(), onlyUser: user).get() == expected)
    }

    @Test(arguments: [0, 1, 7, 22, 23, 40, 41, 63])
    func anyCutGivesTheSameConfiguration(cut: Int) {
        let text = Array("allowscp\nuser = bob:022:00010\n# note\nuser = \"c d\":077:01000\numask = 027".utf8)
        var parser = ConfigParser(file: "rssh.conf", onlyUser: "bob")
        let pieces = text.withUnsafeBufferPointer { buffer -> Configuration in
            let first = parser.parseLines(in: UnsafeBufferPointer(rebasing: buffer[..<min(cut, buffer.count)]))
            let second = first + parser.parseLines(in: UnsafeBufferPointer(rebasing: buffer[first...]))
            return parser.finish(lastLine: UnsafeBufferPointer(rebasing: buffer[second...]))
        }
        #expect(pieces == ConfigParser.parse(text, file: "rssh.conf", onlyUser: "bob"))
    }

    @Test(arguments: [0, 1])
    func theLargestFileReadsToItsEnd(over: Int) throws {
        // One comment line of exactly the largest size (the buffer doubles up to it), and one byte more.
        let directory = try TemporaryDirectory()
        try directory.create(
            "rssh.conf",
            contents: "#" + String(repeating: "x", count: ConfigFile.maximumSize - 1 + over)
        )
        let path = directory.path + "/rssh.conf"
        let parsed = ConfigFile.parse(path, trustedOwner: getuid(), onlyUser: "alice")
        if over == 0 {
            #expect(
                try parsed.get()
                    == ConfigParser.parse(
                        try ConfigFile.read(path, trustedOwner: getuid()).get(),
                        file: path,
                        onlyUser: "alice"
                    )
            )
        } else {
            #expect(throws: ConfigFile.Failure.self) { try parsed.get() }
            #expect(throws: ConfigFile.Failure.self) { try ConfigFile.read(path, trustedOwner: getuid()).get() }
        }
    }

    @Test func theFileChecksStillApply() throws {
        let directory = try TemporaryDirectory()
        try directory.create("open.conf", contents: "allowsftp\n", mode: 0o666)
        let result = ConfigFile.parse(directory.path + "/open.conf", trustedOwner: getuid(), onlyUser: nil)
        #expect(throws: ConfigFile.Failure.writableByOthers(directory.path + "/open.conf", mode: 0o100666)) {
            try result.get()
        }
        let missing = ConfigFile.parse(directory.path + "/none.conf", trustedOwner: getuid(), onlyUser: nil)
        #expect(throws: ConfigFile.Failure.self) { try missing.get() }
    }
}
