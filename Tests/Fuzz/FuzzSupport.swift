// Shared pieces of the libFuzzer targets. Each target is compiled together with RsshCore's sources into
// one instrumented module (see the Makefile's fuzz rules), so it can check internal invariants directly.
// A broken invariant traps, which libFuzzer reports as a crash with the input that caused it.

/// Stops the fuzzer with a message when an invariant does not hold.
func invariant(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: " + message()) }
}

extension String {
    /// Whether the string's UTF-8 bytes start with `prefix`'s: rssh compares bytes, and a Character prefix
    /// misses one whose last character a combining mark joins (a fuzzing finding in an invariant).
    func startsWithBytes(_ prefix: String) -> Bool { Array(utf8).starts(with: Array(prefix.utf8)) }
}

/// Debian's paths, as the installed build on Debian 12 has them.
let fuzzPaths = ProgramPaths(
    configFile: "/etc/rssh.conf",
    chrootHelper: "/usr/libexec/rssh_chroot_helper",
    programs: ProgramPaths.checksumPaths(in: "/usr/bin").merging(ProgramPaths.gitPaths(git: "/usr/bin/git")) {
        first,
        _ in first
    }
    .merging([
        .sftpServer: "/usr/lib/openssh/sftp-server", .scp: "/usr/bin/scp", .cvs: "/usr/bin/cvs",
        .rdist: "/usr/bin/rdist", .rdistd: "/usr/sbin/rdistd", .rsync: "/usr/bin/rsync",
        .svnserve: "/usr/bin/svnserve", .borg: "/usr/bin/borg",
    ]) { first, _ in first }
)

/// Whether `line` has a character a shell would act on.
///
/// That is, outside quotes as sh reads them, an operator, `$` or a backquote (also inside double quotes), or
/// a control character anywhere. An independent, deliberately simple scanner, so the splitter is checked
/// against something other than itself.
func hasShellHazard(_ line: [UInt8]) -> Bool {
    var index = 0
    var quote: UInt8?
    while index < line.count {
        let byte = line[index]
        if byte < 0x20 && byte != 0x09 || byte == 0x7F { return true }
        switch quote {
        case UInt8(ascii: "'"):
            if byte == UInt8(ascii: "'") { quote = nil }
        case UInt8(ascii: "\""):
            if byte == UInt8(ascii: "\\") {
                index += 1
            } else if byte == UInt8(ascii: "\"") {
                quote = nil
            } else if byte == UInt8(ascii: "$") || byte == UInt8(ascii: "`") {
                return true
            }
        default:
            if byte == UInt8(ascii: "\\") {
                index += 1
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
            } else if Array(";&|<>(){}$`".utf8).contains(byte) {
                return true
            }
        }
        index += 1
    }
    return false
}
