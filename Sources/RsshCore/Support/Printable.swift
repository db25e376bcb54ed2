/// Renders untrusted bytes as one safe line of text for logs, messages and `rssh -v`.
///
/// Printable ASCII stays as it is, except `\` and `"` which are backslash-escaped; every other byte
/// (control characters, newlines, DEL, bytes of UTF-8 sequences) becomes `\xNN`, so no input can start a
/// new log line, fake a field boundary, or reach a terminal as a control sequence.
public enum Printable {
    /// The escaped form of `bytes`.
    public static func text(_ bytes: some Sequence<UInt8>) -> String {
        // Escaped into bytes and made a String once: appending scalar by scalar cost more than the rest of a
        // log line's assembly (every session logs at least one line).
        var result: [UInt8] = []
        result.reserveCapacity(bytes.underestimatedCount)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "\""):
                result.append(UInt8(ascii: "\\"))
                result.append(byte)
            case 0x20..<0x7F:
                result.append(byte)
            default:
                result.append(UInt8(ascii: "\\"))
                result.append(UInt8(ascii: "x"))
                result.append(digit(byte >> 4))
                result.append(digit(byte & 0x0F))
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// The escaped form of a Swift string's UTF-8 bytes.
    public static func text(_ string: String) -> String {
        text(string.utf8)
    }

    /// Two hex digits per byte (`uppercase` as libaudit writes them).
    public static func hex(_ bytes: some Sequence<UInt8>, uppercase: Bool = false) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            result.append(digit(byte >> 4, uppercase: uppercase))
            result.append(digit(byte & 0x0F, uppercase: uppercase))
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// The hex digit for `nibble` (0-15).
    private static func digit(_ nibble: UInt8, uppercase: Bool = false) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : (uppercase ? UInt8(ascii: "A") : UInt8(ascii: "a")) + nibble - 10
    }
}
