import Foundation
import Testing

/// The transfer log's vector change through the Embedded build (issue 20): a supervised rsync gets its log
/// options right after `--server` and a writable pipe on descriptor 3; exec mode's vector is unchanged.
@Suite(.serialized, .enabled(if: BlackBox.available, "set by `make blackbox`"))
struct TransferBlackBoxTests {
    static let program = """
        #!/bin/sh
        echo "$*"
        if printf 'log\\n' >>/proc/self/fd/3 2>/dev/null; then echo writable; else echo none; fi

        """

    init() throws {
        try BlackBox.prepare()
        let path = try #require(BlackBox.fixture) + "/bin/rsync"
        try Self.program.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    func output(supervised: Bool) throws -> String {
        try BlackBox.writeConfig("allowrsync\n" + (supervised ? "options = supervised\n" : ""))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(BlackBox.binary))
        process.arguments = ["-c", "rsync --server . up/"]
        process.environment = ["SSH_CONNECTION": "198.51.100.7 40000 198.51.100.1 22", "PATH": "/usr/bin:/bin"]
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: stdout, as: UTF8.self)
    }

    @Test(arguments: [
        (false, "--server . up/\nnone\n"),
        (true, "--server --log-file=/proc/self/fd/3 --log-file-format=rssh-transfer %o %l %f . up/\nwritable\n"),
    ])
    func rsyncGetsItsLogPipeOnlyWhenSupervised(_ row: (supervised: Bool, expected: String)) throws {
        #expect(try output(supervised: row.supervised) == row.expected)
    }
}
