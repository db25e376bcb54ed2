import CRsshLibc

/// The session slots of one account under `maxsessions=N`: N lock files, each held with flock(2) by one
/// supervisor for its lifetime.
///
/// The kernel drops a lock when the last descriptor of its open file closes, so a session that crashed or
/// was killed (with `kill -9` too) frees its slot at once, and `flock` is atomic, so 50 sessions starting at
/// the same moment take exactly N. The files are `/run/rssh/sessions/UID/slotK` (K below N), root's, mode
/// 0600, in directories that are root's and writable by nobody else. No user can open one: the setuid
/// helper (`--session-slot N`) makes them, locks a free one among the caller's first N, and hands the
/// locked descriptor (read-only) to the caller's rssh over a socket (SCM_RIGHTS). So a user can neither add,
/// delete, write or lock a slot file directly (not even their own, through sftp: nothing to fill /run with),
/// and only ever holds slots of their own uid, each through a session rssh counts.
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

        /// Whether all N slots are held (not a fault).
        public var isFull: Bool {
            if case .full = self { return true }
            return false
        }

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

    /// The tags of the helper's answer.
    static let taken: UInt8 = 0x53  // S
    static let allTaken: UInt8 = 0x46  // F
    static let failed: UInt8 = 0x45  // E

    /// Takes the first free slot among the first `limit` (the helper, as root, within `take(preparing:)`).
    func acquire() -> Result<Slot, Failure> {
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
            guard system_fstat(fd, &info) == 0, Self.isSlot(mode: info.st_mode, owner: info.st_uid) else {
                _ = system_close(fd)
                return .failure(.unsafe("\(path(index)) is not a regular file of root's, mode 0600"))
            }
            if system_try_lock(fd) == 0 { return .success(Slot(fd: fd, index: index)) }
            _ = system_close(fd)
        }
        return .failure(.full(limit))
    }

    /// Whether a file is a slot as `take(preparing:)` makes it: a regular file of root's only root can open.
    static func isSlot(mode: mode_t, owner: uid_t) -> Bool {
        mode & CRsshLibc_S_IFMT == CRsshLibc_S_IFREG && owner == 0 && mode & 0o7077 == 0
    }

    /// The helper's work, as root: takes the first free slot among the first `limit`, first making the
    /// directories and `count` slot files where missing, under the account directory's lock.
    ///
    /// Every session after the account's first since boot finds the files made and takes its slot at once:
    /// no lock, and none of the `count` creations (two path walks each; with a limit of 200, most of the
    /// helper's work). `acquire` needs no lock: it checks the chain, and each file before it locks it, as the
    /// preparation leaves them, and the preparation replaces only a file that is not a slot.
    ///
    /// A slot file of an earlier release (the account's own) is replaced: only root can add or remove entries
    /// in the account's directory, so whatever is there was made by root; the lock keeps two helpers from
    /// replacing a file the other has just made (and another session may have locked).
    public func take(preparing count: Int) -> Result<Slot, Failure> {
        switch acquire() {
        case .success(let slot): return .success(slot)
        case .failure(.full(let limit)): return .failure(.full(limit))
        case .failure: break  // missing, or an earlier release's file: prepared below
        }
        _ = system_umask(0o022)
        for path in directories {
            guard system_make_directory(path) == 0 else {
                return .failure(.unsafe(SystemError.current("mkdir", path).description))
            }
            if let problem = Self.directoryProblem(path, FileStatus.lstat(path)) { return .failure(problem) }
        }
        let lock = system_lock_directory(directory)
        guard lock >= 0 else { return .failure(.unsafe(SystemError.current("flock", directory).description)) }
        defer { _ = system_close(lock) }
        for index in 0..<count {
            let slot = path(index)
            for attempt in 0..<2 {
                guard system_make_slot(slot) == 0 else {
                    return .failure(.unsafe(SystemError.current("create", slot).description))
                }
                if let status = FileStatus.lstat(slot), Self.isSlot(mode: status.mode, owner: status.owner) { break }
                guard attempt == 0, system_unlink(slot) == 0 else {
                    return .failure(.unsafe("\(slot) is not root's with mode 0600 and cannot be replaced"))
                }
            }
        }
        return acquire()
    }

    /// Sends the helper's answer to the caller's rssh: the locked slot's descriptor, or why there is none.
    public static func answer(_ result: Result<Slot, Failure>, on socket: Int32) -> Bool {
        switch result {
        case .success(let slot):
            return system_send_descriptor(socket, tag: taken, index: UInt16(slot.index), fd: slot.fd) == 0
        case .failure(.full):
            return system_send_descriptor(socket, tag: allTaken, index: 0, fd: -1) == 0
        case .failure:
            return system_send_descriptor(socket, tag: failed, index: 0, fd: -1) == 0
        }
    }

    /// How long rssh waits for the helper's slot: it waits itself only on NSS (the caller's account and
    /// groups) and on the account directory's lock, which other helpers hold for a moment each.
    public static let answerTimeoutMilliseconds: Int32 = 10_000

    /// Asks the setuid helper for a slot (rssh, as the user): runs `rssh_chroot_helper --session-slot N`
    /// with a socket for its standard output and receives the locked descriptor.
    ///
    /// A helper that has not answered within `timeoutMilliseconds` (a directory server that stopped
    /// answering) is killed, and the session refused: it would otherwise hang before its first record. It
    /// runs with the caller's real uid, so the caller may kill it; its lock dies with it.
    public func request(
        helper: String,
        timeoutMilliseconds: Int32 = Self.answerTimeoutMilliseconds
    ) -> Result<Slot, Failure> {
        guard system_access(helper, X_OK) == 0 else { return .failure(.unprepared("\(helper) cannot be run")) }
        var pair: [Int32] = [-1, -1]
        guard system_socket_pair(&pair) == 0 else {
            return .failure(.unprepared(SystemError.current("socketpair").description))
        }
        let child = system_fork()
        if child == 0 {
            // dup2 clears close-on-exec on the copy: the helper's standard output is the socket.
            guard system_dup2(pair[1], STDOUT_FILENO) >= 0 else { system_exit_now(ShellOutcome.refusedStatus) }
            _ = ProcessImage.exec(
                path: helper,
                arguments: [Array(helper.utf8), Array("--session-slot".utf8), Array("\(limit)".utf8)],
                environment: [],
                umask: 0o022,
                forbidNewPrivileges: false
            )
            system_exit_now(ShellOutcome.refusedStatus)
        }
        _ = system_close(pair[1])
        let answer = child > 0 ? system_receive_descriptor(pair[0], timeoutMilliseconds: timeoutMilliseconds) : nil
        let timedOut = child > 0 && answer == nil && system_errno() == ETIMEDOUT
        _ = system_close(pair[0])
        if timedOut {
            _ = system_kill(child, SIGKILL)
            _ = system_wait(child)
            return .failure(.unprepared("\(helper) --session-slot did not answer in \(timeoutMilliseconds) ms"))
        }
        let succeeded = child > 0 && system_exited_zero(system_wait(child))
        switch answer {
        case .some((let tag, let index, let fd)) where succeeded && tag == Self.taken && fd >= 0 && index < limit:
            return .success(Slot(fd: fd, index: Int(index)))
        case .some((let tag, _, let fd)) where succeeded && tag == Self.allTaken && fd < 0:
            return .failure(.full(limit))
        case .some((_, _, let fd)):
            if fd >= 0 { _ = system_close(fd) }
        case .none:
            break
        }
        return .failure(.unprepared("\(helper) --session-slot gave no slot (its log says why)"))
    }
}
