import CAudit
import Foundation
import Glibc
import Testing

@testable import RsshCore

/// The record text rssh lays out itself, held to libaudit 3's `audit_log_user_comm_message` layout, and its
/// value encoding held to libaudit's own `audit_encode_nv_string` (the normal build links libaudit).
struct AuditRecordTests {
    /// libaudit's encoding of `value`, through the library itself.
    func libauditEncoding(_ name: String, _ value: [UInt8]) -> String? {
        let terminated = value.map { CChar(bitPattern: $0) } + [0]
        return terminated.withUnsafeBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let result = audit_encode_nv_string(name, base, UInt32(value.count))
            else { return nil }
            defer { free(result) }
            return String(cString: result)
        }
    }

    @Test(arguments: [
        "", "sftp-server", "a b", "a\"b", "x=y", "caf\u{E9}", "tab\there", "%s%n", "~!#$&'()*+,-./:;<>?@[\\]^_`{|}",
        "\u{7F}", "line\nbreak", String(repeating: "z", count: 300),
    ])
    func valuesAreEncodedAsLibauditEncodesThem(_ value: String) {
        #expect(AuditMessage.encode("cmd", Array(value.utf8)) == libauditEncoding("cmd", Array(value.utf8)))
    }

    @Test func everySingleByteIsEncodedAsLibauditEncodesIt() {
        for byte in UInt8(1)...UInt8(255) {
            for value in [[byte], [UInt8(ascii: "a"), byte, UInt8(ascii: "z")]] {
                #expect(AuditMessage.encode("v", value) == libauditEncoding("v", value), "byte \(byte)")
            }
        }
    }

    /// (message, trailer, address, success, the text libaudit would send).
    static let layouts: [(String, AuditMessage.Trailer, String?, Bool, String)] = [
        (
            "op=rssh-deny acct=\"a\"", .init(comm: "rssh", executable: Array("/usr/bin/rssh".utf8)), "192.0.2.7", false,
            "op=rssh-deny acct=\"a\" comm=\"rssh\" exe=\"/usr/bin/rssh\" hostname=? addr=192.0.2.7 terminal=? res=failed"
        ),
        (
            "op=rssh-allow", .init(comm: "rssh_chroot_helper", executable: Array("/l/h".utf8)), nil, true,
            "op=rssh-allow comm=\"rssh_chroot_helper\" exe=\"/l/h\" hostname=? addr=? terminal=? res=success"
        ),
        (
            "m", .init(comm: "rssh", executable: nil, terminal: "pts/0", hostname: "vm"), "", true,
            "m comm=\"rssh\" exe=\"?\" hostname=vm addr=? terminal=pts/0 res=success"
        ),
        (
            "m", .init(comm: "r s", executable: Array("/opt/my rssh".utf8)), "2001:db8:1:2:3:4:5:6", false,
            "m comm=722073 exe=2F6F70742F6D792072737368 hostname=? addr=2001:db8:1:2:3:4:5:6 terminal=? res=failed"
        ),
        (
            // libaudit copies at most 45 bytes of the address (INET6_ADDRSTRLEN less its NUL).
            "m", .init(comm: "rssh", executable: Array("/r".utf8)), String(repeating: "f", count: 64), true,
            "m comm=\"rssh\" exe=\"/r\" hostname=? addr=\(String(repeating: "f", count: 45)) terminal=? res=success"
        ),
    ]

    @Test(arguments: layouts)
    func recordsAreLaidOutAsLibauditLaysThemOut(
        _ message: String,
        _ trailer: AuditMessage.Trailer,
        _ address: String?,
        _ success: Bool,
        _ expected: String
    ) {
        let text = AuditMessage.record(message, trailer: trailer, address: address, success: success)
        #expect(String(decoding: text, as: UTF8.self) == expected)
    }

    @Test func aRecordIsCutWhereLibauditCutsIt() {
        let message = String(repeating: "m", count: 9_000)
        let trailer = AuditMessage.Trailer(comm: "rssh", executable: nil)
        let text = AuditMessage.record(message, trailer: trailer, address: nil, success: true)
        #expect(text.count == 8_969)
        #expect(text.allSatisfy { $0 == UInt8(ascii: "m") })
    }

    @Test func theExecutableIsThisProcesssImage() throws {
        let image = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        #expect(AuditTrail.trailer(comm: "t").executable == Array(image.utf8))
        #expect(AuditTrail.trailer(comm: "t").comm == "t")
    }
}
