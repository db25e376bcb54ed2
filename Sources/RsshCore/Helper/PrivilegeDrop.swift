import CRsshLibc

/// Enters a jail and gives up root for good, in OpenSSH's order, checking every call.
///
/// Nothing here continues after a failure: each step throws, and the helper exits.
public enum PrivilegeDrop {
    /// The caller's supplementary groups: the kernel's credential, as sshd (or login, su) set it with
    /// initgroups(3) and as the caller's own processes hold it outside the jail.
    ///
    /// A setuid exec keeps the group list, and no unprivileged process can add a group to it (setgroups(2)
    /// needs CAP_SETGID; in a user namespace an unprivileged user gets `setgroups` denied, and a setuid-root
    /// file does not run as root there), so it is as unforgeable as the real uid the helper already trusts.
    /// Keeping it gives the jailed session exactly the groups its caller holds: never more access than the
    /// user has outside, and never an NSS lookup as root (which loaded libnss_systemd and probed userdb
    /// paths: 0.8 ms of the chrooted chain). The C original keeps them too (setuid(getuid()) only).
    public static func callerGroups() throws(SystemError) -> [gid_t] {
        while true {
            let count = system_getgroups(0, nil)
            guard count >= 0 else { throw .current("getgroups", "count") }
            var groups = [gid_t](repeating: 0, count: Int(count))
            let filled = groups.withUnsafeMutableBufferPointer { system_getgroups(count, $0.baseAddress) }
            if filled >= 0 { return Array(groups.prefix(Int(filled))) }
            // EINVAL: the list changed between the two calls (it cannot for this process); ask again.
            guard system_errno() == EINVAL else { throw .current("getgroups", "list") }
        }
    }

    /// chdir(jail), chroot(jail), chdir("/").
    public static func enter(jail: String) throws(SystemError) {
        guard system_chdir(jail) == 0 else { throw .current("chdir", jail) }
        guard system_chroot(jail) == 0 else { throw .current("chroot", jail) }
        guard system_chdir("/") == 0 else { throw .current("chdir", "/ inside \(jail)") }
    }

    /// Sets the groups, then the gid, then the uid, and verifies that root cannot be regained.
    ///
    /// With `keepingAuditWrite`, CAP_AUDIT_WRITE alone survives the uid change (PR_SET_KEEPCAPS, then every
    /// other capability dropped and the result verified), so that a refusal after the drop can still be
    /// recorded; `ProcessImage.exec` drops it (verified) before any program runs.
    public static func become(
        _ account: Account,
        groups: [gid_t],
        keepingAuditWrite: Bool = false
    ) throws(SystemError) {
        let status = groups.withUnsafeBufferPointer { system_setgroups($0.count, $0.baseAddress) }
        guard status == 0 else { throw .current("setgroups", account.name) }
        guard system_setresgid(account.gid) == 0 else { throw .current("setresgid", "\(account.gid)") }
        if keepingAuditWrite {
            guard system_keep_capabilities(true) == 0 else { throw .current("prctl", "PR_SET_KEEPCAPS") }
        }
        guard system_setresuid(account.uid) == 0 else { throw .current("setresuid", "\(account.uid)") }
        if keepingAuditWrite {
            guard system_keep_only_audit_write() == 0, system_keep_capabilities(false) == 0 else {
                throw .current("capset", "CAP_AUDIT_WRITE alone")
            }
        }
        try verify(account)
    }

    /// Fails unless every uid and gid is the user's and setuid(0)/setgid(0) are refused.
    static func verify(_ account: Account) throws(SystemError) {
        var ruid: uid_t = 0
        var euid: uid_t = 0
        var suid: uid_t = 0
        var rgid: gid_t = 0
        var egid: gid_t = 0
        var sgid: gid_t = 0
        guard system_getresuid(&ruid, &euid, &suid) == 0, system_getresgid(&rgid, &egid, &sgid) == 0 else {
            throw .current("getresuid", "verify")
        }
        guard ruid == account.uid, euid == account.uid, suid == account.uid else {
            throw SystemError(call: "verify", subject: "uid still \(ruid)/\(euid)/\(suid)", code: EPERM)
        }
        guard rgid == account.gid, egid == account.gid, sgid == account.gid else {
            throw SystemError(call: "verify", subject: "gid still \(rgid)/\(egid)/\(sgid)", code: EPERM)
        }
        if account.uid != 0 {
            guard system_setuid(0) == -1 else {
                throw SystemError(call: "verify", subject: "setuid(0) succeeded", code: EPERM)
            }
            guard system_setgid(0) == -1 else {
                throw SystemError(call: "verify", subject: "setgid(0) succeeded", code: EPERM)
            }
        }
    }

    /// Sets PR_SET_NO_NEW_PRIVS, so nothing exec'd later can gain privileges (setuid bits, file capabilities).
    public static func forbidNewPrivileges() throws(SystemError) {
        guard system_set_no_new_privs() == 0 else { throw .current("prctl", "PR_SET_NO_NEW_PRIVS") }
    }
}
