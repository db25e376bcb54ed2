extension CommandVetter {
    /// Vets `line` for a user with `policy`: the program and argument allow-lists, then the user's policy.
    ///
    /// On top of `vet(_:allowed:paths:expansion:)`: a program that runs commands by design (cvs, rdist,
    /// svnserve) needs a confined user or `unconfinedexec`, and sftp-server runs with the administrator's
    /// options only (`SftpServerOptions`), its argument vector built here rather than passed through (in the
    /// supervised mode followed by `SftpServerLogParser.serverArguments`).
    public static func vet(
        _ line: [UInt8],
        policy: UserPolicy,
        paths: ProgramPaths,
        expansion: some PathExpansion
    ) throws(CommandRejection) -> VettedCommand {
        var vetted = try vet(
            line,
            allowed: policy.programs,
            options: policy.options,
            umask: policy.umask,
            paths: paths,
            expansion: expansion
        )
        if let problem = policy.confinementProblem(for: vetted.program) {
            throw .needsConfinement(problem)
        }
        if vetted.program == .sftpServer {
            guard let programWord = vetted.arguments.first else { throw .syntax(.empty) }
            do {
                try SftpServerOptions.check(
                    client: vetted.arguments.dropFirst(),
                    administrator: policy.sftpServerOptions
                )
            } catch {
                throw .arguments(error)
            }
            vetted.arguments = SftpServerOptions.arguments(
                programWord: programWord,
                administrator: policy.sftpServerOptions,
                umask: policy.umask,
                mode: policy.accessMode
            )
            // Supervised: its log on stderr, where the supervisor reads the transfer log (TransferObserver),
            // after the administrator's options so that its -l wins.
            if policy.options.contains(.supervised) {
                vetted.arguments += SftpServerLogParser.serverArguments.map { Array($0.utf8) }
            }
        }
        // In appendonly, rsync receives and borg writes its repository files; the other programs create nothing.
        let otherWriter = policy.programs.allows(.rsync) ? "rsync" : policy.options.contains(.borg) ? "borg" : nil
        try applyAccessMode(
            policy.accessMode,
            to: &vetted,
            landlocked: policy.options.contains(.landlock),
            otherWriter: otherWriter
        )
        return vetted
    }

    /// Holds the command to the user's access mode, and adds what enforces it (`rsync --ignore-existing
    /// --whole-file`; for a `landlocked` append-only receiver `--ignore-existing --inplace --munge-links`);
    /// `otherWriter` names a program of the user's that can create files in the mode, if any.
    static func applyAccessMode(
        _ mode: AccessMode,
        to vetted: inout VettedCommand,
        landlocked: Bool = false,
        otherWriter: String? = nil
    ) throws(CommandRejection) {
        guard mode != .readWrite else { return }
        let arguments = vetted.arguments.dropFirst()
        func refuse(_ why: String) -> CommandRejection { .accessMode("\(mode) account: \(why)") }
        switch vetted.program {
        case .sftpServer:
            // sftp-server opens an existing file for writing when asked (with or without truncation), and no
            // option or request list of its own can refuse that; rssh.conf(5) has the analysis.
            if mode == .appendOnly {
                throw refuse("sftp-server cannot be kept from overwriting an existing file; use rsync")
            }
            return  // -R or the -P list, added when the argument vector was built
        case .scp:
            let direction = (try? ScpValidator.validate(arguments)) ?? 0
            if mode == .readOnly, direction != UInt8(ascii: "f") { throw refuse("scp may only download (-f)") }
            if mode == .uploadOnly, direction != UInt8(ascii: "t") { throw refuse("scp may only upload (-t)") }
            // scp -t opens the target O_WRONLY|O_CREAT and truncates it to the size sent: an overwrite.
            if mode == .appendOnly, direction != UInt8(ascii: "f") {
                throw refuse("scp may only download (-f): scp -t overwrites an existing file; upload with rsync")
            }
        case .rsync:
            // The mode's own allow-list (RsyncOption's table), not the read-write one minus a deny-list.
            let options: Set<String>
            do {
                options = try RsyncValidator.validate(arguments, mode: mode)
            } catch {
                throw refuse(error.description)
            }
            if mode == .readOnly, !options.contains("sender") { throw refuse("rsync may only send (download)") }
            // sender and list-only are not in the upload-only allow-list, so the server here is a receiver;
            // an append-only server that sends changes nothing (a landlocked one unmunges its links).
            // Inserted unless popt read the same option (a word after `--` is a file name, not the option).
            let forced = RsyncOption.forced(in: mode, landlocked: landlocked, sender: options.contains("sender"))
            for option in forced.reversed() where !options.contains(String(option.dropFirst(2))) {
                vetted.arguments.insert(Array(option.utf8), at: 2)
            }
        case .md5sum, .sha1sum, .sha224sum, .sha256sum, .sha384sum, .sha512sum:
            // A hash reads the file: a drop box would become an oracle for its contents.
            if mode == .uploadOnly { throw refuse("\(vetted.program.name) reads files (a hash is a read)") }
        case .gitUploadPack, .gitUploadArchive, .gitReceivePack:
            // Repository configuration names programs to run (a smudge filter in upload-archive, a work tree
            // that receive-pack updates in place, ...), an open set: a user whose other program can write a
            // repository's files could make git delete or overwrite them.
            if mode == .appendOnly, let otherWriter {
                throw refuse(
                    "git cannot be held to appendonly when \(otherWriter) can also create files "
                        + "(repository configuration can name programs to run)"
                )
            }
            // upload-pack and upload-archive only read; a drop box lists nothing, so it fetches nothing either.
            guard vetted.program == .gitReceivePack else {
                if mode == .uploadOnly { throw refuse("\(vetted.program.name) reads the repository") }
                return
            }
            // receive-pack writes, and advertises every ref it has (a read): readonly and uploadonly refuse it.
            // Append-only: branches only, never deleted or rewound (GitServerValidator.appendOnlySettings).
            guard mode == .appendOnly else {
                throw refuse("git-receive-pack changes the repository and lists its refs")
            }
            GitServerValidator.add(GitServerValidator.appendOnlySettings, to: &vetted.arguments)
        case .borg:
            // borg serve answers reads and writes over one RPC channel; borg 1.2 has no read-only server. Its
            // --append-only keeps every old segment (a delete or prune only appends), which is the mode.
            guard mode == .appendOnly else {
                throw refuse("borg serve cannot be limited to \(mode == .readOnly ? "reading" : "uploading")")
            }
            // After rssh's restriction (`borg serve --restrict-to-path AREA`), which stays first.
            vetted.arguments.insert(Array("--append-only".utf8), at: min(4, vetted.arguments.count))
        case .cvs, .rdist, .rdistd, .svnserve:
            let limit =
                switch mode {
                case .readOnly: "reading"
                case .appendOnly: "adding new files"
                case .readWrite, .uploadOnly: "uploading"
                }
            throw refuse("\(vetted.program.name) cannot be limited to \(limit)")
        }
    }
}
