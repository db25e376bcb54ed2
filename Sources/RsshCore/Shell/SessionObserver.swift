/// Which way relayed bytes went.
public enum RelayDirection: Sendable, Equatable {
    /// From the client to the program (uploads, requests).
    case fromClient
    /// From the program to the client (downloads, answers).
    case toClient
}

/// What a supervised session shows to whoever wants to follow it: the hook for transfer logs.
///
/// The supervisor calls `observe` with every chunk it relays in either direction (only when `wantsBytes`:
/// otherwise it moves the data with splice(2) and never sees it), and `programLine` with each line the program
/// writes on its standard error (which is passed on to the client unchanged as well). A parser of the scp
/// protocol's file records, of rsync's or sftp-server's log lines plugs in here; the supervisor itself only
/// counts.
public protocol SessionObserver {
    /// Whether `observe` needs the bytes (the relay then copies through a buffer instead of splicing).
    var wantsBytes: Bool { get }
    /// Sees one relayed chunk, in order per direction.
    mutating func observe(_ bytes: ArraySlice<UInt8>, direction: RelayDirection)
    /// Sees one line of the program's standard error, without its newline (cut at `SessionRelay.maximumLine`).
    mutating func programLine(_ line: [UInt8])
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
