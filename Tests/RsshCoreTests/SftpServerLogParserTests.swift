import Testing

@testable import RsshCore

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The lines joined as sftp-server writes them (each ending in CR LF).
private func stream(_ lines: [[UInt8]]) -> [UInt8] {
    lines.flatMap { $0 + [0x0D, 0x0A] }
}

/// Every record of `log`, fed in chunks of `chunk` bytes, then the session's end.
private func records(
    _ lines: [[UInt8]],
    level: SftpServerLogParser.Level,
    chunk: Int = 4_096
) -> [TransferRecord] {
    var parser = SftpServerLogParser(level: level)
    var result: [TransferRecord] = []
    let all = stream(lines)
    var start = 0
    while start < all.count {
        result += parser.feed(all[start..<min(start + chunk, all.count)])
        start += chunk
    }
    return result + parser.finish()
}

private let infoCaveat = " (or a later request's: sftp-server at INFO does not say)"

/// sftp-server's own log, from recorded sessions.
struct SftpServerLogParserTests {
    @Test func atDebug1EveryResultIsTheRequestsOwn() {
        let expected = [
            TransferRecord(.upload, path: bytes("/tmp/tl/area/up2.bin"), bytes: 5000),
            TransferRecord(.upload, path: bytes("/nonexistent/dir/x"), result: .failed, reason: bytes("No such file")),
            TransferRecord(
                .rename,
                path: bytes("/tmp/tl/area/nothere.txt"),
                target: bytes("/tmp/tl/area/other.txt"),
                result: .failed,
                reason: bytes("No such file")
            ),
            // mkdir succeeded: the failed stat after it (the client's check before its put) is not taken for it.
            TransferRecord(.makeDirectory, path: bytes("/tmp/tl/area/newdir2")),
            TransferRecord(.upload, path: bytes("/tmp/tl/area/newdir2/in.bin"), bytes: 5000),
            TransferRecord(
                .remove,
                path: bytes("/tmp/tl/area/nothere"),
                result: .failed,
                reason: bytes("No such file")
            ),
        ]
        #expect(records(SftpServerLogs.debug, level: .debug) == expected)
    }

    @Test func atVerboseAStatusAfterAChangeIsTheChangesAndARefusedOpenIsKnownAtTheEnd() {
        let caveat = " (or a later request's on an open file: sftp-server at VERBOSE does not say)"
        let area = "/tmp/tl/area/"
        let expected = [
            TransferRecord(.upload, path: bytes(area + "up.bin"), bytes: 1_000_000),
            TransferRecord(.download, path: bytes(area + "up.bin"), bytes: 1_000_000),
            TransferRecord(.rename, path: bytes(area + "up.bin"), target: bytes(area + "moved.bin")),
            TransferRecord(
                .rename,
                path: bytes(area + "nothere.txt"),
                target: bytes(area + "other.txt"),
                result: .failed,
                reason: bytes("No such file" + caveat)
            ),
            // The client's failed stat after the mkdir logs its own line first, unlike at INFO.
            TransferRecord(.makeDirectory, path: bytes(area + "newdir")),
            TransferRecord(.upload, path: bytes(area + "newdir/in.bin"), bytes: 1_000_000),
            TransferRecord(.remove, path: bytes(area + "moved.bin")),
            TransferRecord(
                .remove,
                path: bytes(area + "nothere"),
                result: .failed,
                reason: bytes("No such file" + caveat)
            ),
            TransferRecord(.remove, path: bytes(area + "newdir/in.bin")),
            TransferRecord(.removeDirectory, path: bytes(area + "newdir")),
            // Never closed, and a status followed its open: refused (reported at the session's end).
            TransferRecord(.upload, path: bytes("/nonexistent/dir/x"), result: .failed, reason: bytes("No such file")),
        ]
        #expect(records(SftpServerLogs.verbose, level: .verbose) == expected)
        #expect(SftpServerLogParser().level == .verbose)
    }

    @Test func atInfoTheTransfersAreExactAndAStatusAfterAChangeIsHedged() {
        let expected = [
            TransferRecord(.upload, path: bytes("/tmp/tl/area/up.bin"), bytes: 5000),
            TransferRecord(.download, path: bytes("/tmp/tl/area/a.txt"), bytes: 12),
            TransferRecord(.rename, path: bytes("/tmp/tl/area/up.bin"), target: bytes("/tmp/tl/area/moved.bin")),
            // The mkdir did succeed: at INFO the client's failed stat after it cannot be told apart.
            TransferRecord(
                .makeDirectory,
                path: bytes("/tmp/tl/area/newdir"),
                result: .failed,
                reason: bytes("No such file" + infoCaveat)
            ),
            TransferRecord(.upload, path: bytes("/tmp/tl/area/newdir/inner.bin"), bytes: 5000),
            TransferRecord(.remove, path: bytes("/tmp/tl/area/moved.bin")),
            TransferRecord(.removeDirectory, path: bytes("/tmp/tl/area/sub")),
            TransferRecord(.download, path: bytes("/tmp/tl/area/we ird\"name\\.bin"), bytes: 5000),
            TransferRecord(.download, path: bytes("/tmp/tl/area/newdir/inner.bin"), bytes: 5000),
            // Never closed, and a status followed its open: refused (reported at the session's end).
            TransferRecord(.upload, path: bytes("/nonexistent/dir/x"), result: .failed, reason: bytes("No such file")),
        ]
        #expect(records(SftpServerLogs.info, level: .info) == expected)
    }

    @Test func aFileLeftOpenIsPartialWithTheBytesWritten() {
        let expected = [
            TransferRecord(
                .remove,
                path: bytes("/tmp/tl/area/nope.txt"),
                result: .failed,
                reason: bytes("No such file" + infoCaveat)
            ),
            TransferRecord(.rename, path: bytes("/tmp/tl/area/a.txt"), target: bytes("/tmp/tl/area/a2.txt")),
            TransferRecord(
                .upload,
                path: bytes("/tmp/tl/area/partial.bin"),
                bytes: 777,
                result: .partial,
                reason: bytes("the session ended before the client closed the file")
            ),
            TransferRecord(.upload, path: bytes("/tmp/tl/area/nope/x"), result: .failed, reason: bytes("No such file")),
        ]
        #expect(records(SftpServerLogs.forcedClose, level: .info) == expected)
    }

    @Test func aNameWithABareLineFeedIsPutBackTogetherAndDecoded() {
        var name = bytes("/tmp/tl/area2/n\nclose \"secret\" bytes read 0 written 7\ntab\there")
        name += [0x01, 0xC2, 0xA9, UInt8(ascii: "\\"), UInt8(ascii: "b"), 0xFF]
        let expected = [
            TransferRecord(.download, path: name, bytes: 1),
            TransferRecord(.upload, path: bytes("/tmp/tl/area2/q\"\\ x"), bytes: 5000),
        ]
        #expect(records(SftpServerLogs.newlineInName, level: .info) == expected)
    }

    @Test(arguments: [1, 2, 3, 7, 64])
    func anyChunkingGivesTheSameRecords(_ chunk: Int) {
        for (log, level) in [
            (SftpServerLogs.debug, SftpServerLogParser.Level.debug), (SftpServerLogs.info, .info),
            (SftpServerLogs.verbose, .verbose),
            (SftpServerLogs.forcedClose, .info), (SftpServerLogs.newlineInName, .info),
        ] {
            #expect(records(log, level: level, chunk: chunk) == records(log, level: level))
        }
    }

    @Test func aLineTooLongIsSkippedAndCounted() {
        var parser = SftpServerLogParser()
        let long = bytes("open \"") + [UInt8](repeating: 0x61, count: SftpServerLogParser.maximumLineBytes)
        #expect(
            parser.feed(stream([long, bytes("close \"a\" bytes read 3 written 0")])) == [
                TransferRecord(.download, path: bytes("a"), bytes: 3)
            ]
        )
        #expect(parser.unparsedLines == 1)
    }

    @Test func aNameHoldingTheRenameSeparatorIsReportedWhole() {
        var parser = SftpServerLogParser()
        let records = parser.feed(
            stream([bytes("posix-rename old \"a\" new \"b\" new \"c\""), bytes("sent status Success")])
        )
        #expect(
            records == [
                TransferRecord(
                    .rename,
                    path: bytes("a\" new \"b\" new \"c"),
                    reason: bytes("the old and new names cannot be told apart")
                )
            ]
        )
    }

    @Test(arguments: [
        ("a\\\\b", "a\\b"), ("\\001x", "\u{01}x"), ("\\377", "\u{FF}"), ("\\9", "\\9"), ("end\\", "end\\"),
        ("\\12", "\\12"),
    ])
    func namesAreDecodedAsStrnvisWroteThem(_ logged: String, _ name: String) {
        let expected = name == "\u{FF}" ? [0xFF] : Array(name.utf8)
        #expect(SftpServerLogParser.unvis(Array(logged.utf8)[...]) == expected)
    }

    @Test func theServerIsAskedForItsExactLevelOnStderr() {
        #expect(SftpServerLogParser.serverArguments == ["-e", "-l", "VERBOSE"])
    }

    @Test func linesOfNoKnownFormReportNothingAndAreCounted() {
        var parser = SftpServerLogParser()
        let lines = [
            bytes("open \"x\" flags read mode 0644"), bytes("close \"x\" bytes read -1 written 0"), bytes("zz"),
        ]
        #expect(parser.feed(stream(lines)) == [])
        #expect(parser.finish() == [])
        #expect(parser.unparsedLines == 3)
    }

    /// The fuzzer's finding: a line whose only quote is the opening one made the name's range run backwards.
    @Test(arguments: [
        "open \" flags READ mode 0666", "close \" bytes read 1 written 0", "mkdir name \" mode 0777",
        "forced close \" bytes read 1 written 0", "remove name \"", "rmdir name \"", "rename old \"",
        "posix-rename old \"",
    ])
    func aLineWithoutItsClosingQuoteIsNoRecord(_ line: String) {
        var parser = SftpServerLogParser()
        #expect(parser.feed(stream([bytes(line), bytes("session closed")])) == [])
        #expect(parser.finish() == [])
    }

    @Test func anEmptyNameIsStillARecord() {
        var parser = SftpServerLogParser()
        let lines = [bytes("open \"\" flags READ mode 0666"), bytes("close \"\" bytes read 1 written 0")]
        #expect(parser.feed(stream(lines)) == [TransferRecord(.download, path: [], bytes: 1)])
    }
}
