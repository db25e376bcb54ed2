/// Finds every file a program needs to start: the dynamic loader and the transitive closure of its
/// DT_NEEDED libraries, searched the way ld.so searches (RPATH, RUNPATH, ld.so.conf, default directories).
public struct LibraryResolver {
    /// Where to look when RPATH/RUNPATH do not name the library.
    public var searchDirectories: [String]
    /// Reads a file (injected for tests).
    public var read: (String) -> [UInt8]?

    /// Creates a resolver.
    public init(searchDirectories: [String], read: @escaping (String) -> [UInt8]?) {
        self.searchDirectories = searchDirectories
        self.read = read
    }

    /// The default resolver for this system: ld.so.conf's directories, then the multiarch and plain defaults.
    public static func system() -> LibraryResolver {
        var directories = LdSoConf.directories(from: "/etc/ld.so.conf")
        for fallback in [
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
            "/lib64", "/usr/lib64", "/lib", "/usr/lib",
        ] where !directories.contains(fallback) {
            directories.append(fallback)
        }
        return LibraryResolver(searchDirectories: directories) { path in try? FileSystem.read(path) }
    }

    /// A dependency that could not be found.
    public struct Missing: Error, Sendable, Equatable, CustomStringConvertible {
        /// The library name (DT_NEEDED value).
        public var library: String
        /// Who needs it.
        public var neededBy: String

        /// `libfoo.so.1 (needed by /usr/bin/x)`.
        public var description: String { "\(library) (needed by \(neededBy)) not found" }
    }

    /// Why a program's libraries could not be resolved.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// A needed library is nowhere on the search path.
        case missing(Missing)
        /// A file is ELF but its headers are malformed (offsets past the end, or overflowing).
        case malformed(file: String, ElfFile.Failure)

        /// The reason, naming the file.
        public var description: String {
            switch self {
            case .missing(let missing): missing.description
            case .malformed(let file, _): "\(file) is a malformed ELF file (a header points outside it)"
            }
        }
    }

    /// The loader and every library `program` needs, in discovery order, without duplicates.
    /// - Throws: the first library that cannot be found, or the first malformed file.
    public func closure(of program: String) throws(Failure) -> [String] {
        var result: [String] = []
        var queue = [program]
        var seen: Set<String> = [program]
        while !queue.isEmpty {
            let path = queue.removeFirst()
            guard let bytes = read(path), let elf = try Self.parse(bytes, file: path) else { continue }
            var next: [String] = []
            if let interpreter = elf.interpreter { next.append(interpreter) }
            for library in elf.needed {
                guard let found = try locate(library, for: path, elf: elf) else {
                    throw .missing(Missing(library: library, neededBy: path))
                }
                next.append(found)
            }
            for file in next where !seen.contains(file) {
                seen.insert(file)
                result.append(file)
                queue.append(file)
            }
        }
        return result
    }

    /// The path of `library` as ld.so would find it for `parent`.
    func locate(_ library: String, for parent: String, elf: ElfFile) throws(Failure) -> String? {
        if library.contains("/") { return read(library) != nil ? library : nil }
        let origin = FileSystem.directory(of: parent)
        let expand = { (entry: String) in entry.replacingOccurrences(of: "$ORIGIN", with: origin) }
        let ordered = (elf.runpath.isEmpty ? elf.rpath.map(expand) : []) + elf.runpath.map(expand) + searchDirectories
        for directory in ordered {
            let candidate = directory + "/" + library
            guard let bytes = read(candidate), let found = try Self.parse(bytes, file: candidate),
                found.machine == elf.machine
            else { continue }
            return candidate
        }
        return nil
    }

    /// The ELF facts of `bytes`, nil for a file that is not ELF64 (a script has no libraries to copy).
    /// - Throws: `Failure.malformed` naming `file` when its headers point outside it.
    static func parse(_ bytes: [UInt8], file: String) throws(Failure) -> ElfFile? {
        do {
            return try ElfFile(bytes)
        } catch .truncated {
            throw .malformed(file: file, .truncated)
        } catch {
            return nil
        }
    }
}

extension String {
    /// Replaces every occurrence of `target` with `replacement` (Foundation-free).
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
