/// The final verdict the jailed helper reports to its root recorder: allowed or not, why, and what runs.
///
/// The bytes come from a process that has processed user input, so `decode` trusts no length and refuses
/// anything malformed, truncated or oversized (the recorder then records that no verdict arrived).
public struct Verdict: Sendable, Equatable {
    /// The most bytes a verdict may take on the pipe.
    public static let maximumSize = 1 << 18

    /// Whether the command runs.
    public var allowed: Bool
    /// Why (for a refusal) or how (for an allowed command).
    public var reason: String
    /// The argument vector that runs (allowed verdicts only).
    public var argv: [[UInt8]]?
    /// The command line the verdict is about, when it is not the helper's own argument (a WinSCP line).
    public var line: [UInt8]?

    /// Creates a verdict.
    public init(allowed: Bool, reason: String, argv: [[UInt8]]?, line: [UInt8]? = nil) {
        self.allowed = allowed
        self.reason = reason
        self.argv = argv
        self.line = line
    }

    /// `A` or `D`, the reason, the argument count and each argument, then the line's presence and the line;
    /// every length as 4 bytes.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = [allowed ? UInt8(ascii: "A") : UInt8(ascii: "D")]
        func append(_ value: Int) {
            for shift in [24, 16, 8, 0] { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        let reasonBytes = Array(reason.utf8)
        append(reasonBytes.count)
        bytes += reasonBytes
        let arguments = argv ?? []
        append(argv == nil ? 0 : arguments.count + 1)
        for argument in arguments {
            append(argument.count)
            bytes += argument
        }
        append(line == nil ? 0 : (line ?? []).count + 1)
        bytes += line ?? []
        return bytes
    }

    /// The verdict in `bytes`, or nil when they are not exactly one well-formed verdict.
    public static func decode(_ bytes: [UInt8]) -> Verdict? {
        guard bytes.count <= maximumSize, let kind = bytes.first else { return nil }
        guard kind == UInt8(ascii: "A") || kind == UInt8(ascii: "D") else { return nil }
        var index = 1
        func length() -> Int? {
            guard bytes.count - index >= 4 else { return nil }
            var value = 0
            for offset in 0..<4 { value = value << 8 | Int(bytes[index + offset]) }
            index += 4
            return value <= bytes.count - index ? value : nil
        }
        func chunk() -> [UInt8]? {
            guard let count = length() else { return nil }
            defer { index += count }
            return Array(bytes[index..<(index + count)])
        }
        guard let reason = chunk(), let reason = String(validating: reason, as: UTF8.self) else { return nil }
        guard bytes.count - index >= 4 else { return nil }
        var countField = 0
        for offset in 0..<4 { countField = countField << 8 | Int(bytes[index + offset]) }
        index += 4
        var argv: [[UInt8]]?
        if countField > 0 {
            guard countField - 1 <= (bytes.count - index) / 4 else { return nil }
            var arguments: [[UInt8]] = []
            for _ in 0..<(countField - 1) {
                guard let argument = chunk() else { return nil }
                arguments.append(argument)
            }
            argv = arguments
        }
        guard bytes.count - index >= 4 else { return nil }
        var lineField = 0
        for offset in 0..<4 { lineField = lineField << 8 | Int(bytes[index + offset]) }
        index += 4
        var line: [UInt8]?
        if lineField > 0 {
            guard lineField - 1 == bytes.count - index else { return nil }
            line = Array(bytes[index...])
            index = bytes.count
        }
        guard index == bytes.count else { return nil }
        return Verdict(allowed: kind == UInt8(ascii: "A"), reason: reason, argv: argv, line: line)
    }
}
