import Glibc
import RsshCore

/// `rsshctl user add` and `user remove`: one account made ready for rssh (or taken back) in one idempotent step.
///
/// `add` creates the account (useradd, rssh as login shell) or converts it (usermod -s), lays out its home the
/// way review 3 (F5, F10, F11) requires (`~/.ssh` root-owned and immutable, made under a temporary name),
/// installs the keys there, builds or updates the jail, and sets the user's rssh.conf line
/// (`ConfigFileEditor`). A run that finds everything as asked changes nothing. With `dryRun`, every step only
/// says what it would do (the config edit is still validated).
public struct UserSetup {
    /// The compiled-in paths (the login shell, the programs to copy into a jail).
    public var paths: ProgramPaths
    /// The rssh.conf to edit.
    public var configFile: String
    /// Only say what would be done.
    public var dryRun: Bool
    /// Receives one line per step.
    public var report: (String) -> Void

    /// Why a step failed (the steps before it stay done; a re-run continues).
    public enum Failure: Error, CustomStringConvertible {
        /// NSS failed.
        case lookup(AccountLookupError)
        /// useradd, usermod or userdel failed.
        case tool(AccountTool.Failure)
        /// Laying out the home, the keys or the jail failed.
        case build(JailBuildError)
        /// The config edit failed or was refused.
        case config(ConfigFileEditor.Failure)
        /// Refused before anything was done.
        case refused(String)

        /// The message.
        public var description: String {
            switch self {
            case .lookup(let error): "account lookup failed: \(error)"
            case .tool(let error): error.description
            case .build(let error): error.description
            case .config(let error): "\(error)"
            case .refused(let why): why
            }
        }
    }

    /// Creates a setup.
    public init(paths: ProgramPaths, configFile: String, dryRun: Bool, report: @escaping (String) -> Void) {
        self.paths = paths
        self.configFile = configFile
        self.dryRun = dryRun
        self.report = report
    }

    private var would: String { dryRun ? "would " : "" }

    /// Makes `line.name` an rssh account as `line` says, with `keys` (nil: the installed keys are kept).
    public func add(_ line: UserLine, keys: [UInt8]?) throws(Failure) {
        let name = line.name
        try preflight(name, line: line)
        var account = try lookup(name)
        if let existing = account {
            guard existing.uid != 0 else { throw .refused("\(name) has uid 0; rssh is not for root") }
            // A ~/.ssh the user controls may hold keys the user planted: refused before anything changes.
            let ssh = SshDirectory.inspect(home: Array(existing.home.utf8), homeStatus: FileStatus.lstat(existing.home))
            if let problem = ssh.problem, problem.isTakenOver {
                throw .refused(
                    "\(problem.description(path: existing.home + "/.ssh")); check what is in it, remove it and run "
                        + "again (nothing was changed)"
                )
            }
            if existing.shell != paths.shell {
                report("\(would)set \(name)'s login shell to \(paths.shell) (was \(existing.shell)): usermod -s")
                if !dryRun { try tool("usermod", ["-s", paths.shell, "--", name]) }
            } else {
                report("account \(name) exists with \(paths.shell) as its login shell")
            }
        } else {
            var arguments = ["-s", paths.shell, "-p", "*"]
            if let jail = line.chrootPath {
                arguments += ["-M", "-d", jail + "/home/" + name]
            } else {
                arguments += ["-m"]
            }
            report("\(would)create account \(name): useradd \(arguments.joined(separator: " ")) \(name)")
            if !dryRun {
                try tool("useradd", arguments + ["--", name])
                account = try lookup(name)
            }
        }
        guard let user = account else {
            report("would lay out the new home with a root-owned, immutable ~/.ssh")
            if let jail = line.chrootPath { report("would build or update the jail \(jail)") }
            if keys != nil { report("would install the keys in ~/.ssh/authorized_keys") }
            try editConfig(name, line: line)
            return
        }
        if let jail = line.chrootPath { try buildJail(jail, adding: user) }
        if line.chrootPath.map({ !user.home.hasPrefix($0 + "/") }) ?? true { try protectHome(user) }
        if let keys { try installKeys(keys, home: user.home) }
        try editConfig(name, line: line)
    }

    /// Takes `name` back: removes its rssh.conf line and its installed keys; with `deleteAccount`, the account
    /// and its home too (userdel -r; only an account whose login shell is rssh), and it leaves its jail's passwd.
    public func remove(_ name: String, deleteAccount: Bool) throws(Failure) {
        guard UserLine.isValidName(name) else { throw .refused("'\(name)' is not a valid account name") }
        let account = try lookup(name)
        let before = currentConfig()
        let jail = before?.users.first { $0.name == name }?.chrootPath
        if deleteAccount, let account, account.shell != paths.shell {
            throw .refused("\(name)'s login shell is \(account.shell), not \(paths.shell): not deleting that account")
        }
        if let account, account.uid == 0 { throw .refused("\(name) has uid 0; rsshctl does not touch it") }
        try preflight(name, line: nil)
        try editConfig(name, line: nil)
        guard let account else {
            report("no account \(name)")
            return
        }
        if FileSystem.status(account.home) != nil {
            do {
                let home = try JailDirectory.openExisting(account.home)
                if dryRun {
                    if home.authorizedKeys() != nil { report("would remove \(account.home)/.ssh/authorized_keys") }
                } else {
                    report(try home.setAuthorizedKeys(nil) ?? "no keys installed in \(account.home)/.ssh")
                }
                if deleteAccount && !dryRun { try home.unprotectSsh() }
            } catch {
                throw .build(error)
            }
        }
        guard deleteAccount else {
            report("\(name) keeps its account and login shell; without a user line the defaults apply to it")
            return
        }
        report("\(would)delete account \(name) and its home \(account.home): userdel -r")
        if !dryRun { try tool("userdel", ["-r", "--", name]) }
        if let jail {
            report("\(would)rewrite the jail \(jail)'s passwd and group without \(name)")
            if !dryRun { try buildJail(jail, adding: nil, removing: name) }
        }
    }

    /// The account through NSS.
    private func lookup(_ name: String) throws(Failure) -> JailUser? {
        do {
            return try JailUser.lookup(name)
        } catch {
            throw .lookup(error)
        }
    }

    private func tool(_ name: String, _ arguments: [String]) throws(Failure) {
        do {
            try AccountTool.run(name, arguments)
        } catch {
            throw .tool(error)
        }
    }

    /// The configuration as it is now (nil when it cannot be read).
    private func currentConfig() -> Configuration? {
        guard let bytes = try? ConfigFileEditor(file: configFile).read() else { return nil }
        return ConfigParser.parse(bytes, file: configFile)
    }

    /// Makes the home's `~/.ssh` root-owned and immutable.
    private func protectHome(_ user: JailUser) throws(Failure) {
        guard user.home.hasPrefix("/"), user.home != "/" else {
            throw .refused("\(user.name)'s home \(user.home) cannot be laid out (not an absolute path other than /)")
        }
        do {
            let home = try JailDirectory.openExisting(user.home)
            if dryRun {
                let ssh = SshDirectory.inspect(home: Array(user.home.utf8), homeStatus: FileStatus.lstat(user.home))
                report(ssh.problem == nil ? "\(user.home)/.ssh is protected" : "would protect \(user.home)/.ssh")
            } else {
                report(try home.protectSsh(rootOnlyHomeSuffices: true) ?? "\(user.home)/.ssh is protected")
            }
        } catch {
            throw .build(error)
        }
    }

    /// Installs the keys in the home's protected `~/.ssh`.
    private func installKeys(_ keys: [UInt8], home path: String) throws(Failure) {
        do {
            let home = try JailDirectory.openExisting(path)
            if dryRun {
                report(home.authorizedKeys() == keys ? "keys unchanged" : "would install the keys in \(path)/.ssh")
            } else {
                report(try home.setAuthorizedKeys(keys) ?? "\(path)/.ssh/authorized_keys holds these keys already")
            }
        } catch {
            throw .build(error)
        }
    }

    /// Builds or updates `jail` for the users it has (its passwd and the rssh.conf lines naming it) and `user`,
    /// without `removed`.
    private func buildJail(_ jail: String, adding user: JailUser?, removing removed: String? = nil) throws(Failure) {
        var names: [String] = []
        if let passwd = try? FileSystem.read(jail + "/etc/passwd", limit: 16 << 20) {
            for line in String(decoding: passwd, as: UTF8.self).split(separator: "\n") {
                if let name = line.split(separator: ":").first, name != "root" { names.append(String(name)) }
            }
        }
        for entry in currentConfig()?.users ?? [] where entry.chrootPath == jail { names.append(entry.name) }
        var users: [JailUser] = []
        for name in names where name != user?.name && name != removed && !users.contains(where: { $0.name == name }) {
            guard let found = try lookup(name) else {
                report("note: \(name) (in the jail or its config lines) has no account; left out of the jail")
                continue
            }
            users.append(found)
        }
        if let user { users.append(user) }
        if dryRun {
            report("would build or update the jail \(jail) for \(users.map { $0.name }.joined(separator: ", "))")
            return
        }
        let programs = ServerProgram.allCases.compactMap { paths.path(of: $0) }
        let builder = JailBuilder(root: jail, users: users, programs: programs, resolver: .system())
        var copied = 0
        do {
            try builder.build { line in
                if line.hasPrefix("copied ") { copied += 1 } else { report("jail: " + line) }
            }
        } catch {
            throw .build(error)
        }
        if copied > 0 { report("jail: copied \(copied) files") }
        if user != nil, FileSystem.status(jail + "/dev/log") == nil {
            report("note: the jail has no log socket yet; add to rsyslog and restart it:")
            report(builder.rsyslogSnippet)
        }
    }

    /// Validates the config edit before anything else is done, so a refused edit changes nothing at all.
    private func preflight(_ name: String, line: UserLine?) throws(Failure) {
        do {
            _ = try ConfigFileEditor(file: configFile).set(name, line: line, dryRun: true)
        } catch {
            throw .config(error)
        }
    }

    /// Sets or removes the user's line.
    private func editConfig(_ name: String, line: UserLine?) throws(Failure) {
        let outcome: ConfigFileEditor.Outcome
        do {
            outcome = try ConfigFileEditor(file: configFile).set(name, line: line, dryRun: dryRun)
        } catch {
            throw .config(error)
        }
        switch (outcome, line) {
        case (.unchanged, .some(let line)): report("\(configFile): unchanged (\(line.text))")
        case (.unchanged, nil): report("\(configFile): no line for \(name)")
        case (.changed(let before?), .some(let line)):
            report("\(configFile): \(would)replace '\(before)' with '\(line.text)'")
        case (.changed(nil), .some(let line)): report("\(configFile): \(would)add '\(line.text)'")
        case (.changed(let before), nil): report("\(configFile): \(would)remove '\(before ?? name)'")
        }
    }
}
