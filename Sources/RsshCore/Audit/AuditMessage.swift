/// Builds the text of an AUDIT_USER_CMD record for a decision.
///
/// Every value that could carry user text is encoded as libaudit's `audit_encode_nv_string` encodes it: quoted
/// when it is plain, in hex when it holds a space, a quote, a control or a non-ASCII byte, so a command such
/// as `scp -t . res=success` cannot forge a field; `ausearch -i` decodes them again.
public enum AuditMessage {
    /// The most command bytes put in one record: hex encoding doubles them, and a record is cut at 8,969
    /// bytes as libaudit cuts it (`record`), which would drop the `res=` field appended last.
    public static let maximumCommandBytes = 2_048

    /// The message for `decision` (`record` appends comm, exe, hostname, addr, terminal and res).
    public static func build(_ decision: Decision) -> String {
        let op = decision.allowed ? (decision.stage == .precheck ? "precheck" : "allow") : "deny"
        var fields = ["op=rssh-" + op]
        if let session = decision.session { fields.append("session=" + token(session)) }
        fields.append(encode("acct", Array(decision.user.utf8)))
        if let program = decision.program { fields.append(encode("program", Array(program.utf8))) }
        if let chroot = decision.chroot { fields.append(encode("chroot", Array(chroot.utf8))) }
        if let profile = decision.profile { fields.append(encode("profile", Array(profile.utf8))) }
        fields.append("reason=" + token(decision.reason))
        if let command = decision.command {
            if command.count > maximumCommandBytes {
                fields.append(encode("cmd", Array(command.prefix(maximumCommandBytes))))
                fields.append("cmdlen=\(command.count) cmd_truncated=yes")
            } else {
                fields.append(encode("cmd", command))
            }
        } else {
            fields.append("cmd=(interactive)")
        }
        if let argv = decision.argv {
            // One encoded field per argument, as the kernel's EXECVE records have, within the same budget.
            fields.append("argc=\(argv.count)")
            var budget = maximumCommandBytes
            for (index, argument) in argv.enumerated() {
                guard argument.count <= budget else {
                    fields.append("argv_truncated=yes")
                    break
                }
                budget -= argument.count
                fields.append(encode("a\(index)", argument))
            }
        }
        return fields.joined(separator: " ")
    }

    /// The reason as one field `ausearch -i` shows as it is: every byte outside `[A-Za-z0-9._/:,+@%-]`
    /// becomes `_`, so it can hold no space, quote or `=` (the command itself is in `cmd=`, fully encoded).
    static func token(_ text: String) -> String {
        let bytes = text.utf8.prefix(512).map { isTokenByte($0) ? $0 : UInt8(ascii: "_") }
        return bytes.isEmpty ? "none" : String(decoding: bytes, as: UTF8.self)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "a")...UInt8(ascii: "z"):
            return true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: ","),
            UInt8(ascii: "+"), UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "-"):
            return true
        default: return false
        }
    }

    /// `name=value` as libaudit's `audit_encode_nv_string` writes an untrusted value.
    static func encode(_ name: String, _ value: [UInt8]) -> String {
        // A C string cannot hold NUL, so libaudit never saw one; argv and config values never do, but cut as it would.
        name + "=" + encoded(value.prefix { $0 != 0 })
    }

    /// A value as libaudit encodes it: quoted when every byte is printable ASCII other than `"`, otherwise
    /// all of its bytes in upper-case hex, which `ausearch -i` decodes.
    static func encoded(_ value: ArraySlice<UInt8>) -> String {
        // libaudit's audit_value_needs_encoding: a quote, a byte up to 0x20 as a signed char (so every byte
        // from 0x80 on too), or DEL.
        if value.contains(where: { $0 == UInt8(ascii: "\"") || $0 <= 0x20 || $0 >= 0x7F }) {
            return Printable.hex(value, uppercase: true)
        }
        return "\"" + String(decoding: value, as: UTF8.self) + "\""
    }
}
