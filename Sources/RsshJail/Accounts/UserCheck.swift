import Glibc
import RsshCore

/// What `rssh -v` would say of one account, and what its sessions need besides (`rsshctl user add` and `user
/// show`): the same code, gathered for one user.
///
/// The configuration is read the way rssh reads it (`ConfigFile.read`: owner and mode checked) and checked with
/// `VersionReport.userCheck`; a landlocked account's home with the session's own `LoginShell.landlockHomeProblem`;
/// a jail with `JailChecker`, as `rsshctl jail check` does.
public struct UserCheck {
    /// The account.
    public var name: String
    /// The rssh.conf to read.
    public var configFile: String
    /// The compiled-in paths.
    public var paths: ProgramPaths

    /// Creates a check.
    public init(name: String, configFile: String, paths: ProgramPaths) {
        self.name = name
        self.configFile = configFile
        self.paths = paths
    }

    /// The report and whether the account will work (no error, no refusal foreseen).
    public func run() -> (text: String, healthy: Bool) {
        var out = ""
        var problems = 0
        func problem(_ text: String) {
            out += "  error: \(text)\n"
            problems += 1
        }
        let config: Configuration
        switch ConfigFile.read(configFile, trustedOwner: paths.configOwner) {
        case .success(let bytes): config = ConfigParser.parse(bytes, file: configFile)
        case .failure(let failure):
            problem("\(failure.description); every user is locked out")
            return (out + "Result: \(name): 1 problem\n", false)
        }
        var account: JailUser?
        var lookupError: String?
        do {
            account = try JailUser.lookup(name)
        } catch {
            lookupError = "account lookup failed: \(error)"
        }
        // The account's groups from NSS (getgrouplist), as the group lines see them.
        var lookup = SystemGroupLookup(.list(account.map { [$0.gid] + $0.groups.map { $0.gid } } ?? []))
        let groups = config.groupFacts(for: name, lookup: &lookup)
        let check = VersionReport.userCheck(config, name: name, groups: groups)
        out += check.text
        if check.lockedOut { problems += 1 }
        if let lookupError { problem(lookupError) }
        guard let account else {
            if problems == 0 { problem("no account \(name)") }
            return (out + Self.result(name, problems), false)
        }
        if account.shell != paths.shell {
            problem("\(name)'s login shell is \(account.shell), not \(paths.shell): sshd never runs rssh for it")
        } else if FileSystem.followedStatus(paths.shell).map({ $0.st_mode & 0o111 == 0 }) ?? true {
            problem("the login shell \(paths.shell) is not installed (make install): every login fails")
        }
        guard case .success(let policy) = config.policy(for: name, groups: groups) else {
            return (out + Self.result(name, problems), false)
        }
        for program in ServerProgram.allCases {
            let allowed =
                program.permission.map { policy.programs.allows($0) } ?? policy.options.contains(.checksums)
            guard allowed, program != .rdist || paths.path(of: .rdistd) == nil, let path = paths.path(of: program)
            else { continue }
            if let info = FileSystem.followedStatus(path), info.st_mode & 0o111 != 0 { continue }
            problem("\(program.permission?.name ?? program.name) is allowed but \(path) is not installed")
        }
        if let jail = policy.chrootPath {
            if !account.home.hasPrefix(jail + "/") {
                out += "  note: \(name)'s home \(account.home) is outside the jail \(jail); sessions start in /\n"
            }
            let checker = JailChecker(
                root: jail,
                requiredPrograms: JailChecker.requiredPrograms(root: jail, config: config, paths: paths),
                optionalPrograms: JailChecker.optionalPrograms(paths: paths)
            )
            let findings = checker.check().filter(\.isProblem)
            for finding in findings { problem("jail \(jail): \(finding)") }
            if findings.isEmpty { out += "  jail \(jail): OK (rsshctl jail check)\n" }
        } else if policy.options.contains(.landlock) {
            if let missing = Landlock.problem(abi: Landlock.abi()) {
                problem("landlocked, but \(missing): every session is REFUSED")
            }
            let home = LandlockHome.gather(home: Array(account.home.utf8))
            if let refusal = LoginShell.landlockHomeProblem(home, uid: account.uid) {
                problem("every session is REFUSED: \(refusal)")
            } else {
                out += "  landlock: the home and ~/.ssh pass the session's checks\n"
            }
        } else {
            let ssh = SshDirectory.inspect(home: Array(account.home.utf8), homeStatus: FileStatus.lstat(account.home))
            if let weak = ssh.problem {
                out += "  warning: \(weak.description(path: account.home + "/.ssh"))\n"
            } else {
                out += "  \(account.home)/.ssh is root-owned and cannot be replaced by \(name)\n"
            }
        }
        let keys = (try? JailDirectory.openExisting(account.home))?.authorizedKeys().map(AuthorizedKeys.keyLines)
        if let keys, !keys.isEmpty {
            out += "  \(keys.count) key\(keys.count == 1 ? "" : "s") in \(account.home)/.ssh/authorized_keys\n"
        } else {
            out += "  warning: no key in \(account.home)/.ssh/authorized_keys (unless sshd's AuthorizedKeysFile "
            out += "names another place, \(name) cannot log in with a key)\n"
        }
        return (out + Self.result(name, problems), problems == 0)
    }

    private static func result(_ name: String, _ problems: Int) -> String {
        problems == 0 ? "Result: \(name): OK\n" : "Result: \(name): \(problems) problem\(problems == 1 ? "" : "s")\n"
    }
}
