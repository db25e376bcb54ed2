/// A set of allowed transfer programs.
public struct ProgramSet: OptionSet, Sendable, Hashable {
    /// The raw bit field (bit n = `TransferProgram(rawValue: n)`).
    public var rawValue: UInt8

    /// Creates a set from a raw bit field.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Creates the set holding exactly `program`.
    public init(_ program: TransferProgram) {
        self.rawValue = 1 << UInt8(program.rawValue)
    }

    /// Creates a set from a list of programs.
    public init(_ programs: [TransferProgram]) {
        self.rawValue = 0
        for program in programs { insert(ProgramSet(program)) }
    }

    /// scp alone.
    public static let scp = ProgramSet(.scp)
    /// sftp alone.
    public static let sftp = ProgramSet(.sftp)
    /// cvs alone.
    public static let cvs = ProgramSet(.cvs)
    /// rdist alone.
    public static let rdist = ProgramSet(.rdist)
    /// rsync alone.
    public static let rsync = ProgramSet(.rsync)
    /// svnserve alone.
    public static let svnserve = ProgramSet(.svnserve)

    /// Whether `program` is in the set.
    public func allows(_ program: TransferProgram) -> Bool {
        contains(ProgramSet(program))
    }

    /// The programs in the set, in banner order.
    public var programs: [TransferProgram] {
        TransferProgram.allCases.filter { allows($0) }
    }
}
