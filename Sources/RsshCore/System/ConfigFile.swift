import CRsshLibc

/// Reads rssh.conf, refusing a file that someone other than the trusted owner could have written.
public enum ConfigFile {
    /// The largest config file accepted (a 10,000-user file is about 400 KiB).
    public static let maximumSize = 16 << 20

    /// Why the file could not be used.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// open(2) failed (missing, unreadable).
        case cannotOpen(String, SystemError)
        /// Not a regular file.
        case notRegularFile(String)
        /// Owned by someone other than the trusted owner.
        case wrongOwner(String, owner: UInt32, expected: UInt32)
        /// Writable by group or others.
        case writableByOthers(String, mode: UInt32)
        /// Larger than `maximumSize`.
        case tooLarge(String, Int)
        /// read(2) or fstat(2) failed.
        case readFailed(String, SystemError)

        /// The reason, with the path.
        public var description: String {
            switch self {
            case .cannotOpen(let path, let error): "config file \(path) cannot be opened: \(error.reason)"
            case .notRegularFile(let path): "config file \(path) is not a regular file"
            case .wrongOwner(let path, let owner, let expected):
                "config file \(path) is owned by uid \(owner), not uid \(expected)"
            case .writableByOthers(let path, let mode):
                "config file \(path) is writable by group or others (mode \(String(mode & 0o7777, radix: 8)))"
            case .tooLarge(let path, let size): "config file \(path) is too large (\(size) bytes)"
            case .readFailed(let path, let error): "config file \(path) cannot be read: \(error.reason)"
            }
        }
    }

    /// The piece `parse` reads at a time: a 10,000-user file read whole costs 0.23 ms of page faults on
    /// a fresh buffer (measured); one buffer of this size, refilled, costs about a quarter of that.
    static let parseChunk = 64 << 10

    /// Opens, checks and reads `path` in one pass over the same descriptor (no check-then-open race).
    public static func read(_ path: String, trustedOwner: UInt32) -> Result<[UInt8], Failure> {
        stream(path, trustedOwner: trustedOwner, chunk: nil) { _ in 0 }
    }

    /// Opens, checks and parses `path` as `read` and `ConfigParser.parse` would, reading a piece at a time
    /// and parsing each piece's complete lines as it arrives (what the shell and the helper do).
    public static func parse(_ path: String, trustedOwner: UInt32, onlyUser: String?) -> Result<Configuration, Failure>
    {
        var parser = ConfigParser(file: path, onlyUser: onlyUser)
        return stream(path, trustedOwner: trustedOwner, chunk: parseChunk) { parser.parseLines(in: $0) }.map {
            $0.withUnsafeBufferPointer { parser.finish(lastLine: $0) }
        }
    }

    /// Opens and checks `path`, then reads it into one buffer: after each read, `consume` gets the bytes held
    /// and returns how many of them it is done with; those are dropped and the rest moves to the front.
    /// - Parameter chunk: the buffer's size (at most the file's size plus one); nil: the file's size plus one.
    ///   A buffer that fills with bytes `consume` keeps doubles, up to `maximumSize` plus one (a file of exactly
    ///   the largest size still reads to its end).
    /// - Returns: the bytes still held at the end of the file.
    private static func stream(
        _ path: String,
        trustedOwner: UInt32,
        chunk: Int?,
        consume: (UnsafeBufferPointer<UInt8>) -> Int
    ) -> Result<[UInt8], Failure> {
        let fd = system_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { return .failure(.cannotOpen(path, .current("open", path))) }
        defer { _ = system_close(fd) }
        var info = stat()
        guard system_fstat(fd, &info) == 0 else { return .failure(.readFailed(path, .current("fstat", path))) }
        guard info.st_mode & CRsshLibc_S_IFMT == CRsshLibc_S_IFREG else { return .failure(.notRegularFile(path)) }
        guard info.st_uid == trustedOwner else {
            return .failure(.wrongOwner(path, owner: info.st_uid, expected: trustedOwner))
        }
        guard info.st_mode & (CRsshLibc_S_IWGRP | CRsshLibc_S_IWOTH) == 0 else {
            return .failure(.writableByOthers(path, mode: info.st_mode))
        }
        guard info.st_size <= maximumSize else { return .failure(.tooLarge(path, Int(info.st_size))) }
        let size = min(Int(info.st_size) + 1, chunk ?? Int.max)
        // Not zero-filled first: read(2) fills what is used, and the rest is cut off below.
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { _, count in count = size }
        var held = 0
        var total = 0
        while true {
            if held == bytes.count {
                // Up to one byte more than the largest file, so that a file of exactly that size reads to its end.
                guard bytes.count <= maximumSize else { return .failure(.tooLarge(path, bytes.count)) }
                bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, maximumSize + 1 - bytes.count)))
            }
            let count = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return system_read(fd, base + held, buffer.count - held)
            }
            if count < 0 {
                if system_errno() == EINTR { continue }
                return .failure(.readFailed(path, .current("read", path)))
            }
            if count == 0 { break }
            total += count
            guard total <= maximumSize else { return .failure(.tooLarge(path, total)) }
            held += count
            let done = bytes.withUnsafeBufferPointer { consume(UnsafeBufferPointer(rebasing: $0[..<held])) }
            if done > 0 {
                bytes.withUnsafeMutableBytes { buffer in
                    guard let base = buffer.baseAddress else { return }
                    _ = memmove(base, base + done, held - done)
                }
                held -= done
            }
        }
        bytes.removeSubrange(held...)
        return .success(bytes)
    }
}
