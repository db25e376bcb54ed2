import Glibc

/// Runs `ausearch` for `rsshctl last`: an argument vector, a fixed environment, its output read back.
public enum AuditSearch {
    /// Where ausearch is (Debian's auditd package).
    public static let path = "/sbin/ausearch"

    /// The raw USER_CMD records (`ausearch -m USER_CMD --raw`), or nil when ausearch cannot be run.
    ///
    /// From the file `input` when given. ausearch's "no matches" (status 1, nothing printed) is an empty result.
    public static func userCommands(input: String?) -> String? {
        var fds: [Int32] = [-1, -1]
        guard jail_pipe(&fds) == 0 else { return nil }
        var argv = [path, "-m", "USER_CMD", "--raw"]
        if let input { argv += ["-if", input] }
        let null = jail_open("/dev/null", O_RDWR | O_CLOEXEC)
        let pid = ChildProcess.spawn(path, argv, environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"]) {
            jail_dup2(fds[1], 1) == 1 && null >= 0 && jail_dup2(null, 2) == 2 && jail_dup2(null, 0) == 0
        }
        _ = jail_close(fds[1])
        if null >= 0 { _ = jail_close(null) }
        guard pid > 0 else {
            _ = jail_close(fds[0])
            return nil
        }
        let output = (try? FileSystem.read(fd: fds[0], path: "ausearch", limit: 1 << 30)) ?? []
        _ = jail_close(fds[0])
        let ending = ChildProcess.wait(pid)
        guard ending.status == 0 || ending.status == 1 else { return nil }
        return String(decoding: output, as: UTF8.self)
    }
}
