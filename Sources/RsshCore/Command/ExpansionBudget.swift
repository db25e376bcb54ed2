import CRsshShims

/// The work pattern expansion may do for one whole command line (all its words together).
///
/// glob(3) alone has no bound: `/*/../*/../*` multiplies its work by the number of entries of `/` at every
/// `*/..`, and a directory of symbolic links to `.` does the same without `..`. The budget is charged while glob
/// runs (directories opened, entries read and names looked up, with the bytes of the paths those stand for), and
/// after each word with its matches; past any maximum the expansion stops and the command line is refused.
/// Measured on a Debian system: a budget that runs out costs at most a few hundredths of a second and a few MB,
/// and ordinary patterns (`*.txt`, `dir/*/*.jpg`, `/usr/share/*/*`) use a small part of it.
public struct ExpansionBudget: Sendable {
    /// What the budget counts; the refusal names the one that ran out.
    public enum Resource: Sendable, Equatable, CustomStringConvertible {
        /// Directories glob opened to read.
        case directories
        /// Directory entries read plus names looked up (a literal component after a pattern).
        case entries
        /// Bytes of the paths those entries and names stand for: what glob may hold while it works.
        case bytes
        /// Names matched, over all words.
        case matches

        /// How the refusal counts it: "directories opened", "directory entries read", ….
        public var description: String {
            switch self {
            case .directories: "directories opened"
            case .entries: "directory entries read"
            case .bytes: "bytes of path names"
            case .matches: "names matched"
            }
        }
    }

    /// The most directories one command line's patterns may open.
    public static let maximumDirectories = 1_024
    /// The most directory entries they may read (and names look up) together.
    public static let maximumEntries = 100_000
    /// The most bytes of path names those entries may stand for (16 MiB).
    public static let maximumBytes = 16 << 20
    /// The most names all patterns may match together: the command line's word limit.
    public static let maximumMatches = CommandSplitter.maximumWords

    /// The limits and the counters, shared with the C callbacks that do the counting.
    var counters: CRsshShims_glob_budget
    /// The maximum for matches.
    let maximumMatchCount: Int
    /// Names matched so far.
    public private(set) var matches = 0

    /// A budget with the default maximums, or smaller ones (for tests).
    public init(
        directories: Int = maximumDirectories,
        entries: Int = maximumEntries,
        bytes: Int = maximumBytes,
        matches: Int = maximumMatches
    ) {
        counters = CRsshShims_glob_budget()
        counters.maximum_directories = UInt(directories)
        counters.maximum_entries = UInt(entries)
        counters.maximum_bytes = UInt(bytes)
        maximumMatchCount = matches
    }

    /// Directories opened so far.
    public var directories: Int { Int(counters.directories) }
    /// Directory entries read and names looked up so far.
    public var entries: Int { Int(counters.entries) }
    /// Bytes of path names charged so far.
    public var bytes: Int { Int(counters.bytes) }

    /// The resource that ran out while glob worked, if one did.
    public var exhausted: Resource? {
        switch counters.exhausted {
        case 0: nil
        case 1: .directories
        case 2: .entries
        default: .bytes
        }
    }

    /// The maximum for `resource`.
    public func maximum(_ resource: Resource) -> Int {
        switch resource {
        case .directories: Int(counters.maximum_directories)
        case .entries: Int(counters.maximum_entries)
        case .bytes: Int(counters.maximum_bytes)
        case .matches: maximumMatchCount
        }
    }

    /// Charges `count` matches of one word.
    /// - Throws: `CommandError.expansionBudgetExceeded` when all words together matched too many names.
    public mutating func chargeMatches(_ count: Int) throws(CommandError) {
        matches += count
        guard matches <= maximumMatchCount else { throw .expansionBudgetExceeded(.matches, maximumMatchCount) }
    }

    /// Refuses once glob ran out of budget.
    /// - Throws: `CommandError.expansionBudgetExceeded` naming the resource.
    func check() throws(CommandError) {
        if let exhausted { throw .expansionBudgetExceeded(exhausted, maximum(exhausted)) }
    }
}
