/// Renders untrusted bytes as one safe line of text for logs, messages and `rssh -v`.
///
/// Printable ASCII stays as it is, except `\` and `"` which are backslash-escaped; every other byte
/// (control characters, newlines, DEL, bytes of UTF-8 sequences) becomes `\xNN`, so no input can start a
/// new log line, fake a field boundary, or reach a terminal as a control sequence.
public enum Printable {
    /// The escaped form of `bytes`.
    public static func text(_ bytes: some Sequence<UInt8>) -> String {
        var result = ""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): result += "\\\\"
            case UInt8(ascii: "\""): result += "\\\""
            case 0x20..<0x7F: result.unicodeScalars.append(Unicode.Scalar(byte))
            default: result += "\\x" + hex([byte])
            }
        }
        return result
    }

    /// The escaped form of a Swift string's UTF-8 bytes.
    public static func text(_ string: String) -> String {
        text(string.utf8)
    }

    /// Two hex digits per byte (`uppercase` as libaudit writes them).
    public static func hex(_ bytes: some Sequence<UInt8>, uppercase: Bool = false) -> String {
        let letter = uppercase ? UInt8(ascii: "A") : UInt8(ascii: "a")
        var result = ""
        for byte in bytes {
            for nibble in [byte >> 4, byte & 0x0F] {
                result.unicodeScalars.append(
                    Unicode.Scalar(nibble < 10 ? UInt8(ascii: "0") + nibble : letter + nibble - 10)
                )
            }
        }
        return result
    }
}
