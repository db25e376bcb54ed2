import Testing

@testable import RsshCore

/// The `checksums` option: coreutils' checksum programs with file names only, as rclone and WinSCP send
/// them, and rclone's shell-type probe.
struct ChecksumTests {
    @Test(
        arguments: [
            // (command line, argument vector rssh runs, or nil when refused)
            ("md5sum", ["md5sum", "--"]),  // rclone's probe: standard input, the empty-input hash
            ("sha1sum", ["sha1sum", "--"]),
            ("sha256sum \"f1\" \"f2\"", ["sha256sum", "--", "f1", "f2"]),  // WinSCP's checksum batch
            ("sha512sum -- -c", ["sha512sum", "--", "-c"]),
            ("/usr/bin/sha224sum a", ["/usr/bin/sha224sum", "--", "a"]),
            ("sha384sum a -", ["sha384sum", "--", "a", "-"]),
            // rclone escapes every character outside [A-Za-z0-9_.,:/@-] with a backslash.
            (
                "md5sum /home/alice/with\\ space/a\\\"b\\\\c\\$d\\*e",
                ["md5sum", "--", "/home/alice/with space/a\"b\\c$d*e"]
            ),
            ("md5sum /home/alice/\\'q\\'", ["md5sum", "--", "/home/alice/'q'"]),
            ("md5sum -c list", nil), ("md5sum a --check", nil), ("sha1sum --files0-from=list", nil),
            ("sha256sum -b a", nil), ("md5 -r", nil), ("sha1 -r", nil), ("rclone md5sum", nil),
            ("md5sum a; id", nil), ("md5sum $(id)", nil),
        ] as [(String, [String]?)]
    )
    func checksumCommands(_ command: String, _ argv: [String]?) {
        let vetted = run(policyShell("user = alice:022:00010::checksums\n"), command)
        #expect(vetted.map { words($0) } == argv, "\(command)")
        if let vetted { #expect(vetted.executable == "/usr/bin/" + vetted.program.name) }
    }

    @Test func theOptionIsRequiredAndUploadOnlyRefusesAHash() {
        #expect(run(policyShell("user = alice:022:11111\n"), "md5sum") == nil, "no checksums option")
        #expect(run(policyShell("allowsftp\n"), "md5sum") == nil, "global lines without the option")
        #expect(run(policyShell("allowsftp\noptions = checksums\n"), "md5sum") != nil, "global options")
        #expect(run(policyShell("user = alice:022:00001::checksums,readonly\n"), "sha1sum a") != nil)
        #expect(run(policyShell("user = alice:022:00001::checksums,uploadonly\n"), "sha1sum a") == nil)
    }

    @Test func rclonesShellProbeIsAnsweredAndRunsNothing() {
        let shell = policyShell("user = alice:022:00010\n")
        let outcome = shell.decide(
            command: CommandVetter.rcloneShellProbe,
            expansion: FileSystemExpansion.literal(homeDirectory: alice.home)
        )
        guard case .answer(let bytes, let decision) = outcome else {
            Issue.record("the probe was not answered: \(outcome)")
            return
        }
        #expect(bytes == Array("%ComSpec%\n".utf8))
        #expect(decision.allowed && decision.reason.contains("rclone's shell-type probe"))
        let locked = policyShell("user = alice:022:00000\n")
        guard
            case .refuse = locked.decide(
                command: CommandVetter.rcloneShellProbe,
                expansion: FileSystemExpansion.literal(homeDirectory: alice.home)
            )
        else {
            Issue.record("a locked-out user got an answer")
            return
        }
    }
}
