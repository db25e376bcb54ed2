import CRsshLibc

/// Enters a jail and gives up root for good, in OpenSSH's order, checking every call.
///
/// Nothing here continues after a failure: each step throws, and the helper exits.
public enum PrivilegeDrop {
    /// The supplementary groups of `account`, looked up through NSS (so: before chroot).
    ///
    /// getgrouplist(3) succeeds even when a group source (LDAP, SSSD) did not answer; the source then
    /// leaves errno set (ENOENT was measured with nslcd down), which is returned as `incomplete` so the
    /// helper can log it. A partial list only ever means fewer groups, never more access.
    public static func groups(of account: Account) throws(SystemError) -> (groups: [gid_t], incomplete: Int32?) {
        var count: Int32 = 32
        while count <= 65_536 {
            var groups = [gid_t](repeating: 0, count: Int(count))
            var found = count
            system_set_errno(0)
            let status = groups.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let base = buffer.baseAddress else { return -1 }
                return system_getgrouplist(account.name, account.gid, base, &found)
            }
            let error = system_errno()
            if status >= 0 { return (Array(groups.prefix(Int(found))), error == 0 ? nil : error) }
            count = max(found, count * 2)
        }
        throw SystemError(call: "getgrouplist", subject: account.name, code: ENOMEM)
    }

    /// chdir(jail), chroot(jail), chdir("/").
    public static func enter(jail: String) throws(SystemError) {
        guard system_chdir(jail) == 0 else { throw .current("chdir", jail) }
        guard system_chroot(jail) == 0 else { throw .current("chroot", jail) }
        guard system_chdir("/") == 0 else { throw .current("chdir", "/ inside \(jail)") }
    }

    /// Sets the groups, then the gid, then the uid, and verifies that root cannot be regained.
    public static func become(_ account: Account, groups: [gid_t]) throws(SystemError) {
        let status = groups.withUnsafeBufferPointer { system_setgroups($0.count, $0.baseAddress) }
        guard status == 0 else { throw .current("setgroups", account.name) }
        guard system_setresgid(account.gid) == 0 else { throw .current("setresgid", "\(account.gid)") }
        guard system_setresuid(account.uid) == 0 else { throw .current("setresuid", "\(account.uid)") }
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
