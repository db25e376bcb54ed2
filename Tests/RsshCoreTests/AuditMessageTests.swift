import Testing

@testable import RsshCore

struct AuditMessageTests {
    func decision(_ command: [UInt8], user: String = "alice", reason: String = "r") -> Decision {
        Decision(allowed: false, user: user, uid: 1001, address: "192.0.2.1", reason: reason, command: command)
    }

    /// The fields of a message, split the way auparse splits them (at spaces).
    func fields(_ message: String) -> [String] { message.split(separator: " ").map(String.init) }

    @Test(arguments: [
        "scp -t . res=success", "a\"b'c", "x=y", "line\nbreak", "tab\there", "%s%n", "caf\u{E9}",
        String(repeating: "A", count: 100),
    ])
    func hostileCommandsCannotAddFields(_ command: String) {
        let message = AuditMessage.build(decision(Array(command.utf8)))
        let keys = fields(message).map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? "" }
        #expect(keys == ["op", "acct", "reason", "cmd"], "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test func plainValuesStayReadable() {
        let message = AuditMessage.build(decision(Array("/usr/lib/openssh/sftp-server".utf8)))
        #expect(message == "op=rssh-deny acct=\"alice\" reason=r cmd=\"/usr/lib/openssh/sftp-server\"")
    }

    @Test func valuesWithSpacesAreHexEncoded() {
        let message = AuditMessage.build(decision(Array("a b".utf8)))
        #expect(message.hasSuffix("cmd=612062"))
    }

    @Test func nonUTF8BytesAreHexEncoded() {
        let message = AuditMessage.build(decision([0x73, 0xFF, 0x0A]))
        #expect(message.hasSuffix("cmd=73FF0A"))
    }

    @Test func hugeCommandsAreCutAndSaySo() {
        let command = [UInt8](repeating: UInt8(ascii: " "), count: 65_536)
        let message = AuditMessage.build(decision(command))
        #expect(message.contains("cmdlen=65536 cmd_truncated=yes"))
        // Well below libaudit's 8,970-byte limit, so its trailing res= field survives.
        #expect(message.utf8.count < 8_000)
    }

    @Test func reasonsBecomeOneSafeToken() {
        let message = AuditMessage.build(decision([], reason: "scp: option -S is not allowed (\"x=y\")"))
        #expect(fields(message).contains("reason=scp:_option_-S_is_not_allowed___x_y__"))
    }

    @Test func hostileUserNamesAreEncoded() {
        let message = AuditMessage.build(decision(Array("x".utf8), user: "ev il res=success"))
        #expect(!message.contains("res=success"))
    }

    @Test func interactiveLoginsAreMarked() {
        let message = AuditMessage.build(
            Decision(allowed: false, user: "a", uid: 1, address: nil, reason: "interactive", command: nil)
        )
        #expect(message.hasSuffix("cmd=(interactive)"))
    }
}
