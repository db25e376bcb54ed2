import Testing

@testable import RsshCore

/// Which jailed commands get their final record from root before the drop, without a recorder
/// (`ChrootHelper.settledCommand`): only those whose vector nothing inside the jail can change.
struct SettledCommandTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var options = ""
        var command: String
        /// The passwd home: inside the jail, or outside it (then the jail's `/` stands in).
        var home = "/srv/jail/home/alice"
        var settled: Bool
        var testDescription: String { "\(command.debugDescription) \(options) home \(home)" }
    }

    @Test(arguments: [
        Case(command: "/usr/lib/openssh/sftp-server", settled: true),
        Case(command: "scp -f report.txt", settled: true),
        Case(command: "scp -t .", settled: true),
        Case(command: "rsync --server --sender -vlogDtpre.iLsfxCIvu . src/", settled: true),
        // The files a pattern matches are known only inside the jail, as the user.
        Case(command: "scp -f *.txt", settled: false),
        Case(command: "scp -f 'a b'/[x]", settled: false),
        // `~` is the jail home, or `/` when the user cannot enter it: known only after the drop.
        Case(command: "scp -f ~/report.txt", settled: false),
        // With a home outside the jail, `~` can only be `/`.
        Case(command: "scp -f ~/report.txt", home: "/home/alice", settled: true),
        // git's repository lies beneath the home, so it moves with the fallback.
        Case(options: "git", command: "git-upload-pack 'r.git'", settled: false),
        // These can still refuse after the drop, so a recorder must be there to record it.
        Case(options: "root=backups", command: "/usr/lib/openssh/sftp-server", settled: false),
        Case(options: "supervised", command: "/usr/lib/openssh/sftp-server", settled: false),
        // A WinSCP session (the empty command) records one line at a time.
        Case(options: "winscp", command: "", settled: false),
        // A refused command never gets this far: `prepare` refuses (and records) it as root.
        Case(command: "rm -rf /", settled: false),
    ])
    func settlesOnlyWhatTheJailCannotChange(_ test: Case) throws {
        let line = "user = alice:022:10011:/srv/jail\(test.options.isEmpty ? "" : ":" + test.options)\n"
        let config = ConfigParser.parse(Array(line.utf8), file: "rssh.conf", onlyUser: "alice")
        let policy = try config.policy(for: "alice").get()
        var account = alice
        account.home = Array(test.home.utf8)
        // As `prepare` has it: the command vetted without expansion for the home `/` (nil when refused or empty).
        let literal =
            test.command.isEmpty
            ? nil
            : try? CommandVetter.vet(
                Array(test.command.utf8),
                policy: policy,
                paths: debianPaths,
                expansion: FileSystemExpansion.literal(homeDirectory: [0x2F])
            )
        let prepared = ChrootHelper.Prepared(
            account: account,
            policy: policy,
            jail: "/srv/jail",
            command: Array(test.command.utf8),
            programName: "?",
            literal: literal,
            facility: nil,
            requireAudit: false,
            sshWarning: nil
        )
        let settled = ChrootHelper.settledCommand(prepared, paths: debianPaths)
        #expect((settled != nil) == test.settled)
        if let settled {
            // The very vector the vetting inside the jail gives, for the jail home and for the fallback.
            for home in [JailPath.homeInside(jail: "/srv/jail", home: account.home) ?? [0x2F], [0x2F]] {
                let inside = try CommandVetter.vet(
                    Array(test.command.utf8),
                    policy: policy,
                    paths: debianPaths,
                    expansion: FileSystemExpansion(homeDirectory: home)
                )
                #expect(inside == settled)
            }
        }
    }
}
