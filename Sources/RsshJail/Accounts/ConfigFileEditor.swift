import Glibc
import RsshCore

/// Edits one user's line of an rssh.conf on disk, safely.
///
/// The edit is made under an exclusive flock(2) on `FILE.lock` (next to the file), validated with `ConfigEdit` before anything is written, and written to a temporary file in the
/// same directory (the original's owner and mode, fsync) that is renamed over the original, whose directory
/// is then synced. A refused edit, or one that changes nothing, writes nothing.
public struct ConfigFileEditor {
    /// The configuration file (absolute path).
    public var file: String

    /// What an edit did.
    public enum Outcome: Sendable, Equatable {
        /// The file already said this: nothing was written.
        case unchanged
        /// The file was replaced (`before` is the user's old line, nil when there was none).
        case changed(before: String?)
    }

    /// Why an edit did not happen.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// A file operation failed.
        case file(FileError)
        /// The file is not a regular file, or its directory could not be used.
        case unsafe(String)
        /// The edited text was refused.
        case refused(ConfigEdit.Refusal)

        /// The message.
        public var description: String {
            switch self {
            case .file(let error): error.description
            case .unsafe(let what): what
            case .refused(let refusal): refusal.description
            }
        }
    }

    /// Creates an editor for `file`.
    public init(file: String) {
        self.file = file
    }

    /// The lock file's path.
    public var lockFile: String { file + ".lock" }

    /// The file's current bytes, or nil when it does not exist (read without the lock; for `show` and plans).
    public func read() throws(Failure) -> [UInt8]? {
        let fd = jail_open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = jail_errno()
            if code == ENOENT { return nil }
            throw .file(FileError(operation: "open", path: file, code: code))
        }
        defer { _ = jail_close(fd) }
        do {
            return try FileSystem.read(fd: fd, path: file, limit: ConfigFile.maximumSize)
        } catch {
            throw .file(error)
        }
    }

    /// Sets (`line`) or removes (nil) `name`'s line.
    /// - Parameter dryRun: validate only; nothing is written (the lock is still taken, to read a settled file).
    public func set(_ name: String, line: UserLine?, dryRun: Bool = false) throws(Failure) -> Outcome {
        let lock = jail_open(lockFile, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw .file(FileError(operation: "open", path: lockFile, code: jail_errno())) }
        defer { _ = jail_close(lock) }
        guard jail_flock(lock, LOCK_EX) == 0 else {
            throw .file(FileError(operation: "flock", path: lockFile, code: jail_errno()))
        }
        let existing = try openExisting()
        defer { if let existing { _ = jail_close(existing.fd) } }
        var text: [UInt8] = []
        if let existing {
            do {
                text = try FileSystem.read(fd: existing.fd, path: file, limit: ConfigFile.maximumSize)
            } catch {
                throw .file(error)
            }
        }
        let edited: [UInt8]
        switch ConfigEdit.apply(name, line: line, to: text, file: file) {
        case .success(let bytes): edited = bytes
        case .failure(let refusal): throw .refused(refusal)
        }
        let before = ConfigEdit.userLineRanges(name, in: text).first.map { String(decoding: text[$0], as: UTF8.self) }
        if edited == text && (existing != nil || line == nil) { return .unchanged }
        if dryRun { return .changed(before: before) }
        let owner = existing.map { ($0.info.st_uid, $0.info.st_gid, $0.info.st_mode & 0o7777) } ?? (0, 0, 0o644)
        try replace(with: edited, uid: owner.0, gid: owner.1, mode: owner.2)
        return .changed(before: before)
    }

    /// Opens the file when it exists: a regular file, not a symbolic link.
    private func openExisting() throws(Failure) -> (fd: Int32, info: stat)? {
        let fd = jail_open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = jail_errno()
            if code == ENOENT { return nil }
            throw .file(FileError(operation: "open", path: file, code: code))
        }
        var info = stat()
        guard jail_fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            _ = jail_close(fd)
            throw .unsafe("\(file) is not a regular file")
        }
        return (fd, info)
    }

    /// Writes `bytes` to a new file in the same directory with the owner and mode, syncs it, renames it over
    /// the file and syncs the directory.
    private func replace(with bytes: [UInt8], uid: uid_t, gid: gid_t, mode: mode_t) throws(Failure) {
        let directoryPath = FileSystem.directory(of: file)
        guard let name = FileSystem.components(of: file).last else { throw .unsafe("\(file) is not a file path") }
        let directory = jail_open(directoryPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else {
            throw .file(FileError(operation: "open", path: directoryPath, code: jail_errno()))
        }
        defer { _ = jail_close(directory) }
        let temporary = ".\(name).rsshctl-\(jail_getpid())"
        let temporaryPath = directoryPath + "/" + temporary
        _ = jail_unlinkat(directory, temporary)
        let fd = jail_openat(directory, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .file(FileError(operation: "create", path: temporaryPath, code: jail_errno())) }
        func fail(_ operation: String, _ code: Int32) -> Failure {
            _ = jail_unlinkat(directory, temporary)
            return .file(FileError(operation: operation, path: temporaryPath, code: code))
        }
        do {
            try FileSystem.write(bytes, fd: fd, path: temporaryPath)
        } catch {
            _ = jail_close(fd)
            throw fail("write", error.code)
        }
        // The owner first (fchown clears set-id bits), then the mode; a non-root caller keeps its own uid.
        if jail_geteuid() == 0, jail_fchown(fd, uid, gid) != 0 {
            let code = jail_errno()
            _ = jail_close(fd)
            throw fail("fchown", code)
        }
        guard jail_fchmod(fd, mode) == 0, jail_fsync(fd) == 0 else {
            let code = jail_errno()
            _ = jail_close(fd)
            throw fail("fchmod/fsync", code)
        }
        guard jail_close(fd) == 0 else { throw fail("close", jail_errno()) }
        guard jail_renameat(directory, temporary, name) == 0 else { throw fail("rename", jail_errno()) }
        guard jail_fsync(directory) == 0 else {
            throw .file(FileError(operation: "fsync", path: directoryPath, code: jail_errno()))
        }
    }
}
