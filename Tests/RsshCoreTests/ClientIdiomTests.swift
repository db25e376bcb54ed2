import Testing

@testable import RsshCore

/// `rsshctl explain`'s "what this command line is from": one row per client idiom.
struct ClientIdiomTests {
    static let rows: [(command: String?, idiom: ClientIdiom)] = [
        (nil, .interactive),
        ("/usr/lib/openssh/sftp-server", .sftpSubsystem),
        ("sftp-server -l INFO", .sftpSubsystem),
        (String(decoding: CommandVetter.psftpFallback, as: UTF8.self), .psftpFallback),
        ("scp -t .", .scpLegacy),
        ("scp -r -p -d -t /home/alice/dir", .scpLegacy),
        ("scp -f 'a b'", .scpLegacy),
        ("scp -v x", .scpOther),
        ("echo ${ShellId}%ComSpec%", .rcloneShellProbe),
        ("md5sum \"file one\"", .checksum),
        ("sha1sum -- x", .checksum),
        ("sha512sum", .checksum),
        ("rsync --server --sender -vlogDtpre.iLsfxC . dir/", .rsyncSender),
        ("rsync --server -vlogDtpre.iLsfxC . dir/", .rsyncReceiver),
        ("rsync --daemon", .unrecognised),
        ("borg serve --umask=077", .borgServe),
        ("git-upload-pack 'repo.git'", .gitFetch),
        ("git upload-pack repo.git", .gitFetch),
        ("git-receive-pack 'repo.git'", .gitPush),
        ("git-upload-archive repo.git", .gitArchive),
        ("cvs server", .cvs),
        ("/usr/sbin/rdistd -S", .rdist),
        ("svnserve -t", .svn),
        ("pwd ; echo \"WinSCP: this is end-of-file:$?\"", .winscpShellLine),
        ("rssh-profile backup", .profileSelector),
        ("bash -c id", .unrecognised),
        ("scp 'unterminated", .unrecognised),
    ]

    @Test(arguments: rows)
    func commandLinesAreRecognised(_ row: (command: String?, idiom: ClientIdiom)) {
        #expect(ClientIdiom.classify(row.command.map { Array($0.utf8) }) == row.idiom)
    }

    @Test func everyIdiomHasARowAndADescription() {
        for idiom in ClientIdiom.allCases {
            #expect(Self.rows.contains { $0.idiom == idiom }, "no row for \(idiom)")
            #expect(!idiom.description.isEmpty)
        }
    }
}
