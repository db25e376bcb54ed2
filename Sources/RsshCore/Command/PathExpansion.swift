/// Where `~` and glob patterns are resolved: the real file system, or a stand-in for tests and pre-checks.
public protocol PathExpansion {
    /// The bytes `~` stands for.
    var homeDirectory: [UInt8] { get }
    /// Whether glob patterns are resolved against files (false: they stay literal, as in a pre-check).
    var expandsPatterns: Bool { get }
    /// The paths matching `pattern` in sorted order; empty when nothing matches.
    /// - Parameters:
    ///   - pattern: a glob(3) pattern with backslash escapes.
    ///   - budget: the work left for the whole command line; charged with this lookup's.
    /// - Throws: `CommandError.globFailed` when the lookup itself failed, `.expansionBudgetExceeded` when it
    ///   needed more than the budget.
    func glob(_ pattern: [UInt8], budget: inout ExpansionBudget) throws(CommandError) -> [[UInt8]]
}

/// Another expansion with `~` standing for a session's root (`root=SUBDIR`) instead of the home.
public struct RootedExpansion<Base: PathExpansion>: PathExpansion {
    /// The expansion that matches patterns.
    public var base: Base
    /// The bytes `~` stands for.
    public var homeDirectory: [UInt8]

    /// Wraps `base` with `homeDirectory` for `~`.
    public init(_ base: Base, homeDirectory: [UInt8]) {
        self.base = base
        self.homeDirectory = homeDirectory
    }

    /// The base's answer.
    public var expandsPatterns: Bool { base.expandsPatterns }

    /// The base's matches.
    public func glob(_ pattern: [UInt8], budget: inout ExpansionBudget) throws(CommandError) -> [[UInt8]] {
        try base.glob(pattern, budget: &budget)
    }
}
