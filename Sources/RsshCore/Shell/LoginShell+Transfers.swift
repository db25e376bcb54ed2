/// The supervised mode's transfer log (`TransferObserver`): which reader a session's program gets.
extension LoginShell {
    /// The plan for a program rssh runs itself (not jailed): a target is a directory when lstat(2) of
    /// `target/.` says so (a link to a directory counts, as it does for scp and rsync).
    static func transferPlan(_ vetted: VettedCommand, jailed: Bool) -> TransferPlan {
        TransferPlan.choose(
            program: vetted.program,
            arguments: vetted.arguments,
            rsyncSender: vetted.rsyncSender,
            jailed: jailed
        ) { path in
            FileStatus.lstat(path + Array("/.".utf8))?.isDirectory ?? false
        }
    }

    /// The plan for a jailed user's command, which the helper vets and runs inside the jail.
    ///
    /// Vetted here again with patterns kept literal, only to know the program and its words (the helper's
    /// vector is the one that runs). No command: the helper answers WinSCP's SCP mode, if the user has it.
    static func transferPlan(_ command: [UInt8], policy: UserPolicy?, paths: ProgramPaths) -> TransferPlan {
        if command.isEmpty { return policy?.options.contains(.winscp) == true ? .winscp : .none }
        guard let policy,
            let vetted = try? CommandVetter.vet(
                command,
                policy: policy,
                paths: paths,
                expansion: FileSystemExpansion.literal(homeDirectory: Array("/".utf8))
            )
        else { return .none }
        return transferPlan(vetted, jailed: true)
    }
}
