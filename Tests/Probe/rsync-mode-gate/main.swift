// The rsync mode gate for Tests/Modes/rsync_modes.py: an rsync `-e` program that stands in for ssh and
// rssh. It joins the remote command as ssh does, vets it with RsshCore for a user with the given access
// mode, and execs the real rsync with the argument vector rssh would run (or exits 1 with the refusal),
// so the property test drives the real rsync binary through rssh's decision.
//
// Usage (as rsync runs it): rsync-mode-gate MODE HOST WORD...
import CRsshLibc
import RsshCore

/// Writes `text` to standard error (a test tool: short writes are not retried).
func say(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    say("usage: rsync-mode-gate MODE HOST COMMAND...\n")
    exit(2)
}
let mode = arguments[1] == "read-write" ? "" : arguments[1]
let config = ConfigParser.parse(Array("user = gate:022:10000::\(mode)\n".utf8), file: "rssh.conf")
guard case .success(let policy) = config.policy(for: "gate") else {
    say("rsync-mode-gate: bad mode \(arguments[1])\n")
    exit(2)
}
let paths = ProgramPaths(
    configFile: "/gate/rssh.conf",
    chrootHelper: "/gate/rssh_chroot_helper",
    shell: "/gate/rssh",
    programs: [.rsync: "/usr/bin/rsync"]
)
let line = Array(arguments.dropFirst(3).joined(separator: " ").utf8)
do {
    let vetted = try CommandVetter.vet(
        line,
        policy: policy,
        paths: paths,
        expansion: FileSystemExpansion(homeDirectory: Array(".".utf8))
    )
    let failure = ProcessImage.exec(
        path: vetted.executable,
        arguments: vetted.arguments,
        environment: [Array("PATH=/usr/bin:/bin".utf8)],
        umask: 0o022,
        forbidNewPrivileges: true
    )
    say("rsync-mode-gate: exec failed: \(failure.description)\n")
    exit(2)
} catch {
    say("rsync-mode-gate: refused: \(error.description)\n")
    exit(1)
}
