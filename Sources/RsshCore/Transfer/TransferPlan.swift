import CRsshLibc

/// Which reader of a supervised session's transfer log (`TransferObserver`) a session gets, and what its
/// program's vector gains for it.
public enum TransferPlan: Equatable, Sendable {
    /// No transfer log (another program, or rsync in a jail).
    case none
    /// sftp-server's log on its standard error.
    case sftpServer
    /// The scp protocol's records; `base` is the target directory of an upload, when it is one.
    case scp(ScpStreamObserver.Role, base: [UInt8])
    /// rsync's log on `logDescriptor`; `destination` is a receiver's destination directory, when it is one.
    case rsync(destination: [UInt8])
    /// WinSCP's SCP mode, answered by rssh: the scp runs inside its command stream.
    case winscp

    /// The plan for `program` run with the vetted `arguments` (the program word first).
    /// - Parameters:
    ///   - rsyncSender: whether rsync sends (`VettedCommand.rsyncSender`, from the client's words as popt read
    ///     them; the vetted vector also holds rssh's own options, which the client's allow-list refuses).
    ///   - jailed: whether the program runs in a chroot (rsync gets no log there: no /proc; the helper's
    ///     file system is not the supervisor's, so only a trailing `/` marks a directory).
    ///   - isDirectory: whether a path (relative to the session's directory) is a directory.
    public static func choose(
        program: ServerProgram,
        arguments: [[UInt8]],
        rsyncSender: Bool,
        jailed: Bool,
        isDirectory: ([UInt8]) -> Bool
    ) -> TransferPlan {
        func directory(_ path: [UInt8]?) -> [UInt8] {
            guard let path, !path.isEmpty else { return [] }
            if path.last == UInt8(ascii: "/") { return Array(path.dropLast()) }
            return !jailed && isDirectory(path) ? path : []
        }
        let words = arguments.dropFirst()
        switch program {
        case .sftpServer:
            return .sftpServer
        case .scp:
            guard let direction = try? ScpValidator.validate(words) else { return .none }
            if direction == UInt8(ascii: "t") { return .scp(.sink, base: directory(words.last)) }
            return .scp(.source, base: [])
        case .rsync:
            guard !jailed else { return .none }
            if rsyncSender { return .rsync(destination: []) }
            return .rsync(destination: directory(words.last))
        default:
            return .none
        }
    }

    /// The descriptor rsync's log pipe is on in the program (`Supervisor.Launch.logDescriptor`).
    public static var logDescriptor: Int32 { 3 }

    /// rsync's vetted vector with `RsyncLogParser.serverArguments` right after `--server` (which the vetter
    /// requires first), for `.rsync` plans; any other vector unchanged.
    public static func rsyncArguments(_ arguments: [[UInt8]], plan: TransferPlan) -> [[UInt8]] {
        guard case .rsync = plan, arguments.count >= 2, arguments[1] == Array("--server".utf8) else {
            return arguments
        }
        var result = Array(arguments.prefix(2))
        result += RsyncLogParser.serverArguments(descriptor: logDescriptor).map { Array($0.utf8) }
        result += arguments.dropFirst(2)
        return result
    }
}

extension Supervisor {
    /// In the supervisor's child: gives the program the log pipe's write end `fd` on `target` (without
    /// close-on-exec); true when there is nothing to do or it is done.
    static func inheritLog(_ fd: Int32, as target: Int32?) -> Bool {
        guard let target else { return true }
        return fd >= 0 && fd != target && system_dup2(fd, target) == target
    }
}
