// libFuzzer target: the rssh.conf parser on arbitrary bytes.
// Invariants: parsing is deterministic; the login shell's fast path (onlyUser) gives every user the same
// policy as the full parse that rssh -v does.

/// libFuzzer's entry point: runs the config parser on one input and checks the invariants above.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let full = ConfigParser.parse(bytes, file: "fuzz.conf")
    invariant(full == ConfigParser.parse(bytes, file: "fuzz.conf"), "parsing is not deterministic")
    // The first and last configured users and one absent name: enough to exercise the shell's skipping of
    // other users' lines, and keeps each execution linear in the input's size.
    var names = ["nobody-in-this-file"]
    if let first = full.users.first { names.append(first.name) }
    if let last = full.users.last { names.append(last.name) }
    for name in names {
        let fast = ConfigParser.parse(bytes, file: "fuzz.conf", onlyUser: name)
        invariant(
            full.policy(for: name) == fast.policy(for: name),
            "shell and rssh -v disagree for \(name): \(full.policy(for: name)) vs \(fast.policy(for: name))"
        )
    }
    for user in full.users {
        invariant(user.umask <= 0o777, "umask out of range")
        invariant(user.chrootPath.map { $0.hasPrefix("/") } ?? true, "relative chroot accepted")
    }
    return 0
}
