extension CommandVetter {
    /// Vets `line` for a user with `policy`: the program and argument allow-lists, then the user's policy.
    ///
    /// On top of `vet(_:allowed:paths:expansion:)`: a program that runs commands by design (cvs, rdist,
    /// svnserve) needs a confined user or `unconfinedexec`, and sftp-server runs with the administrator's
    /// options only (`SftpServerOptions`), its argument vector built here rather than passed through.
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
        }
        try applyAccessMode(policy.accessMode, to: &vetted)
        return vetted
    }

    /// Holds the command to the user's access mode, and adds what enforces it (`rsync --ignore-existing
    /// --whole-file`).
    static func applyAccessMode(_ mode: AccessMode, to vetted: inout VettedCommand) throws(CommandRejection) {
        guard mode != .readWrite else { return }
        let arguments = vetted.arguments.dropFirst()
        func refuse(_ why: String) -> CommandRejection { .accessMode("\(mode) account: \(why)") }
        switch vetted.program {
        case .sftpServer:
            return  // -R or the -P list, added when the argument vector was built
        case .scp:
            let direction = (try? ScpValidator.validate(arguments)) ?? 0
            if mode == .readOnly, direction != UInt8(ascii: "f") { throw refuse("scp may only download (-f)") }
            if mode == .uploadOnly, direction != UInt8(ascii: "t") { throw refuse("scp may only upload (-t)") }
        case .rsync:
            // The mode's own allow-list (RsyncOption's table), not the read-write one minus a deny-list.
            let options: Set<String>
            do {
                options = try RsyncValidator.validate(arguments, mode: mode)
            } catch {
                throw refuse(error.description)
            }
            if mode == .readOnly, !options.contains("sender") { throw refuse("rsync may only send (download)") }
            // sender and list-only are not in the upload-only allow-list, so the server here is a receiver.
            // Inserted unless popt read the same option (a word after `--` is a file name, not the option).
            for option in RsyncOption.forced(in: mode).reversed() where !options.contains(String(option.dropFirst(2))) {
                vetted.arguments.insert(Array(option.utf8), at: 2)
            }
        case .md5sum, .sha1sum, .sha224sum, .sha256sum, .sha384sum, .sha512sum:
            // A hash reads the file: a drop box would become an oracle for its contents.
            if mode == .uploadOnly { throw refuse("\(vetted.program.name) reads files (a hash is a read)") }
        case .gitUploadPack, .gitUploadArchive:
            // upload-pack and upload-archive only read; a drop box lists nothing, so it fetches nothing either.
            if mode == .uploadOnly { throw refuse("\(vetted.program.name) reads the repository") }
        case .gitReceivePack:
            // receive-pack writes, and advertises every ref it has (a read): neither mode allows it.
            throw refuse("git-receive-pack changes the repository and lists its refs")
        case .borg:
            // borg serve answers reads and writes over one RPC channel; borg 1.2 has no read-only server.
            throw refuse("borg serve cannot be limited to \(mode == .readOnly ? "reading" : "uploading")")
        case .cvs, .rdist, .rdistd, .svnserve:
            throw refuse(
                "\(vetted.program.name) cannot be limited to \(mode == .readOnly ? "reading" : "uploading")"
            )
        }
    }
}
