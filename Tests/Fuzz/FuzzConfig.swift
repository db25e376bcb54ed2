// libFuzzer target: the rssh.conf parser on arbitrary bytes.
// Invariants: parsing is deterministic; the login shell's fast path (onlyUser) gives every user the same
// policy as the full parse that rssh -v does, group lines included (resolved by a fixed lookup); parsing in
// two pieces (as ConfigFile.parse reads the file) gives the same configuration wherever the first piece ends.

/// A fixed group database: the user is in gids 1 to 5, called "backup", "web", "bad", "my staff" (the
/// corpus's group lines) and none for gid 5; deterministic, so the fast and the full parse must give every
/// user the same group line.
private struct FixedGroups: GroupLookup {
    static let names = ["backup", "web", "bad", "my staff"]

    mutating func gid(named name: String) -> GroupFacts.Resolution {
        Self.names.firstIndex(of: name).map { .gid(UInt32($0 + 1)) } ?? .unknown
    }

    mutating func name(of gid: UInt32) -> GroupFacts.Name {
        gid >= 1 && Int(gid) <= Self.names.count ? .name(Self.names[Int(gid) - 1]) : .unknown
    }

    mutating func memberships() -> Result<[UInt32], SystemError> { .success([1, 2, 3, 4, 5]) }
}

/// The configuration `ConfigFile.parse` would make if its first read ended after `cut` bytes.
private func parsedInPieces(_ bytes: [UInt8], cut: Int, onlyUser: String?) -> Configuration {
    var parser = ConfigParser(file: "fuzz.conf", onlyUser: onlyUser)
    return bytes.withUnsafeBufferPointer { buffer in
        let first = parser.parseLines(in: UnsafeBufferPointer(rebasing: buffer[..<cut]))
        let second = first + parser.parseLines(in: UnsafeBufferPointer(rebasing: buffer[first...]))
        return parser.finish(lastLine: UnsafeBufferPointer(rebasing: buffer[second...]))
    }
}

/// libFuzzer's entry point: runs the config parser on one input and checks the invariants above.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let full = ConfigParser.parse(bytes, file: "fuzz.conf")
    invariant(full == ConfigParser.parse(bytes, file: "fuzz.conf"), "parsing is not deterministic")
    let cut = size > 0 ? Int(bytes[size - 1]) % (size + 1) : 0
    invariant(parsedInPieces(bytes, cut: cut, onlyUser: nil) == full, "pieces cut at \(cut) parse differently")
    // The first and last configured users and one absent name: enough to exercise the shell's skipping of
    // other users' lines, and keeps each execution linear in the input's size.
    var names = ["nobody-in-this-file"]
    if let first = full.users.first { names.append(first.name) }
    if let last = full.users.last { names.append(last.name) }
    for name in names {
        let fast = ConfigParser.parse(bytes, file: "fuzz.conf", onlyUser: name)
        invariant(parsedInPieces(bytes, cut: cut, onlyUser: name) == fast, "pieces cut at \(cut) differ for \(name)")
        var lookup = FixedGroups()
        let fullPolicy = full.policy(for: name, groups: full.groupFacts(for: name, lookup: &lookup))
        let fastPolicy = fast.policy(for: name, groups: fast.groupFacts(for: name, lookup: &lookup))
        invariant(fullPolicy == fastPolicy, "shell and rssh -v disagree for \(name): \(fullPolicy) vs \(fastPolicy)")
    }
    for user in full.users + full.groups {
        invariant(user.umask <= 0o777, "umask out of range")
        invariant(user.chrootPath.map { $0.startsWithBytes("/") } ?? true, "relative chroot accepted")
    }
    return 0
}
