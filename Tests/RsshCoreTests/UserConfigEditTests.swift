import Glibc
import Testing

@testable import RsshCore
@testable import RsshJail

/// `rsshctl user add/remove`'s one-line edit of rssh.conf: only that line changes, the parser validates the
/// result, and a refused edit leaves the file byte-identical (issue 21).
struct UserConfigEditTests {
    static func line(
        _ name: String,
        _ programs: ProgramSet = .sftp,
        chroot: String? = nil,
        options: UserOptions = [],
        umask: mode_t = 0o022
    ) -> UserLine? {
        try? UserLine(name: name, umask: umask, programs: programs, chrootPath: chroot, options: options)
    }

    static let lineCases: [(UserLine?, String)] = [
        (line("alice"), "user = alice:022:00010"),
        (
            line("bob", [.sftp, .scp, .rsync], options: [.landlock, .readOnly], umask: 0o77),
            "user = bob:077:10011::landlock,readonly"
        ),
        (line("carol", [.sftp, .svnserve], chroot: "/srv/jail"), "user = carol:022:000101:/srv/jail"),
        (line("dave", [.sftp], options: [.checksums, .uploadOnly]), "user = dave:022:00010::uploadonly,checksums"),
        (line("erin", [.rsync], options: [.landlock, .appendOnly]), "user = erin:022:10000::landlock,appendonly"),
        (line("frank", [], options: [.landlock, .borg]), "user = frank:022:00000::landlock,borg"),
        (line("gina", [], chroot: "/srv/jail", options: [.git]), "user = gina:022:00000:/srv/jail:git"),
    ]

    @Test(arguments: lineCases)
    func linesAreWrittenInRsshConfSyntax(_ line: UserLine?, _ expected: String) {
        #expect(line?.text == expected)
    }

    static let badCases: [(String, ProgramSet, String?, UserOptions, String)] = [
        ("-x", ProgramSet.sftp, String?.none, UserOptions(), "not a valid account name"),
        ("al ice", .sftp, nil, [], "not a valid account name"),
        ("alice", [], nil, [], "no program given"),
        ("alice", .sftp, "/srv/ja il", [], "jail path"),
        ("alice", .sftp, "srv/jail", [], "jail path"),
        ("alice", .sftp, "/srv/jail", [.landlock], "landlock and a jail"),
        ("alice", .sftp, nil, [.readOnly, .uploadOnly], "one access mode per user"),
        ("alice", .rsync, nil, [.appendOnly, .uploadOnly], "one access mode per user"),
        ("alice", .rsync, nil, [.readOnly, .appendOnly], "one access mode per user"),
        ("alice", .sftp, nil, [.winscp], "winscp needs scp"),
        ("alice", .sftp, "/srv/jail", [.borg], "borg cannot run in a jail"),
    ]

    @Test(arguments: badCases)
    func badRequestsAreRefused(
        _ name: String,
        _ programs: ProgramSet,
        _ chroot: String?,
        _ options: UserOptions,
        _ message: String
    ) {
        #expect(throws: UserLine.Problem.self) {
            try UserLine(name: name, umask: 0o22, programs: programs, chrootPath: chroot, options: options)
        }
        do {
            _ = try UserLine(name: name, umask: 0o22, programs: programs, chrootPath: chroot, options: options)
        } catch {
            #expect(error.description.contains(message))
        }
    }

    static let header = "# rssh.conf\n# keep this comment\nlogfacility = LOG_USER\n\nallowsftp\n"

    /// Insert, replace, remove: everything but the one line stays as it was.
    static let editCases: [(String, String, UserLine?, String)] = [
        // insert: appended after the last line
        (header, "alice", line("alice"), header + "user = alice:022:00010\n"),
        // insert into a file whose last line has no newline
        ("allowsftp", "alice", line("alice"), "allowsftp\nuser = alice:022:00010\n"),
        // insert into an empty (new) file
        ("", "alice", line("alice"), "user = alice:022:00010\n"),
        // replace in place: the comment after it and the other user stay
        (
            header + "user=alice:077:00001 # old\n# after\nuser = bob:022:00010\n", "alice",
            line("alice", [.sftp, .rsync]),
            header + "user = alice:022:10010\n# after\nuser = bob:022:00010\n"
        ),
        // a quoted line is recognised; a later duplicate (ignored by rssh) is removed
        (
            "user = \"alice:022:00010\"\n# x\nuser = alice:022:11111\n", "alice", line("alice", .scp),
            "user = alice:022:00001\n# x\n"
        ),
        // another user whose name has this one as a prefix is left alone
        ("user = alice2:022:00010\n", "alice", line("alice"), "user = alice2:022:00010\nuser = alice:022:00010\n"),
        // remove: the line and its newline
        (header + "user = alice:022:00010\n# tail\n", "alice", nil, header + "# tail\n"),
        // remove the last line without a newline
        ("allowsftp\nuser = alice:022:00010", "alice", nil, "allowsftp"),
        // remove what is not there: unchanged
        (header, "alice", nil, header),
    ]

    @Test(arguments: editCases)
    func editsOnlyTheUsersLine(_ before: String, _ name: String, _ line: UserLine?, _ after: String) {
        let result = ConfigEdit.apply(name, line: line, to: Array(before.utf8), file: "t")
        #expect((try? result.get()).map { String(decoding: $0, as: UTF8.self) } == after)
    }

    /// An edit that leaves the file invalid is refused, whoever's line is broken.
    @Test(arguments: [
        "allowsftp\nbogus\n",  // an unknown keyword elsewhere in the file
        "allowsftp\nuser = bob:022:0001x\n",  // another user's broken line
        "options = landlock\nchrootpath = /srv/jail\n",  // a global contradiction
    ])
    func invalidResultsAreRefused(_ before: String) {
        let result = ConfigEdit.apply("alice", line: Self.line("alice"), to: Array(before.utf8), file: "t")
        guard case .failure(.invalid(let errors)) = result else {
            Issue.record("expected a refusal, got \(result)")
            return
        }
        #expect(!errors.isEmpty)
    }

    // MARK: - on disk

    static func contents(_ path: String) -> [UInt8]? {
        try? ConfigFileEditor(file: path).read()
    }

    @Test func aFileEditKeepsOwnerModeAndComments() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/rssh.conf"
        try directory.create("rssh.conf", contents: Self.header, mode: 0o640)
        let owner: uid_t = geteuid() == 0 ? 4321 : geteuid()
        if geteuid() == 0 { #expect(chown(path, owner, 4322) == 0) }
        let editor = ConfigFileEditor(file: path)
        let line = try #require(Self.line("alice", options: [.landlock]))
        #expect(try editor.set("alice", line: line) == .changed(before: nil))
        #expect(Self.contents(path) == Array((Self.header + "user = alice:022:00010::landlock\n").utf8))
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o640)
        #expect(info.st_uid == owner)
        if geteuid() == 0 { #expect(info.st_gid == 4322) }
        // Idempotent: the same request writes nothing (the inode stays the same).
        let inode = info.st_ino
        #expect(try editor.set("alice", line: line) == .unchanged)
        #expect(stat(path, &info) == 0 && info.st_ino == inode)
        // Removed again: the original bytes.
        #expect(try editor.set("alice", line: nil) == .changed(before: "user = alice:022:00010::landlock"))
        #expect(Self.contents(path) == Array(Self.header.utf8))
        // No temporary file is left behind; the lock file is.
        #expect(access(directory.path + "/.rssh.conf.rsshctl-\(getpid())", F_OK) != 0)
        #expect(access(path + ".lock", F_OK) == 0)
    }

    @Test func aRefusedEditLeavesTheFileByteIdentical() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/rssh.conf"
        let broken = Self.header + "user = bob:022:0001x\n"
        try directory.create("rssh.conf", contents: broken)
        var before = stat()
        #expect(stat(path, &before) == 0)
        let line = try #require(Self.line("alice"))
        #expect(throws: ConfigFileEditor.Failure.self) { try ConfigFileEditor(file: path).set("alice", line: line) }
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(Self.contents(path) == Array(broken.utf8))
        #expect(before.st_ino == after.st_ino && before.st_mtim.tv_nsec == after.st_mtim.tv_nsec)
    }

    @Test func aDryRunWritesNothing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/rssh.conf"
        try directory.create("rssh.conf", contents: Self.header)
        let line = try #require(Self.line("alice"))
        #expect(try ConfigFileEditor(file: path).set("alice", line: line, dryRun: true) == .changed(before: nil))
        #expect(Self.contents(path) == Array(Self.header.utf8))
    }

    /// Editors racing on one file (each with its own lock descriptor, as two processes have) lose no line.
    @Test func concurrentEditsKeepEveryLine() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/rssh.conf"
        try directory.create("rssh.conf", contents: Self.header)
        let names = (0..<40).map { "user\($0)" }
        await withTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask {
                    if let line = Self.line(name) { _ = try? ConfigFileEditor(file: path).set(name, line: line) }
                }
            }
        }
        let config = ConfigParser.parse(try #require(Self.contents(path)), file: path)
        #expect(config.errors.isEmpty)
        #expect(Set(config.users.map { $0.name }) == Set(names))
        #expect(String(decoding: try #require(Self.contents(path)), as: UTF8.self).hasPrefix(Self.header))
    }
}

/// `--key` files: public key lines only, options allowed, private keys and junk refused.
struct AuthorizedKeysTests {
    static let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPShkgjLOEmCxI0djy2sTXIV90neLqk+3L3gUeqLRE4O a@b"

    @Test(arguments: [
        (key + "\n", key + "\n"),
        ("# comment\n\n  " + key, key + "\n"),
        ("restrict,from=\"10.0.0.1\" " + key + "\n", "restrict,from=\"10.0.0.1\" " + key + "\n"),
        (
            "ecdsa-sha2-nistp256 AAAAE2VjZHNh x\nsk-ssh-ed25519@openssh.com AAAA y\n",
            "ecdsa-sha2-nistp256 AAAAE2VjZHNh x\nsk-ssh-ed25519@openssh.com AAAA y\n"
        ),
    ])
    func publicKeysAreAccepted(_ text: String, _ installed: String) throws {
        #expect(try AuthorizedKeys.check(Array(text.utf8), file: "k") == Array(installed.utf8))
    }

    @Test(arguments: [
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
        "",
        "# only a comment\n",
        "ssh-ed25519\n",
        key + "\u{1B}[2J\n",
    ])
    func otherTextIsRefused(_ text: String) {
        #expect(throws: AuthorizedKeys.Refusal.self) { try AuthorizedKeys.check(Array(text.utf8), file: "k") }
    }
}
