/// The per-user options: the fifth field of a `user=` line, or the global `options` keyword.
///
/// A user line's options replace the global ones, like its other fields; a classic four-field line has none.
/// Every name is checked: an unknown option is a configuration error, never ignored.
public struct UserOptions: OptionSet, Sendable, Hashable {
    /// The raw bit field.
    public var rawValue: UInt16

    /// Creates a set from a raw bit field.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `unconfinedexec`: the administrator accepts that cvs, rdist and svnserve, which run commands by
    /// design, run for this user without a jail.
    public static let unconfinedExec = UserOptions(rawValue: 1 << 0)

    /// `landlock`: the user's programs run under a Landlock ruleset (home read-write, system read-only, no
    /// network), applied by the shell itself without privileges.
    public static let landlock = UserOptions(rawValue: 1 << 1)
    /// `readonly`: list and download only, with every protocol.
    public static let readOnly = UserOptions(rawValue: 1 << 2)
    /// `uploadonly`: create and write only; nothing is read back, listed, deleted or renamed.
    public static let uploadOnly = UserOptions(rawValue: 1 << 3)

    /// `winscp`: an interactive login (WinSCP's SCP mode opens a shell channel) is answered by rssh's
    /// WinSCP responder instead of the refusal banner.
    public static let winscp = UserOptions(rawValue: 1 << 4)

    /// `checksums`: the coreutils checksum programs (`md5sum` … `sha512sum` with file names only), which
    /// rclone and WinSCP use to verify transfers.
    public static let checksums = UserOptions(rawValue: 1 << 5)

    /// `appendonly`: create and write new files, read back and list; nothing that exists is deleted,
    /// renamed, truncated or overwritten.
    public static let appendOnly = UserOptions(rawValue: 1 << 8)

    /// `borg`: BorgBackup's `borg serve`, always restricted to the user's home (`--restrict-to-path`) by rssh.
    ///
    /// Not for chrooted users (borg is a Python program; a jail would need the whole runtime).
    public static let borg = UserOptions(rawValue: 1 << 6)

    /// `git`: `git-upload-pack`, `git-receive-pack` and `git-upload-archive` on one repository under the home.
    ///
    /// git runs commands by design (hooks, repository configuration), so it needs a jail or `unconfinedexec`.
    public static let git = UserOptions(rawValue: 1 << 7)

    /// `supervised`: rssh forks the program and stays its parent.
    ///
    /// It relays the standard streams, passes the exit status and signals through, and writes one session
    /// record (bytes, duration, status) at the end. `maxsessions=N` implies it.
    public static let supervised = UserOptions(rawValue: 1 << 9)

    /// The most sessions `maxsessions=N` may allow at once.
    public static let maximumSessionLimit = 1_000

    /// The options that allow programs of their own, so a user with one of them is not locked out.
    public static let programs: UserOptions = [.checksums, .borg, .git]

    /// Every option with its rssh.conf name, in the order `rssh -v` prints them.
    public static let all: [(name: String, option: UserOptions)] = [
        ("unconfinedexec", .unconfinedExec), ("landlock", .landlock), ("readonly", .readOnly),
        ("uploadonly", .uploadOnly), ("appendonly", .appendOnly), ("winscp", .winscp),
        ("checksums", .checksums), ("borg", .borg), ("git", .git), ("supervised", .supervised),
    ]

    /// Why an options value was refused.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// A name no option has.
        case unknown(String)
        /// Two commas in a row, or a comma at either end.
        case empty
        /// Options that contradict each other.
        case conflicting(String)
        /// `maxsessions=` without a number in 1…1000, or given twice.
        case badSessionLimit(String)
        /// A `root=` value that is not a plain relative subdirectory.
        case root(SessionRoot.Problem)
        /// `root=` where no line applies it (the global `options`).
        case rootNotAllowed

        /// The message, listing the known names.
        public var description: String {
            let known = (UserOptions.all.map { $0.name } + ["maxsessions=N"]).joined(separator: ", ")
            switch self {
            case .unknown(let name): return "unknown option '\(name)' (known: \(known))"
            case .empty: return "empty option in a comma-separated list"
            case .conflicting(let what): return what
            case .badSessionLimit(let value):
                return "maxsessions needs a number from 1 to \(UserOptions.maximumSessionLimit), once (got '\(value)')"
            case .root(let problem): return problem.description
            case .rootNotAllowed: return "root= belongs on a user, group or profile line"
            }
        }
    }

    /// An options field: the option bits and the two options that carry a value.
    public struct Parsed: Sendable, Equatable {
        /// The options set.
        public var options: UserOptions = []
        /// `root=SUBDIR`, if given.
        public var root: SessionRoot?
        /// `maxsessions=N` (which also sets `supervised`), if given.
        public var maxSessions: Int?
    }

    /// Parses a comma-separated list such as `unconfinedexec`; an empty value means no option.
    ///
    /// `root=` is refused: only a line's options (`parseLine`) may hold it.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> UserOptions {
        try parseGlobal(bytes).options
    }

    /// Parses the global `options` value: a line's options without `root=`, which only a line can apply.
    public static func parseGlobal(_ bytes: [UInt8]) throws(ParseError) -> Parsed {
        let parsed = try parseLine(bytes)
        guard parsed.root == nil else { throw .rootNotAllowed }
        return parsed
    }

    /// Parses a user, group or profile line's options field, with `root=SUBDIR` and `maxsessions=N`.
    public static func parseLine(_ bytes: [UInt8]) throws(ParseError) -> Parsed {
        var parsed = Parsed()
        guard !bytes.isEmpty else { return parsed }
        let rootPrefix = Array("root=".utf8)
        let limitPrefix = Array("maxsessions=".utf8)
        for part in bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw .empty }
            if part.starts(with: limitPrefix) {
                let digits = part.dropFirst(limitPrefix.count)
                guard parsed.maxSessions == nil, let limit = sessionLimit(digits) else {
                    throw .badSessionLimit(Printable.text(digits))
                }
                parsed.maxSessions = limit
                parsed.options.insert(.supervised)
                continue
            }
            if part.starts(with: rootPrefix) {
                guard parsed.root == nil else { throw .conflicting("root= is given twice") }
                do throws(SessionRoot.Problem) {
                    parsed.root = try SessionRoot(parsing: Array(part.dropFirst(rootPrefix.count)))
                } catch {
                    throw .root(error)
                }
                continue
            }
            guard let known = all.first(where: { $0.name.utf8.elementsEqual(part) }) else {
                throw .unknown(Printable.text(part))
            }
            parsed.options.insert(known.option)
        }
        // One access mode per user: each is its own allow-list, and no combination is a mode of its own.
        let modes = [("readonly", UserOptions.readOnly), ("uploadonly", .uploadOnly), ("appendonly", .appendOnly)]
        let chosen = modes.filter { parsed.options.contains($0.1) }.map { $0.0 }
        if chosen.count > 1 {
            throw .conflicting("\(chosen.joined(separator: " and ")) cannot be combined (one access mode per user)")
        }
        return parsed
    }

    /// A session limit: 1 to `maximumSessionLimit` in decimal digits, no sign, no leading zero.
    static func sessionLimit(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 4, digits.first != UInt8(ascii: "0") else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value <= maximumSessionLimit ? value : nil
    }

    /// What the options allow a user to do with files.
    public var accessMode: AccessMode {
        if contains(.readOnly) { return .readOnly }
        if contains(.uploadOnly) { return .uploadOnly }
        return contains(.appendOnly) ? .appendOnly : .readWrite
    }

    /// The names of the options set, comma-separated (empty when none).
    public var names: String {
        Self.all.filter { contains($0.option) }.map { $0.name }.joined(separator: ",")
    }
}
