import Testing

@testable import RsshCore

private let landlocked = SessionFacts(landlockABI: 7, landlockHome: safeHome)

/// The `borg` option: `borg serve` with the client's options checked against borg 1.2's own table and the
/// restriction to the home always added by rssh.
struct BorgServeTests {
    /// What rssh always puts first: the restriction and the umask (borg's default 077 with the admin's 022).
    static let restricted = ["borg", "serve", "--restrict-to-path", "/home/alice", "--umask=0077"]

    @Test(
        arguments: [
            // (command line, what follows `restricted`, or nil when refused)
            ("borg serve", []),  // borg 1.2 at warning level
            ("borg serve --info", ["--info"]),  // borg create -v
            ("borg serve --debug", ["--debug"]),
            ("borg serve --error", ["--error"]),
            ("borg serve --critical", ["--critical"]),
            ("borg serve --warning", ["--warning"]),
            ("borg serve -v", ["--info"]),
            ("borg serve --verbose --debug", ["--debug"]),  // the last one wins, as in argparse
            (
                "borg serve --debug --debug-topic=borg.debug.repository",
                ["--debug", "--debug-topic=borg.debug.repository"]
            ),
            ("borg serve --debug-topic repository.compaction", ["--debug-topic=repository.compaction"]),
            ("borg serve --lock-wait=600", ["--lock-wait=600"]),
            ("borg serve --lock-wait 5", ["--lock-wait=5"]),
            ("/usr/bin/borg serve --info", ["--info"]),
            ("borg serve --restrict-to-path /", nil),  // borg would take the union: a widening
            ("borg serve --restrict-to-path=/home/alice/sub", nil),
            ("borg serve --restrict-to-repository /etc", nil),
            ("borg serve --append-only", nil),
            ("borg serve --storage-quota=5G", nil),  // would replace the repository's quota
            ("borg serve --debug-profile=/home/alice/p", nil),
            ("borg serve --rsh=sh", nil), ("borg serve --remote-path=x", nil), ("borg serve --show-rc", nil),
            ("borg serve --umas=000", nil),  // no abbreviations
            ("borg serve --debug-topic", nil), ("borg serve --debug-topic=-x", nil),
            ("borg serve --debug-topic=a/b", nil), ("borg serve --lock-wait=x", nil), ("borg serve --umask=8", nil),
            ("borg serve --umask=01000", nil), ("borg serve x", nil), ("borg", nil), ("borg init", nil),
            ("borg --info serve", nil), ("borg serve; id", nil), ("borg1 serve", nil),
        ] as [(String, [String]?)]
    )
    func borgServe(_ command: String, _ tail: [String]?) {
        let vetted = run(policyShell("user = alice:022:00000::borg\n"), command)
        let first = command.hasPrefix("/") ? ["/usr/bin/borg"] : ["borg"]
        #expect(vetted.map { words($0) } == tail.map { first + Self.restricted.dropFirst() + $0 }, "\(command)")
        if let vetted { #expect(vetted.executable == "/usr/bin/borg") }
    }

    @Test(
        arguments: [
            // (client umask, administrator's umask, what borg gets): a client can only add bits.
            ("--umask=077", "022", "--umask=0077"), ("--umask=000", "022", "--umask=0022"),
            ("--umask=0002", "027", "--umask=0027"), ("--umask 7", "000", "--umask=0007"),
            ("", "000", "--umask=0077"),
        ]
    )
    func umaskOnlyNarrows(_ client: String, _ admin: String, _ expected: String) {
        let vetted = run(policyShell("user = alice:\(admin):00000::borg\n"), "borg serve \(client)")
        #expect(words(vetted).contains(expected), "\(words(vetted))")
    }

    @Test func theOptionModesAndConfinement() {
        #expect(run(policyShell("user = alice:022:11111\n"), "borg serve") == nil, "no borg option")
        #expect(run(policyShell("allowsftp\noptions = borg\n"), "borg serve") != nil, "global options")
        #expect(run(policyShell("user = alice:022:00000::borg,readonly\n"), "borg serve") == nil)
        #expect(run(policyShell("user = alice:022:00000::borg,uploadonly\n"), "borg serve") == nil)
        // appendonly: borg's own --append-only right after rssh's restriction; a client cannot send it.
        let appending = run(policyShell("user = alice:022:00000::borg,appendonly\n"), "borg serve --info")
        #expect(words(appending) == Array(Self.restricted.prefix(4)) + ["--append-only", "--umask=0077", "--info"])
        #expect(run(policyShell("user = alice:022:00000::borg,appendonly\n"), "borg serve --append-only") == nil)
        // borg removes its own lock and index files: Landlock keeps REMOVE for it, --append-only holds instead.
        let removal = Landlock.Access.removeFile | Landlock.Access.removeDir
        for (program, kept) in [(ServerProgram.borg, true), (.gitReceivePack, true), (.rsync, false)] {
            let plan = LandlockPlan.session(abi: 7, home: alice.home, program: program, appendOnly: true)
            let home = plan.rules.first { $0.path == alice.home }
            #expect(home.map { $0.access & removal == removal } == kept, "\(program.name)")
        }
        let confined = run(policyShell("user = alice:022:00000::borg,landlock\n", facts: landlocked), "borg serve")
        #expect(words(confined) == Self.restricted, "a landlocked user runs borg")
        let plan = confined?.confinement
        #expect(plan?.rules.contains { $0.path == Array("/etc/python3.11".utf8) } == true, "Python's /etc")
        let home = plan?.rules.first { $0.path == alice.home }
        #expect(home.map { $0.access & Landlock.Access.execute == 0 } == true, "home never executable")
    }

    @Test func aJailIsAConfigurationError() {
        let line = ConfigParser.parse(Array("user = alice:022:00000:/srv/jail:borg\n".utf8), file: "rssh.conf")
        #expect(line.errors.contains { $0.description.contains("borg and a chroot path cannot be combined") })
        let global = ConfigParser.parse(Array("allowsftp\nchrootpath=/srv/jail\noptions=borg\n".utf8), file: "f")
        #expect(global.errors.contains { $0.description.contains("options borg and chrootpath") })
        // Defence in depth: the policy refuses borg in a jail even if the parser let it through.
        var policy = UserPolicy(programs: [], umask: 0o022, chrootPath: "/srv/jail", source: .global, options: .borg)
        #expect(policy.confinementProblem(for: .borg) != nil)
        policy.chrootPath = nil
        #expect(policy.confinementProblem(for: .borg) == nil)
    }

    @Test func theEnvironmentHasNoUserSiteAndNoForcedCommand() {
        let environment = ExecEnvironment.build(
            for: .borg,
            account: alice,
            home: alice.home,
            inherited: [Array("SSH_ORIGINAL_COMMAND=borg serve --restrict-to-path /".utf8), Array("BORG_X=1".utf8)]
        ).map { String(decoding: $0, as: UTF8.self) }
        #expect(environment.contains("PYTHONNOUSERSITE=1"))
        #expect(!environment.contains { $0.hasPrefix("SSH_ORIGINAL_COMMAND") || $0.hasPrefix("BORG") })
    }
}

/// The `git` option: git's three server programs on one repository beneath the home, hardened, and only for a
/// jailed user or with `unconfinedexec` (git runs commands by design).
struct GitServerTests {
    static let hardening = GitServerValidator.configuration.flatMap { ["-c", $0] }

    @Test(
        arguments: [
            // (command line, the subcommand and path git runs, or nil when refused)
            ("git-upload-pack '/home/alice/r.git'", ["upload-pack", "/home/alice/r.git"]),  // git clone
            ("git-receive-pack '/home/alice/r.git'", ["receive-pack", "/home/alice/r.git"]),  // git push
            ("git-upload-archive '/home/alice/r.git'", ["upload-archive", "/home/alice/r.git"]),
            ("git upload-pack '/home/alice/r.git'", ["upload-pack", "/home/alice/r.git"]),  // git-shell's spelling
            ("git receive-pack '/home/alice/r.git'", ["receive-pack", "/home/alice/r.git"]),
            ("git upload-archive '/home/alice/r.git'", ["upload-archive", "/home/alice/r.git"]),
            ("/usr/bin/git-upload-pack '/home/alice/r.git'", ["upload-pack", "/home/alice/r.git"]),
            ("/usr/bin/git upload-pack '/home/alice/r.git'", ["upload-pack", "/home/alice/r.git"]),
            ("git-upload-pack 'r.git'", ["upload-pack", "/home/alice/r.git"]),  // host:r.git
            ("git-upload-pack '~/r.git'", ["upload-pack", "/home/alice/r.git"]),  // ssh://host/~/r.git
            ("git-upload-pack '~'", ["upload-pack", "/home/alice"]),
            ("git-upload-pack '/home/alice/./a//r.git/'", ["upload-pack", "/home/alice/a/r.git"]),
            ("git-upload-pack 'it'\\''s.git'", ["upload-pack", "/home/alice/it's.git"]),  // sq_quote of a quote
            ("git-upload-pack '/home/alice/../bob/r.git'", nil), ("git-upload-pack '/etc'", nil),
            ("git-upload-pack '/home/alicex/r.git'", nil), ("git-upload-pack '~bob/r.git'", nil),
            ("git-upload-pack '../r.git'", nil), ("git-upload-pack", nil), ("git-upload-pack a b", nil),
            ("git-upload-pack '--help'", nil), ("git-upload-pack ''", nil), ("git upload-pack", nil),
            ("git-upload-pack '/home/alice/r.git'; id", nil), ("git clone /x", nil), ("git", nil),
            ("git-shell -c x", nil), ("git -c core.hooksPath=/tmp upload-pack r.git", nil),
            ("'git' upload-pack r.git", nil), ("git-upload-pack --strict r.git", nil),
        ] as [(String, [String]?)]
    )
    func gitServer(_ command: String, _ tail: [String]?) {
        let vetted = run(policyShell("user = alice:022:00000::git,unconfinedexec\n"), command)
        #expect(vetted.map { words($0) } == tail.map { ["git"] + Self.hardening + $0 }, "\(command)")
        if let vetted { #expect(vetted.executable == "/usr/bin/git" && vetted.programName.hasPrefix("git-")) }
    }

    @Test(
        arguments: [
            // (options, allowed: upload-pack, receive-pack, upload-archive)
            ("git,unconfinedexec", [true, true, true]), ("git,unconfinedexec,readonly", [true, false, true]),
            ("git,unconfinedexec,uploadonly", [false, false, false]), ("unconfinedexec", [false, false, false]),
            ("git,unconfinedexec,appendonly", [true, true, true]),
            ("git,unconfinedexec,appendonly,borg", [false, false, false]),  // borg writes files too
            ("git", [false, false, false]),  // not chrooted, no acknowledgement
        ]
    )
    func modesAndConfinement(_ options: String, _ allowed: [Bool]) {
        let shell = policyShell("user = alice:022:00000::\(options)\n")
        for (program, expected) in zip(ServerProgram.git, allowed) {
            #expect((run(shell, "\(program.name) 'r.git'") != nil) == expected, "\(options): \(program.name)")
        }
    }

    @Test func appendOnlyGitIsRefusedBesideAnotherWriter() {
        // rsync could plant a repository's config (a smudge filter, a work tree) for git to act on.
        let shell = policyShell("user = alice:022:10000::git,unconfinedexec,appendonly\n")
        for program in ServerProgram.git { #expect(run(shell, "\(program.name) 'r.git'") == nil, "\(program.name)") }
        #expect(run(shell, "rsync --server -rte.iLsfxCIvu . a") != nil)
    }

    @Test func anAppendOnlyPushCannotDeleteOrRewind() {
        let vetted = run(
            policyShell("user = alice:022:00000::git,unconfinedexec,appendonly\n"),
            "git-receive-pack 'r.git'"
        )
        let deny = [
            "-c", "receive.denyDeletes=true", "-c", "receive.denyNonFastForwards=true", "-c", "receive.hideRefs=refs/",
            "-c", "receive.hideRefs=!refs/heads/",
        ]
        #expect(words(vetted) == ["git"] + Self.hardening + deny + ["receive-pack", "/home/alice/r.git"])
        let fetch = run(
            policyShell("user = alice:022:00000::git,unconfinedexec,appendonly\n"),
            "git-upload-pack 'r.git'"
        )
        #expect(words(fetch) == ["git"] + Self.hardening + ["upload-pack", "/home/alice/r.git"])
    }

    @Test func landlockIsNotEnoughButAJailIs() {
        let shell = policyShell("user = alice:022:00000::git,landlock\n", facts: landlocked)
        let outcome = shell.decide(
            command: Array("git-upload-pack 'r.git'".utf8),
            expansion: FileSystemExpansion.literal(homeDirectory: alice.home)
        )
        guard case .refuse(let message, _, _) = outcome else {
            Issue.record("git ran under landlock alone")
            return
        }
        #expect(message?.contains("landlock is not enough") == true)
        let jailed = policyShell("user = alice:022:00000:/srv/jail:git\n").decide(
            command: Array("git-receive-pack '/home/alice/r.git'".utf8),
            expansion: FileSystemExpansion.literal(homeDirectory: alice.home)
        )
        guard case .chroot = jailed else {
            Issue.record("a jailed git user was not handed to the helper: \(jailed)")
            return
        }
    }

    @Test func theEnvironmentPassesGitProtocolAndNoOutsideConfiguration() {
        let environment = ExecEnvironmentTests().build
        let git = environment(.gitUploadPack, ["GIT_PROTOCOL=version=2", "GIT_DIR=/etc", "GIT_CONFIG_COUNT=1"])
        #expect(git.contains("GIT_PROTOCOL=version=2"))
        #expect(git.contains("GIT_CONFIG_NOSYSTEM=1") && git.contains("GIT_CONFIG_GLOBAL=/dev/null"))
        #expect(!git.contains { $0.hasPrefix("GIT_DIR") || $0.hasPrefix("GIT_CONFIG_COUNT") })
        #expect(!environment(.gitUploadPack, ["GIT_PROTOCOL=version=2;id"]).contains { $0.hasPrefix("GIT_PROTOCOL") })
        #expect(!environment(.rsync, ["GIT_PROTOCOL=version=2"]).contains { $0.hasPrefix("GIT_PROTOCOL") })
    }

    @Test func theReportMarksGitUnderLandlockAloneAndListsTheModeRules() {
        let config = ConfigParser.parse(
            Array("user = alice:022:00000::landlock,git\nuser = bob:022:00000::borg\n".utf8),
            file: "rssh.conf"
        )
        let text = VersionReport.configurationCheck(config).text
        #expect(
            text.contains(
                "user alice (line 1): no allow* program; umask 0022; no chroot; options landlock,git; git REFUSED"
            )
        )
        #expect(text.contains("user bob (line 2): no allow* program; umask 0022; no chroot; options borg\n"))
        #expect(!text.contains("every user is locked out"), "\(text)")
        #expect(AccessMode.readOnly.gitRule.contains("git-upload-pack and git-upload-archive only"))
        #expect(AccessMode.uploadOnly.borgRule.hasPrefix("refused"))
    }

    @Test func aModeCanAddSettingsBeforeTheSubcommand() {
        var argv = GitServerValidator.arguments(.gitReceivePack, path: Array("/home/alice/r.git".utf8))
        GitServerValidator.add(["receive.denyDeletes=true"], to: &argv)
        let text = argv.map { String(decoding: $0, as: UTF8.self) }
        #expect(
            text == ["git"] + Self.hardening + ["-c", "receive.denyDeletes=true", "receive-pack", "/home/alice/r.git"]
        )
    }

    @Test func hooksAndCommandKeysAreOverriddenOnTheCommandLine() {
        for key in ["core.hooksPath", "core.fsmonitor", "receive.autogc", "gc.auto", "maintenance.auto"] {
            #expect(GitServerValidator.configuration.contains { $0.hasPrefix(key + "=") }, "\(key)")
        }
        #expect(ServerProgram.git.allSatisfy { $0.runsCommandsByDesign })
        #expect(!ServerProgram.borg.runsCommandsByDesign)
    }
}
