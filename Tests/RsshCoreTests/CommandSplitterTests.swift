import Testing

@testable import RsshCore

private func words(_ line: String) throws -> [String] {
    try CommandSplitter.split(Array(line.utf8)).map { String(decoding: $0.text, as: UTF8.self) }
}

struct CommandSplitterTests {
    @Test(arguments: [
        ("scp -t .", ["scp", "-t", "."]),
        ("scp\t-t\t.", ["scp", "-t", "."]),
        ("  scp   -f   a  ", ["scp", "-f", "a"]),
        ("scp -f 'a b'", ["scp", "-f", "a b"]),
        ("scp -f \"a b\"", ["scp", "-f", "a b"]),
        ("scp -f a\\ b", ["scp", "-f", "a b"]),
        ("scp -f 'a;b|c&d'", ["scp", "-f", "a;b|c&d"]),
        ("scp -f a\\;b", ["scp", "-f", "a;b"]),
        ("scp -f \"a\\\"b\"", ["scp", "-f", "a\"b"]),
        ("scp -f \"a\\$b\"", ["scp", "-f", "a$b"]),
        ("scp -f \"a\\nb\"", ["scp", "-f", "a\\nb"]),
        ("scp -f '$HOME'", ["scp", "-f", "$HOME"]),
        ("scp -f 'it'\\''s'", ["scp", "-f", "it's"]),
        ("scp -f ''", ["scp", "-f", ""]),
        ("scp -f a#b", ["scp", "-f", "a#b"]),
        ("scp -f '#a'", ["scp", "-f", "#a"]),
        ("scp -f %n%n%s", ["scp", "-f", "%n%n%s"]),
        ("scp -f a~b", ["scp", "-f", "a~b"]),
        ("scp -f caf\u{E9}", ["scp", "-f", "caf\u{E9}"]),
        ("scp -f a]b", ["scp", "-f", "a]b"]),
    ])
    func accepted(_ line: String, _ expected: [String]) throws {
        #expect(try words(line) == expected)
    }

    @Test(arguments: [
        "scp -t .; id", "scp -t . && id", "scp -t . | id", "scp -t . > x", "scp -t . < x", "scp -t (x)",
        "scp -t {x}", "scp -t `id`", "scp -t $(id)", "scp -t $HOME", "scp -t ${X:-/tmp}", "scp -t $((1+2))",
        "scp -t \"$HOME\"", "scp -t \"`id`\"", "scp -t 'a", "scp -t \"a", "scp -t a\\", "scp -t .\nid",
        "scp -t .\rid", "scp -t 'a\nb'", "scp -t \u{7F}", "scp -t #x", "scp -t ~root", "scp -t ~+", "   ", "",
        "scp${IFS}-S${IFS}/tmp/evil", "scp -t a\u{1B}[2J", "scp -t a\u{00}b",
    ])
    func rejected(_ line: String) {
        #expect(throws: CommandError.self) { try CommandSplitter.split(Array(line.utf8)) }
    }

    @Test func tabInsideQuotesIsRejected() {
        #expect(throws: CommandError.self) { try CommandSplitter.split(Array("scp -t 'a\tb'".utf8)) }
    }

    @Test func overlongInputIsRejected() {
        let line = "scp -t " + String(repeating: "a", count: CommandSplitter.maximumLength)
        #expect(throws: CommandError.tooLong(line.utf8.count)) { try CommandSplitter.split(Array(line.utf8)) }
    }

    /// A line near the length limit as one unquoted word, and with a quoted glob character in it: each byte lands
    /// once in the text and once (escaped where quoted) in the pattern.
    @Test func aWordNearTheLengthLimitIsKeptWhole() throws {
        let body = String(repeating: "a", count: CommandSplitter.maximumLength - 20)
        let words = try CommandSplitter.split(Array(("scp -f " + body).utf8))
        #expect(words.count == 3)
        #expect(words.last?.text == Array(body.utf8))
        #expect(words.last?.isPlain == true)
        let globbed = try CommandSplitter.split(Array(("scp -f " + body + "'*'x*").utf8))
        #expect(globbed.last?.text == Array((body + "*x*").utf8))
        #expect(globbed.last?.globPattern == Array((body + "\\*x*").utf8))
    }

    @Test func tooManyWordsIsRejected() {
        let line = "scp -f" + String(repeating: " a", count: CommandSplitter.maximumWords)
        #expect(throws: CommandError.self) { try CommandSplitter.split(Array(line.utf8)) }
    }

    @Test func plainnessIsTracked() throws {
        let split = try CommandSplitter.split(Array("scp 'scp' s\\cp sc* ~/x".utf8))
        #expect(split.map(\.isPlain) == [true, false, false, false, false])
    }

    @Test func globPatternEscapesQuotedSpecials() throws {
        let split = try CommandSplitter.split(Array("scp -f '*'.txt *'[x]'".utf8))
        #expect(split[2].globPattern == nil)
        #expect(split[2].text == Array("*.txt".utf8))
        #expect(split[3].globPattern == Array("*\\[x\\]".utf8))
    }

    @Test func tildeExpandsOnlyAtWordStart() throws {
        let expansion = FileSystemExpansion.literal(homeDirectory: Array("/home/u".utf8))
        let expanded = try WordExpander.expand(
            CommandSplitter.split(Array("~ ~/a a~ '~'".utf8)),
            using: expansion
        ).map { String(decoding: $0, as: UTF8.self) }
        #expect(expanded == ["/home/u", "/home/u/a", "a~", "~"])
    }

    @Test func globsExpandAgainstTheFileSystemAndStayLiteralWithoutMatch() throws {
        let directory = try TemporaryDirectory()
        try directory.create("a.txt")
        try directory.create("b.txt")
        try directory.create("c.dat")
        let expansion = FileSystemExpansion(homeDirectory: Array(directory.path.utf8))
        let words = try CommandSplitter.split(Array("scp -f ~/*.txt ~/*.none '~/*.txt'".utf8))
        let expanded = try WordExpander.expand(words, using: expansion).map { String(decoding: $0, as: UTF8.self) }
        #expect(
            expanded == [
                "scp", "-f", directory.path + "/a.txt", directory.path + "/b.txt", directory.path + "/*.none",
                "~/*.txt",
            ]
        )
    }

    @Test func globMatchingANameWithAControlCharacterIsRejected() throws {
        let directory = try TemporaryDirectory()
        try directory.create("bad\nname")
        let words = try CommandSplitter.split(Array("scp -f ~/bad*".utf8))
        #expect(throws: CommandError.self) {
            try WordExpander.expand(words, using: FileSystemExpansion(homeDirectory: Array(directory.path.utf8)))
        }
    }
}
