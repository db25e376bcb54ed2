// Prints what RsshCore decides for each input file, so the Embedded and the normal compilation of the
// same sources can be compared byte for byte (make differential). Each file is read twice: as rssh.conf
// (the `rssh -v` report and the policies) and as a command line (the decision, the log line, the audit
// message and the argument vector, for a plain, a chrooted, a readonly and an uploadonly user).
import CRsshLibc
import CRsshShims

#if RSSH_EMBEDDED
import RsshCoreEmbedded
#else
import RsshCore
#endif

/// The configuration every command is decided against: one plain and one chrooted user, all programs.
let commandConfig = ConfigParser.parse(
    Array(
        """
        allowscp
        allowsftp
        allowrsync
        allowcvs
        allowrdist
        allowsvnserve
        user = probe:022:111111::checksums,borg,git,unconfinedexec
        user = jailed:027:111111:/srv/jail:git
        user = reader:022:111111::readonly,checksums,borg,git
        user = dropper:022:111111::uploadonly
        user = locked:022:111111::landlock,checksums
        profile = narrow:077:10011::uploadonly,root=in
        profile = reads:022:00011::readonly,checksums
        profile = wide:022:111111::unconfinedexec

        """.utf8
    ),
    file: "/probe/rssh.conf"
)

let paths: ProgramPaths = {
    var programs: [ServerProgram: String] = [
        .sftpServer: "/usr/lib/openssh/sftp-server", .scp: "/usr/bin/scp", .cvs: "/usr/bin/cvs",
        .rdist: "/usr/bin/rdist", .rdistd: "/usr/sbin/rdistd", .rsync: "/usr/bin/rsync",
        .svnserve: "/usr/bin/svnserve", .borg: "/usr/bin/borg",
    ]
    for (program, path) in ProgramPaths.checksumPaths(in: "/usr/bin") { programs[program] = path }
    for (program, path) in ProgramPaths.gitPaths(git: "/usr/bin/git") { programs[program] = path }
    return ProgramPaths(
        configFile: "/probe/rssh.conf",
        chrootHelper: "/probe/libexec/rssh_chroot_helper",
        shell: "/probe/bin/rssh",
        programs: programs
    )
}()

func emit(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.append(0x0A)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { buffer -> Int in
            guard let base = buffer.baseAddress else { return -1 }
            return write(1, base + offset, buffer.count - offset)
        }
        guard written > 0 else { exit(2) }
        offset += written
    }
}

/// A landlocked user's home that passes the session's checks: its own, below root's, `.ssh` immutable.
func probeHome(_ user: String) -> LandlockHome {
    let root = FileStatus(owner: 0, mode: 0o040755)
    let own = FileStatus(owner: 1005, mode: 0o040750)
    return LandlockHome(
        home: Array("/home/\(user)".utf8),
        resolved: Array("/home/\(user)".utf8),
        status: own,
        ancestors: [
            LandlockHome.Ancestor(path: Array("/".utf8), status: root),
            LandlockHome.Ancestor(path: Array("/home".utf8), status: root),
        ],
        ssh: SshDirectory(status: root, immutable: true, home: own)
    )
}

func describe(_ outcome: ShellOutcome) -> String {
    var decision = outcome.decision
    decision.audit = "probe"
    var text = decision.logLine + "\naudit: " + AuditMessage.build(decision)
    switch outcome {
    case .run(let vetted, let environment, let umask, _):
        text += "\nrun \(vetted.executable) umask \(umask)"
        for argument in vetted.arguments { text += " [" + Printable.text(argument) + "]" }
        for entry in environment { text += "\nenv " + Printable.text(entry) }
        for rule in vetted.confinement?.rules ?? [] {
            text += "\nlandlock \(rule.access) " + Printable.text(rule.displayPath) + (rule.entered ? " (start)" : "")
        }
    case .chroot(let helper, let command, _, let umask, _):
        text += "\nchroot via \(helper) umask \(umask): " + Printable.text(command)
    case .respond(let session, _):
        text += "\nrespond as \(session.access) umask \(session.umask) home " + Printable.text(session.home)
    case .answer(let bytes, _):
        text += "\nanswer: " + Printable.text(bytes)
    case .refuse:
        text += "\nrefuse: " + Printable.text(outcome.userMessage ?? "")
    }
    return text
}

/// Deterministic variants of an input: truncations and single-byte substitutions with the bytes that matter
/// to the grammars (quotes, separators, globs, control characters, non-ASCII), from a SplitMix64 stream.
func mutants(of bytes: [UInt8], count: Int, seed: UInt64) -> [[UInt8]] {
    let interesting: [UInt8] =
        Array(" \t\n\"'\\;:=#*?[]{}~$`|&<>-/.0123456789".utf8) + [0x00, 0x01, 0x7F, 0x80, 0xC3, 0xFF]
    var state = seed
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    var result: [[UInt8]] = []
    for round in 0..<count where !bytes.isEmpty {
        var variant = bytes
        let position = Int(next() % UInt64(bytes.count))
        if round % 4 == 0 {
            variant.removeSubrange(position...)
        } else {
            variant[position] = interesting[Int(next() % UInt64(interesting.count))]
        }
        result.append(variant)
    }
    return result
}

func probe(_ label: String, _ bytes: [UInt8], full: Bool = true) {
    emit("== " + label)
    let configuration = ConfigParser.parse(bytes, file: "/probe/rssh.conf")
    let report = VersionReport(
        paths: paths,
        configuration: .success(configuration),
        isExecutable: { $0.hasPrefix("/usr/") },
        shellCanAudit: true,
        auditDaemonProblem: nil
    ).render()
    emit(report.text + "healthy: \(report.healthy)")
    let environment = [Array("SSH_CONNECTION=192.0.2.1 4242 192.0.2.2 22".utf8), Array("LANG=C.UTF-8".utf8)]
    let users = [("probe", UInt32(1001)), ("jailed", 1002), ("reader", 1003), ("dropper", 1004)]
    for (user, uid) in users {
        let shell = LoginShell(
            paths: paths,
            account: Account(name: user, uid: uid, gid: uid, home: Array("/home/\(user)".utf8), shell: []),
            configuration: .success(commandConfig),
            environment: environment
        )
        let home = Array("/home/\(user)".utf8)
        let outcome = shell.decide(command: bytes, expansion: FileSystemExpansion.literal(homeDirectory: home))
        emit(describe(outcome))
        explain(shell, bytes, outcome, full: full)
    }
    // The same bytes as the client's command under each profile a key's forced command selects.
    for (user, profile) in [("locked", "narrow"), ("locked", "reads"), ("probe", "reads"), ("reader", "wide")] {
        let shell = LoginShell(
            paths: paths,
            account: Account(name: user, uid: 1005, gid: 1005, home: Array("/home/\(user)".utf8), shell: []),
            configuration: .success(commandConfig),
            environment: environment + [Array("SSH_ORIGINAL_COMMAND=".utf8) + bytes],
            facts: SessionFacts(landlockABI: 7, landlockHome: probeHome(user))
        )
        let selector = Array("rssh-profile \(profile)".utf8)
        let home = Array("/home/\(user)".utf8)
        emit(
            "profile \(profile): "
                + describe(shell.decide(command: selector, expansion: FileSystemExpansion.literal(homeDirectory: home)))
        )
    }
    // The same bytes as the command of a WinSCP line: the responder's grammar in both compilations.
    emit("winscp: " + describeWinSCP(bytes + Array(" ; echo \"WinSCP: this is end-of-file:$?\"".utf8)))
    for line in transferLines(bytes) { emit(line) }
}

/// The same bytes through the transfer log's readers: as an scp session (the first byte picks the role, then
/// chunks of a header byte, bit 7 for the client's side, and up to 127 bytes, as FuzzTransfer reads them),
/// as sftp-server's log at both levels and as rsync's log; each record as its log line and audit text.
func transferLines(_ bytes: [UInt8]) -> [String] {
    guard let first = bytes.first else { return [] }
    var records: [TransferRecord] = []
    var observer = ScpStreamObserver(role: first & 1 == 0 ? .sink : .source, base: Array("in".utf8))
    var index = 1
    while index < bytes.count {
        let end = min(bytes.count, index + 1 + Int(bytes[index] & 0x7F))
        let chunk = Array(bytes[(index + 1)..<end])
        records += bytes[index] & 0x80 != 0 ? observer.fromClient(chunk) : observer.fromProgram(chunk)
        index = end
    }
    records += observer.finish()
    for level in [SftpServerLogParser.Level.debug, .info] {
        var parser = SftpServerLogParser(level: level)
        records += parser.feed(bytes) + parser.finish()
    }
    var rsync = RsyncLogParser(destination: Array("dst/".utf8))
    records += rsync.feed(bytes)
    var log = TransferLog(session: "probe", limit: 8)
    var lines: [String] = []
    for record in records {
        if let line = log.line(for: record) {
            lines.append("transfer: " + line + "\naudit: " + record.auditMessage(session: "probe"))
        }
    }
    if let closing = log.closingLine { lines.append("transfer: " + closing) }
    return lines
}

/// `rsshctl explain`'s view of the same decision: its whole text for an input itself (compared across the two
/// compilations), and for every input a check that its verdict and argument vector are the shell's; a
/// disagreement ends the probe with status 3, so make differential fails.
func explain(_ shell: LoginShell, _ bytes: [UInt8], _ outcome: ShellOutcome, full: Bool) {
    let explanation = Explanation(shell: shell, command: bytes)
    var vector: String?
    if case .run(let vetted, _, _, _) = outcome { vector = Explanation.render(vetted.arguments) }
    guard explanation.verdict == (outcome.decision.allowed ? .allowed : .refused), explanation.argumentVector == vector,
        explanation.outcome == outcome
    else {
        emit("EXPLAIN MISMATCH for " + Printable.text(bytes))
        exit(3)
    }
    emit(full ? "explain:\n" + explanation.text : "explain: \(explanation.verdict.rawValue) \(vector ?? "-")")
}

func describeWinSCP(_ bytes: [UInt8]) -> String {
    let line: WinSCPLine
    do {
        line = try WinSCPLine.parse(bytes)
    } catch {
        return "refused: " + error.description
    }
    do {
        let command = try WinSCPCommand.parse(line)
        return "accepted, read-only: " + (WinSCPAccessMode.readOnly.refusal(of: command) ?? "allowed")
            + ", upload-only: " + (WinSCPAccessMode.uploadOnly.refusal(of: command) ?? "allowed")
    } catch {
        return "refused (\(error.status)): " + error.description
    }
}

/// `--landlock-selftest HOME OUTSIDE PORT`: confines this process as a landlocked session and probes it.
///
/// The ruleset is applied with no_new_privs, as rssh does; then each thing the program must or must not
/// be able to do is tried, one `name=ok` or `name=errno N` line each. The last try execs a script in
/// HOME, which must fail.
func landlockSelfTest(_ arguments: [[UInt8]]) -> Never {
    guard arguments.count == 4, let port = UInt16(String(decoding: arguments[3], as: UTF8.self)) else { exit(2) }
    let home = String(decoding: arguments[1], as: UTF8.self)
    let outside = String(decoding: arguments[2], as: UTF8.self)
    let abi = Landlock.abi()
    emit("abi=\(abi)")
    guard prctl_no_new_privs() else { exit(3) }
    if let failure = LandlockPlan.session(abi: abi, home: Array(home.utf8)).apply() {
        emit("apply=\(failure.description)")
        exit(4)
    }
    func report(_ name: String, _ status: Int32) {
        emit(name + "=" + (status >= 0 ? "ok" : "errno \(-status)"))
    }
    func opened(_ fd: Int32) -> Int32 {
        guard fd >= 0 else { return -CRsshLibc_errno() }
        close(fd)
        return 0
    }
    report("mkdir-home", mkdir(home + "/d", 0o755) == 0 ? 0 : -CRsshLibc_errno())
    report("create-home", opened(CRsshLibc_create(home + "/a", 0o644)))
    report("rename-across-home", rename(home + "/a", home + "/d/a") == 0 ? 0 : -CRsshLibc_errno())
    report("read-etc-passwd", opened(CRsshLibc_open("/etc/passwd", O_RDONLY)))
    report("read-outside", opened(CRsshLibc_open(outside, O_RDONLY)))
    report("write-tmp", opened(CRsshLibc_create("/tmp/rssh-landlock-selftest", 0o644)))
    report("list-root", opened(CRsshLibc_open("/", O_RDONLY | O_DIRECTORY)))
    report("read-through-symlink", opened(CRsshLibc_open(home + "/outside-link", O_RDONLY)))
    report("tcp-connect", CRsshLibc_connect_loopback(port))
    let script = home + "/x.sh"
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup(script), nil]
    let envp: [UnsafeMutablePointer<CChar>?] = [nil]
    execve(script, argv, envp)
    report("exec-home", -CRsshLibc_errno())
    exit(0)
}

func prctl_no_new_privs() -> Bool {
    // The probe is no privileged binary: it reaches prctl through rssh's own shim.
    CRsshShims_set_no_new_privs() == 0
}

let probeArguments = ArgumentVector.afterFirst()
if probeArguments.first == Array("--landlock-selftest".utf8) { landlockSelfTest(probeArguments) }

for (index, path) in probeArguments.enumerated() {
    let name = String(decoding: path, as: UTF8.self)
    guard case .success(let bytes) = ConfigFile.read(name, trustedOwner: getuid()) else {
        emit("== " + Printable.text(path) + ": unreadable")
        continue
    }
    probe(Printable.text(path), bytes)
    for (number, variant) in mutants(of: bytes, count: 60, seed: UInt64(index)).enumerated() {
        probe(Printable.text(path) + " mutant \(number)", variant, full: false)
    }
}

// The responder and the listing in both compilations: a session with no input ends at once with status 0.
func runResponderWithoutInput() -> Int32 {
    var responder = WinSCPResponder(
        configuration: .init(scpPath: "/usr/bin/scp", access: .readOnly, homeDirectory: [], environment: [], input: -1),
        record: { _ in true }
    )
    return responder.run()
}
emit("== winscp responder without input: \(runResponderWithoutInput())")
let listing = WinSCPListing.render(
    [
        .init(
            name: Array(" a file.txt".utf8),
            mode: 0o104755,
            linkCount: 1,
            owner: Array("llt".utf8),
            group: Array("llt".utf8),
            size: 13,
            modified: (1_700_000_000, 5)
        )
    ],
    fullTime: true,
    total: true,
    now: 1_700_000_000
)
emit(Printable.text(listing))
