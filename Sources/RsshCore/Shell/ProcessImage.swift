import CRsshLibc

/// Replaces the process with a program: the last step of every allowed session.
public enum ProcessImage {
    /// Applies `umask`, drops every capability, sets no_new_privs when asked, applies the Landlock ruleset
    /// if there is one, and execs `path` with `arguments` and `environment`.
    ///
    /// no_new_privs is set for every program rssh runs: none of them ever needs to gain privileges, so a
    /// setuid or file-capability binary reached through one of them stays powerless.
    /// - Returns: only on failure, with the error.
    public static func exec(
        path: String,
        arguments: [[UInt8]],
        environment: [[UInt8]],
        umask mask: mode_t,
        forbidNewPrivileges: Bool,
        confinement: LandlockPlan? = nil
    ) -> SystemError {
        _ = system_umask(mask)
        // The shell may hold CAP_AUDIT_WRITE (a file capability); nothing it runs may inherit any.
        guard system_drop_capabilities() == 0 else { return .current("capset", "drop all") }
        if forbidNewPrivileges || confinement != nil {
            guard system_set_no_new_privs() == 0 else { return .current("prctl", "PR_SET_NO_NEW_PRIVS") }
        }
        if let confinement, let failure = confinement.apply() { return failure }
        let argv = CStringArray(arguments)
        let envp = CStringArray(environment)
        defer {
            argv.deallocate()
            envp.deallocate()
        }
        // The helper ignores SIGPIPE for itself; the program gets the default, which execve would not restore.
        _ = system_ignore_sigpipe(false)
        _ = system_execve(path, argv.pointer, envp.pointer)
        return .current("execve", path)
    }
}

/// A NULL-terminated array of C strings built from byte strings, for execve(2).
struct CStringArray {
    let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [[UInt8]]) {
        count = strings.count
        pointer = .allocate(capacity: count + 1)
        for (index, string) in strings.enumerated() {
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: string.count + 1)
            string.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    if let base = chars.baseAddress { copy.update(from: base, count: string.count) }
                }
            }
            copy[string.count] = 0
            pointer[index] = copy
        }
        pointer[count] = nil
    }

    func deallocate() {
        for index in 0..<count { pointer[index]?.deallocate() }
        pointer.deallocate()
    }
}
