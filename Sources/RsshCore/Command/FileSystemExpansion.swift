import CRsshLibc

/// Expansion against the file system as the calling process sees it (inside the jail, for the helper).
public struct FileSystemExpansion: PathExpansion {
    /// The bytes `~` stands for.
    public var homeDirectory: [UInt8]

    /// Creates an expansion rooted in the current file system.
    public init(homeDirectory: [UInt8]) {
        self.homeDirectory = homeDirectory
    }

    /// True: patterns are matched against the file system.
    public var expandsPatterns: Bool { true }

    /// Runs glob(3) on `pattern`; backslash escapes in it are honoured, as produced by `CommandSplitter`.
    public func glob(_ pattern: [UInt8]) throws(CommandError) -> [[UInt8]] {
        var result = glob_t()
        defer { system_globfree(&result) }
        // No GLOB_NOCHECK: on no match the caller keeps the quote-removed word, as sh does.
        let status = CBytes.withCString(pattern) { system_glob($0, 0, &result) }
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
