import CRsshLibc

/// Expansion against the file system as the calling process sees it (inside the jail, for the helper).
public struct FileSystemExpansion: PathExpansion {
    /// The bytes `~` stands for.
    public var homeDirectory: [UInt8]
    /// Whether each glob(3) call runs under lowered soft RLIMIT_AS and RLIMIT_CPU (`ExpansionLimits`).
    ///
    /// The limits are put back when glob returns. rssh and the chroot helper set it; tests and `rssh -v` cannot
    /// (the limits are the whole process's).
    public var limitsResources: Bool
    /// Whether patterns are matched at all (false: they stay literal, see `literal(homeDirectory:)`).
    public var expandsPatterns: Bool

    /// Creates an expansion rooted in the current file system.
    public init(homeDirectory: [UInt8], limitsResources: Bool = false) {
        self.homeDirectory = homeDirectory
        self.limitsResources = limitsResources
        self.expandsPatterns = true
    }

    /// An expansion that never matches a file: globs stay literal.
    ///
    /// For the login shell's pre-check, for words that are expanded only inside a jail (CVE-2004-0609), and
    /// for tests. One type for both uses, so the Embedded binaries hold one specialization of the whole
    /// decision procedure instead of one per expansion type (about 60 KB).
    public static func literal(homeDirectory: [UInt8]) -> FileSystemExpansion {
        var expansion = FileSystemExpansion(homeDirectory: homeDirectory)
        expansion.expandsPatterns = false
        return expansion
    }

    /// Runs glob(3) on `pattern`, charging its work to `budget`; backslash escapes in it are honoured, as produced
    /// by `CommandSplitter`.
    public func glob(_ pattern: [UInt8], budget: inout ExpansionBudget) throws(CommandError) -> [[UInt8]] {
        guard expandsPatterns else { return [] }
        guard limitsResources else { return try Self.matches(pattern, budget: &budget) }
        let limits = try ExpansionLimits.lower()
        let found: Result<[[UInt8]], CommandError>
        do {
            found = .success(try Self.matches(pattern, budget: &budget))
        } catch {
            found = .failure(error)
        }
        try limits.restore()
        return try found.get()
    }

    private static func matches(_ pattern: [UInt8], budget: inout ExpansionBudget) throws(CommandError) -> [[UInt8]] {
        var result = glob_t()
        defer { system_globfree(&result) }
        // No GLOB_NOCHECK: on no match the caller keeps the quote-removed word, as sh does.
        let status = CBytes.withCString(pattern) { system_glob_budgeted($0, 0, &result, &budget.counters) }
        try budget.check()
        if status == GLOB_NOMATCH { return [] }
        guard status == 0 else { throw .globFailed(pattern: Printable.text(pattern)) }
        var matches: [[UInt8]] = []
        matches.reserveCapacity(Int(result.gl_pathc))
        for index in 0..<Int(result.gl_pathc) {
            guard let path = result.gl_pathv[index] else { continue }
            matches.append(CBytes.copy(path))
        }
        return matches
    }
}
