/// Reads the `key=value` fields of rssh's session lines and audit messages.
///
/// A value is a bare word, or a double-quoted string with rssh's `Printable` escapes (`\"`, `\\`, `\xNN`) kept
/// as they are; in an audit message a value libaudit encoded is a quoted string or upper-case hex.
public enum SessionFields {
    /// The fields of `text` in order (a later repeat of a key does not replace the first).
    public static func parse(_ text: Substring) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        var index = text.startIndex
        while index < text.endIndex {
            while index < text.endIndex, text[index] == " " { index = text.index(after: index) }
            let keyStart = index
            while index < text.endIndex, text[index] != "=", text[index] != " " { index = text.index(after: index) }
            guard index < text.endIndex, text[index] == "=" else { continue }
            let key = String(text[keyStart..<index])
            index = text.index(after: index)
            var value = ""
            if index < text.endIndex, text[index] == "\"" {
                index = text.index(after: index)
                while index < text.endIndex, text[index] != "\"" {
                    if text[index] == "\\" {
                        value.append(text[index])
                        index = text.index(after: index)
                        guard index < text.endIndex else { break }
                    }
                    value.append(text[index])
                    index = text.index(after: index)
                }
                if index < text.endIndex { index = text.index(after: index) }
            } else {
                let valueStart = index
                while index < text.endIndex, text[index] != " " { index = text.index(after: index) }
                value = String(text[valueStart..<index])
            }
            result.append((key, value))
        }
        return result
    }

    /// The first value of `key`, or nil.
    public static func value(_ key: String, in fields: [(key: String, value: String)]) -> String? {
        fields.first { $0.key == key }?.value
    }

    /// A value as libaudit encoded it, decoded: even-length upper-case hex becomes its bytes (shown with
    /// rssh's escapes for anything not printable), anything else is kept.
    public static func auditDecoded(_ value: String) -> String {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty, bytes.count % 2 == 0,
            bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x46) })
        else { return value }
        var decoded: [UInt8] = []
        var index = 0
        while index < bytes.count {
            decoded.append(nibble(bytes[index]) << 4 | nibble(bytes[index + 1]))
            index += 2
        }
        var text = ""
        for byte in decoded {
            switch byte {
            case UInt8(ascii: "\\"): text += "\\\\"
            case UInt8(ascii: "\""): text += "\\\""
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789abcdef")
                text += "\\x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
            }
        }
        return text
    }

    private static func nibble(_ byte: UInt8) -> UInt8 { byte <= 0x39 ? byte - 0x30 : byte - 0x41 + 10 }
}
