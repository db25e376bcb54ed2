import Testing

@testable import RsshCore

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A session as chunks: (from the client, bytes).
private typealias Session = [(fromClient: Bool, bytes: [UInt8])]

private let begin = bytes("WinSCP: this is begin-of-file\n")
private let ack: [UInt8] = [0]

/// WinSCP's line for an scp run, as it sends it (`winscp-scp-mode.md`).
private func scpLine(_ direction: String, _ path: String, preserve: Bool = true) -> [UInt8] {
    bytes(
        "echo \"WinSCP: this is begin-of-file\" ; scp -r \(preserve ? "-p " : "")-d \(direction) \"\(path)\" ; "
            + "echo \"WinSCP: this is end-of-file:$?\"\n"
    )
}

private func end(_ status: Int) -> [UInt8] { bytes("WinSCP: this is end-of-file:\(status)\n") }

/// A listing answered between the runs: its output holds a W at the start of a line, and a marker.
private let listing: Session = [
    (true, bytes("ls -la --full-time \"/home/u/w\" ; echo \"WinSCP: this is end-of-file:$?\"\n")),
    (false, bytes("-rw-r--r-- 1 u u 5 2023-11-14 22:13:20.000000000 +0000 WWW\n") + end(0)),
]

/// An upload of a file and a directory with one file into /home/u/w, as WinSCP drives it.
private let upload: Session = [
    (true, scpLine("-t", "/home/u/w")),
    (false, begin + ack),
    (true, bytes("T1700000000 0 1700000000 0\n")), (false, ack),
    (true, bytes("C0644 5 a.txt\n")), (false, ack),
    (true, bytes("WorlW") + [0]), (false, ack),
    (true, bytes("D0755 0 sub dir\n")), (false, ack),
    (true, bytes("C0755 3 in.bin\n")), (false, ack),
    (true, bytes("xyz") + [0]), (false, ack),
    (true, bytes("E\n")), (false, ack),
    (true, bytes("E\n")), (false, ack + end(0)),
]

/// A download of a directory holding a file whose data is full of W bytes.
private let download: Session = [
    (true, scpLine("-f", "/home/u/w/sub dir")),
    (false, begin), (true, ack),
    (false, bytes("T1700000000 0 1700000000 0\n")), (true, ack),
    (false, bytes("D0755 0 sub dir\n")), (true, ack),
    (false, bytes("C0644 4 f\n")), (true, ack),
    (false, bytes("WWWW") + [0]), (true, ack),
    (false, bytes("E\n")), (true, ack),
    (false, end(0)),
]

/// An upload the responder refused (a read-only account): the two markers and nothing between them.
private let refusedUpload: Session = [
    (true, scpLine("-t", "/home/u/w")),
    (false, begin + end(1)),
]

/// A download of a file that is not there: scp's error record, then its status.
private let missing: Session = [
    (true, scpLine("-f", "/home/u/gone", preserve: false)),
    (false, begin), (true, ack),
    (false, [1] + bytes("scp: /home/u/gone: No such file or directory\n") + end(1)),
]

/// Every record the observer reports for `chunks`, then at the end (see `relayedRecords`).
private func observe(_ chunks: Session, byteByByte: Bool = false, skipping: Bool = false) -> [TransferRecord] {
    relayedRecords(WinSCPStreamObserver(), chunks, byteByByte: byteByByte, skipping: skipping)
}

private let sessions: [(String, Session, [TransferRecord])] = [
    (
        "upload", listing + upload,
        [
            TransferRecord(.upload, path: bytes("/home/u/w/a.txt"), bytes: 5),
            TransferRecord(.upload, path: bytes("/home/u/w/sub dir/in.bin"), bytes: 3),
        ]
    ),
    ("download", download, [TransferRecord(.download, path: bytes("/home/u/w/sub dir/f"), bytes: 4)]),
    (
        "refused, then a download", refusedUpload + listing + download,
        [TransferRecord(.download, path: bytes("/home/u/w/sub dir/f"), bytes: 4)]
    ),
    (
        "missing file", missing,
        [
            TransferRecord(
                .download,
                path: [],
                result: .failed,
                reason: bytes("scp: /home/u/gone: No such file or directory")
            )
        ]
    ),
    (
        "upload, then download", upload + download,
        [
            TransferRecord(.upload, path: bytes("/home/u/w/a.txt"), bytes: 5),
            TransferRecord(.upload, path: bytes("/home/u/w/sub dir/in.bin"), bytes: 3),
            TransferRecord(.download, path: bytes("/home/u/w/sub dir/f"), bytes: 4),
        ]
    ),
    ("commands only", listing + listing, []),
]

@Test(arguments: sessions.indices)
func aWinSCPSessionNamesEveryFileItsScpRunsMove(_ index: Int) {
    let (name, session, expected) = sessions[index]
    #expect(observe(session) == expected, "\(name)")
    #expect(observe(session, byteByByte: true) == expected, "\(name), byte by byte")
    #expect(observe(session, skipping: true) == expected, "\(name), data spliced")
    #expect(observe(session, byteByByte: true, skipping: true) == expected, "\(name), byte by byte, spliced")
}

@Test func aWinSCPUploadCutInItsDataIsPartial() {
    let cut = Array(upload.prefix(6)) + [(true, bytes("Wo"))]
    let records = observe(cut)
    #expect(records.count == 1)
    #expect(records.first?.path == bytes("/home/u/w/a.txt"))
    #expect(records.first?.bytes == 2)
    #expect(records.first?.result == .partial)
}

@Test func aProgramLineThatIsNeitherScpNorTheMarkerEndsTheObservation() {
    var observer = WinSCPStreamObserver()
    let line = scpLine("-t", "/home/u/w")
    _ = line.withUnsafeBufferPointer { observer.fromClient($0) }
    let forged = begin + bytes("WinSCP: this is not the end\n")
    let records = forged.withUnsafeBufferPointer { observer.fromProgram($0) }
    #expect(observer.stopped)
    #expect(records.count == 1)
    #expect(records.first?.result == .failed)
    #expect(records.first.map { String(decoding: $0.reason, as: UTF8.self) }?.hasPrefix("unparseable WinSCP") == true)
    // Nothing after it is read, a later run included.
    let later = download.flatMap { $0.bytes }
    #expect(later.withUnsafeBufferPointer { observer.fromClient($0) }.isEmpty)
    #expect(observer.finish().isEmpty)
}

@Test func anOverlongLineEndsTheObservation() {
    var observer = WinSCPStreamObserver()
    let line = [UInt8](repeating: UInt8(ascii: "a"), count: WinSCPLine.maximumLength + 1)
    _ = line.withUnsafeBufferPointer { observer.fromClient($0) }
    #expect(observer.stopped)
}

/// The directory a run's names are relative to, from its path as WinSCP quoted it.
@Test(arguments: [
    ("-t", "/home/u/w", ScpStreamObserver.Role.sink, "/home/u/w"),
    ("-t", "/home/u/w/", .sink, "/home/u/w"),
    ("-t", "/", .sink, "/"),
    ("-t", "rel", .sink, "rel"),
    ("-f", "/home/u/w/a b.txt", .source, "/home/u/w"),
    ("-f", "/home/u/w/sub dir//", .source, "/home/u/w"),
    ("-f", "/top", .source, "/"),
    ("-f", "name", .source, ""),
])
func theBaseOfAnScpRun(_ direction: String, _ path: String, _ role: ScpStreamObserver.Role, _ base: String) {
    let run = WinSCPStreamObserver.scpRun(Array(scpLine(direction, path).dropLast()))
    #expect(run?.role == role)
    #expect(run?.base == bytes(base))
    #expect(run?.beginOfFile == true)
}

@Test(arguments: [
    "ls -la --full-time ; echo \"WinSCP: this is end-of-file:$?\"",
    "scp -r -d -t \"/x\"",
    "scp -S /tmp/x -t \".\" ; echo \"WinSCP: this is end-of-file:$?\"",
])
func aLineThatRunsNoScpIsNoRun(_ line: String) {
    #expect(WinSCPStreamObserver.scpRun(bytes(line)) == nil)
}
