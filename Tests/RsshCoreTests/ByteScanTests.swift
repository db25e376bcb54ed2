import Testing

@testable import RsshCore

struct ByteScanTests {
    /// Exactly the literal: not a prefix of it, not something it is a prefix of, not another case.
    @Test(arguments: [
        ("LANG", true), ("LAN", false), ("LANGUAGE", false), ("lang", false), ("", false), ("LANG\u{0}", false),
        ("LANh", false),
    ])
    func equals(_ candidate: String, _ expected: Bool) {
        #expect(ByteScan.equals(Array(candidate.utf8)[...], "LANG") == expected)
    }

    @Test func emptyEqualsEmpty() {
        #expect(ByteScan.equals([][...], ""))
        #expect(!ByteScan.equals(Array("x".utf8)[...], ""))
    }

    /// A slice that does not start at index 0 (what the parsers pass) compares from its own start.
    @Test func sliceOffset() {
        let bytes = Array("SSH_TTY=/dev/pts/0".utf8)
        #expect(ByteScan.equals(bytes[..<7], "SSH_TTY"))
        #expect(ByteScan.equals(bytes[8...], "/dev/pts/0"))
        #expect(!ByteScan.equals(bytes[1..<7], "SSH_TTY"))
    }
}
