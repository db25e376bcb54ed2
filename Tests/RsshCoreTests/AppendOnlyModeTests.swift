import Testing

@testable import RsshCore

/// The `appendonly` access mode (issue 18): its grammar, each program's allow-list, and the Landlock ruleset
/// that backs it.
struct AppendOnlyModeTests {
    @Test(arguments: [
        // (options field, access mode, or nil when it is a configuration error)
        ("appendonly", AccessMode.appendOnly as AccessMode?), ("appendonly,landlock", .appendOnly),
        ("checksums,appendonly", .appendOnly), ("appendonly,appendonly", .appendOnly),
        ("appendonly,readonly", nil), ("uploadonly,appendonly", nil), ("readonly,uploadonly,appendonly", nil),
        ("append-only", nil), ("appendOnly", nil), ("appendonly,", nil),
    ])
    func theOptionParsesAloneOrWithNonModeOptions(_ field: String, _ mode: AccessMode?) {
        let options = try? UserOptions.parse(Array(field.utf8))
        #expect(options?.accessMode == mode, "\(field)")
    }

    @Test(arguments: [
        "user = alice:022:00010::appendonly,readonly\n", "options = uploadonly,appendonly\n",
        "options = appendonly,readonly\nuser = alice:022:00010\n",
    ])
    func twoModesAreAConfigurationError(_ config: String) {
        let parsed = ConfigParser.parse(Array(config.utf8), file: "rssh.conf")
        #expect(parsed.errors.contains { $0.description.contains("one access mode per user") }, "\(config)")
    }

    @Test func theGlobalOptionsGiveTheMode() {
        let parsed = ConfigParser.parse(Array("options = appendonly\n".utf8), file: "rssh.conf")
        guard case .success(let policy) = parsed.policy(for: "alice") else {
            Issue.record("no policy")
            return
        }
        #expect(policy.accessMode == .appendOnly)
    }

    @Test(arguments: [
        // (command, allowed) for an append-only user with every program allowed.
        ("sftp-server", false), ("/usr/lib/openssh/sftp-server -e", false), ("scp -f a", true),
        ("scp -r -p -f a", true), ("scp -t .", false), ("scp -v -t -- -x", false),
        ("rsync --server -rtpe.iLsfxCIvu . a", true), ("rsync --server --sender -logDtpre.iLsfxC . a", true),
        ("rsync --server --delete -logDtpre.iLsfxC . a", false), ("cvs server", false), ("svnserve -t", false),
        ("rdist -Server", false),
    ])
    func decisionsFollowTheModeTable(_ command: String, _ allowed: Bool) {
        let shell = policyShell("user = alice:022:111111::appendonly,unconfinedexec\n")
        #expect((run(shell, command) != nil) == allowed, "\(command)")
    }

    @Test(arguments: [
        // (server command line, allowed), as the stock rsync 3.5.0 client sends them.
        ("rsync --server -logDtpre.iLsfxCIvu . dst/", true),
        ("rsync --server -vlogDtprze.iLsfxCIvu . dst/", true),
        ("rsync --server -vvvvlogDtpre.iLsfxCIvu . dst/", true),
        ("rsync --server -logDtpAXre.iLsfxCIvu . dst/", true),
        ("rsync --server -e.LsfxCIvu --ignore-existing --mkpath --fsync --stats . dst/", true),
        ("rsync --server -ce.LsfxCIvu --existing --size-only . dst/", true),
        ("rsync --server -e.LsfxCIvu --specials --safe-links . dst/", true),
        ("rsync --server --sender -logDtpre.iLsfxCIvu . src/", true),
        ("rsync --server --sender -de.LsfxCIvu --list-only . src/", true),
        ("rsync --server --sender -lHogDtpre.iLsfxCIvu . src/", false),
        // Nothing deletes, replaces, renames aside or writes into an existing file.
        ("rsync --server -e.LsfxCIvu --delete . dst/", false),
        ("rsync --server -e.LsfxCIvu --delete-after . dst/", false),
        ("rsync --server -e.LsfxCIvu --delete-missing-args . dst/", false),
        ("rsync --server -e.LsfxCIvu --max-delete=5 . dst/", false),
        ("rsync --server -e.LsfxCIvu --force . dst/", false),
        ("rsync --server --sender -e.LsfxCIvu --remove-source-files . src/", false),
        ("rsync --server -e.LsfxCIvu --remove-source-files . dst/", false),
        ("rsync --server -e.LsfxCIvu --remove-sent-files . dst/", false),
        ("rsync --server -be.LsfxCIvu . dst/", false),
        ("rsync --server -e.LsfxCIvu --backup-dir bk . dst/", false),
        ("rsync --server -e.LsfxCIvu --suffix=.x . dst/", false),
        ("rsync --server -e.LsfxCIvu --inplace . dst/", false),
        ("rsync --server -e.LsfxCIvu --append . dst/", false),
        ("rsync --server -e.LsfxCIvu --partial . dst/", false),
        ("rsync --server -e.LsfxCIvu --partial-dir .p . dst/", false),
        ("rsync --server -e.LsfxCIvu --delay-updates . dst/", false),
        ("rsync --server -e.LsfxCIvu --temp-dir /tmp . dst/", false),
        ("rsync --server -e.LsfxCIvu --link-dest ../old . dst/", false),
        ("rsync --server -e.LsfxCIvu --copy-dest ../old . dst/", false),
        ("rsync --server -e.LsfxCIvu --compare-dest ../old . dst/", false),
        ("rsync --server -e.LsfxCIvu --write-devices . dst/", false),
        ("rsync --server -e.LsfxCIvu --only-write-batch=X . dst/", false),
        ("rsync --server -rHe.LsfxCIvu . dst/", false),
        ("rsync --server -rKe.LsfxCIvu . dst/", false),
        ("rsync --server -rye.LsfxCIvu . dst/", false),
        ("rsync --server -e.LsfxCIvu --no-W . dst/", false),
    ])
    func rsyncsAllowList(_ command: String, _ allowed: Bool) {
        let shell = policyShell("user = alice:022:10000::appendonly\n")
        #expect((run(shell, command) != nil) == allowed, "\(command)")
    }

    @Test(arguments: [
        // (options, command, what rssh puts after `--server`)
        ("appendonly", "rsync --server -rtpe.iLsfxCIvu . a", ["--ignore-existing", "-rtpe.iLsfxCIvu"]),
        ("appendonly,landlock", "rsync --server -rtpe.iLsfxCIvu . a", ["--ignore-existing", "--inplace"]),
        (
            "appendonly,landlock", "rsync --server -rltpe.iLsfxCIvu . a",
            ["--ignore-existing", "--inplace", "--munge-links", "-rltpe.iLsfxCIvu"]
        ),
        ("appendonly,landlock", "rsync --server --sender -logDtpre.iLsfxC . a", ["--munge-links", "--sender"]),
        ("appendonly", "rsync --server -e.LsfxCIvu --ignore-existing . a", ["-e.LsfxCIvu", "--ignore-existing"]),
        (
            "appendonly", "rsync --server -rtpe.iLsfxCIvu . -- --ignore-existing",
            ["--ignore-existing", "-rtpe.iLsfxCIvu"]
        ),
        ("appendonly", "rsync --server --sender -logDtpre.iLsfxC . a", ["--sender", "-logDtpre.iLsfxC"]),
    ])
    func aReceiverSkipsWhatExists(_ options: String, _ command: String, _ expected: [String]) {
        let facts = SessionFacts(landlockABI: 7, landlockHome: safeHome)
        let argv = words(run(policyShell("user = alice:022:10000::\(options)\n", facts: facts), command))
        #expect(Array(argv.dropFirst(2).prefix(expected.count)) == expected, "\(options): \(command) -> \(argv)")
        let options = argv.prefix { $0 != "--" }
        #expect(options.filter { $0 == "--ignore-existing" }.count == (argv.contains("--sender") ? 0 : 1))
    }

    /// Whether rsync sends is what popt read in the client's words (the transfer log's plan follows it), not a
    /// word search: `--sender` as --debug's value is no sender, and rssh's own `--munge-links` changes nothing.
    @Test(arguments: [
        ("appendonly,landlock", "rsync --server --sender -logDtpre.iLsfxC . a", true),
        ("appendonly", "rsync --server --sender -logDtpre.iLsfxC . a", true),
        ("appendonly,landlock", "rsync --server -rtpe.iLsfxCIvu . a", false),
        ("appendonly", "rsync --server --debug --sender -rtpe.iLsfxCIvu . a", false),
    ])
    func theSenderIsWhatPoptRead(_ options: String, _ command: String, _ sender: Bool) throws {
        let facts = SessionFacts(landlockABI: 7, landlockHome: safeHome)
        let vetted = try #require(run(policyShell("user = alice:022:10000::\(options)\n", facts: facts), command))
        #expect(vetted.rsyncSender == sender, "\(options): \(command)")
    }

    @Test func aLandlockedAppendOnlySessionCannotRemoveOrRename() throws {
        typealias A = Landlock.Access
        let facts = SessionFacts(landlockABI: 7, landlockHome: safeHome)
        let vetted = run(
            policyShell("user = alice:022:10000::appendonly,landlock\n", facts: facts),
            "rsync --server -rtpe.iLsfxCIvu . a"
        )
        let home = try #require(vetted?.confinement?.rules.first { $0.path == alice.home })
        #expect(home.access & (A.removeFile | A.removeDir) == 0)
        // rsync's in-place receiver truncates each new file it wrote: the right stays (LandlockPlan).
        #expect(home.access & (A.writeFile | A.truncate) == A.writeFile | A.truncate)
        let plain = try #require(LandlockPlan.session(abi: 7, home: alice.home).rules.first)
        #expect(plain.access & (A.removeFile | A.removeDir) == A.removeFile | A.removeDir)
    }

    @Test(arguments: [
        (WinSCPCommand.scp(.download, preserve: false, path: Array("a".utf8)), true),
        (.scp(.upload, preserve: false, path: Array("a".utf8)), false),
        (.checksum(.sha256sum, paths: [Array("a".utf8)]), true),
        (.makeDirectory(Array("d".utf8)), true), (.remove(Array("a".utf8)), false),
        (.move(from: Array("a".utf8), to: Array("b".utf8)), false),
        (.link(target: Array("a".utf8), name: Array("b".utf8), symbolic: true), false),
        (.list(path: nil, directoryItself: false, fullTime: false), true),
    ])
    func theWinSCPResponderReadsBackAndNeverUploads(_ command: WinSCPCommand, _ allowed: Bool) {
        #expect((WinSCPAccessMode.appendOnly.refusal(of: command) == nil) == allowed, "\(command)")
    }

    @Test func everyProgramHasARuleAndTheTablesAreShown() {
        for program in TransferProgram.allCases { #expect(!AccessMode.appendOnly.rule(for: program).isEmpty) }
        #expect(AccessMode.appendOnly.rule(for: .sftp).hasPrefix("refused"))
        #expect(AccessMode.appendOnly.rule(for: .cvs) == "refused")
        let lines = RsyncOption.allowList(for: .appendOnly)
        #expect(
            lines.contains(
                "  added by rssh: --ignore-existing (a landlocked user: --ignore-existing --inplace --munge-links; "
                    + "as sender: --munge-links)"
            )
        )
        #expect(!lines.joined().contains("--delete"))
        let clientLists = lines.filter { !$0.hasPrefix("  added by rssh:") }.joined(separator: " ") + " "
        for option in ["--inplace ", "--munge-links "] {
            #expect(!clientLists.contains(option), "\(option)is rssh's to add, never the client's")
        }
    }
}
