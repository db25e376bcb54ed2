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

    /// Opens, checks and reads `path` in one pass over the same descriptor (no check-then-open race).
    public static func read(_ path: String, trustedOwner: UInt32) -> Result<[UInt8], Failure> {
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
        // Not zero-filled first: read(2) fills what is used, and the rest is cut off below.
        var bytes = [UInt8](unsafeUninitializedCapacity: Int(info.st_size) + 1) { _, count in
            count = Int(info.st_size) + 1
        }
        var filled = 0
        while true {
            if filled == bytes.count {
                guard bytes.count < maximumSize else { return .failure(.tooLarge(path, bytes.count)) }
                bytes.append(contentsOf: repeatElement(0, count: bytes.count))
            }
            let count = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return system_read(fd, base + filled, buffer.count - filled)
            }
            if count < 0 {
                if system_errno() == EINTR { continue }
                return .failure(.readFailed(path, .current("read", path)))
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return .success(bytes)
    }
}
