import Glibc

/// A program run by `rsshctl` (the shadow-utils tools, a jail's program probe): an argument vector and a fixed
/// environment, never a shell.
enum ChildProcess {
    /// How a child ended.
    struct Ending: Sendable, Equatable {
        /// The exit status, or nil when a signal killed it.
        var status: Int32?
        /// The signal that killed it (0 when it exited).
        var signal: Int32
    }

    /// Forks and, in the child, runs `prepare` (false ends the child with status 125), then execve(2)s
    /// `path` with `argv` and `environment` (status 127 when that fails).
    ///
    /// The C vectors are built before the fork, so the child allocates nothing.
    /// - Returns: the child's pid, or -1 (errno set) when fork(2) failed.
    static func spawn(
        _ path: String,
        _ argv: [String],
        environment: [String],
        prepare: () -> Bool = { true }
    ) -> pid_t {
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in cArgv { free(pointer) }
            for pointer in cEnv { free(pointer) }
        }
        let pid = jail_fork()
        guard pid == 0 else { return pid }
        guard prepare() else { jail_exit(125) }
        cArgv.withUnsafeBufferPointer { args in
            cEnv.withUnsafeBufferPointer { env in
                if let argsBase = args.baseAddress, let envBase = env.baseAddress {
                    _ = jail_execve(path, argsBase, envBase)
                }
            }
        }
        jail_exit(127)
    }

    /// Waits for `pid`, retrying on EINTR.
    static func wait(_ pid: pid_t) -> Ending {
        var status: Int32 = 0
        while jail_waitpid(pid, &status) == -1 && jail_errno() == EINTR {}
        let signal = status & 0x7F
        return Ending(status: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal)
    }
}
