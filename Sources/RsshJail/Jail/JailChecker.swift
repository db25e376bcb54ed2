import Glibc
import RsshCore

/// Checks a jail the way `rssh_chroot_helper` needs it: safe path, programs that run inside it, device
/// nodes, a live log socket, no password hashes, accounts that match NSS, protected `~/.ssh` (root-owned and immutable), no setuid
/// files and no user-writable directory on the same file system as one.
public struct JailChecker {
    /// The jail directory.
    public var root: String
    /// The programs (compiled-in paths) that must run in this jail.
    public var requiredPrograms: [String]
    /// Other configured programs: checked when present, not required.
    public var optionalPrograms: [String]
    /// Looks users up in NSS (`JailUser.lookup`; a table in tests).
    public var lookup: (String) throws(AccountLookupError) -> JailUser?

    /// How many directory levels below the jail the set-id scan descends; anything deeper is a problem.
    public static let scanDepthLimit = 64

    /// Creates a checker.
    public init(
        root: String,
        requiredPrograms: [String],
        optionalPrograms: [String],
        lookup: @escaping (String) throws(AccountLookupError) -> JailUser? = JailUser.lookup
    ) {
        self.root = root
        self.requiredPrograms = requiredPrograms
        self.optionalPrograms = optionalPrograms
        self.lookup = lookup
    }

    /// The programs a jail must run (`rsshctl jail check`, `rsshctl user add`): those `config` allows for
    /// the global chroot path or a user line naming `root`, and the programs of the options (checksums, git)
    /// one of them has; rdist is never required (rdistd stands in for it), borg never goes into a jail.
    public static func requiredPrograms(root: String, config: Configuration?, paths: ProgramPaths) -> [String] {
        var required: Set<TransferProgram> = []
        var options: UserOptions = []
        if let config {
            if config.chrootPath == root {
                required.formUnion(config.allowed.programs)
                options = config.options
            }
            for user in config.users where user.chrootPath == root {
                required.formUnion(user.programs.programs)
                options.formUnion(user.options)
            }
        }
        var found: [String] = []
        for program in ServerProgram.allCases where program != .rdist && program != .borg {
            guard
                program.permission.map({ required.contains($0) }) ?? program.option.map({ options.contains($0) })
                    ?? false,
                let path = paths.path(of: program), !found.contains(path)
            else { continue }
            found.append(path)
        }
        return found
    }

    /// Every other program a jail may hold, checked when present (borg never goes into a jail).
    public static func optionalPrograms(paths: ProgramPaths) -> [String] {
        var optional: [String] = []
        for program in ServerProgram.allCases where program != .borg {
            if let path = paths.path(of: program), !optional.contains(path) { optional.append(path) }
        }
        return optional
    }

    /// Runs every check.
    public func check() -> [JailFinding] {
        var findings: [JailFinding] = []
        do {
            try JailPath.check(root, status: FileStatus.lstat)
            findings.append(.ok("\(root): every component is a root-owned directory not writable by others"))
        } catch {
            findings.append(.problem(error.description))
            return findings
        }
        for program in requiredPrograms + optionalPrograms.filter({ !requiredPrograms.contains($0) }) {
            let required = requiredPrograms.contains(program)
            guard FileSystem.status(root + program) != nil else {
                if required {
                    findings.append(.problem("\(program) is allowed for users of this jail but missing in it"))
                }
                continue
            }
            do {
                try JailPath.check(root + FileSystem.directory(of: program), status: FileStatus.lstat)
            } catch {
                findings.append(.problem("\(program): \(error.description)"))
                continue
            }
            let outcome = ProgramProbe.run(program, in: root)
            if outcome.started {
                findings.append(.ok("\(program) runs inside the jail (exit \(outcome.status ?? -1))"))
            } else {
                let detail = outcome.output.split(separator: "\n").first.map(String.init) ?? "no output"
                findings.append(.problem("\(program) does not run inside the jail: \(detail)"))
            }
        }
        for (name, major, minor) in [("null", UInt32(1), UInt32(3)), ("zero", 1, 5), ("urandom", 1, 9)] {
            let path = root + "/dev/" + name
            if let info = FileSystem.status(path), info.st_mode & S_IFMT == S_IFCHR,
                info.st_rdev == FileSystem.deviceNumber(major: major, minor: minor)
            {
                findings.append(.ok("/dev/\(name) is the right device node"))
            } else {
                findings.append(.problem("/dev/\(name) is missing or not the right device node"))
            }
        }
        let socket = root + "/dev/log"
        if let info = FileSystem.status(socket), info.st_mode & S_IFMT == S_IFSOCK {
            findings.append(
                jail_unix_datagram_connect(socket)
                    ? .ok("/dev/log is a live log socket")
                    : .problem("/dev/log exists but nothing listens on it (is rsyslog running?)")
            )
        } else {
            findings.append(.problem("no log socket at \(socket) (add the rsyslog lines rsshctl jail build prints)"))
        }
        if FileSystem.status(root + "/etc/shadow") != nil {
            findings.append(.problem("/etc/shadow exists in the jail"))
        }
        if let passwd = try? FileSystem.read(root + "/etc/passwd") {
            let hashed = String(decoding: passwd, as: UTF8.self).split(separator: "\n").filter { line in
                let fields = line.split(separator: ":", omittingEmptySubsequences: false)
                return fields.count > 1 && fields[1] != "x" && fields[1] != "*" && fields[1] != "!"
            }
            findings.append(
                hashed.isEmpty
                    ? .ok("/etc/passwd holds no password hashes") : .problem("/etc/passwd holds password fields")
            )
            findings += accountFindings(passwd: passwd)
            findings += sshFindings(passwd: passwd)
        } else {
            findings.append(.problem("no /etc/passwd in the jail (names cannot be looked up)"))
        }
        findings += setidFindings()
        return findings
    }

    /// Whether the jail's passwd and group files still match NSS (they are a snapshot taken by `jail build`).
    func accountFindings(passwd: [UInt8]) -> [JailFinding] {
        let group = (try? FileSystem.read(root + "/etc/group")) ?? []
        let differences = JailAccounts.differences(passwd: passwd, group: group, lookup: lookup)
        guard !differences.isEmpty else { return [.ok("/etc/passwd and /etc/group match NSS")] }
        return differences.map { .problem($0 + " (run rsshctl jail build again)") }
    }

    /// Whether each jail user's `~/.ssh` is protected (`SshDirectory`): sshd reads authorized_keys from the
    /// outside path of the home, so a user who could write there, or rename `.ssh` away, could add keys.
    func sshFindings(passwd: [UInt8]) -> [JailFinding] {
        var findings: [JailFinding] = []
        for line in String(decoding: passwd, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 7, fields[0] != "root", fields[5].hasPrefix(root + "/") else { continue }
            let home = String(fields[5])
            let ssh = SshDirectory.inspect(home: Array(home.utf8), homeStatus: FileStatus.lstat(home))
            if let problem = ssh.problem {
                findings.append(.problem("\(fields[0]): " + problem.description(path: home + "/.ssh")))
            } else {
                let how = ssh.immutable ? "immutable" : "in a root-owned home"
                findings.append(
                    .ok("\(home)/.ssh is root-owned and \(how): \(fields[0]) can neither change nor replace it")
                )
            }
        }
        return findings
    }

    /// The set-id scan: no setuid or setgid file, no user-writable directory on the same file system as one,
    /// every mount point crossed reported, and nothing left unscanned silently.
    func setidFindings() -> [JailFinding] {
        let scan = TreeScan(root: root, depthLimit: Self.scanDepthLimit)
        var findings: [JailFinding] = []
        findings.append(
            scan.setid.isEmpty
                ? .ok("no setuid or setgid files in the jail")
                : .problem(
                    "setuid/setgid files in the jail: \(scan.setid.prefix(5).map(\.path).joined(separator: ", "))"
                )
        )
        for directory in scan.writable {
            guard let file = scan.setid.first(where: { $0.device == directory.device }) else { continue }
            findings.append(
                .problem(
                    "\(directory.path) is writable by \(directory.writer) on the same file system as the set-id "
                        + "file \(file.path): a user could hard-link it there"
                )
            )
        }
        for mount in scan.mounts {
            findings.append(
                mount.nosuid
                    ? .ok("\(mount.path) is a nosuid mount point; not scanned (set-id bits do not work there)")
                    : .problem(
                        "\(mount.path) is a mount point without nosuid; it was not scanned for set-id files "
                            + "(mount it nosuid, or check it yourself)"
                    )
            )
        }
        for path in scan.tooDeep {
            findings.append(.problem("\(path) is more than \(Self.scanDepthLimit) levels deep; not scanned"))
        }
        for (path, reason) in scan.unreadable {
            findings.append(.problem("\(path) could not be scanned: \(reason)"))
        }
        return findings
    }
}
