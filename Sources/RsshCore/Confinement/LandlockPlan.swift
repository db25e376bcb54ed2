/// The Landlock ruleset a session's program runs under: built here as data, applied by `apply()` just
/// before exec, so tests can read every rule.
///
/// The home directory is read-write but not executable, with no device creation or device ioctls; the
/// programs' own files are read-only and executable; a few `/etc` files are read-only; `/dev/null` is
/// usable. TCP bind and connect are denied (ABI 4), signals and abstract unix sockets are scoped (ABI 6),
/// and denials after exec are logged by the kernel's audit (ABI 7).
public struct LandlockPlan: Sendable, Equatable {
    /// One path-beneath rule.
    public struct Rule: Sendable, Equatable {
        /// The directory or file the rule applies beneath.
        public var path: [UInt8]
        /// The rights allowed there (`Landlock.Access`).
        public var access: UInt64
        /// Whether a missing path refuses the session (the home) rather than being skipped (`/lib64`).
        public var required: Bool
        /// Components below `path` (a `root=`), each opened without following a symbolic link, so the user
        /// who owns them cannot re-point the rule; the rule is on the last.
        public var beneath: [[UInt8]] = []
        /// Whether the program starts in this directory (fchdir(2) to the very descriptor the rule is on).
        public var entered = false

        /// The rule's path, for messages and logs.
        public var displayPath: [UInt8] {
            beneath.reduce(path) { result, part in result + [UInt8(ascii: "/")] + part }
        }
    }

    /// The oldest ABI accepted: ABI 1 refuses every cross-directory rename (no REFER).
    public static let minimumABI: Int32 = 2

    /// The kernel's ABI the plan was made for.
    public var abi: Int32
    /// The filesystem rights the kernel enforces (everything this ABI knows).
    public var handledFilesystem: UInt64
    /// The network rights the kernel enforces (none allowed by any rule).
    public var handledNetwork: UInt64
    /// The scopes (signals, abstract unix sockets) confined to the domain.
    public var scoped: UInt64
    /// The rules.
    public var rules: [Rule]
    /// landlock_restrict_self's flags.
    public var restrictFlags: UInt32

    /// Directories the transfer programs run from and load libraries from.
    static let systemDirectories = ["/usr", "/lib", "/lib64", "/bin", "/sbin"]
    /// The few files outside those that the programs read: the loader cache, the user and group names
    /// (sftp-server and scp exit without them), NSS's configuration, the time zone.
    static let systemFiles = ["/etc/ld.so.cache", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/localtime"]

    /// Configuration directories Python reads at start-up (Debian's `sitecustomize.py` is a link into
    /// `/etc/python3.N`), read-only for borg; skipped when missing.
    static let pythonDirectories = ["/etc/python3", "/etc/python3.11", "/etc/python3.12", "/etc/python3.13"]

    /// The plan for a session of a user whose home is `home`, on a kernel with Landlock ABI `abi`, running
    /// `program` (borg also reads Python's configuration); for an `appendOnly` user (but for borg and git) the home rule lacks
    /// REMOVE_FILE and REMOVE_DIR, so nothing there can be unlinked, removed or renamed (rename(2) needs
    /// REMOVE_FILE on the old name's directory, and on the new name's when it replaces one).
    ///
    /// TRUNCATE stays: rsync's in-place receiver, the one program that writes in that mode, calls
    /// ftruncate(2) on every file it has just created (measured: without the right each file ends in
    /// "ftruncate failed", exit 23), and Landlock cannot grant truncation of new files only. Denying it would
    /// not close the gap anyway: an open for writing without O_TRUNC overwrites with WRITE_FILE alone,
    /// which a new file needs too. Overwrites are kept out by the programs' allow-lists.
    ///
    /// With a `root`, the read-write rule is on that subdirectory of the home instead (opened component by
    /// component without following links) and the program starts there.
    public static func session(
        abi: Int32,
        home: [UInt8],
        root: SessionRoot? = nil,
        program: ServerProgram? = nil,
        appendOnly: Bool = false
    ) -> LandlockPlan {
        typealias A = Landlock.Access
        let all = A.filesystem(abi: abi)
        // borg removes its own lock, index and hints files, and Python's tempfile needs a directory where it
        // can unlink (measured: borg serve fails its self-test without REMOVE_FILE); git renames each ref's
        // lock file onto the ref. Their own settings hold the repository instead (borg's --append-only,
        // git's deny settings), so their sessions keep the removal rights.
        let keepsRemoval = program == .borg || program?.isGit == true
        let removal = appendOnly && !keepsRemoval ? A.removeFile | A.removeDir : 0
        let homeRights = all & ~(A.execute | A.makeChar | A.makeBlock | A.ioctlDev | removal)
        let readExecute = A.execute | A.readFile | A.readDir
        var area = Rule(path: home, access: homeRights, required: true)
        if let root {
            area.beneath = root.components
            area.entered = true
        }
        var rules = [area]
        rules += systemDirectories.map { Rule(path: Array($0.utf8), access: readExecute, required: false) }
        rules += systemFiles.map { Rule(path: Array($0.utf8), access: A.readFile, required: false) }
        if program == .borg {
            rules += pythonDirectories.map {
                Rule(path: Array($0.utf8), access: A.readFile | A.readDir, required: false)
            }
        }
        let null = A.readFile | A.writeFile | (abi >= 3 ? A.truncate : 0)
        rules.append(Rule(path: Array("/dev/null".utf8), access: null, required: true))
        return LandlockPlan(
            abi: abi,
            handledFilesystem: all,
            handledNetwork: abi >= 4 ? A.bindTCP | A.connectTCP : 0,
            scoped: abi >= 6 ? A.scopeAbstractUnixSocket | A.scopeSignal : 0,
            rules: rules,
            restrictFlags: abi >= 7 ? Landlock.logNewExecOn : 0
        )
    }

    /// The directory the program starts in when a rule is entered (a `root=`), or nil (sshd's, the home).
    public var startDirectory: [UInt8]? { rules.first { $0.entered }?.displayPath }

    /// What a Landlock-confined session gets on a kernel with ABI `abi`, for `rssh -v`.
    public static func protections(abi: Int32) -> [String] {
        var lines = ["files: home read-write (no execute, no devices); programs and libraries read-only"]
        lines.append("appendonly: nothing in home can be removed or renamed (no REMOVE_FILE, REMOVE_DIR)")
        lines.append(
            abi >= 3 ? "truncation outside home denied (ABI 3)" : "truncation outside home NOT controlled (needs ABI 3)"
        )
        lines.append(abi >= 4 ? "TCP bind and connect denied (ABI 4)" : "TCP NOT controlled (needs ABI 4)")
        lines.append(abi >= 5 ? "device ioctls denied (ABI 5)" : "device ioctls NOT controlled (needs ABI 5)")
        lines.append(
            abi >= 6
                ? "signals and abstract unix sockets scoped (ABI 6)"
                : "signals and abstract sockets NOT scoped (needs ABI 6)"
        )
        lines.append(
            abi >= 7 ? "denials after exec logged to the audit trail (ABI 7)" : "denials NOT logged (needs ABI 7)"
        )
        return lines
    }

    /// What Landlock cannot do, stated plainly (`rssh -v`, rssh.conf(5)).
    public static let gaps = [
        "names and metadata outside home stay visible to stat, readlink and cd",
        "chmod, chown, utimes and xattrs on the user's own files elsewhere are not controlled",
        "UDP is not controlled, nor pathname unix sockets before ABI 9",
        "nothing inside home can be protected: ~/.ssh must be root-owned and immutable (chattr +i), or in a "
            + "root-owned home (rssh refuses otherwise)",
    ]
}
