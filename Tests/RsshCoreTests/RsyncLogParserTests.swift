import Foundation
import Testing

@testable import RsshCore

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// rsync 3.5.0 server logs recorded with `--log-file=/proc/self/fd/3 --log-file-format='rssh-transfer %o %l %f'`
/// (a push with `--delete`, a pull, and a push into a directory the account cannot write), tabs and bytes as
/// rsync wrote them.
private let recordedLog = [
    "2026/12/06 07:18:53 [28095] receiving file list",
    "2026/12/06 07:18:53 [28095] rssh-transfer del. 0 olddir/gone.txt",
    "2026/12/06 07:18:53 [28095] rssh-transfer del. 0 olddir",
    "2026/12/06 07:18:53 [28095] rssh-transfer del. 0 stale.txt",
    "2026/12/06 07:18:53 [28095] rssh-transfer recv 4 a.txt",
    "2026/12/06 07:18:53 [28095] rssh-transfer recv 3 lit\\#134#012tab\there",
    "2026/12/06 07:18:53 [28095] rssh-transfer recv 2 w\\#012ei\\rd \\#001\u{E9}\"q",
    "2026/12/06 07:18:53 [28095] rssh-transfer recv 10000 sub/b.bin",
    "2026/12/06 07:18:53 [28095] sent 162 bytes  received 10412 bytes  total size 10009",
    "2026/12/06 07:18:53 [28098] building file list",
    "2026/12/06 07:18:53 [28098] rssh-transfer send 4 tmp/tl/rs/src/a.txt",
    "2026/12/06 07:18:53 [28098] rssh-transfer send 3 tmp/tl/rs/src/lit\\#134#012tab\there",
    "2026/12/06 07:18:53 [28098] rssh-transfer send 2 tmp/tl/rs/src/w\\#012ei\\rd \\#001\u{E9}\"q",
    "2026/12/06 07:18:53 [28098] rssh-transfer send 10000 tmp/tl/rs/src/sub/b.bin",
    "2026/12/06 07:18:53 [28098] sent 10395 bytes  received 116 bytes  total size 10009",
    "2026/12/06 07:18:53 [28102] receiving file list",
    "2026/12/06 07:18:53 [28102] rsync: [generator] failed to set permissions on \"/tmp/tl/rs/ro/locked\": "
        + "Operation not permitted (1)",
    "2026/12/06 07:18:53 [28102] rsync: [receiver] mkstemp \"/tmp/tl/rs/ro/locked/.inner.kthjSe\" failed: "
        + "Permission denied (13)",
].map { $0 + "\n" }.joined()

private let literalName = bytes("lit\\#012tab\there")
private let controlName = bytes("w\nei\\rd \u{01}\u{E9}\"q")

/// rsync's server-side per-file log.
struct RsyncLogParserTests {
    @Test(arguments: [1, 5, 64, 100_000])
    func aRecordedLogGivesOneRecordPerFileInAnyChunking(_ chunk: Int) {
        var parser = RsyncLogParser()
        let all = bytes(recordedLog)
        var records: [TransferRecord] = []
        var start = 0
        while start < all.count {
            records += parser.feed(all[start..<min(start + chunk, all.count)])
            start += chunk
        }
        parser.finish()
        let source = bytes("tmp/tl/rs/src/")
        #expect(
            records == [
                TransferRecord(.remove, path: bytes("olddir/gone.txt")),
                TransferRecord(.remove, path: bytes("olddir")),
                TransferRecord(.remove, path: bytes("stale.txt")),
                TransferRecord(.upload, path: bytes("a.txt"), bytes: 4),
                TransferRecord(.upload, path: literalName, bytes: 3),
                TransferRecord(.upload, path: controlName, bytes: 2),
                TransferRecord(.upload, path: bytes("sub/b.bin"), bytes: 10000),
                TransferRecord(.download, path: source + bytes("a.txt"), bytes: 4),
                TransferRecord(.download, path: source + literalName, bytes: 3),
                TransferRecord(.download, path: source + controlName, bytes: 2),
                TransferRecord(.download, path: source + bytes("sub/b.bin"), bytes: 10000),
            ]
        )
        #expect(parser.otherLines == 7)
    }

    @Test(arguments: [
        ("", "a.txt", "a.txt"), (".", "a.txt", "a.txt"), ("./", "a.txt", "a.txt"), ("in", "a.txt", "in/a.txt"),
        ("in/", "d/a.txt", "in/d/a.txt"),
    ])
    func receivedNamesGoBelowTheDestination(_ destination: String, _ name: String, _ path: String) {
        var parser = RsyncLogParser(destination: bytes(destination))
        let line = "2026/12/06 07:18:53 [1] rssh-transfer recv 1 \(name)\n"
        #expect(parser.feed(bytes(line)) == [TransferRecord(.upload, path: bytes(path), bytes: 1)])
        let sent = "2026/12/06 07:18:53 [1] rssh-transfer send 1 \(name)\n"
        #expect(parser.feed(bytes(sent)) == [TransferRecord(.download, path: bytes(name), bytes: 1)])
    }

    @Test(arguments: [
        "rssh-transfer recv 1 a",  // no time stamp: not rsync's line
        "2026/12/06 07:18:53 rssh-transfer recv 1 a",
        "2026/12/06 07:18:53 [x] rssh-transfer recv 1 a",
        "2026/12/06 07:18:53 [1] rsync: error \"rssh-transfer recv 1 a\"",
        "2026/12/06 07:18:53 [1] rssh-transfer recv 1,000 a",
        "2026/12/06 07:18:53 [1] rssh-transfer copy 1 a",
        "2026/12/06 07:18:53 [1] rssh-transfer recv 1 ",
        "2026/12/06 07:18:53 [1] rssh-transfer recv 1 a\\#999",
        "2026/12/06 07:18:53 [1] rssh-transfer recv 1 a\\#400",
    ])
    func otherLinesAreNotRecords(_ line: String) {
        var parser = RsyncLogParser()
        #expect(parser.feed(bytes(line + "\n")) == [])
        #expect(parser.otherLines == 1)
    }

    @Test(arguments: [
        ("a\\#012b", "a\nb"), ("a\\#134#012", "a\\#012"), ("a\\b", "a\\b"), ("a\\#01", "a\\#01"), ("\\#", "\\#"),
        ("a\\#12x", "a\\#12x"),
    ])
    func rsyncsEscapesAreUndone(_ logged: String, _ name: String) {
        #expect(RsyncLogParser.unescape(bytes(logged)[...]) == bytes(name))
    }

    @Test func aLineTooLongIsSkippedAndCounted() {
        var parser = RsyncLogParser()
        let long = [UInt8](repeating: 0x61, count: RsyncLogParser.maximumLineBytes + 1) + [0x0A]
        #expect(parser.feed(long + bytes("2026/12/06 07:18:53 [1] rssh-transfer send 2 x\n")).count == 1)
        #expect(parser.otherLines == 1)
    }

    @Test func theServerArgumentsNameThePipeAndTheFormat() {
        #expect(
            RsyncLogParser.serverArguments(descriptor: 3) == [
                "--log-file=/proc/self/fd/3", "--log-file-format=rssh-transfer %o %l %f",
            ]
        )
    }

    /// The real rsync, its server started by an `-e` program with `serverArguments` after `--server` and the
    /// log's descriptor a pipe, as the supervisor will run it: push with --delete, pull, several files.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/rsync")))
    func theRealRsyncServerLogsWhatTheParserReads() throws {
        let scratch = try TemporaryDirectory()
        let root = scratch.path
        for directory in ["src", "src/sub", "dst", "pulled"] { try scratch.makeDirectory(directory) }
        try scratch.create("src/one.txt", contents: "one\n")
        try scratch.create("src/sub/two.bin", contents: String(repeating: "2", count: 5000))
        try scratch.create("src/sp ace \\#012.txt", contents: "xyz")
        try scratch.create("dst/stale.txt", contents: "old")
        let log = root + "/log"
        let arguments = RsyncLogParser.serverArguments(descriptor: 3).map { "'" + $0 + "'" }.joined(separator: " ")
        // rsync runs `program host rsync --server …`; the server's fd 3 is a pipe into the log file.
        let program = """
            #!/bin/bash
            shift
            rsync=$1 server=$2
            shift 2
            { "$rsync" "$server" \(arguments) "$@" 3>&1 1>&4 4>&- | cat >>'\(log)'; } 4>&1
            """
        try scratch.create("fake-ssh", contents: program, mode: 0o755)
        func rsync(_ words: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/rsync")
            // Its own directory: the WinSCP responder's tests chdir the whole test process into scratch homes
            // they then remove, and a child started meanwhile would inherit a deleted directory (getcwd fails).
            process.currentDirectoryURL = URL(fileURLWithPath: root)
            process.arguments = ["-a", "-e", root + "/fake-ssh"] + words
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "rsync \(words)")
        }
        try rsync(["--delete", root + "/src/", "host:" + root + "/dst/"])
        try rsync(["host:" + root + "/src/", root + "/pulled/"])
        var parser = RsyncLogParser()
        let records = parser.feed(try Data(contentsOf: URL(fileURLWithPath: log)))
        parser.finish()
        let source = Array((root.dropFirst() + "/src/").utf8)
        let sizes: [(String, UInt64)] = [("one.txt", 4), ("sp ace \\#012.txt", 3), ("sub/two.bin", 5000)]
        #expect(
            records
                == [TransferRecord(.remove, path: bytes("stale.txt"))]
                + sizes.map { TransferRecord(.upload, path: bytes($0.0), bytes: $0.1) }
                + sizes.map { TransferRecord(.download, path: source + bytes($0.0), bytes: $0.1) }
        )
        #expect(parser.otherLines == 4)  // each run's "receiving/building file list" and its totals
    }
}
