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
        var vetted = try vet(line, allowed: policy.programs, paths: paths, expansion: expansion)
        if let problem = policy.confinementProblem(vetted.program.permission) {
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
                umask: policy.umask
            )
        }
        return vetted
    }
}
