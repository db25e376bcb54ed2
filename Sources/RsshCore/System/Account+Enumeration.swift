import CRsshLibc

extension Account {
    /// Every account NSS lists whose login shell is exactly `shell`, in NSS's order, for `rssh -v`.
    ///
    /// A directory (LDAP, SSSD) may list hundreds of thousands of entries, or enumerate slowly: at most
    /// `scanLimit` entries are read and at most `limit` accounts kept, and the result says when either
    /// bound cut the list short. Entries whose name is not UTF-8 are skipped.
    /// - Returns: the accounts, how many entries were read, and whether the list is incomplete.
    public static func withShell(
        _ shell: String,
        scanLimit: Int,
        limit: Int
    ) -> (accounts: [Account], scanned: Int, truncated: Bool) {
        let wanted = Array(shell.utf8)
        var accounts: [Account] = []
        var scanned = 0
        var truncated = false
        system_setpwent()
        defer { system_endpwent() }
        while let entry = system_getpwent() {
            scanned += 1
            if let shellPointer = entry.pointee.pw_shell, CBytes.copy(shellPointer) == wanted,
                let namePointer = entry.pointee.pw_name, let name = String(validatingCString: namePointer)
            {
                guard accounts.count < limit else {
                    truncated = true
                    break
                }
                accounts.append(
                    Account(
                        name: name,
                        uid: entry.pointee.pw_uid,
                        gid: entry.pointee.pw_gid,
                        home: entry.pointee.pw_dir.map { CBytes.copy($0) } ?? [],
                        shell: wanted
                    )
                )
            }
            if scanned >= scanLimit {
                truncated = true
                break
            }
        }
        return (accounts, scanned, truncated)
    }
}
