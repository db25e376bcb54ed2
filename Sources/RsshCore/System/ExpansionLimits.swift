import CRsshLibc

/// Lowered soft resource limits for the span of one glob(3) call in rssh and the chroot helper: a backstop behind
/// `ExpansionBudget`, should glob ever do more work than the budget counts.
///
/// Only soft limits are changed, never raised, and they are put back as soon as glob returns (an unprivileged
/// process may raise a soft limit again up to its hard limit), so the program exec'd afterwards (sftp-server, a
/// long rsync) runs with the limits the session had. A limit that cannot be set or put back refuses the command.
struct ExpansionLimits {
    /// The address space (RLIMIT_AS) the process may have while glob runs: 256 MiB.
    ///
    /// rssh and the helper map a few MB, and a spent budget holds at most 16 MiB of names.
    static let addressSpace: rlim_t = 256 << 20
    /// The CPU seconds (RLIMIT_CPU) glob may use beyond what the process has used; then SIGXCPU ends it.
    static let cpuSeconds: rlim_t = 5

    private let addressSpaceBefore: rlimit
    private let cpuBefore: rlimit

    /// Lowers the soft RLIMIT_AS and RLIMIT_CPU (a lower limit already in place is kept).
    /// - Returns: the limits as they were, for `restore()`.
    /// - Throws: `CommandError.expansionLimits` when a limit cannot be read or set (nothing is left lowered).
    static func lower() throws(CommandError) -> ExpansionLimits {
        var addressSpaceBefore = rlimit()
        var cpuBefore = rlimit()
        var usage = rusage()
        guard system_getrlimit(RLIMIT_AS, &addressSpaceBefore) == 0 else { throw failure("getrlimit(RLIMIT_AS)") }
        guard system_getrlimit(RLIMIT_CPU, &cpuBefore) == 0 else { throw failure("getrlimit(RLIMIT_CPU)") }
        guard system_getrusage_self(&usage) == 0 else { throw failure("getrusage") }
        let used = rlim_t(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + 1
        var addressSpace = addressSpaceBefore
        addressSpace.rlim_cur = min(addressSpaceBefore.rlim_cur, Self.addressSpace)
        var cpu = cpuBefore
        cpu.rlim_cur = min(cpuBefore.rlim_cur, used + cpuSeconds)
        guard system_setrlimit(RLIMIT_AS, &addressSpace) == 0 else { throw failure("setrlimit(RLIMIT_AS)") }
        guard system_setrlimit(RLIMIT_CPU, &cpu) == 0 else {
            let error = failure("setrlimit(RLIMIT_CPU)")
            // Best effort: the command is refused either way, and nothing runs after a refusal.
            _ = system_setrlimit(RLIMIT_AS, [addressSpaceBefore])
            throw error
        }
        return ExpansionLimits(addressSpaceBefore: addressSpaceBefore, cpuBefore: cpuBefore)
    }

    /// Puts both soft limits back as `lower()` found them.
    /// - Throws: `CommandError.expansionLimits` when one cannot be put back: the program must not run with it.
    func restore() throws(CommandError) {
        let addressSpace =
            system_setrlimit(RLIMIT_AS, [addressSpaceBefore]) == 0 ? nil : Self.failure("setrlimit(RLIMIT_AS)")
        let cpu = system_setrlimit(RLIMIT_CPU, [cpuBefore]) == 0 ? nil : Self.failure("setrlimit(RLIMIT_CPU)")
        if let error = addressSpace ?? cpu { throw error }
    }

    /// The soft and hard RLIMIT_AS and RLIMIT_CPU as they are now, or nil when one cannot be read.
    static func current() -> (addressSpace: rlimit, cpu: rlimit)? {
        var addressSpace = rlimit()
        var cpu = rlimit()
        guard system_getrlimit(RLIMIT_AS, &addressSpace) == 0, system_getrlimit(RLIMIT_CPU, &cpu) == 0 else {
            return nil
        }
        return (addressSpace, cpu)
    }

    private static func failure(_ call: String) -> CommandError {
        .expansionLimits(SystemError.current(call).description)
    }
}
