/// The allow-list of git's server programs (option `git`), and the argument vector rssh builds.
///
/// A git client sends `git-upload-pack '<path>'` (or `git-receive-pack`, `git-upload-archive`), the path
/// single-quoted as it was typed (`connect.c`); git-shell also accepts the `git upload-pack` spelling. Exactly
/// one path, resolved here as git would (`~` and `~/…` are the home, a relative path is below the home) and
/// held lexically beneath the user's home (no `..`); the program then runs as `git -c KEY=VALUE…
/// upload-pack /absolute/path`, with the configuration in `configuration` given on the command line, which
/// outranks the repository's own.
public enum GitServerValidator {
    /// The configuration rssh gives git on its command line, which outranks the repository's own.
    ///
    /// No hooks (`core.hooksPath` to a directory that has none), no file system monitor, no automatic `gc` or
    /// maintenance after a push. Repository configuration can name other programs (filter drivers in `git
    /// archive`, `core.alternateRefsCommand`, …), an open set: hence git needs a jail or `unconfinedexec`.
    public static let configuration = [
        "core.hooksPath=/dev/null", "core.fsmonitor=false", "receive.autogc=false", "gc.auto=0",
        "maintenance.auto=false",
    ]

    /// The subcommand each program is run as (`git upload-pack`).
    static func subcommand(_ program: ServerProgram) -> String {
        String(program.name.dropFirst(4))
    }

    /// Checks the words after the program name: exactly one path, not empty, not an option.
    static func validate(_ program: ServerProgram, _ arguments: ArraySlice<[UInt8]>) throws(ArgumentRejection) {
        guard arguments.count == 1, let path = arguments.first else {
            throw ArgumentRejection(program, "exactly one repository path is allowed")
        }
        guard !path.isEmpty, path.first != UInt8(ascii: "-") else {
            throw ArgumentRejection(program, "the repository path \"\(Printable.text(path))\" is not allowed")
        }
    }

    /// The repository `path` as an absolute path beneath `home`, or nil when it is elsewhere or has `..`.
    ///
    /// `~` and `~/x` stand for the home (as git's `enter_repo` reads them), `~user` is refused, a relative path
    /// is taken below the home (sshd starts the session there); `.` and empty components are dropped.
    public static func resolve(_ path: [UInt8], home: [UInt8]) -> [UInt8]? {
        let slash = UInt8(ascii: "/")
        var full: [UInt8]
        if path.first == UInt8(ascii: "~") {
            guard path.count == 1 || path[1] == slash else { return nil }
            full = home + [slash] + path.dropFirst()
        } else if path.first == slash {
            full = path
        } else {
            full = home + [slash] + path
        }
        let homeParts = components(home)
        guard let parts = components(full, refusingParent: true), let homeParts,
            parts.count >= homeParts.count, Array(parts.prefix(homeParts.count)) == homeParts
        else { return nil }
        full = []
        for part in parts { full += [slash] + part }
        return full.isEmpty ? [slash] : full
    }

    /// The path's components without empty ones and `.`; nil when one is `..` and `refusingParent` is set.
    static func components(_ path: [UInt8], refusingParent: Bool = false) -> [[UInt8]]? {
        var result: [[UInt8]] = []
        for part in path.split(separator: UInt8(ascii: "/")) where part != [UInt8(ascii: ".")] {
            if part.elementsEqual("..".utf8) {
                if refusingParent { return nil }
                continue
            }
            result.append(Array(part))
        }
        return result
    }

    /// What holds `git-receive-pack` to the `appendonly` mode: an allow-list of refs.
    ///
    /// Only branches (`refs/heads/`) may be pushed, never deleted (`denyDeletes`) or rewound
    /// (`denyNonFastForwards`); every other ref is hidden, and git refuses updates of hidden refs. Both deny settings act on `refs/heads/`
    /// alone (receive-pack.c), so without the hidden rest a tag could be deleted or moved. `hideRefs` is
    /// multi-valued and its last matching entry wins; command-line settings are read after every file, so
    /// the repository's own entries (a `!refs/tags/`, a `denyDeletes = false`) cannot undo these.
    public static let appendOnlySettings = [
        "receive.denyDeletes=true", "receive.denyNonFastForwards=true", "receive.hideRefs=refs/",
        "receive.hideRefs=!refs/heads/",
    ]

    /// Adds `settings` (`appendOnlySettings`, for an access mode) as `-c` pairs after rssh's own, before
    /// the subcommand, in an argument vector built by `arguments(_:path:)`.
    public static func add(_ settings: [String], to arguments: inout [[UInt8]]) {
        let position = min(1 + 2 * configuration.count, arguments.count)
        arguments.insert(contentsOf: settings.flatMap { [Array("-c".utf8), Array($0.utf8)] }, at: position)
    }

    /// The argument vector rssh runs: `git -c KEY=VALUE… SUBCOMMAND PATH`, PATH already resolved.
    public static func arguments(_ program: ServerProgram, path: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = [Array("git".utf8)]
        for setting in configuration { result += [Array("-c".utf8), Array(setting.utf8)] }
        result += [Array(subcommand(program).utf8), path]
        return result
    }
}
