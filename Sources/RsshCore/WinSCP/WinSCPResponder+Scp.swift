import CRsshLibc

extension WinSCPResponder {
    /// The argument vector for scp in server mode, built from the parsed command only: no option the
    /// client wrote reaches scp, and `--` keeps the path from being read as one.
    public static func scpArguments(_ direction: WinSCPCommand.ScpDirection, preserve: Bool, path: [UInt8]) -> [[UInt8]]
    {
        var arguments: [[UInt8]] = [Array("scp".utf8), Array("-r".utf8)]
        if preserve { arguments.append(Array("-p".utf8)) }
        arguments.append(Array("-d".utf8))
        arguments.append(Array(direction.description.utf8))
        arguments.append(Array("--".utf8))
        arguments.append(path)
        return arguments
    }

    /// Runs scp on the session's descriptors and waits for it: its status as a shell's `$?`.
    ///
    /// The child gets the session's input, output and error as 0, 1 and 2 and nothing else, no
    /// capabilities and no_new_privs. Everything it needs is built before fork, so the child only makes
    /// system calls (the parent may have threads in tests).
    func runScp(_ direction: WinSCPCommand.ScpDirection, preserve: Bool, path: [UInt8]) -> Int32 {
        runChild(configuration.scpPath, Self.scpArguments(direction, preserve: preserve, path: path))
    }

    /// Runs a checksum program on the files, with `--` before them: its status.
    func runChecksum(_ program: ServerProgram, paths: [[UInt8]]) -> Int32 {
        guard let path = configuration.checksumPaths[program] else { return 127 }
        return runChild(path, [Array(program.name.utf8), Array("--".utf8)] + paths)
    }

    /// Runs `executable` with `arguments` on the session's descriptors and waits for it: its status as a
    /// shell's `$?`.
    func runChild(_ executable: String, _ arguments: [[UInt8]]) -> Int32 {
        let argv = CStringArray(arguments)
        let envp = CStringArray(configuration.environment)
        defer {
            argv.deallocate()
            envp.deallocate()
        }
        let failure = Array("rssh: cannot run \(executable)\n".utf8)
        let program = Array(executable.utf8)
        let pid = CBytes.withCString(program) { executable in
            failure.withUnsafeBytes { message in
                let pid = system_fork()
                if pid == 0 {
                    Self.becomeScp(
                        executable: executable,
                        argv: argv,
                        envp: envp,
                        descriptors: (configuration.input, configuration.output, configuration.error),
                        failure: message
                    )
                }
                return pid
            }
        }
        guard pid > 0 else {
            writeError("rssh: \(executable): fork: \(Self.reason(system_errno()))\n")
            return 1
        }
        let status = system_wait(pid)
        return status < 0 ? 1 : CRsshLibc_shell_status(status)
    }

    /// The child's side: descriptors in place, privileges gone, exec; exits 126 or 127 when that fails.
    private static func becomeScp(
        executable: UnsafePointer<CChar>,
        argv: CStringArray,
        envp: CStringArray,
        descriptors: (input: Int32, output: Int32, error: Int32),
        failure: UnsafeRawBufferPointer
    ) -> Never {
        // Move the descriptors out of the way first, so an input of 1 is not closed by the dup onto 1.
        let input = descriptors.input > 2 ? descriptors.input : CRsshLibc_fcntl_dupfd(descriptors.input, 3)
        let output = descriptors.output > 2 ? descriptors.output : CRsshLibc_fcntl_dupfd(descriptors.output, 3)
        let error = descriptors.error > 2 ? descriptors.error : CRsshLibc_fcntl_dupfd(descriptors.error, 3)
        guard input >= 0, output >= 0, error >= 0, system_dup2(input, 0) == 0, system_dup2(output, 1) == 1,
            system_dup2(error, 2) == 2
        else { system_exit_now(126) }
        _ = system_close_from(3)
        guard system_drop_capabilities() == 0, system_set_no_new_privs() == 0 else { system_exit_now(126) }
        _ = system_ignore_sigpipe(false)
        _ = system_execve(executable, argv.pointer, envp.pointer)
        if let base = failure.baseAddress { _ = system_write(2, base, failure.count) }
        system_exit_now(127)
    }
}
