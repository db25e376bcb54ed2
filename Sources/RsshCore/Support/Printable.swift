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
            default:
                result += "\\x"
                result.unicodeScalars.append(Self.hexDigit(byte >> 4))
                result.unicodeScalars.append(Self.hexDigit(byte & 0x0F))
            }
        }
        return result
    }

    /// The escaped form of a Swift string's UTF-8 bytes.
    public static func text(_ string: String) -> String {
        text(string.utf8)
    }

    private static func hexDigit(_ value: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10)
    }
}
