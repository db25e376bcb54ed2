import Testing

@testable import RsshCore

struct CommandVetterTests {
    /// Command lines real clients send (OpenSSH 9, WinSCP, rsync 3.2, cvs, svn, rdist).
    @Test(arguments: [
        // OpenSSH sftp / scp (SFTP mode) through an external Subsystem line, with the admin's arguments.
        ("/usr/lib/openssh/sftp-server", ServerProgram.sftpServer),
        ("sftp-server", .sftpServer),
        ("/usr/lib/openssh/sftp-server -l INFO -f AUTHPRIV", .sftpServer),
        ("/usr/lib/openssh/sftp-server -u 022", .sftpServer),
        ("/usr/lib/openssh/sftp-server -u022 -e -lVERBOSE", .sftpServer),
        ("/usr/lib/openssh/sftp-server -R -d /srv/data", .sftpServer),
        ("/usr/lib/openssh/sftp-server -P remove,rmdir -p open,read,close", .sftpServer),
        ("/usr/lib/openssh/sftp-server -Q requests", .sftpServer),
        // scp -O (legacy protocol), as OpenSSH 9 builds it: "scp [-v] [-r] [-p] [-d] -t|-f [--] path".
        ("scp -t .", .scp),
        ("scp -t /tmp", .scp),
        ("scp -v -t .", .scp),
        ("scp -r -t dir", .scp),
        ("scp -p -t .", .scp),
        ("scp -d -t dir", .scp),
        ("scp -v -r -p -d -t dir", .scp),
        ("scp -f file.txt", .scp),
        ("scp -r -f dir", .scp),
        ("scp -p -f 'a file'", .scp),
        ("scp -t -- -dash-name", .scp),
        ("scp -f -- -dash-name", .scp),
        ("scp -f *.txt", .scp),
        ("scp -f a b c", .scp),
        ("/usr/bin/scp -pt .", .scp),
        ("scp -prt .", .scp),
        ("scp  -rd -t -rd -t dir", .scp),  // repeated options, as found by FuzzDecision: scp just sets them again
        // WinSCP's SCP transfers.
        ("scp -r -p -d -t \"/home/alice/dir\"", .scp),
        ("scp -r -d -f \"/home/alice/file\"", .scp),
        // rsync 3.2.7 push and pull, with --delete, --partial and --link-dest.
        ("rsync --server -vlogDtpre.iLsfxCIvu . /dest/", .rsync),
        ("rsync --server --sender -vlogDtpre.iLsfxCIvu . src/", .rsync),
        ("rsync --server -logDtpre.iLsfxCIvu --delete . dest/", .rsync),
        ("rsync --server -logDtpre.iLsfxCIvu --partial . dest/", .rsync),
        ("rsync --server -logDtpre.iLsfxCIvu --link-dest /backups/prev . /backups/new", .rsync),
        ("rsync --server -logDtpre.iLsfxCIvu --link-dest=../prev . new/", .rsync),
        ("rsync --server -vlogDtprze.iLsfxCIvu --delete-after --partial-dir .rsync-partial . d/", .rsync),
        ("rsync --server --sender -vlogDtprze.iLsfxCIvu --log-format=%i . src/", .rsync),
        ("rsync --server -vlogDtpr . /dest", .rsync),  // rsync 2.x: no -e
        ("rsync --server -e.LsfxC . /dest", .rsync),
        ("rsync --server -re31.100iLsfxC . d", .rsync),
        ("rsync --server -vlogDtpre.iLsfxCIvu --timeout=30 --bwlimit=1000 -B1024 . d", .rsync),
        ("rsync --server --sender -logDtpre.iLsfxCIvu --max-delete=-1 --modify-window=2 . d", .rsync),
        ("rsync --server -logDtpre.iLsfxCIvu --temp-dir /tmp --backup-dir old --suffix=.bak . d", .rsync),
        ("rsync --server -logDtpre.iLsfxCIvu . 'dir with space/'", .rsync),
        ("rsync --server -logDtpre.iLsfxCIvu . dir\\ with\\ space/", .rsync),
        // cvs :ext:, svn+ssh, rdist.
        ("cvs server", .cvs),
        ("svnserve -t", .svnserve),
        ("rdistd -S", .rdistd),
        ("/usr/bin/rdist -Server", .rdist),
    ])
    func accepted(_ line: String, _ program: ServerProgram) throws {
        let vetted = try vet(line)
        #expect(vetted.program == program)
        #expect(vetted.executable == debianPaths.path(of: program))
    }

    /// Every historical rssh/scponly payload class, and the shapes around them.
    @Test(arguments: [
        // Shells and other programs.
        "bash", "/bin/sh -c id", "id", "ls -la", "echo hi", "/bin/sh ~/.ssh/rc", "/bin/sh .ssh/rc",
        "sftp-server; id", "SCP -t .", "./scp -t .", "/bin/scp -t .", "/usr/bin/../bin/scp -t .", "\"scp\" -t .",
        "'scp' -t .", "s\\cp -t .", "sc? -t .", "scp;id", "scp${IFS}-S${IFS}/tmp/evil",
        // CVE-2004-1161 / CVE-2019-1000018: scp acting as a client or running a program.
        "scp -S /tmp/evil x y:", "scp -t -S /tmp/evil .", "scp -oProxyCommand=id x y:",
        "scp -o PKCS11Provider=./bad.so 1 localhost:",
        "scp -F rssh.config 1 localhost:", "scp 1 localhost:", "scp -3 a:x b:y", "scp -i key -t .", "scp -P 22 -t .",
        "scp -tS/tmp/evil .", "scp -t", "scp -f", "scp -t -f .", "scp -tf .", "scp -f a -oProxyCommand=id",
        "scp -f a -S/tmp/evil", "scp -T -t .", "scp -q -t .",
        // CVE-2004-1161 / CVE-2012-2251 / 2252 / CVE-2019-3463: rsync running programs or reading configs.
        "rsync -e 'sh -c id' x y:", "rsync --rsh=/tmp/evil x y:", "rsync --rsh /tmp/evil x y:",
        "rsync --server -e 'sh -c id' . d", "rsync --server -vlogDtpre'sh -c id' . d", "rsync --server --daemon .",
        "rsync --server --config=/tmp/x .", "rsync --server --log-file -- --daemon --config=/tmp/x .",
        "rsync -vlogDtpre.iLsfxC --server . /d", "rsync --server --rsh=x . d", "rsync --server . d --rsh=x",
        "rsync --server . d -e/tmp/x", "rsync --server -- --daemon", "rsync --server -M--rsh=x . d",
        "rsync --server --remote-option=--rsh=x . d", "rsync --server -s . d", "rsync --server -vse.iLsfxC . d",
        "rsync --server --protect-args . d", "rsync --server --secluded-args . d", "rsync --server --rsync-path=x . d",
        "rsync --server --backup-dir --daemon . d", "rsync --server --delete=x . d", "rsync --server --timeout=x . d",
        "rsync --server --log-format=%f . d", "rsync --server --write-batch=x . d", "rsync --server --read-batch=x . d",
        "rsync --server -vlogDtpre.iLsfxC . d --info", "rsync --server --rs . d", "rsync --server -T /tmp . d",
        "rsync --server --daemon --config=/home/u/x.conf .", "rsync", "rsync --version",
        // CVE-2004-1161: rdist -P; cvs -e; svnserve extras.
        "rdist -P /tmp/evil", "rdist -Server -P /tmp/evil", "rdistd -S -x", "rdistd", "cvs -e ed commit",
        "cvs --allow-root=/x pserver",
        "cvs server extra", "cvs -d /repo server", "svnserve", "svnserve -t -r /", "svnserve --tunnel-user=root -t",
        "svnserve -d", "svnserve -t --config-file=/tmp/x",
        // sftp-server with bad values or operands.
        "/usr/lib/openssh/sftp-server -l NONSENSE", "/usr/lib/openssh/sftp-server -f EVIL",
        "/usr/lib/openssh/sftp-server -u 999", "/usr/lib/openssh/sftp-server -u 777777777777",
        "/usr/lib/openssh/sftp-server extra", "/usr/lib/openssh/sftp-server -x",
        "/usr/lib/openssh/sftp-server -l", "/usr/lib/openssh/sftp-server -P 'a;b'",
        // CVE-2004-1628 (format strings) and CVE-2012-3478 (expansion smuggling).
        "%x%x%x%n", "scp -t $LC_ALL", "rsync --server ${X} . d", "scp -t `id`", "scp -t $(id)",
        // Control characters, newlines, NUL.
        "scp -t .\nid", "scp -t '.\nid'", "scp -t .\u{00}",
    ])
    func rejected(_ line: String) {
        #expect(throws: CommandRejection.self) { try vet(line) }
    }

    @Test func theProgramMustBeAllowedForTheUser() {
        #expect(throws: CommandRejection.notAllowed(.scp)) { try vet("scp -t .", allowed: [.sftp]) }
        #expect(throws: CommandRejection.notAllowed(.sftp)) {
            try vet("/usr/lib/openssh/sftp-server", allowed: [.scp])
        }
        #expect(throws: CommandRejection.notAllowed(.rdist)) { try vet("rdistd -S", allowed: [.scp]) }
    }

    @Test func psftpFallbackMapsToTheConfiguredSftpServer() throws {
        let line = String(decoding: CommandVetter.psftpFallback, as: UTF8.self)
        let vetted = try vet(line, allowed: [.sftp])
        #expect(vetted.program == .sftpServer)
        #expect(vetted.executable == "/usr/lib/openssh/sftp-server")
        #expect(vetted.arguments == [Array("/usr/lib/openssh/sftp-server".utf8)])
        #expect(throws: CommandRejection.notAllowed(.sftp)) { try vet(line, allowed: [.scp]) }
        // Any other multi-line text is still refused.
        #expect(throws: CommandRejection.self) { try vet(line + "\nid", allowed: [.sftp]) }
    }

    @Test func executableComesFromTheCompiledInPathNotTheWord() throws {
        #expect(try vet("scp -t .").executable == "/usr/bin/scp")
        #expect(try vet("scp -t .").arguments.first == Array("scp".utf8))
    }

    @Test func argumentsAreValidatedAfterExpansion() throws {
        // A glob matching a file named like an option is caught after expansion.
        struct Planted: PathExpansion {
            var homeDirectory: [UInt8] { Array("/home/alice".utf8) }
            var expandsPatterns: Bool { true }
            func glob(_ pattern: [UInt8], budget: inout ExpansionBudget) throws(CommandError) -> [[UInt8]] {
                [Array("-oProxyCommand=id".utf8), Array("a.txt".utf8)]
            }
        }
        #expect(throws: CommandRejection.self) {
            try CommandVetter.vet(
                Array("scp -f *.txt".utf8),
                allowed: everything,
                paths: debianPaths,
                expansion: Planted()
            )
        }
        // After "--" the same expansion is only file names, as scp reads them.
        let vetted = try CommandVetter.vet(
            Array("scp -f -- *.txt".utf8),
            allowed: everything,
            paths: debianPaths,
            expansion: Planted()
        )
        #expect(vetted.arguments.count == 5)
    }
}
