import CRsshLibc

extension LoginShell {
    /// Gathers the facts `decide` needs about the installation and the account, as a session does.
    ///
    /// The chroot helper, the kernel's Landlock ABI, the group facts (only when a group line can apply) and, for a
    /// landlocked user, the home and its `.ssh`. The audit assessment and a failed account lookup are the
    /// caller's (they depend on who is asking).
    ///
    /// `rssh` gathers them for its own session (groups from the kernel's credential); `rsshctl explain`
    /// gathers them for another account (groups through NSS), so both decide on the same facts with the same
    /// code.
    /// - Parameters:
    ///   - command: the session's `-c` command, which may select a profile (`rssh-profile NAME`).
    ///   - groups: where the user's groups come from.
    public mutating func gatherFacts(command: [UInt8]?, groups source: SystemGroupLookup.Source) {
        facts.helperIsExecutable = system_access(paths.chrootHelper, X_OK) == 0
        facts.landlockABI = Landlock.abi()
        guard let account, let config = try? configuration.get() else { return }
        // Only a file with group lines, for a user without a user line, pays for a group lookup.
        var lookup = SystemGroupLookup(source)
        facts.groups = config.groupFacts(for: account.name, lookup: &lookup)
        // Only a landlocked session pays for looking at the home (realpath, a few lstat, the .ssh flags).
        let profile = ProfileRequest(command: command, environment: environment).profile
        if Self.isLandlocked(account.name, in: config, groups: facts.groups, profile: profile) {
            facts.landlockHome = LandlockHome.gather(home: account.home)
        }
    }
}

extension LoginShell {
    /// What a session of this shell's account would know about its audit records, asked by another process
    /// (`rsshctl explain`, as root): the installed shell's `cap_audit_write` in place of the session's own
    /// capability, then where records go; a caller whose login shell is not rssh is not recorded.
    public var sessionAuditAssessment: AuditTrail.Assessment {
        guard callerIsRsshUser else {
            return AuditTrail.Assessment(problem: "the caller's login shell is not \(paths.shell): not recorded")
        }
        guard AuditTrail.fileHasAuditWrite(paths.shell) else {
            return AuditTrail.Assessment(
                problem: "\(paths.shell) lacks cap_audit_write (make install sets it with setcap)"
            )
        }
        return AuditTrail.destination()
    }
}
