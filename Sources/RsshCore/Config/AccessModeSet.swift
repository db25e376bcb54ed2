/// A set of access modes: those in which an argument may be used.
public struct AccessModeSet: OptionSet, Sendable, Hashable {
    /// The raw bit field.
    public var rawValue: UInt8

    /// Creates a set from a raw bit field.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The set holding only `mode`.
    public init(_ mode: AccessMode) {
        switch mode {
        case .readWrite: self = .readWrite
        case .readOnly: self = .readOnly
        case .uploadOnly: self = .uploadOnly
        case .appendOnly: self = .appendOnly
        }
    }

    /// No access mode restriction.
    public static let readWrite = AccessModeSet(rawValue: 1 << 0)
    /// `readonly`.
    public static let readOnly = AccessModeSet(rawValue: 1 << 1)
    /// `uploadonly`.
    public static let uploadOnly = AccessModeSet(rawValue: 1 << 2)
    /// `appendonly`.
    public static let appendOnly = AccessModeSet(rawValue: 1 << 3)
    /// Every mode.
    public static let every: AccessModeSet = [.readWrite, .readOnly, .uploadOnly, .appendOnly]

    /// Whether `mode` is in the set.
    public func allows(_ mode: AccessMode) -> Bool { contains(AccessModeSet(mode)) }
}
