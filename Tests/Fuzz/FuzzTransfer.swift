// libFuzzer target: the transfer log's four readers on arbitrary bytes (issue 20).
// Input: the first byte picks the scp observer's role; then chunks, each a header byte (bit 7: from the
// client; bits 0-6: length) and that many bytes. Invariants: nothing traps; the scp observer gives at most one
// "unparseable" record and never a path longer than its cap; splitting every chunk into single bytes gives the
// same records from all four readers (chunk boundaries never matter), and so does skipping the scp data the
// scp and WinSCP observers announce (as the relay splices it); no record from rsync's log without its marker
// line; the WinSCP observer, which reads the same chunks as a WinSCP session, gives at most one record once it
// has stopped.

/// The chunks of `input` after its first byte: (from the client, bytes).
private func chunks(_ input: [UInt8]) -> [(Bool, [UInt8])] {
    var result: [(Bool, [UInt8])] = []
    var index = 1
    while index < input.count {
        let header = input[index]
        let end = min(input.count, index + 1 + Int(header & 0x7F))
        result.append((header & 0x80 != 0, Array(input[(index + 1)..<end])))
        index = end
    }
    return result
}

/// Every record `observer` gives for `chunks`, each chunk fed whole or byte by byte; with `skipping`, as the
/// relay moves them: the file data `dataAhead` announces is counted with `skipData` instead of being shown.
private func scpRecords<Reader: ScpProtocolReader>(
    _ observer: Reader,
    _ chunks: [(Bool, [UInt8])],
    single: Bool,
    skipping: Bool = false
) -> [TransferRecord] {
    var observer = observer
    var records: [TransferRecord] = []
    for (fromClient, bytes) in chunks {
        let pieces = single ? bytes.map { [$0] } : [bytes]
        for piece in pieces {
            var rest = piece[...]
            let ahead = skipping ? Int(min(observer.dataAhead(fromClient: fromClient), UInt64(rest.count))) : 0
            if ahead > 0 {
                observer.skipData(UInt64(ahead), fromClient: fromClient)
                rest = rest.dropFirst(ahead)
            }
            guard !rest.isEmpty else { continue }
            records += Array(rest).withUnsafeBufferPointer {
                fromClient ? observer.fromClient($0) : observer.fromProgram($0)
            }
        }
    }
    return records + observer.finish()
}

/// libFuzzer's entry point: runs the three readers on one input and checks the invariants above.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTransfer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = input.first else { return 0 }
    let role: ScpStreamObserver.Role = first & 1 == 0 ? .sink : .source
    let split = chunks(input)
    let scp = ScpStreamObserver(role: role)
    let whole = scpRecords(scp, split, single: false)
    invariant(whole == scpRecords(scp, split, single: true), "scp: chunking changed the records")
    invariant(whole == scpRecords(scp, split, single: false, skipping: true), "scp: skipped data changed the records")
    let unparseable = whole.filter { $0.reason.starts(with: Array("unparseable".utf8)) }
    invariant(unparseable.count <= 1, "scp: more than one unparseable record")
    invariant(whole.allSatisfy { $0.path.count <= ScpStreamObserver.maximumPathBytes }, "scp: a path past the cap")

    let winscp = scpRecords(WinSCPStreamObserver(), split, single: false)
    invariant(winscp == scpRecords(WinSCPStreamObserver(), split, single: true), "WinSCP: chunking changed the records")
    invariant(
        winscp == scpRecords(WinSCPStreamObserver(), split, single: false, skipping: true),
        "WinSCP: skipped data changed the records"
    )
    invariant(
        winscp.filter { $0.reason.starts(with: Array("unparseable WinSCP".utf8)) }.count <= 1,
        "WinSCP: more than one unparseable record"
    )

    let stream = Array(input.dropFirst())
    let levels: [SftpServerLogParser.Level] = [.debug, .info, .verbose]
    var sftpWhole = SftpServerLogParser(level: levels[Int(first >> 1) % levels.count])
    var sftpSingle = sftpWhole
    var sftp = sftpWhole.feed(stream) + sftpWhole.finish()
    var sftpBytes: [TransferRecord] = []
    for byte in stream { sftpBytes += sftpSingle.feed([byte]) }
    sftpBytes += sftpSingle.finish()
    invariant(sftp == sftpBytes, "sftp-server: chunking changed the records")
    sftp.removeAll()

    var rsyncWhole = RsyncLogParser()
    var rsyncSingle = rsyncWhole
    let rsync = rsyncWhole.feed(stream)
    var rsyncBytes: [TransferRecord] = []
    for byte in stream { rsyncBytes += rsyncSingle.feed([byte]) }
    invariant(rsync == rsyncBytes, "rsync: chunking changed the records")
    let markers = stream.split(separator: 0x0A).filter { RsyncLogParser.afterPrefix($0) != nil }.count
    invariant(rsync.count <= markers, "rsync: a record without its line")
    return 0
}
