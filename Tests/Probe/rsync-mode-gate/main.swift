// The rsync mode gate for Tests/Modes/rsync_modes.py: an rsync `-e` program that stands in for ssh and
// rssh. It joins the remote command as ssh does, vets it with RsshCore for a user with the given access
// mode, and execs the real rsync with the argument vector rssh would run (or exits 1 with the refusal),
// so the property test drives the real rsync binary through rssh's decision.
//
// MODE is the user's options field (`readonly`, `appendonly,landlock`, …). With `landlock` the gate also
// confines the real rsync as rssh would, with the served directory (RSYNC_GATE_HOME) as the home. With
// RSYNC_GATE_UNVETTED set it skips rssh's decision and runs the client's words as they are, to show what the
// Landlock ruleset alone refuses (the kernel's backing of a mode, should an allow-list ever let too much by).
//
// Usage (as rsync runs it): rsync-mode-gate MODE HOST WORD...
import CRsshLibc
import CRsshShims
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
    var executable = "/usr/bin/rsync"
    var argv = arguments.dropFirst(3).map { Array($0.utf8) }
    if getenv("RSYNC_GATE_UNVETTED") == nil || !policy.options.contains(.landlock) {
        let vetted = try CommandVetter.vet(
            line,
            policy: policy,
            paths: paths,
            expansion: FileSystemExpansion(homeDirectory: Array(".".utf8))
        )
        executable = vetted.executable
        argv = vetted.arguments
    }
    if policy.options.contains(.landlock) {
        let home = Array((getenv("RSYNC_GATE_HOME").map { String(cString: $0) } ?? "").utf8)
        let plan = LandlockPlan.session(abi: Landlock.abi(), home: home, appendOnly: policy.accessMode == .appendOnly)
        guard !home.isEmpty, CRsshShims_set_no_new_privs() == 0 else {
            say("rsync-mode-gate: RSYNC_GATE_HOME is not set, or no_new_privs failed\n")
            exit(2)
        }
        if let failure = plan.apply() {
            say("rsync-mode-gate: landlock: \(failure.description)\n")
            exit(2)
        }
    }
    let failure = ProcessImage.exec(
        path: executable,
        arguments: argv,
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
