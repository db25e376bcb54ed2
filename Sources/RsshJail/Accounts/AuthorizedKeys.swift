/// What `rsshctl user add --key` accepts as public keys: `authorized_keys` lines, checked before installing.
public enum AuthorizedKeys {
    /// The key types OpenSSH's `authorized_keys` takes (sshd(8), AUTHORIZED_KEYS FILE FORMAT).
    static let typePrefixes = ["ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-sha2-"]

    /// Why a key file was refused.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// The file.
        public var file: String
        /// The 1-based line.
        public var line: Int
        /// What is wrong.
        public var reason: String

        /// `file:line: reason`.
        public var description: String { "\(file):\(line): \(reason)" }
    }

    /// The key lines of `text`: not empty, not comments, trimmed.
    public static func keyLines(_ text: [UInt8]) -> [String] {
        String(decoding: text, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map {
            String($0.drop { $0 == " " || $0 == "\t" })
        }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Checks one public key file.
    ///
    /// Every line that is not empty or a comment must be a public key (a key type word, then its data; options
    /// in front are allowed), in printable text. A private key is refused.
    /// - Returns: its key lines, each ending with a newline.
    public static func check(_ text: [UInt8], file: String) throws(Refusal) -> [UInt8] {
        guard !text.contains(where: { $0 < 0x20 && $0 != 0x0A && $0 != 0x09 }), text.allSatisfy({ $0 != 0x7F })
        else { throw Refusal(file: file, line: 0, reason: "holds control characters; not a public key file") }
        guard let decoded = String(validating: text, as: UTF8.self) else {
            throw Refusal(file: file, line: 0, reason: "is not UTF-8 text")
        }
        var result: [UInt8] = []
        for (index, raw) in decoded.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard
                let typeIndex = words.firstIndex(where: { word in typePrefixes.contains { word.hasPrefix($0) } }),
                typeIndex + 1 < words.count
            else {
                throw Refusal(file: file, line: index + 1, reason: "is not a public key line (type, then key data)")
            }
            result += Array(line.utf8) + [0x0A]
        }
        guard !result.isEmpty else { throw Refusal(file: file, line: 0, reason: "holds no key") }
        return result
    }
}
