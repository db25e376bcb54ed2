/// Reads ld.so.conf: one directory per line, `#` comments, and `include` lines with glob patterns
/// (relative patterns are relative to the including file's directory).
public enum LdSoConf {
    /// The directories `path` lists, following includes (at most 8 levels deep), in order, without duplicates.
    public static func directories(from path: String, depth: Int = 0) -> [String] {
        guard depth < 8, let bytes = try? FileSystem.read(path, limit: 1 << 20) else { return [] }
        var result: [String] = []
        for rawLine in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" }) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = words.first else { continue }
            if first == "include" {
                for pattern in words.dropFirst() {
                    let absolute = pattern.hasPrefix("/") ? pattern : FileSystem.directory(of: path) + "/" + pattern
                    for file in FileSystem.glob(absolute) {
                        for directory in directories(from: file, depth: depth + 1) where !result.contains(directory) {
                            result.append(directory)
                        }
                    }
                }
            } else if first.hasPrefix("/"), !result.contains(first) {
                result.append(first)
            }
        }
        return result
    }
}
