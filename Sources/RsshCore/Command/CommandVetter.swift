import CRsshLibc

/// Decides whether a raw command line may run: split, choose the program, expand, validate.
///
/// The program is chosen from the first word alone, which must be given literally and equal a compiled-in
/// path or its basename; the executable is that compiled-in path. Arguments are validated after expansion,
/// so no expansion can smuggle an option past the allow-list (the CVE-2012-3478 class).
public enum CommandVetter {
    /// The exact fallback command PuTTY's psftp (and so FileZilla and WinSCP) sends when `sftp` fails.
    ///
    /// It is sent when the `sftp` subsystem request fails. It is recognised as a whole and mapped to the configured sftp-server with no arguments;
    /// it is never interpreted as shell text.
    public static let psftpFallback: [UInt8] = Array(
        ("test -x /usr/lib/sftp-server && exec /usr/lib/sftp-server\n"
            + "test -x /usr/local/lib/sftp-server && exec /usr/local/lib/sftp-server\n"
            + "exec sftp-server").utf8
    )

    /// rclone's shell-type probe, sent once per new sftp remote (backend/sftp/sftp.go).
    ///
    /// A POSIX shell expands the empty `${ShellId}` and prints `%ComSpec%`; cmd prints its ComSpec and
    /// PowerShell its ShellId. rssh answers it as a POSIX shell would, without running anything, so rclone
    /// then uses the checksum commands rather than guessing.
    public static let rcloneShellProbe: [UInt8] = Array("echo ${ShellId}%ComSpec%".utf8)

    /// What a POSIX shell prints for `rcloneShellProbe`.
    public static let rcloneShellProbeAnswer: [UInt8] = Array("%ComSpec%\n".utf8)

    /// Vets `line` for a user allowed `allowed`.
    /// - Parameters:
    ///   - line: the command exactly as received with `-c`.
    ///   - allowed: the user's programs.
    ///   - options: the user's options; `checksums`, `borg` and `git` allow those programs.
    ///   - umask: the administrator's umask, which borg's `--umask` always includes.
    ///   - paths: the compiled-in program paths.
    ///   - expansion: where `~` and globs resolve (the jail, for the helper).
    /// - Returns: the program and argument vector to exec.
    /// - Throws: `CommandRejection` naming the first problem found.
    public static func vet(
        _ line: [UInt8],
        allowed: ProgramSet,
        options: UserOptions = [],
        umask: mode_t = 0,
        paths: ProgramPaths,
        expansion: some PathExpansion
    ) throws(CommandRejection) -> VettedCommand {
        if line == psftpFallback {
            guard allowed.allows(.sftp) else { throw .notAllowed(.sftp) }
            guard let path = paths.path(of: .sftpServer) else { throw .unknownProgram("sftp-server") }
            return VettedCommand(
                program: .sftpServer,
                executable: path,
                arguments: [Array(path.utf8)],
                note: "PuTTY/FileZilla sftp-server fallback command"
            )
        }
        var words: [ShellWord]
        do {
            words = try CommandSplitter.split(line)
        } catch {
            throw .syntax(error)
        }
        let first = words[0]
        guard first.isPlain else { throw .programNotLiteral(Printable.text(first.text)) }
        var found = paths.program(named: first.text)
        // git-shell's other spelling, `git upload-pack PATH`: the two words name the program.
        if found == nil, words.count > 1, words[1].isPlain, let git = paths.path(of: .gitUploadPack),
            first.text == Array("git".utf8) || first.text == Array(git.utf8),
            let program = ServerProgram.git.first(where: { Array($0.name.utf8.dropFirst(4)) == words[1].text })
        {
            found = program
            words.removeFirst()
        }
        guard let program = found, let path = paths.path(of: program) else {
            throw .unknownProgram(Printable.text(first.text))
        }
        if let permission = program.permission {
            guard allowed.allows(permission) else { throw .notAllowed(permission) }
        } else if let option = program.option, !options.contains(option) {
            throw .optionNotSet(
                program: program.name,
                option: UserOptions.all.first { $0.option == option }?.name ?? ""
            )
        }
        let arguments: [[UInt8]]
        do {
            arguments = [first.text] + (try WordExpander.expand(Array(words.dropFirst()), using: expansion))
        } catch {
            throw .syntax(error)
        }
        let longOptions: Set<String>
        do {
            longOptions = try validate(program, arguments.dropFirst())
        } catch {
            throw .arguments(error)
        }
        var vetted = VettedCommand(
            program: program,
            executable: path,
            arguments: try builtArguments(program, arguments, home: expansion.homeDirectory, umask: umask)
        )
        vetted.hasPatterns = words.contains { $0.globPattern != nil }
        vetted.rsyncSender = program == .rsync && longOptions.contains("sender")
        return vetted
    }

    /// The argument vector rssh runs for a vetted `program`: coreutils with `--` before the files, borg with the
    /// restriction to `home`, git with its hardening and the repository path resolved beneath `home`; the
    /// client's vector for the others.
    static func builtArguments(
        _ program: ServerProgram,
        _ arguments: [[UInt8]],
        home: [UInt8],
        umask: mode_t
    ) throws(CommandRejection) -> [[UInt8]] {
        switch program {
        case .md5sum, .sha1sum, .sha224sum, .sha256sum, .sha384sum, .sha512sum:
            return ChecksumValidator.arguments(arguments)
        case .borg:
            let request: BorgServeValidator.Request
            do {
                request = try BorgServeValidator.parse(arguments.dropFirst())
            } catch {
                throw .arguments(error)
            }
            return BorgServeValidator.arguments(
                programWord: arguments[0],
                request: request,
                area: home,
                administratorUmask: umask
            )
        case .gitUploadPack, .gitReceivePack, .gitUploadArchive:
            guard arguments.count == 2, let path = GitServerValidator.resolve(arguments[1], home: home) else {
                let path = arguments.count == 2 ? Printable.text(arguments[1]) : ""
                throw .arguments(
                    ArgumentRejection(program, "the repository \"\(path)\" is not beneath the home directory")
                )
            }
            return GitServerValidator.arguments(program, path: path)
        case .sftpServer, .scp, .cvs, .rdist, .rdistd, .rsync, .svnserve:
            return arguments
        }
    }

    /// Applies `program`'s allow-list to its arguments (without the program name); returns rsync's long options
    /// as popt read them (empty for the other programs).
    @discardableResult
    public static func validate(
        _ program: ServerProgram,
        _ arguments: ArraySlice<[UInt8]>
    ) throws(ArgumentRejection) -> Set<String> {
        switch program {
        case .sftpServer: try SftpServerValidator.validate(arguments)
        case .scp: try ScpValidator.validate(arguments)
        case .rsync: return try RsyncValidator.validate(arguments)
        case .cvs, .rdist, .rdistd, .svnserve: try FixedArgumentsValidator.validate(program, arguments)
        case .md5sum, .sha1sum, .sha224sum, .sha256sum, .sha384sum, .sha512sum:
            try ChecksumValidator.validate(program, arguments)
        case .borg: try BorgServeValidator.validate(arguments)
        case .gitUploadPack, .gitReceivePack, .gitUploadArchive: try GitServerValidator.validate(program, arguments)
        }
        return []
    }
}
