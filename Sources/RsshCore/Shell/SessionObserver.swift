/// Which way relayed bytes went.
public enum RelayDirection: Sendable, Equatable {
    /// From the client to the program (uploads, requests).
    case fromClient
    /// From the program to the client (downloads, answers).
    case toClient
}

/// What a supervised session shows to whoever wants to follow it: the hook for transfer logs.
///
/// The supervisor calls `observe` with every chunk it relays in either direction (only when `wantsBytes`: otherwise it
/// moves the data with splice(2) and never sees it; and not the bytes `opaqueBytesAhead` lets it splice), and
/// `programLine` with each line the program writes on its standard error (which is passed on to the client unchanged as
/// well). A parser of the scp protocol's file records, of rsync's or sftp-server's log lines plugs in here; the
/// supervisor itself only counts.
public protocol SessionObserver {
    /// Whether `observe` needs the bytes (the relay then copies through a buffer instead of splicing, except the
    /// runs `opaqueBytesAhead` announces).
    var wantsBytes: Bool { get }
    /// Sees one relayed chunk, in order per direction.
    mutating func observe(_ bytes: ArraySlice<UInt8>, direction: RelayDirection)
    /// How many of the next bytes in `direction` the observer only counts (a file's data): the relay may move
    /// them with splice(2) and report them to `skipped` instead of `observe`. 0: the next byte must be seen.
    func opaqueBytesAhead(_ direction: RelayDirection) -> UInt64
    /// Counts bytes moved without being seen, at most `opaqueBytesAhead(direction)`.
    mutating func skipped(_ count: UInt64, direction: RelayDirection)
    /// Sees one line of the program's standard error, without its newline (cut at `SessionRelay.maximumLine`).
    mutating func programLine(_ line: [UInt8])
    /// Whether the program's standard error reaches the client line by line, each line only when
    /// `passesProgramLine` says so (a log the program writes there, such as sftp-server's with `-e`, stays here).
    var filtersProgramLines: Bool { get }
    /// Sees one line of the program's standard error (as `programLine`) and says whether the client gets it;
    /// called instead of `programLine` when `filtersProgramLines`.
    mutating func passesProgramLine(_ line: [UInt8]) -> Bool
    /// Sees the next bytes of the program's log pipe (`Supervisor.Launch.logDescriptor`), in order.
    mutating func programLog(_ bytes: ArraySlice<UInt8>)
    /// The relay has ended: the program is gone and its streams are drained.
    mutating func relayEnded()
}

extension SessionObserver {
    /// 0: every byte it wants is shown to it.
    public func opaqueBytesAhead(_ direction: RelayDirection) -> UInt64 { 0 }
    /// Nothing is ever skipped.
    public mutating func skipped(_ count: UInt64, direction: RelayDirection) {}
    /// False: the program's standard error goes to the client as it comes.
    public var filtersProgramLines: Bool { false }
    /// Passes every line on, after `programLine`.
    public mutating func passesProgramLine(_ line: [UInt8]) -> Bool {
        programLine(line)
        return true
    }
    /// Ignores the log.
    public mutating func programLog(_ bytes: ArraySlice<UInt8>) {}
    /// Nothing to finish.
    public mutating func relayEnded() {}
}

/// The observer of a session nobody follows: only the counts are kept.
public struct CountingOnly: SessionObserver {
    /// Creates the observer.
    public init() {}
    /// False: the relay splices.
    public var wantsBytes: Bool { false }
    /// Ignores the bytes.
    public mutating func observe(_ bytes: ArraySlice<UInt8>, direction: RelayDirection) {}
    /// Ignores the line.
    public mutating func programLine(_ line: [UInt8]) {}
}
