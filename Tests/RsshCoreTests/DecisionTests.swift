import Testing

@testable import RsshCore

struct DecisionTests {
    @Test(arguments: [
        ("scp -t . res=success", "command=\"scp -t . res=success\""),
        ("a\"b", "command=\"a\\\"b\""),
        ("a\nfake line", "command=\"a\\x0afake line\""),
        ("%n%s%x", "command=\"%n%s%x\""),
        ("caf\u{E9}", "command=\"caf\\xc3\\xa9\""),
        ("back\\slash", "command=\"back\\\\slash\""),
    ])
    func logLineEscapesUserText(_ command: String, _ expected: String) {
        let decision = Decision(
            allowed: false,
            user: "alice",
            uid: 1001,
            address: "127.0.0.1",
            reason: "r",
            command: Array(command.utf8)
        )
        #expect(decision.logLine.hasSuffix(expected))
        #expect(!decision.logLine.contains("\n"))
    }

    @Test func bannerMatchesRssh() {
        #expect(
            Banner.text(allowing: [.scp, .sftp])
                == "\nThis account is restricted by rssh.\nAllowed commands: scp sftp\n\n"
                + "If you believe this is in error, please contact your system administrator.\n\n"
        )
        #expect(Banner.text(allowing: []).contains("This user is locked out."))
    }

    @Test func nonUTF8BytesAreEscaped() {
        #expect(Printable.text([0xFF, 0x41, 0x00]) == "\\xffA\\x00")
    }
}
