import Glibc
import RsshCore

/// One account's `user = name:umask:bits[:chroot[:options]]` line in rssh.conf, as `rsshctl user add` writes it.
public struct UserLine: Sendable, Equatable {
    /// The account name.
    public var name: String
    /// The umask of the user's sessions.
    public var umask: mode_t
    /// The programs allowed.
    public var programs: ProgramSet
    /// The jail, or nil.
    public var chrootPath: String?
    /// The options (landlock, readonly, uploadonly, appendonly, checksums, borg, git, winscp, unconfinedexec).
    public var options: UserOptions

    /// Why a request cannot become a line.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The name is not one useradd and rssh.conf both take.
        case badName(String)
        /// No program is allowed: the line would lock the user out.
        case noProgram
        /// A jail path rssh.conf cannot hold unquoted, or that is not absolute.
        case badChrootPath(String)
        /// Options that contradict each other or the programs.
        case conflicting(String)

        /// The message.
        public var description: String {
            switch self {
            case .badName(let name):
                "'\(name)' is not a valid account name (letters, digits, '_', '.', '-'; not starting with '-' "
                    + "or '.'; at most 32)"
            case .noProgram: "no program given: allow at least one (--sftp, --scp, --rsync, ...)"
            case .badChrootPath(let path):
                "jail path '\(path)' must be absolute, other than /, without '.', '..', white space, quotes, "
                    + "':' or '#'"
            case .conflicting(let what): what
            }
        }
    }

    /// Creates a line, checking what the parser would refuse and what would lock the user out.
    public init(
        name: String,
        umask: mode_t,
        programs: ProgramSet,
        chrootPath: String?,
        options: UserOptions
    ) throws(Problem) {
        guard Self.isValidName(name) else { throw .badName(name) }
        guard !programs.isEmpty || !options.isDisjoint(with: UserOptions.programs) else { throw .noProgram }
        if let chrootPath {
            let forbidden: Set<Character> = [" ", "\t", "\"", "'", ":", "#", "\\"]
            guard JailPath.components(of: chrootPath) != nil, chrootPath != "/", !chrootPath.hasSuffix("/"),
                !chrootPath.contains(where: { forbidden.contains($0) || $0.asciiValue.map { $0 < 0x20 } ?? true })
            else { throw .badChrootPath(chrootPath) }
            if options.contains(.landlock) {
                throw .conflicting("landlock and a jail cannot be combined (choose one confinement)")
            }
        }
        if [UserOptions.readOnly, .uploadOnly, .appendOnly].filter({ options.contains($0) }).count > 1 {
            throw .conflicting("readonly, uploadonly and appendonly cannot be combined (one access mode per user)")
        }
        if options.contains(.borg) && chrootPath != nil {
            throw .conflicting("borg cannot run in a jail (a Python program; use --landlock)")
        }
        if options.contains(.winscp) && !programs.allows(.scp) {
            throw .conflicting("winscp needs scp allowed (WinSCP's SCP mode runs scp)")
        }
        guard umask <= 0o777 else { throw .conflicting("the umask must be an octal number up to 777") }
        self.name = name
        self.umask = umask
        self.programs = programs
        self.chrootPath = chrootPath
        self.options = options
    }

    /// Whether `name` is an account name both useradd (Debian's default rule) and an unquoted rssh.conf
    /// value take.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 32, first != UInt8(ascii: "-"),
            first != UInt8(ascii: ".")
        else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
    }

    /// The access bits: rsync, rdist, cvs, sftp, scp (upstream order), then svnserve only when it is allowed.
    public var bits: String {
        var order: [TransferProgram] = [.rsync, .rdist, .cvs, .sftp, .scp]
        if programs.allows(.svnserve) { order.append(.svnserve) }
        return String(order.map { programs.allows($0) ? "1" : "0" })
    }

    /// The line's text, without a newline: `user = alice:022:00010`, `user = bob:077:00011::landlock,readonly`,
    /// `user = carol:022:10011:/srv/jail`.
    public var text: String {
        let mask = String(umask, radix: 8)
        var line = "user = \(name):" + String(repeating: "0", count: max(0, 3 - mask.count)) + mask + ":" + bits
        if chrootPath != nil || !options.isEmpty { line += ":" + (chrootPath ?? "") }
        if !options.isEmpty { line += ":" + options.names }
        return line
    }

    /// Whether the parsed entry `entry` says exactly what this line means.
    public func matches(_ entry: UserEntry) -> Bool {
        entry.name == name && entry.umask == umask && entry.programs == programs && entry.chrootPath == chrootPath
            && entry.options == options && entry.root == nil
    }
}
