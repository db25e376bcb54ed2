import Glibc

/// The shadow-utils programs `rsshctl user` runs (useradd, usermod, userdel), with argument vectors: no shell,
/// a fixed environment, the caller's standard output and error.
public enum AccountTool {
    /// Where Debian installs them.
    public static let directory = "/usr/sbin"

    /// The exit status, or why the program could not be run.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// fork(2) failed.
        case fork(Int32)
        /// It exited with this status (127: it could not be executed).
        case status([String], Int32)
        /// It was killed by this signal.
        case signal([String], Int32)

        /// The message.
        public var description: String {
            switch self {
            case .fork(let code): "fork: " + (strerror(code).map { String(cString: $0) } ?? "errno \(code)")
            case .status(let argv, let status):
                "\(argv.joined(separator: " ")) exited with status \(status)"
                    + (status == 127 ? " (could not be executed)" : "")
            case .signal(let argv, let signal): "\(argv.joined(separator: " ")) was killed by signal \(signal)"
            }
        }
    }

    /// Runs `directory/tool` with `arguments` and waits for it; success is exit status 0.
    public static func run(_ tool: String, _ arguments: [String]) throws(Failure) {
        let path = directory + "/" + tool
        let argv = [path] + arguments
        let pid = ChildProcess.spawn(path, argv, environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"])
        guard pid >= 0 else { throw .fork(jail_errno()) }
        let ending = ChildProcess.wait(pid)
        guard let code = ending.status else { throw .signal(argv, ending.signal) }
        guard code == 0 else { throw .status(argv, code) }
    }
}
