import Glibc
import RsshCore

/// One open supervised session, as `rsshctl who` lists it.
///
/// Found in /proc: a process whose executable is the installed rssh and whose name is `rssh-session` (the
/// name alone anyone can take; the executable only rssh has, and a user who runs rssh gets rssh's behaviour).
/// The address comes from its environment (SSH_CONNECTION, set by sshd), the start from /proc/PID/stat; the
/// session id and the bytes so far from the supervisor's progress memory file (`Supervisor.progressName`),
/// which only root can open (the supervisor is not dumpable). Reading other users' /proc entries needs root.
public struct OpenSession: Sendable, Equatable {
    /// The supervisor's pid.
    public var pid: Int32
    /// The account name (or the uid).
    public var user: String
    /// The client address, or `?`.
    public var address: String
    /// The program (the command's first word, its last path component).
    public var program: String
    /// The start, `2026-12-06T07:30:00Z`.
    public var start: String
    /// The session id, when its progress file shows it.
    public var session: String?
    /// Bytes from and to the client so far, when its progress file shows them (updated once a second).
    public var bytes: (fromClient: UInt64, toClient: UInt64)?

    /// Equality of every field.
    public static func == (lhs: OpenSession, rhs: OpenSession) -> Bool {
        lhs.pid == rhs.pid && lhs.user == rhs.user && lhs.address == rhs.address && lhs.program == rhs.program
            && lhs.start == rhs.start && lhs.session == rhs.session && lhs.bytes?.fromClient == rhs.bytes?.fromClient
            && lhs.bytes?.toClient == rhs.bytes?.toClient
    }

    /// The open sessions of the rssh at `shell`.
    public static func list(shell: String) -> [OpenSession] {
        guard let directory = opendir("/proc") else { return [] }
        var pids: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let pid = Int32(name) { pids.append(pid) }
        }
        closedir(directory)
        let boot = bootTime(procStat: text("/proc/stat")) ?? 0
        let ticks = Int64(sysconf(Int32(_SC_CLK_TCK)))
        var result: [OpenSession] = []
        for pid in pids.sorted() {
            guard text("/proc/\(pid)/comm") == "rssh-session\n", link("/proc/\(pid)/exe") == shell,
                let uid = realUid(status: text("/proc/\(pid)/status"))
            else { continue }
            let started = startTicks(stat: text("/proc/\(pid)/stat")).map { boot + Int64($0) / max(ticks, 1) }
            var session = OpenSession(
                pid: pid,
                user: userName(uid),
                address: clientAddress(environ: bytes("/proc/\(pid)/environ")) ?? "?",
                program: program(cmdline: bytes("/proc/\(pid)/cmdline")),
                start: started.map { SessionRecord.timestamp($0) } ?? "?"
            )
            session.applyProgress()
            result.append(session)
        }
        return result
    }

    /// Creates a row.
    public init(pid: Int32, user: String, address: String, program: String, start: String) {
        self.pid = pid
        self.user = user
        self.address = address
        self.program = program
        self.start = start
    }

    /// Takes the session id and the bytes from the supervisor's progress file (found by its name among
    /// the descriptors in /proc/PID/fd).
    mutating func applyProgress() {
        let directory = "/proc/\(pid)/fd"
        guard let listing = opendir(directory) else { return }
        var descriptors: [String] = []
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if Int32(name) != nil { descriptors.append(name) }
        }
        closedir(listing)
        for fd in descriptors where Self.link("\(directory)/\(fd)") == Self.progressLink {
            if let content = text("\(directory)/\(fd)") { applyProgressLine(content) }
            return
        }
    }

    /// What /proc/PID/fd/N of the progress file links to.
    static let progressLink = "/memfd:\(Supervisor.progressName) (deleted)"

    /// Reads a progress line if it is this session's (`pid=N session-end session=… bytes_from_client=…`).
    mutating func applyProgressLine(_ line: String) {
        let fields = SessionFields.parse(line.split(separator: "\n").first ?? "")
        guard SessionFields.value("pid", in: fields) == "\(pid)" else { return }
        // Only a session id of the form rssh writes (16 hex digits) is shown: should the file ever be another
        // process's, it cannot put escape sequences on root's terminal.
        session = SessionFields.value("session", in: fields).flatMap { id in
            id.utf8.count == 16 && id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
                ? id : nil
        }
        if let from = SessionFields.value("bytes_from_client", in: fields).flatMap({ UInt64($0) }),
            let to = SessionFields.value("bytes_to_client", in: fields).flatMap({ UInt64($0) })
        {
            bytes = (from, to)
        }
        // WinSCP's SCP mode is an interactive login, with no `-c COMMAND` to name the program by: the one the
        // supervisor recorded is shown, when it is a plain name (a program's, or `winscp`).
        if program == "?", let name = SessionFields.value("program", in: fields), (1...64).contains(name.utf8.count),
            name.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F
            })
        {
            program = name
        }
    }

    /// The start in clock ticks after boot: field 22 of /proc/PID/stat (counted after the `)` that ends the
    /// name, which may hold spaces).
    public static func startTicks(stat: String?) -> UInt64? {
        guard let stat, let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, so starttime (22) is the 20th here.
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    /// `btime` from /proc/stat.
    public static func bootTime(procStat: String?) -> Int64? {
        procStat?.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Int64($0.dropFirst(6)) }
    }

    /// The real uid from /proc/PID/status.
    public static func realUid(status: String?) -> UInt32? {
        status?.split(separator: "\n").first { $0.hasPrefix("Uid:") }.flatMap {
            $0.dropFirst(4).split(whereSeparator: { $0 == "\t" || $0 == " " }).first.flatMap { UInt32($0) }
        }
    }

    /// The client address: SSH_CONNECTION's first word in a NUL-separated environment.
    public static func clientAddress(environ: [UInt8]) -> String? {
        for entry in environ.split(separator: 0) where entry.starts(with: Array("SSH_CONNECTION=".utf8)) {
            let value = entry.dropFirst(15).prefix { $0 != 0x20 }
            guard !value.isEmpty, value.count <= 64,
                value.allSatisfy({
                    ($0 >= 0x30 && $0 <= 0x3A) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) || $0 == 0x2E
                })
            else { return nil }
            return String(decoding: value, as: UTF8.self)
        }
        return nil
    }

    /// The program of `rssh -c COMMAND`: the command's first word's last path component, escaped.
    public static func program(cmdline: [UInt8]) -> String {
        let arguments = cmdline.split(separator: 0, omittingEmptySubsequences: false)
        guard arguments.count >= 3, arguments[1].elementsEqual("-c".utf8) else { return "?" }
        let word = arguments[2].split(separator: 0x20).first ?? []
        let name = word.split(separator: UInt8(ascii: "/")).last ?? word
        return name.isEmpty ? "?" : Printable.text(name)
    }

    /// The table `rsshctl who` prints.
    public static func render(_ sessions: [OpenSession]) -> String {
        var rows = [["USER", "SESSION", "ADDRESS", "PROGRAM", "START", "PID", "FROM-CLIENT", "TO-CLIENT"]]
        for s in sessions {
            rows.append([
                s.user, s.session ?? "?", s.address, s.program, s.start, "\(s.pid)",
                s.bytes.map { "\($0.fromClient)" } ?? "?", s.bytes.map { "\($0.toClient)" } ?? "?",
            ])
        }
        return table(rows)
    }

    /// Columns padded to their widest cell, separated by two spaces.
    static func table(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows.first?.count ?? 0)
        for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    private static func userName(_ uid: UInt32) -> String { jail_user_name(uid) ?? "\(uid)" }

    private static func bytes(_ path: String) -> [UInt8] { (try? FileSystem.read(path, limit: 1 << 16)) ?? [] }

    private static func text(_ path: String) -> String? {
        guard let read = try? FileSystem.read(path, limit: 1 << 16) else { return nil }
        return String(decoding: read, as: UTF8.self)
    }

    private func text(_ path: String) -> String? { Self.text(path) }

    private static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = jail_readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
