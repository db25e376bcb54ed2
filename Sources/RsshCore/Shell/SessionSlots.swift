import CRsshLibc

/// The session slots of one account under `maxsessions=N`: N lock files, each held with flock(2) by one
/// supervisor for its lifetime.
///
/// The kernel drops a lock when the last descriptor of its open file closes, so a session that crashed or
/// was killed (with `kill -9` too) frees its slot at once, and `flock` is atomic, so 50 sessions starting at
/// the same moment take exactly N. The files are `/run/rssh/sessions/UID/slotK` (K below N): the directories
/// are root's and writable by nobody else (the setuid helper makes them, `--session-slots`, the first time an
/// account needs them after a boot), each slot file is the account's own, mode 0600. So a user can neither
/// add a slot, delete one or the directory, nor open (and so lock) another account's slots; they can lock
/// their own at most N times, which only keeps themselves out. The supervisor also writes its session's
/// summary into its slot (`rsshctl who` shows the bytes so far from it).
public struct SessionSlots: Sendable, Equatable {
    /// Where the per-account directories are.
    public static let root = "/run/rssh/sessions"

    /// Why no slot was taken.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// All N are held: the account has N sessions open.
        case full(Int)
        /// The directory or a slot file is missing (the helper makes them).
        case unprepared(String)
        /// Something is not as the helper makes it: refused (fail closed).
        case unsafe(String)

        /// The message for the log.
        public var description: String {
            switch self {
            case .full(let limit): "maxsessions=\(limit): \(limit) sessions of this account are already open"
            case .unprepared(let what): "session slots not prepared: \(what)"
            case .unsafe(let what): "session slots unsafe: \(what)"
            }
        }
    }

    /// A slot held by this process (closing `fd` releases it).
    public struct Slot: Sendable, Equatable {
        /// The locked file's descriptor (close-on-exec: the program never holds it).
        public var fd: Int32
        /// Which slot.
        public var index: Int
    }

    /// The account.
    public var uid: uid_t
    /// N.
    public var limit: Int

    /// The slots of `uid` under a limit of `limit`.
    public init(uid: uid_t, limit: Int) {
        self.uid = uid
        self.limit = limit
    }

    /// `/run/rssh/sessions/UID`.
    public var directory: String { "\(Self.root)/\(uid)" }

    /// The path of slot `index`.
    public func path(_ index: Int) -> String { "\(directory)/slot\(index)" }

    /// The directories from `/run/rssh` down to the account's, each of which must be root's and writable by
    /// nobody else.
    public var directories: [String] { ["/run/rssh", Self.root, directory] }

    /// Why a directory of the chain is not safe, or nil.
    static func directoryProblem(_ path: String, _ status: FileStatus?) -> Failure? {
        guard let status else { return .unprepared("\(path) is missing") }
        guard status.isDirectory, status.owner == 0, !status.isWritableByOthers else {
            return .unsafe("\(path) is not a root-owned directory that only root can write")
        }
        return nil
    }

    /// Takes the first free slot.
    public func acquire() -> Result<Slot, Failure> {
        for path in directories {
            if let problem = Self.directoryProblem(path, FileStatus.lstat(path)) { return .failure(problem) }
        }
        for index in 0..<limit {
            let fd = system_open_slot(path(index))
            guard fd >= 0 else {
                let error = SystemError.current("open", path(index))
                return .failure(system_errno() == ENOENT ? .unprepared(error.description) : .unsafe(error.description))
            }
            var info = stat()
            guard system_fstat(fd, &info) == 0, info.st_mode & CRsshLibc_S_IFMT == CRsshLibc_S_IFREG,
                info.st_uid == uid
            else {
                _ = system_close(fd)
                return .failure(.unsafe("\(path(index)) is not a regular file of uid \(uid)"))
            }
            if system_try_lock(fd) == 0 { return .success(Slot(fd: fd, index: index)) }
            _ = system_close(fd)
        }
        return .failure(.full(limit))
    }

    /// Makes the directories and the N slot files (the setuid helper, as root, for its caller).
    /// - Returns: nil when every slot is there as it must be, else what is wrong.
    public func prepare(gid: gid_t) -> String? {
        _ = system_umask(0o022)
        for path in directories {
            guard system_make_directory(path) == 0 else { return SystemError.current("mkdir", path).description }
            if let problem = Self.directoryProblem(path, FileStatus.lstat(path)) { return problem.description }
        }
        for index in 0..<limit {
            guard system_make_slot(path(index), uid, gid) == 0 else {
                return SystemError.current("create", path(index)).description
            }
            guard let status = FileStatus.lstat(path(index)), status.owner == uid,
                status.mode & CRsshLibc_S_IFMT == CRsshLibc_S_IFREG
            else { return "\(path(index)) is not a regular file of uid \(uid)" }
        }
        return nil
    }

    /// Replaces the slot's content with `text` (one line: what `rsshctl who` shows of the session).
    public static func publish(_ text: String, in slot: Slot) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return system_pwrite(slot.fd, base, raw.count, 0)
        }
        _ = system_ftruncate(slot.fd, bytes.count)
    }
}
