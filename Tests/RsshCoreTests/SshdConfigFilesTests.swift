import Glibc
import Testing

@testable import RsshCore

struct SshdConfigFilesTests {
    @Test func includeGlobsAreResolvedUnderTheBaseDirectoryInOrder() throws {
        let directory = try TemporaryDirectory()
        try directory.makeDirectory("sshd_config.d")
        try directory.create(
            "sshd_config",
            contents: "Include sshd_config.d/*.conf\nPermitTTY yes\nForceCommand none\n"
        )
        try directory.create("sshd_config.d/20-b.conf", contents: "ForceCommand /bin/second\n")
        try directory.create("sshd_config.d/10-a.conf", contents: "ForceCommand internal-sftp\n")
        try directory.create("sshd_config.d/ignored.txt", contents: "PermitTTY no\n")
        let files = SshdConfigFiles.read(
            directory.path + "/sshd_config",
            baseDirectory: directory.path,
            trustedOwner: getuid()
        )
        #expect(
            files.files
                == ["sshd_config", "sshd_config.d/10-a.conf", "sshd_config.d/20-b.conf"].map {
                    directory.path + "/" + $0
                }
        )
        #expect(files.global.value("forcecommand") == "internal-sftp", "the first value wins, as in sshd")
        #expect(files.global.entry("forcecommand")?.location == directory.path + "/sshd_config.d/10-a.conf:1")
        #expect(files.global.value("permittty") == "yes")
        #expect(files.problems.isEmpty)
    }

    @Test func absoluteIncludesAndDuplicateSubsystems() throws {
        let directory = try TemporaryDirectory()
        try directory.create(
            "main",
            contents: "Subsystem sftp /usr/lib/openssh/sftp-server\nInclude \(directory.path)/drop\n"
        )
        try directory.create("drop", contents: "Subsystem sftp internal-sftp\n")
        let files = SshdConfigFiles.read(
            directory.path + "/main",
            baseDirectory: "/nonexistent",
            trustedOwner: getuid()
        )
        #expect(
            files.invalid == ["\(directory.path)/drop:1: Subsystem 'sftp' already defined at \(directory.path)/main:1"]
        )
    }

    @Test func aMatchInAnIncludedFileEndsWithThatFile() throws {
        let directory = try TemporaryDirectory()
        try directory.create("main", contents: "Include inc\nPermitTTY yes\nMatch User bob\nInclude bob.conf\n")
        try directory.create("inc", contents: "Match Group sftpusers\nForceCommand internal-sftp\n")
        try directory.create("bob.conf", contents: "ChrootDirectory /srv\n")
        let files = SshdConfigFiles.read(
            directory.path + "/main",
            baseDirectory: directory.path,
            trustedOwner: getuid()
        )
        #expect(files.global.entry("permittty")?.value == "yes", "back in the global context after the include")
        #expect(files.global.entry("forcecommand") == nil)
        #expect(files.matchBlocks.map(\.criteria) == ["Group sftpusers", "User bob"])
        #expect(files.matchBlocks.first?.settings.value("forcecommand") == "internal-sftp")
        #expect(
            files.matchBlocks.last?.settings.value("chrootdirectory") == "/srv",
            "an Include inside Match stays in it"
        )
    }

    @Test func recursiveIncludesStopAtSshdsDepth() throws {
        let directory = try TemporaryDirectory()
        try directory.create("loop", contents: "PermitTTY no\nInclude loop\n")
        let files = SshdConfigFiles.read(
            directory.path + "/loop",
            baseDirectory: directory.path,
            trustedOwner: getuid()
        )
        #expect(files.files.count == SshdConfigFiles.maximumDepth + 1)
        #expect(files.problems.count == 1)
        #expect(files.problems.first?.contains("Include nested more than 16 deep") == true)
    }

    @Test func unreadableAndForeignFilesAreNamed() throws {
        let directory = try TemporaryDirectory()
        try directory.create("main", contents: "Include missing.conf other\n")
        try directory.create("other", contents: "PermitTTY no\n", mode: 0o666)
        let files = SshdConfigFiles.read(
            directory.path + "/main",
            baseDirectory: directory.path,
            trustedOwner: getuid()
        )
        #expect(files.files == [directory.path + "/main"], "a missing glob matches nothing, as in sshd")
        #expect(
            files.problems
                == ["config file \(directory.path)/other is writable by group or others (mode 666)"].map {
                    "\(directory.path)/other: \($0)"
                }
        )
    }

    @Test(arguments: [
        ("Port=22", ["Port", "22"]),
        ("Port = 22", ["Port", "22"]),
        ("  ForceCommand \"internal-sftp\"  # comment", ["ForceCommand", "internal-sftp"]),
        ("AuthorizedKeysFile \"/a b/%u\" .ssh/k", ["AuthorizedKeysFile", "/a b/%u", ".ssh/k"]),
        ("# all comment", []),
        ("AcceptEnv A=B", ["AcceptEnv", "A=B"]),
    ])
    func linesSplitAsSshdSplitsThem(_ line: String, _ words: [String]) {
        let files = SshdConfigFiles.parse(line + "\n")
        let entry = files.global.entries.first
        if let first = words.first {
            #expect(entry?.keyword == first.lowercased())
            #expect(entry?.value == words.dropFirst().joined(separator: " "))
        } else {
            #expect(entry == nil)
        }
    }
}

struct CapturedOutputTests {
    @Test func outputStatusAndErrorsAreCollectedSeparately() throws {
        let output = try CapturedOutput.run(
            "/bin/sh",
            arguments: ["sh", "-c", "echo out; echo err >&2; exit 3"].map { Array($0.utf8) },
            environment: [],
            timeoutMilliseconds: 5000,
            limit: 1024
        ).get()
        #expect(output == CapturedOutput(stdout: Array("out\n".utf8), stderr: Array("err\n".utf8), exitCode: 3))
    }

    @Test func outputIsBoundedAndTheChildStillFinishes() throws {
        let output = try CapturedOutput.run(
            "/usr/bin/head",
            arguments: ["head", "-c", "1000000", "/dev/zero"].map { Array($0.utf8) },
            environment: [],
            timeoutMilliseconds: 5000,
            limit: 1000
        ).get()
        #expect(output.stdout.count == 1000)
        #expect(output.exitCode == 0)
    }

    @Test func aChildThatRunsTooLongIsKilled() throws {
        let output = try CapturedOutput.run(
            "/bin/sleep",
            arguments: ["sleep", "30"].map { Array($0.utf8) },
            environment: [],
            timeoutMilliseconds: 200,
            limit: 10
        ).get()
        #expect(output.timedOut)
        #expect(output.exitCode == nil)
    }

    @Test func aMissingProgramIsAnError() {
        let result = CapturedOutput.run(
            "/nonexistent/sshd",
            arguments: [[0x78]],
            environment: [],
            timeoutMilliseconds: 100,
            limit: 10
        )
        #expect(throws: SystemError.self) { try result.get() }
    }

    @Test func accountsAreFoundByShellWithinTheLimits() {
        #expect(Account.withShell("/nonexistent/shell", scanLimit: 100_000, limit: 10).accounts.isEmpty)
        let capped = Account.withShell("/usr/sbin/nologin", scanLimit: 100_000, limit: 1)
        #expect(capped.accounts.count <= 1)
        let scanned = Account.withShell("/bin/bash", scanLimit: 1, limit: 10)
        #expect(scanned.scanned == 1 && scanned.truncated)
    }
}
