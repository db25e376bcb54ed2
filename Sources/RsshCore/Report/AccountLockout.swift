import CRsshLibc

/// One reason why every session of an account will be refused, found with the checks the session (or the
/// chroot helper) makes itself, and the administrator's fix.
///
/// A refused sftp session shows the client only "Connection closed" (sshd drops a subsystem's stderr), so
/// `rssh -v` and `rsshctl explain` name such accounts instead of leaving the administrator to find the log
/// line (issue 19: no silent lock-outs).
public struct AccountLockout: Sendable, Equatable {
    /// Why every session is refused.
    public var problem: String
    /// What the administrator does about it, in one line.
    public var fix: String

    /// Creates a finding.
    public init(problem: String, fix: String) {
        self.problem = problem
        self.fix = fix
    }

    /// The installation as the checks see it (injected, so tests need no real files).
    public struct Probe {
        /// Whether a path names an executable file (access(2) X_OK).
        public var isExecutable: (String) -> Bool
        /// lstat(2) of a path.
        public var status: (String) -> FileStatus?
        /// The helper's check of a jail home's `.ssh` (`ChrootHelper.jailSshFinding`).
        public var jailSsh: (String, Account) -> (text: String, refused: Bool)?

        /// Creates a probe.
        public init(
            isExecutable: @escaping (String) -> Bool,
            status: @escaping (String) -> FileStatus?,
            jailSsh: @escaping (String, Account) -> (text: String, refused: Bool)?
        ) {
            self.isExecutable = isExecutable
            self.status = status
            self.jailSsh = jailSsh
        }

        /// The real file system.
        public static var system: Probe {
            Probe(
                isExecutable: { path in !path.isEmpty && system_access(path, X_OK) == 0 },
                status: { FileStatus.lstat($0) },
                jailSsh: { ChrootHelper.jailSshFinding(jail: $0, account: $1) }
            )
        }
    }

    /// The programs `policy` lets run (allowed, and not refused for want of confinement).
    public static func usablePrograms(_ policy: UserPolicy) -> [ServerProgram] {
        ServerProgram.allCases.filter { program in
            let allowed =
                program.permission.map { policy.programs.allows($0) } ?? program.option.map {
                    policy.options.contains($0)
                } ?? false
            return allowed && policy.confinementProblem(for: program) == nil
        }
    }

    /// The fix for a home that fails the landlocked session's check: `rsshctl ssh protect` makes a missing or
    /// renameable `.ssh` safe, but refuses one that was taken over (the user's own, a link, writable by others),
    /// whose keys must be looked at and which must be removed first.
    static func landlockFix(_ name: String, _ home: LandlockHome?, uid: uid_t) -> String {
        guard let home else { return "rsshctl ssh protect \(name)" }
        let path = Printable.text(home.resolved ?? home.home)
        if home.problem(uid: uid) != nil {
            return "a home owned by \(name) or root, below directories only root can write (\(path) is not)"
        }
        if home.ssh.problem?.isTakenOver == true {
            return "check \(path)/.ssh/authorized_keys (\(name) may have planted keys), remove \(path)/.ssh, then "
                + "rsshctl ssh protect \(name)"
        }
        return "rsshctl ssh protect \(name) (or a root-owned home)"
    }

    /// Every reason why all sessions of `account` under `policy` will be refused, in the order a session meets
    /// them: Landlock's kernel ABI and home (`LoginShell.landlockHomeProblem`, the session's own check); the
    /// chroot helper, the login shell, the jail path (`JailPath.check`) and the jail home's `.ssh`
    /// (the helper's checks); then the programs themselves.
    /// - Parameters:
    ///   - landlockABI: the kernel's Landlock ABI (> 0) or -errno.
    ///   - landlockHome: the home's facts, when `inspectHome` (nil: they could not be gathered).
    ///   - inspectHome: whether the home was looked at (`rssh -v` does so only as root).
    public static func find(
        account: Account,
        policy: UserPolicy,
        paths: ProgramPaths,
        landlockABI: Int32,
        landlockHome: LandlockHome?,
        inspectHome: Bool,
        probe: Probe
    ) -> [AccountLockout] {
        if policy.isLockedOut { return [] }
        var found: [AccountLockout] = []
        let name = account.name
        if policy.options.contains(.landlock) {
            if let problem = Landlock.problem(abi: landlockABI) {
                found.append(
                    AccountLockout(
                        problem: problem,
                        fix: "a kernel with Landlock (ABI 2 or later, lsm=landlock), or a jail for \(name) instead"
                    )
                )
            } else if inspectHome, let problem = LoginShell.landlockHomeProblem(landlockHome, uid: account.uid) {
                found.append(AccountLockout(problem: problem, fix: landlockFix(name, landlockHome, uid: account.uid)))
            }
        }
        var root = ""
        if let jail = policy.chrootPath {
            root = jail
            let helper = paths.chrootHelper
            if !probe.isExecutable(helper) {
                found.append(
                    AccountLockout(
                        problem: "chroot helper \(helper) is not installed",
                        fix: "make install (it installs the helper setuid root)"
                    )
                )
            } else if let status = probe.status(helper),
                status.owner != 0 || status.mode & CRsshLibc_S_ISUID == 0
            {
                found.append(
                    AccountLockout(
                        problem: "chroot helper \(helper) is not setuid root (it refuses: not running as root)",
                        fix: "chown root:root \(helper) && chmod 4755 \(helper)"
                    )
                )
            }
            if account.shell != Array(paths.shell.utf8) {
                found.append(
                    AccountLockout(
                        problem: "login shell is \(Printable.text(account.shell)), not \(paths.shell)",
                        fix: "usermod -s \(paths.shell) \(name)"
                    )
                )
            }
            do throws(JailPath.Problem) {
                try JailPath.check(jail, status: probe.status)
                if let ssh = probe.jailSsh(jail, account), ssh.refused {
                    found.append(
                        AccountLockout(
                            problem: "refusing: " + ssh.text,
                            fix: "rsshctl jail build \(jail) --user \(name)"
                        )
                    )
                }
            } catch {
                found.append(
                    AccountLockout(
                        problem: error.description,
                        fix: "rsshctl jail build \(jail) (directories from / to the jail root-owned, not writable by "
                            + "group or others, no symbolic links)"
                    )
                )
            }
        }
        let programs = usablePrograms(policy)
        if programs.isEmpty {
            found.append(
                AccountLockout(
                    problem: "every allowed program runs commands by design and needs a jail or unconfinedexec",
                    fix: "a chroot path for \(name), or the unconfinedexec option"
                )
            )
        } else {
            var missing: [String] = []
            for program in programs {
                let path = paths.path(of: program) ?? ""
                guard !probe.isExecutable(root + path) else { return found }
                if !missing.contains(root + path) { missing.append(root + path) }
            }
            found.append(
                AccountLockout(
                    problem: "no allowed program is installed (\(missing.joined(separator: ", ")))",
                    fix: root.isEmpty
                        ? "install the programs (rssh runs them from these compiled-in paths)"
                        : "rsshctl jail build \(root) (it copies the programs into the jail)"
                )
            )
        }
        return found
    }
}
