import Testing

@testable import RsshCore

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The bytes of a hex string.
private func unhex(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count - 1, by: 2).map { index in
        func value(_ digit: UInt8) -> UInt8 { digit <= UInt8(ascii: "9") ? digit - 48 : (digit | 0x20) - 87 }
        return value(digits[index]) << 4 | value(digits[index + 1])
    }
}

/// A recorded session as chunks: (from the client, bytes).
private typealias Session = [(fromClient: Bool, bytes: [UInt8])]

private func session(_ recorded: [(fromClient: Bool, hex: String)]) -> Session {
    recorded.map { ($0.fromClient, unhex($0.hex)) }
}

/// Every record the observer reports for `chunks`, then at the end.
/// - Parameter skipping: as the relay does: bytes `dataAhead` announces are counted with `skipData`, not shown.
private func observe(
    _ role: ScpStreamObserver.Role,
    _ chunks: Session,
    base: [UInt8] = [],
    skipping: Bool = false
) -> [TransferRecord] {
    relayedRecords(ScpStreamObserver(role: role, base: base), chunks, skipping: skipping)
}

/// The uploads (or downloads) of the recorded recursive session.
private func tree(_ operation: TransferRecord.Operation) -> [TransferRecord] {
    [
        TransferRecord(operation, path: bytes("a.txt"), bytes: 6),
        TransferRecord(operation, path: bytes("d1/d2/c.txt"), bytes: 4),
        TransferRecord(operation, path: bytes("d1/b.bin"), bytes: 300),
        TransferRecord(operation, path: bytes("empty"), bytes: 0),
    ]
}

/// The recorded sessions with the records each must give.
private let recorded: [(String, ScpStreamObserver.Role, Session, [TransferRecord])] = [
    ("upload", .sink, session(ScpSessions.upload), tree(.upload)),
    (
        "download", .source, session(ScpSessions.download),
        tree(.download) + [TransferRecord(.download, path: bytes("sp ace\\^Jnl"), bytes: 1)]
    ),
    (
        "missing file", .source, session(ScpSessions.missingFile),
        [
            TransferRecord(
                .download,
                path: [],
                result: .failed,
                reason: bytes("scp: /tmp/tl/scp/src/missing: No such file or directory")
            )
        ]
    ),
    (
        "refused file", .sink, session(ScpSessions.refusedFile),
        [
            TransferRecord(
                .upload,
                path: bytes("a.txt"),
                result: .failed,
                reason: bytes("scp: /tmp/tl/scp/ro//a.txt: Permission denied")
            )
        ]
    ),
    ("times", .sink, session(ScpSessions.preservedTimes), [TransferRecord(.upload, path: bytes("a.txt"), bytes: 6)]),
]

/// The legacy scp protocol, from recorded sessions and built ones.
struct ScpStreamObserverTests {
    @Test(arguments: 0..<5)
    func aRecordedSessionGivesOneRecordPerFile(_ index: Int) {
        let (name, role, chunks, expected) = recorded[index]
        #expect(observe(role, chunks) == expected, "\(name)")
    }

    /// Every split point of every chunk, and byte by byte: the same records.
    @Test(arguments: 0..<5)
    func everySplitPointGivesTheSameRecords(_ index: Int) {
        let (name, role, chunks, expected) = recorded[index]
        for (position, chunk) in chunks.enumerated() where chunk.bytes.count > 1 {
            for split in 1..<chunk.bytes.count {
                var resplit = Array(chunks[..<position])
                resplit.append((chunk.fromClient, Array(chunk.bytes[..<split])))
                resplit.append((chunk.fromClient, Array(chunk.bytes[split...])))
                resplit += chunks[(position + 1)...]
                #expect(observe(role, resplit) == expected, "\(name): chunk \(position) split at \(split)")
                #expect(
                    observe(role, resplit, skipping: true) == expected,
                    "\(name): chunk \(position) split at \(split), data skipped"
                )
            }
        }
        let single = chunks.flatMap { chunk in chunk.bytes.map { (chunk.fromClient, [$0]) } }
        #expect(observe(role, single) == expected, "\(name) byte by byte")
        #expect(observe(role, single, skipping: true) == expected, "\(name) byte by byte, data skipped")
        // Each direction's consecutive chunks merged: what a reader with a large buffer sees.
        var merged: Session = []
        for chunk in chunks {
            if let last = merged.last, last.fromClient == chunk.fromClient {
                merged[merged.count - 1].bytes += chunk.bytes
            } else {
                merged.append(chunk)
            }
        }
        #expect(observe(role, merged) == expected, "\(name) merged")
        #expect(observe(role, merged, skipping: true) == expected, "\(name) merged, data skipped")
    }

    /// Only the source's file data, once the sink has accepted the file, is announced to the relay.
    @Test(arguments: [ScpStreamObserver.Role.sink, .source])
    func onlyAcceptedFileDataInTheSourcesDirectionIsAnnounced(_ role: ScpStreamObserver.Role) {
        var observer = ScpStreamObserver(role: role)
        let fromSource = role == .sink
        func source(_ bytes: [UInt8]) -> [TransferRecord] {
            fromSource ? observer.fromClient(bytes) : observer.fromProgram(bytes)
        }
        func sink(_ bytes: [UInt8]) -> [TransferRecord] {
            fromSource ? observer.fromProgram(bytes) : observer.fromClient(bytes)
        }
        _ = sink([0])
        _ = source(bytes("C0644 1000 big.bin\n"))
        #expect(observer.dataAhead(fromClient: fromSource) == 0, "not before the sink accepts it")
        _ = sink([0])
        #expect(observer.dataAhead(fromClient: fromSource) == 1000)
        #expect(observer.dataAhead(fromClient: !fromSource) == 0, "never the sink's direction")
        observer.skipData(10, fromClient: !fromSource)
        #expect(observer.dataAhead(fromClient: fromSource) == 1000, "nothing skipped in the sink's direction counts")
        observer.skipData(600, fromClient: fromSource)
        #expect(observer.dataAhead(fromClient: fromSource) == 400)
        observer.skipData(400, fromClient: fromSource)
        #expect(observer.dataAhead(fromClient: fromSource) == 0, "the end byte is shown")
        _ = source([0])
        let operation: TransferRecord.Operation = role == .sink ? .upload : .download
        #expect(sink([0]) == [TransferRecord(operation, path: bytes("big.bin"), bytes: 1000)])
        _ = source(bytes("C0644 1000 cut.bin\n"))
        _ = sink([0])
        observer.skipData(250, fromClient: fromSource)
        #expect(
            observer.finish() == [
                TransferRecord(
                    operation,
                    path: bytes("cut.bin"),
                    bytes: 250,
                    result: .partial,
                    reason: bytes("the stream ended during the file's data (250 of 1000 bytes)")
                )
            ]
        )
    }

    @Test func aBaseDirectoryIsPutBeforeEveryName() {
        let records = observe(.sink, session(ScpSessions.upload), base: bytes("dst/"))
        #expect(records.map(\.path) == ["dst/a.txt", "dst/d1/d2/c.txt", "dst/d1/b.bin", "dst/empty"].map(bytes))
    }

    @Test func aStreamCutDuringTheDataIsPartialWithTheBytesCounted() {
        var observer = ScpStreamObserver(role: .sink)
        _ = observer.fromProgram([0])
        _ = observer.fromClient(bytes("C0644 1000 big.bin\n"))
        _ = observer.fromProgram([0])
        #expect(observer.fromClient([UInt8](repeating: 7, count: 400)) == [])
        #expect(
            observer.finish() == [
                TransferRecord(
                    .upload,
                    path: bytes("big.bin"),
                    bytes: 400,
                    result: .partial,
                    reason: bytes("the stream ended during the file's data (400 of 1000 bytes)")
                )
            ]
        )
    }

    @Test func aReadErrorAtTheSourceAndAWriteErrorAtTheSinkFailTheFile() {
        var observer = ScpStreamObserver(role: .source)
        _ = observer.fromClient([0])
        _ = observer.fromProgram(bytes("C0644 3 a\n"))
        _ = observer.fromClient([0])
        _ = observer.fromProgram(bytes("abc\u{01}scp: a: Input/output error\n"))
        #expect(
            observer.fromClient([0]) == [
                TransferRecord(
                    .download,
                    path: bytes("a"),
                    bytes: 3,
                    result: .failed,
                    reason: bytes("scp: a: Input/output error")
                )
            ]
        )
        _ = observer.fromProgram(bytes("C0644 2 b\n"))
        _ = observer.fromClient([0])
        _ = observer.fromProgram(bytes("xy\u{00}"))
        #expect(
            observer.fromClient(bytes("\u{01}scp: b: No space left on device\n")) == [
                TransferRecord(
                    .download,
                    path: bytes("b"),
                    bytes: 2,
                    result: .failed,
                    reason: bytes("scp: b: No space left on device")
                )
            ]
        )
        #expect(observer.finish() == [])
    }

    @Test func aRefusedDirectoryIsNotEntered() {
        var observer = ScpStreamObserver(role: .sink)
        _ = observer.fromProgram([0])
        _ = observer.fromClient(bytes("D0755 0 locked\n"))
        #expect(
            observer.fromProgram(bytes("\u{01}scp: locked: Permission denied\n")) == [
                TransferRecord(
                    .upload,
                    path: bytes("locked"),
                    result: .failed,
                    reason: bytes("scp: locked: Permission denied")
                )
            ]
        )
        _ = observer.fromClient(bytes("C0644 1 f\n"))
        _ = observer.fromProgram([0])
        _ = observer.fromClient(bytes("z\u{00}"))
        #expect(observer.fromProgram([0]) == [TransferRecord(.upload, path: bytes("f"), bytes: 1)])
    }

    @Test(arguments: [
        ("hello", "not an scp record"),
        ("C0644 5\n", "a malformed C record"),
        ("C0944 5 a\n", "a malformed C record"),
        ("C0644 -5 a\n", "a malformed C record"),
        ("C0644 99999999999999999999 a\n", "a malformed C record"),
        ("D0755 0 \n", "a malformed D record"),
        ("E extra\n", "a malformed E record"),
        ("T1 0 2\n", "a malformed T record"),
    ])
    func garbageEndsTheObservationWithOneFailedRecord(_ input: String, _ reason: String) {
        var observer = ScpStreamObserver(role: .sink)
        _ = observer.fromProgram([0])
        let records = observer.fromClient(bytes(input))
        #expect(records.count == 1)
        #expect(records.first?.result == .failed)
        #expect(records.first?.reason == bytes("unparseable scp stream: " + reason))
        #expect(observer.unparseableReason == reason)
        // Everything after is ignored, whichever side sends it.
        #expect(observer.fromClient(bytes("C0644 1 a\n")) == [] && observer.fromProgram([0, 0]) == [])
        #expect(observer.finish() == [])
    }

    @Test func aSourceThatDoesNotWaitForItsAcknowledgementIsUnparseable() {
        var observer = ScpStreamObserver(role: .sink)
        let records = observer.fromClient(bytes("C0644 1 a\n"))
        #expect(records.first?.reason == bytes("unparseable scp stream: the source went on before its acknowledgement"))
    }

    @Test func anOverlongRecordOrPathIsUnparseableAndNothingGrowsWithoutBound() {
        var observer = ScpStreamObserver(role: .sink)
        _ = observer.fromProgram([0])
        let long = bytes("C0644 1 ") + [UInt8](repeating: 0x61, count: ScpStreamObserver.maximumRecordBytes)
        #expect(observer.fromClient(long).count == 1)
        #expect(observer.unparseableReason == "a record longer than 4096 bytes")

        var deep = ScpStreamObserver(role: .sink)
        _ = deep.fromProgram([0])
        let name = [UInt8](repeating: 0x62, count: 200)
        var reason: String?
        for _ in 0..<40 where reason == nil {
            _ = deep.fromClient(bytes("D0755 0 ") + name + [0x0A])
            _ = deep.fromProgram([0])
            reason = deep.unparseableReason
        }
        #expect(reason == "a path longer than 4096 bytes")
    }

    @Test func aSinkThatRefusesAtTheStartGivesOneFailedRecord() {
        var observer = ScpStreamObserver(role: .sink)
        let records = observer.fromProgram(bytes("\u{01}scp: dst: Not a directory\n"))
        #expect(
            records == [TransferRecord(.upload, path: [], result: .failed, reason: bytes("scp: dst: Not a directory"))]
        )
    }

    @Test func randomBytesNeverTrapAndGiveAtMostOneUnparseableRecord() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var observer = ScpStreamObserver(role: Bool.random(using: &generator) ? .sink : .source)
            var unparseable = 0
            for _ in 0..<8 {
                let chunk = (0..<Int.random(in: 0..<64, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
                let records = Bool.random(using: &generator) ? observer.fromClient(chunk) : observer.fromProgram(chunk)
                unparseable += records.filter { $0.reason.starts(with: bytes("unparseable")) }.count
            }
            _ = observer.finish()
            #expect(unparseable <= 1)
        }
    }

    @Test func aGibibyteIsCountedWithoutBeingKept() {
        var observer = ScpStreamObserver(role: .source)
        _ = observer.fromClient([0])
        _ = observer.fromProgram(bytes("C0644 1073741824 big\n"))
        _ = observer.fromClient([0])
        let chunk = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<1024 { _ = observer.fromProgram(chunk) }
        _ = observer.fromProgram([0])
        #expect(observer.fromClient([0]) == [TransferRecord(.download, path: bytes("big"), bytes: 1 << 30)])
    }

    /// WinSCP's upload as /work/shared/reference/winscp-scp-mode.md records it: times, the file, and a closing
    /// `E` at the top level, each acknowledged.
    @Test func winscpsUploadWithATopLevelEndIsOneFile() {
        let chunks: Session = [
            (false, [0]), (true, bytes("T1700000000 0 1700000000 0\n")), (false, [0]),
            (true, bytes("C0644 13 a file.txt\n")), (false, [0]), (true, bytes("hello, world\n") + [0]), (false, [0]),
            (true, bytes("E\n")), (false, [0]),
        ]
        #expect(observe(.sink, chunks) == [TransferRecord(.upload, path: bytes("a file.txt"), bytes: 13)])
    }
}
