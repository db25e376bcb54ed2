// libFuzzer target: the whole decision (split, choose the program, expand, validate) for a user allowed
// everything. Invariants on every accepted command: no shell hazard in the line; the program is a
// configured path; no control character or NUL in any argument; scp only with allow-listed options and in
// server mode; rsync starting with --server and carrying no banned option anywhere; a checksum program with
// rssh's own -- before every file; borg restricted to the home by rssh, never widened; git hardened, with one
// path beneath the home. The same line vetted for an appendonly user (issue 18): no sftp-server,
// scp only with -f, and an rsync receiver with --ignore-existing and no deleting, backup, in-place or
// appending option before its `--`; borg with --append-only right after rssh's restriction; git-receive-pack
// with rssh's appendonly settings (branches only, no deletion, no rewind).

/// libFuzzer's entry point: runs the whole decision on one input and checks the invariants above.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecision(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = Array(UnsafeBufferPointer(start: data, count: size))
    let everything = ProgramSet(TransferProgram.allCases)
    guard
        let vetted = try? CommandVetter.vet(
            line,
            allowed: everything,
            options: [.checksums, .borg, .git],
            paths: fuzzPaths,
            expansion: FileSystemExpansion.literal(homeDirectory: Array("/home/fuzz".utf8))
        )
    else { return 0 }
    if line != CommandVetter.psftpFallback {
        invariant(!hasShellHazard(line), "accepted a line with a shell hazard: \(Printable.text(line))")
    }
    invariant(ServerProgram.allCases.contains { fuzzPaths.path(of: $0) == vetted.executable }, "unknown executable")
    for argument in vetted.arguments {
        invariant(!argument.contains { $0 < 0x20 || $0 == 0x7F }, "control character or NUL in an argument")
    }
    let arguments = vetted.arguments.dropFirst().map { String(decoding: $0, as: UTF8.self) }
    switch vetted.program {
    case .scp:
        var modes: Set<Character> = []
        for word in arguments {
            if word == "--" || !word.startsWithBytes("-") || word == "-" { break }
            for letter in word.dropFirst() {
                invariant("dfprtv".contains(letter), "scp accepted option -\(letter)")
                if letter == "t" || letter == "f" { modes.insert(letter) }
            }
        }
        // A repeated -t (as in "-rd -t -rd -t") is harmless: scp only sets its flag again.
        invariant(modes.count == 1, "scp accepted without exactly one of -t/-f")
    case .rsync:
        invariant(arguments.first == "--server", "rsync accepted without --server first")
        for word in rsyncOptionWords(arguments) {
            for banned in ["--rsh", "--daemon", "--config", "--remote-option", "--protect-args", "--secluded-args"] {
                invariant(!word.startsWithBytes(banned), "rsync accepted \(word)")
            }
        }
    case .cvs, .rdist, .rdistd, .svnserve:
        invariant(arguments.count == 1, "fixed-argument program accepted extra arguments")
    case .sftpServer:
        break
    case .md5sum, .sha1sum, .sha224sum, .sha256sum, .sha384sum, .sha512sum:
        // GNU getopt permutes: only rssh's `--` in front makes every later word a file name.
        invariant(arguments.first == "--", "a checksum program without -- before its files")
    case .borg:
        // rssh's restriction first, one umask of its own, and nothing that widens, writes or runs elsewhere.
        invariant(Array(arguments.prefix(3)) == ["serve", "--restrict-to-path", "/home/fuzz"], "borg unrestricted")
        invariant(arguments.filter { $0.startsWithBytes("--umask") }.count == 1, "borg without exactly one --umask")
        for word in arguments.dropFirst(3) {
            for banned in ["--restrict-to", "--append-only", "--storage-quota", "--debug-profile", "--rsh", "--remote"]
            {
                invariant(!word.startsWithBytes(banned), "borg accepted \(word)")
            }
        }
    case .gitUploadPack, .gitReceivePack, .gitUploadArchive:
        // git with rssh's hardening, the subcommand, and one absolute path beneath the home without `..`.
        let hardening = GitServerValidator.configuration.flatMap { ["-c", $0] }
        invariant(vetted.arguments.first == Array("git".utf8), "git run under another name")
        invariant(Array(arguments.prefix(hardening.count)) == hardening, "git without rssh's -c settings first")
        invariant(arguments.count == hardening.count + 2, "git with other than one path")
        let path = arguments.last ?? ""
        // Bytes, not Characters: a combining mark after the `/` makes one grapheme of both (a fuzzing finding
        // in this check, not in rssh, whose own check is bytewise).
        let bytes = Array(path.utf8)
        invariant(
            bytes == Array("/home/fuzz".utf8) || bytes.starts(with: Array("/home/fuzz/".utf8)),
            "git repository outside the home: \(path)"
        )
        invariant(!path.split(separator: "/").contains(".."), "git repository path with ..")
    }
    appendOnlyInvariants(line)
    return 0
}

/// An appendonly user allowed every program but cvs, rdist and svnserve, and borg and git.
private let appendOnlyPolicy: UserPolicy? = {
    let config = ConfigParser.parse(
        Array("user = fuzz:022:10011::appendonly,borg,git,unconfinedexec\n".utf8),
        file: "rssh.conf"
    )
    guard case .success(let policy) = config.policy(for: "fuzz") else { return nil }
    return policy
}()

/// The words of `arguments` that rsync may read as options: those before `--`, less long options' values.
///
/// popt takes the next word as a long option's value whatever it starts with, so `--debug --remove-x` is a
/// debug item (which rsync refuses), not an option. Short options' separate values (-e, -B, -@) are protocol
/// information or numbers, which cannot start with `--`.
private func rsyncOptionWords(_ arguments: some Sequence<String>) -> [String] {
    var words: [String] = []
    var valueNext = false
    for word in arguments {
        if word == "--" { break }
        if valueNext {
            valueNext = false
            continue
        }
        words.append(word)
        if word.startsWithBytes("--"), !word.contains("=") {
            valueNext = RsyncOption.longOptions[String(word.dropFirst(2))].map { $0.value != .none } ?? false
        }
    }
    return words
}

/// The appendonly mode's invariants on `line`, when its decision accepts it.
private func appendOnlyInvariants(_ line: [UInt8]) {
    guard let policy = appendOnlyPolicy else {
        invariant(false, "the appendonly policy does not parse")
        return
    }
    guard
        let vetted = try? CommandVetter.vet(
            line,
            policy: policy,
            paths: fuzzPaths,
            expansion: FileSystemExpansion.literal(homeDirectory: Array("/home/fuzz".utf8))
        )
    else { return }
    let arguments = vetted.arguments.dropFirst().map { String(decoding: $0, as: UTF8.self) }
    let options = arguments.prefix { $0 != "--" }
    switch vetted.program {
    case .sftpServer:
        invariant(false, "appendonly accepted sftp-server")
    case .scp:
        invariant(
            !options.contains { $0.startsWithBytes("-") && !$0.startsWithBytes("--") && $0.contains("t") },
            "appendonly scp -t"
        )
    case .rsync:
        let forbidden = [
            "--del", "--remove-", "--backup", "--suffix", "--append", "--partial", "--link-dest", "--force",
        ]
        let optionWords = rsyncOptionWords(options)
        for word in optionWords {
            invariant(!forbidden.contains { word.startsWithBytes($0) }, "appendonly rsync took \(word)")
        }
        if !optionWords.contains("--sender") {
            invariant(
                optionWords.contains("--ignore-existing"),
                "an appendonly rsync receiver without --ignore-existing"
            )
            invariant(!optionWords.contains("--inplace"), "a plain appendonly rsync receiver with --inplace")
        }
    case .borg:
        invariant(
            Array(arguments.prefix(4)) == ["serve", "--restrict-to-path", "/home/fuzz", "--append-only"],
            "appendonly borg without --append-only after the restriction"
        )
    case .gitReceivePack:
        let settings = arguments.prefix { !$0.hasSuffix("-pack") }
        for setting in GitServerValidator.appendOnlySettings {
            invariant(settings.contains(setting), "appendonly git-receive-pack without \(setting)")
        }
    default:
        break
    }
}
