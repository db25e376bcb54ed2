import Glibc

/// Runs a program inside a jail, as nobody, with a harmless option, to prove it can start there.
public enum ProgramProbe {
    /// The harmless invocation for each program, by basename.
    static func arguments(for program: String) -> [String] {
        switch program.split(separator: "/").last.map(String.init) ?? program {
        case "sftp-server": ["-Q", "requests"]
        case "rsync", "cvs", "svnserve", "git": ["--version"]
        case "rdist", "rdistd": ["-V"]
        default: []  // scp: prints its usage and exits 1, after the loader has done its work
        }
    }

    /// The outcome of a probe.
    public struct Outcome: Sendable, Equatable {
        /// The exit status, or nil when killed by a signal.
        public var status: Int32?
        /// What it printed (stdout and stderr, at most 64 KiB).
        public var output: String

        /// True when the program started: not killed, not "cannot execute" (126/127), no loader error.
        public var started: Bool {
            guard let status, status != 126, status != 127 else { return false }
            return !output.contains("error while loading shared libraries")
        }
    }

    /// Runs `path` (a path inside the jail) under chroot(`jail`) as uid/gid 65534.
    public static func run(_ path: String, in jail: String) -> Outcome {
        var output: [Int32] = [0, 0]
        var input: [Int32] = [0, 0]
        guard jail_pipe(&output) == 0, jail_pipe(&input) == 0 else {
            return Outcome(status: nil, output: "pipe failed")
        }
        let pid = ChildProcess.spawn(path, [path] + arguments(for: path), environment: ["PATH=/bin:/usr/bin"]) {
            _ = jail_close(input[1])
            _ = jail_dup2(input[0], 0)
            _ = jail_dup2(output[1], 1)
            _ = jail_dup2(output[1], 2)
            // Each step is checked; a failure is reported through the exit status (125).
            return jail_chroot(jail) == 0 && jail_chdir("/") == 0 && jail_setgroups_none() == 0
                && jail_setgid(65_534) == 0 && jail_setuid(65_534) == 0
        }
        _ = jail_close(input[0])
        _ = jail_close(input[1])
        _ = jail_close(output[1])
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65_536 {
            let count = chunk.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return jail_read(output[0], base, buffer.count)
            }
            if count < 0 && jail_errno() == EINTR { continue }
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        _ = jail_close(output[0])
        guard pid > 0 else { return Outcome(status: nil, output: "fork failed") }
        return Outcome(status: ChildProcess.wait(pid).status, output: String(decoding: bytes, as: UTF8.self))
    }
}
