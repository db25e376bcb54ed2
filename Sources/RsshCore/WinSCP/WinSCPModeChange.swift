/// The mode argument of WinSCP's `chmod`, parsed exactly and applied like GNU chmod.
///
/// WinSCP sends an octal mode (`644`, `0755`) when every bit is decided, and otherwise its `ModeStr`:
/// comma-separated clauses such as `u+x,g-w` or `o-rwxt`. Accepted: three or four octal digits, or clauses of
/// an explicit who (`u g o a`, at least one) followed by one or more `+`, `-` or `=` actions over `r w x s t`.
/// A clause without a who (`+x`) depends on the umask in chmod and is refused, as is `X` and copying
/// (`g=u`): WinSCP sends neither.
public enum WinSCPModeChange: Equatable, Sendable, CustomStringConvertible {
    /// An absolute mode and the number of digits it was written with.
    case octal(UInt32, digits: Int)
    /// Symbolic clauses, applied in order.
    case symbolic([Clause])

    /// One `who op perms` action.
    public struct Clause: Equatable, Sendable {
        /// The bits the who letters select (rwx of each class, plus setuid, setgid or sticky).
        public var affected: UInt32
        /// `+`, `-` or `=`.
        public var operation: UInt8
        /// The permission bits named, before masking with `affected`.
        public var permissions: UInt32
    }

    static let setUserID: UInt32 = 0o4000
    static let setGroupID: UInt32 = 0o2000
    static let sticky: UInt32 = 0o1000

    /// Parses a bare `chmod` mode word.
    /// - Returns: nil for anything outside the accepted forms.
    public static func parse(_ text: [UInt8]) -> WinSCPModeChange? {
        let zero = UInt8(ascii: "0")
        if text.allSatisfy({ $0 >= zero && $0 <= UInt8(ascii: "7") }) {
            guard text.count == 3 || text.count == 4 else { return nil }
            var value: UInt32 = 0
            for digit in text { value = value * 8 + UInt32(digit - zero) }
            return .octal(value, digits: text.count)
        }
        var clauses: [Clause] = []
        for part in text.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            var index = part.startIndex
            var affected: UInt32 = 0
            while index < part.endIndex, let bits = whoBits(part[index]) {
                affected |= bits
                index += 1
            }
            guard affected != 0, index < part.endIndex else { return nil }
            while index < part.endIndex {
                let operation = part[index]
                guard operation == UInt8(ascii: "+") || operation == UInt8(ascii: "-") || operation == UInt8(ascii: "=")
                else { return nil }
                index += 1
                var permissions: UInt32 = 0
                while index < part.endIndex, let bits = permissionBits(part[index]) {
                    permissions |= bits
                    index += 1
                }
                // `u+` adds nothing and WinSCP never sends it; only `=` may name no permission (`go=`).
                guard permissions != 0 || operation == UInt8(ascii: "=") else { return nil }
                clauses.append(Clause(affected: affected, operation: operation, permissions: permissions))
            }
        }
        return clauses.isEmpty ? nil : .symbolic(clauses)
    }

    private static func whoBits(_ letter: UInt8) -> UInt32? {
        switch letter {
        case UInt8(ascii: "u"): 0o700 | setUserID
        case UInt8(ascii: "g"): 0o070 | setGroupID
        case UInt8(ascii: "o"): 0o007 | sticky
        case UInt8(ascii: "a"): 0o777 | setUserID | setGroupID | sticky
        default: nil
        }
    }

    private static func permissionBits(_ letter: UInt8) -> UInt32? {
        switch letter {
        case UInt8(ascii: "r"): 0o444
        case UInt8(ascii: "w"): 0o222
        case UInt8(ascii: "x"): 0o111
        case UInt8(ascii: "s"): setUserID | setGroupID
        case UInt8(ascii: "t"): sticky
        default: nil
        }
    }

    /// The new permission bits (the low 12) for a file whose current mode is `mode`.
    ///
    /// As GNU chmod does, an octal mode of fewer than five digits keeps a directory's setuid and setgid bits
    /// unless it sets them.
    public func apply(to mode: UInt32, isDirectory: Bool) -> UInt32 {
        let current = mode & 0o7777
        switch self {
        case .octal(let value, _):
            let kept = isDirectory ? current & (Self.setUserID | Self.setGroupID) : 0
            return value | kept
        case .symbolic(let clauses):
            var result = current
            for clause in clauses {
                let bits = clause.permissions & clause.affected
                switch clause.operation {
                case UInt8(ascii: "+"): result |= bits
                case UInt8(ascii: "-"): result &= ~bits
                default:
                    // `=` on a directory leaves setuid/setgid alone unless named, as GNU chmod does.
                    var cleared = clause.affected
                    if isDirectory { cleared &= ~(Self.setUserID | Self.setGroupID) }
                    result = (result & ~cleared) | bits
                }
            }
            return result
        }
    }

    /// The mode as chmod's argument would spell it (for logs).
    public var description: String {
        switch self {
        case .octal(let value, let digits):
            var text = ""
            var rest = value
            for _ in 0..<digits {
                text = String(rest % 8) + text
                rest /= 8
            }
            return text
        case .symbolic(let clauses):
            var text = ""
            for clause in clauses {
                if !text.isEmpty { text += "," }
                text += "\(Self.who(clause.affected))\(Character(Unicode.Scalar(clause.operation)))"
                for (bits, letter) in [(UInt32(0o444), "r"), (0o222, "w"), (0o111, "x"), (0o6000, "s"), (0o1000, "t")]
                where clause.permissions & bits != 0 {
                    text += letter
                }
            }
            return text
        }
    }

    private static func who(_ affected: UInt32) -> String {
        if affected == 0o7777 { return "a" }
        var text = ""
        if affected & 0o700 != 0 { text += "u" }
        if affected & 0o070 != 0 { text += "g" }
        if affected & 0o007 != 0 { text += "o" }
        return text
    }
}
