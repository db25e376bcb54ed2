/// A reader of the scp protocol's two streams, as the supervisor's relay drives it (`TransferObserver`):
/// `ScpStreamObserver` for an scp session, `WinSCPStreamObserver` for the scp runs inside a WinSCP session.
///
/// Each chunk is shown before it is relayed, in order per direction, except the file data the reader announces
/// (`dataAhead`), which the relay may splice and only report (`skipData`).
public protocol ScpProtocolReader {
    /// Bytes the client sent towards the program; the records they complete.
    mutating func fromClient(_ bytes: UnsafeBufferPointer<UInt8>) -> [TransferRecord]
    /// Bytes the program sent towards the client; the records they complete.
    mutating func fromProgram(_ bytes: UnsafeBufferPointer<UInt8>) -> [TransferRecord]
    /// How many of the next bytes in one direction are file data, which the reader only counts.
    func dataAhead(fromClient: Bool) -> UInt64
    /// Counts file data moved without being shown (at most `dataAhead`).
    mutating func skipData(_ count: UInt64, fromClient: Bool)
    /// The session ended: whatever was in progress, as it stands.
    mutating func finish() -> [TransferRecord]
}

extension ScpStreamObserver: ScpProtocolReader {}
extension WinSCPStreamObserver: ScpProtocolReader {}
