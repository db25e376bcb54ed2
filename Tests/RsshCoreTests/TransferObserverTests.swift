import Testing

@testable import RsshCore

/// Collects what a `TransferObserver` writes.
struct CollectingSink: TransferSink {
    var lines: [String] = []
    var audits: [String] = []
    mutating func write(line: String, audit: String, success: Bool) {
        lines.append(line)
        audits.append(audit)
    }
}

private func unhex(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count - 1, by: 2).map { index in
        UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) ?? 0
    }
}

/// Relays `chunks` to `observer` as the relay does (bytes it announces as opaque are spliced: counted with
/// `skipped`, not shown), then ends the relay; returns how many bytes were skipped.
private func relay(_ chunks: [(RelayDirection, [UInt8])], to observer: inout TransferObserver<CollectingSink>) -> UInt64
{
    var skipped: UInt64 = 0
    for (direction, chunk) in chunks {
        var bytes = chunk[...]
        let ahead = Int(min(observer.opaqueBytesAhead(direction), UInt64(bytes.count)))
        if ahead > 0 {
            observer.skipped(UInt64(ahead), direction: direction)
            skipped += UInt64(ahead)
            bytes = bytes.dropFirst(ahead)
        }
        if !bytes.isEmpty { observer.observe(bytes, direction: direction) }
    }
    observer.relayEnded()
    return skipped
}

private func words(_ text: String) -> [[UInt8]] {
    text.split(separator: " ").map { Array($0.utf8) }
}

@Suite struct TransferObserverTests {
    /// Directories the table's `isDirectory` knows.
    static let directories: Set<String> = ["up", "in/dir"]

    static let plans: [(program: ServerProgram, command: String, jailed: Bool, plan: TransferPlan)] = [
        (.sftpServer, "/usr/lib/openssh/sftp-server -e -l VERBOSE", false, .sftpServer),
        (.sftpServer, "/usr/lib/openssh/sftp-server", true, .sftpServer),
        (.scp, "scp -t up", false, .scp(.sink, base: Array("up".utf8))),
        (.scp, "scp -r -d -t in/dir", false, .scp(.sink, base: Array("in/dir".utf8))),
        (.scp, "scp -t newname.txt", false, .scp(.sink, base: [])),
        (.scp, "scp -t up/", false, .scp(.sink, base: Array("up".utf8))),
        (.scp, "scp -t up", true, .scp(.sink, base: [])),  // a jail's file system is not the supervisor's
        (.scp, "scp -t up/", true, .scp(.sink, base: Array("up".utf8))),
        (.scp, "scp -f up/a.txt", false, .scp(.source, base: [])),
        (.scp, "scp -r -f up", false, .scp(.source, base: [])),
        (.scp, "scp -x up", false, .none),
        (.rsync, "rsync --server -logDtpre.iLsfxCIvu . up", false, .rsync(destination: Array("up".utf8))),
        (.rsync, "rsync --server -logDtpre.iLsfxCIvu . up/", false, .rsync(destination: Array("up".utf8))),
        (.rsync, "rsync --server -logDtpre.iLsfxCIvu . b.txt", false, .rsync(destination: [])),
        (.rsync, "rsync --server --sender -logDtpre.iLsfxCIvu . up/a", false, .rsync(destination: [])),
        // popt reads `--sender` here as --debug's value: rsync receives into up.
        (
            .rsync, "rsync --server --debug --sender -logDtpre.iLsfxCIvu . up", false,
            .rsync(destination: Array("up".utf8))
        ),
        (.rsync, "rsync --server -logDtpre.iLsfxCIvu . up", true, .none),  // no /proc in a jail
        (.cvs, "cvs server", false, .none),
        (.borg, "borg serve", false, .none),
    ]

    @Test(arguments: plans)
    func theProgramChoosesTheReader(
        _ row: (program: ServerProgram, command: String, jailed: Bool, plan: TransferPlan)
    ) {
        let arguments = words(row.command)
        // As the vetter finds it (VettedCommand.rsyncSender): --sender as popt read the client's words.
        let options = (try? CommandVetter.validate(row.program, arguments.dropFirst())) ?? []
        let plan = TransferPlan.choose(
            program: row.program,
            arguments: arguments,
            rsyncSender: row.program == .rsync && options.contains("sender"),
            jailed: row.jailed
        ) { Self.directories.contains(String(decoding: $0, as: UTF8.self)) }
        #expect(plan == row.plan, "\(row.command)")
    }

    static let format = "--log-file-format=rssh-transfer %o %l %f"
    static let vectors: [(command: String, plan: TransferPlan, expected: [String])] = [
        (
            "rsync --server -logDtpre.iLsfxCIvu . up/", .rsync(destination: []),
            ["rsync", "--server", "--log-file=/proc/self/fd/3", format, "-logDtpre.iLsfxCIvu", ".", "up/"]
        ),
        (
            "rsync --server --sender --munge-links -vlogDtpre.iLsfxCIvu . a", .rsync(destination: []),
            [
                "rsync", "--server", "--log-file=/proc/self/fd/3", format, "--sender", "--munge-links",
                "-vlogDtpre.iLsfxCIvu", ".", "a",
            ]
        ),
        ("rsync --server . up", .none, ["rsync", "--server", ".", "up"]),  // jailed: unchanged
        ("scp -t up", .scp(.sink, base: []), ["scp", "-t", "up"]),
        ("/usr/lib/openssh/sftp-server", .sftpServer, ["/usr/lib/openssh/sftp-server"]),
    ]

    @Test(arguments: vectors)
    func rsyncGetsItsLogRightAfterServer(_ row: (command: String, plan: TransferPlan, expected: [String])) {
        let result = TransferPlan.rsyncArguments(words(row.command), plan: row.plan)
        #expect(result.map { String(decoding: $0, as: UTF8.self) } == row.expected)
    }

    static let sftpVectors: [(options: UserOptions, administrator: String, expected: String)] = [
        ([], "", "/usr/lib/openssh/sftp-server -u 0022"),
        ([], "-l INFO -f LOCAL5", "/usr/lib/openssh/sftp-server -l INFO -f LOCAL5 -u 0022"),
        (.supervised, "", "/usr/lib/openssh/sftp-server -u 0022 -e -l VERBOSE"),
        (.supervised, "-l INFO -f LOCAL5", "/usr/lib/openssh/sftp-server -l INFO -f LOCAL5 -u 0022 -e -l VERBOSE"),
        ([.supervised, .readOnly], "", "/usr/lib/openssh/sftp-server -R -u 0022 -e -l VERBOSE"),
    ]

    @Test(arguments: sftpVectors)
    func sftpServerLogsToStderrOnlyWhenSupervised(
        _ row: (options: UserOptions, administrator: String, expected: String)
    ) throws {
        let policy = UserPolicy(
            programs: everything,
            umask: 0o022,
            chrootPath: nil,
            source: .global,
            options: row.options,
            sftpServerOptions: words(row.administrator)
        )
        let vetted = try CommandVetter.vet(
            Array("/usr/lib/openssh/sftp-server".utf8),
            policy: policy,
            paths: debianPaths,
            expansion: FileSystemExpansion.literal(homeDirectory: Array("/home/u".utf8))
        )
        #expect(vetted.arguments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ") == row.expected)
    }

    @Test func sftpServersLogStaysHereAndEveryLineCarriesTheUser() {
        var observer = TransferObserver(
            plan: .sftpServer,
            log: TransferLog(session: "s1", user: "alice"),
            sink: CollectingSink()
        )
        #expect(observer.filtersProgramLines && !observer.wantsBytes)
        // The chroot helper's message comes before sftp-server's log: the client gets it.
        let before = observer.passesProgramLine(Array("rssh_chroot_helper: note".utf8))
        #expect(before)
        for line in SftpServerLogs.verbose {
            let passed = observer.passesProgramLine(line + [13])
            #expect(!passed)
        }
        // Once the log has begun, everything on stderr is sftp-server's.
        let after = observer.passesProgramLine(Array("no CR".utf8))
        #expect(!after)
        observer.relayEnded()
        #expect(!observer.sink.lines.isEmpty)
        #expect(observer.sink.lines.allSatisfy { $0.hasPrefix("transfer session=s1 user=\"alice\" op=") })
        #expect(observer.sink.audits.allSatisfy { $0.hasPrefix("op=rssh-transfer session=s1 acct=") })
        #expect(observer.sink.lines.contains { $0.contains("op=upload path=\"/tmp/tl/area/up.bin\" bytes=1000000") })
    }

    @Test func scpRecordsAreReadBeforeTheyAreRelayed() {
        var observer = TransferObserver(
            plan: .scp(.sink, base: Array("dst".utf8)),
            log: TransferLog(session: "s2", user: "bob"),
            sink: CollectingSink()
        )
        #expect(observer.wantsBytes && !observer.filtersProgramLines)
        for chunk in ScpSessions.upload {
            observer.observe(ArraySlice(unhex(chunk.hex)), direction: chunk.fromClient ? .fromClient : .toClient)
        }
        observer.relayEnded()
        #expect(
            observer.sink.lines.first
                == "transfer session=s2 user=\"bob\" op=upload path=\"dst/a.txt\" bytes=6 result=ok"
        )
    }

    /// As the relay moves them: file data the observer announces is spliced and only counted.
    @Test func scpFileDataIsAnnouncedAndCountedWithoutBeingShown() {
        var observer = TransferObserver(
            plan: .scp(.sink, base: Array("dst".utf8)),
            log: TransferLog(session: "s2", user: "bob"),
            sink: CollectingSink()
        )
        #expect(observer.opaqueBytesAhead(.toClient) == 0, "the program is the sink: nothing to skip")
        let chunks = ScpSessions.upload.map { chunk -> (RelayDirection, [UInt8]) in
            (chunk.fromClient ? .fromClient : .toClient, unhex(chunk.hex))
        }
        #expect(relay(chunks, to: &observer) > 0)
        #expect(
            observer.sink.lines == [
                "transfer session=s2 user=\"bob\" op=upload path=\"dst/a.txt\" bytes=6 result=ok",
                "transfer session=s2 user=\"bob\" op=upload path=\"dst/d1/d2/c.txt\" bytes=4 result=ok",
                "transfer session=s2 user=\"bob\" op=upload path=\"dst/d1/b.bin\" bytes=300 result=ok",
                "transfer session=s2 user=\"bob\" op=upload path=\"dst/empty\" bytes=0 result=ok",
            ]
        )
    }

    @Test func rsyncsLogComesFromItsPipeAndTheCapClosesIt() {
        var observer = TransferObserver(
            plan: .rsync(destination: Array("up".utf8)),
            log: TransferLog(session: "s3", user: "carol", limit: 2),
            sink: CollectingSink()
        )
        #expect(!observer.wantsBytes && !observer.filtersProgramLines)
        let log = (1...3).map { "2026/12/06 08:00:0\($0) [42] rssh-transfer recv \($0 * 10) f\($0).txt\n" }.joined()
        observer.programLog(ArraySlice(Array(log.utf8)))
        observer.relayEnded()
        #expect(
            observer.sink.lines == [
                "transfer session=s3 user=\"carol\" op=upload path=\"up/f1.txt\" bytes=10 result=ok",
                "transfer session=s3 user=\"carol\" op=upload path=\"up/f2.txt\" bytes=20 result=ok",
                "transfer session=s3 user=\"carol\" op=cap 1 further transfers not logged (cap of 2 per session)",
            ]
        )
        #expect(
            observer.sink.audits.last == "op=rssh-transfer session=s3 acct=\"carol\" transfer=cap notlogged=1 cap=2"
        )
    }

    /// WinSCP's SCP mode: the supervisor reads the command stream for its scp runs.
    @Test func aWinSCPSessionsScpRunsHaveTransferLines() {
        var observer = TransferObserver(
            plan: .winscp,
            log: TransferLog(session: "s4", user: "dave"),
            sink: CollectingSink()
        )
        #expect(observer.wantsBytes && !observer.filtersProgramLines)
        let line =
            "echo \"WinSCP: this is begin-of-file\" ; scp -r -d -t \"/home/dave/up\" ; "
            + "echo \"WinSCP: this is end-of-file:$?\"\n"
        let chunks: [(RelayDirection, [UInt8])] = [
            (.fromClient, Array(line.utf8)), (.toClient, Array("WinSCP: this is begin-of-file\n".utf8) + [0]),
            (.fromClient, Array("C0644 3 f.txt\n".utf8)), (.toClient, [0]),
            (.fromClient, Array("abc".utf8) + [0]), (.toClient, [0]),
            (.fromClient, Array("E\n".utf8)), (.toClient, [0] + Array("WinSCP: this is end-of-file:0\n".utf8)),
        ]
        #expect(relay(chunks, to: &observer) == 3)
        #expect(
            observer.sink.lines == [
                "transfer session=s4 user=\"dave\" op=upload path=\"/home/dave/up/f.txt\" bytes=3 result=ok"
            ]
        )
    }

    /// A jailed interactive login is WinSCP's SCP mode only for a user who has it.
    @Test(arguments: [(UserOptions.winscp, TransferPlan.winscp), (UserOptions(), TransferPlan.none)])
    func aJailedInteractiveLoginIsReadAsWinSCPOnlyWithTheOption(_ options: UserOptions, _ plan: TransferPlan) {
        let policy = UserPolicy(
            programs: everything,
            umask: 0o022,
            chrootPath: "/srv/jail",
            source: .global,
            options: options.union(.supervised)
        )
        #expect(LoginShell.transferPlan([], policy: policy, paths: debianPaths) == plan)
    }
}
