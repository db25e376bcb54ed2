/// The `root=SUBDIR` option: a subdirectory of the user's area that a session is rooted at, enforced by the
/// kernel (the Landlock rule, or the Landlock rule inside the jail), never by a path check alone.
///
/// Strict on purpose: a relative path of plain components (letters, digits, `.`, `_`, `-`, `+`, `@`), no
/// empty component, no `.` or `..`, at most 16 components and 255 bytes. Every component is opened later
/// without following symbolic links, so the user cannot re-point it.
public struct SessionRoot: Sendable, Equatable {
    /// The components, in order (`backups/daily` → `backups`, `daily`).
    public private(set) var components: [[UInt8]]

    /// The most bytes a root may have.
    public static let maximumLength = 255
    /// The most components a root may have.
    public static let maximumDepth = 16

    /// Why a `root=` value was refused.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Nothing after `root=`.
        case empty
        /// An absolute path.
        case absolute
        /// An empty, `.` or `..` component (a doubled or trailing `/`).
        case badComponent
        /// A byte outside the allowed set.
        case badByte(UInt8)
        /// Longer than `maximumLength` or deeper than `maximumDepth`.
        case tooLong

        /// The message.
        public var description: String {
            switch self {
            case .empty: "root= needs a subdirectory"
            case .absolute: "root= must be a path relative to the user's home, not an absolute path"
            case .badComponent: "root= may not have '.', '..' or empty components"
            case .badByte(let byte):
                "root= may only hold letters, digits, '.', '_', '-', '+', '@' and '/' (not byte 0x"
                    + String(byte, radix: 16) + ")"
            case .tooLong:
                "root= is limited to \(SessionRoot.maximumLength) bytes and \(SessionRoot.maximumDepth) components"
            }
        }
    }

    /// Parses the value after `root=`.
    public init(parsing bytes: [UInt8]) throws(Problem) {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.first != UInt8(ascii: "/") else { throw .absolute }
        guard bytes.count <= Self.maximumLength else { throw .tooLong }
        for byte in bytes where !Self.isAllowed(byte) { throw .badByte(byte) }
        let parts = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { Array($0) }
        guard parts.count <= Self.maximumDepth else { throw .tooLong }
        for part in parts where part.isEmpty || part == [UInt8(ascii: ".")] || part == Array("..".utf8) {
            throw .badComponent
        }
        components = parts
    }

    private init(components: [[UInt8]]) {
        self.components = components
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: "@") || byte == UInt8(ascii: "/")
    }

    /// The relative path, `a/b`.
    public var path: [UInt8] {
        var result: [UInt8] = []
        for (index, part) in components.enumerated() {
            if index > 0 { result.append(UInt8(ascii: "/")) }
            result += part
        }
        return result
    }

    /// `inner` taken beneath this root (a profile's root beneath its line's): only ever deeper.
    public func appending(_ inner: SessionRoot) -> SessionRoot {
        SessionRoot(components: components + inner.components)
    }

    /// The root's absolute path beneath `home` (`/home/alice` + `backups` → `/home/alice/backups`).
    public func beneath(_ home: [UInt8]) -> [UInt8] {
        var base = home
        while base.count > 1 && base.last == UInt8(ascii: "/") { base.removeLast() }
        if base != [UInt8(ascii: "/")] { base.append(UInt8(ascii: "/")) }
        return base + path
    }
}
