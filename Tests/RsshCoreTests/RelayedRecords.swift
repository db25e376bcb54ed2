@testable import RsshCore

/// Every record `observer` reports for `chunks` (from the client, bytes), then at the end.
/// - Parameters:
///   - byteByByte: each chunk shown one byte at a time (a relay's reads may split anywhere); otherwise what one
///     read returns is shown whole.
///   - skipping: as the relay does: bytes `dataAhead` announces are counted with `skipData`, not shown.
func relayedRecords<Reader: ScpProtocolReader>(
    _ observer: Reader,
    _ chunks: [(fromClient: Bool, bytes: [UInt8])],
    byteByByte: Bool = false,
    skipping: Bool = false
) -> [TransferRecord] {
    var observer = observer
    var records: [TransferRecord] = []
    for (fromClient, chunk) in chunks {
        var rest = chunk[...]
        while !rest.isEmpty {
            let ahead = skipping ? observer.dataAhead(fromClient: fromClient) : 0
            if ahead > 0 {
                let skipped = Int(min(ahead, UInt64(rest.count)))
                observer.skipData(UInt64(skipped), fromClient: fromClient)
                rest = rest.dropFirst(skipped)
                continue
            }
            let shown = Array(byteByByte ? rest.prefix(1) : rest)
            rest = rest.dropFirst(shown.count)
            records += shown.withUnsafeBufferPointer {
                fromClient ? observer.fromClient($0) : observer.fromProgram($0)
            }
        }
    }
    return records + observer.finish()
}
