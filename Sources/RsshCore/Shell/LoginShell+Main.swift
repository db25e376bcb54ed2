import CRsshLibc

extension LoginShell {
    /// Runs the login shell for this process: the whole of `rssh`'s `main`.
    ///
    /// Only argv and the compiled-in paths steer it; the environment is read solely to pass an allow-listed
    /// part of it on and to log the client address.
    /// - Parameter arguments: argv without argv[0].
    public static func main(arguments: [[UInt8]]) -> Never {
        let invocation = Invocation(arguments: arguments)
        let paths = ProgramPaths.compiledIn
        if invocation == .version {
            let configuration = ConfigFile.read(paths.configFile, trustedOwner: paths.configOwner).map {
                ConfigParser.parse($0, file: paths.configFile)
            }
            let report = VersionReport(
                paths: paths,
                configuration: configuration,
                isExecutable: { path in !path.isEmpty && system_access(path, X_OK) == 0 },
                shellCanAudit: AuditTrail.fileHasAuditWrite(paths.shell),
                auditDaemonProblem: AuditTrail.auditDaemonProblem(),
                sshdConfig: try? ConfigFile.read("/etc/ssh/sshd_config", trustedOwner: 0).map {
                    String(decoding: $0, as: UTF8.self)
                }.get()
            ).render()
            writeAll(report.text, to: STDOUT_FILENO)
            exit(report.healthy ? 0 : 1)
        }
        let account = Account.current()
        let configuration = ConfigFile.read(paths.configFile, trustedOwner: paths.configOwner).map {
            ConfigParser.parse($0, file: paths.configFile, onlyUser: account?.name)
        }
        let facility = (try? configuration.get().facility) ?? .daemon
        let log = SyslogLogger(ident: "rssh", facility: facility)
        let shell = LoginShell(
            paths: paths,
            account: account,
            configuration: configuration,
            environment: currentEnvironment()
        )
        var command: [UInt8]?
        if case .command(let text) = invocation { command = text }
        let home = account?.home ?? Array("/".utf8)
        var outcome = shell.decide(command: command, expansion: FileSystemExpansion(homeDirectory: home))
        if case .chroot(let helper, _, _, _, let decision) = outcome, system_access(helper, X_OK) != 0 {
            var refused = decision
            refused.allowed = false
            refused.reason = "chroot helper \(helper) is not installed"
            outcome = .refuse(message: "chroot is configured but not available", programs: [], decision: refused)
        }
        var decision = outcome.decision
        if let problem = AuditTrail.record(decision, comm: "rssh") {
            decision.audit = "not written: \(problem)"
            if decision.allowed, (try? configuration.get().requireAudit) == true {
                decision.allowed = false
                decision.reason = "requireaudit is set and the audit record could not be written"
                outcome = .refuse(message: "auditing is required but unavailable", programs: [], decision: decision)
            }
        } else {
            decision.audit = "written"
        }
        if decision.allowed { log.info(decision.logLine) } else { log.error(decision.logLine) }
        let failure: SystemError
        switch outcome {
        case .refuse:
            writeAll(outcome.userMessage ?? "", to: STDERR_FILENO)
            exit(ShellOutcome.refusedStatus)
        case .run(let vetted, let environment, let umask, _):
            failure = ProcessImage.exec(
                path: vetted.executable,
                arguments: vetted.arguments,
                environment: environment,
                umask: umask
            )
        case .chroot(let helper, let command, let environment, let umask, _):
            failure = ProcessImage.exec(
                path: helper,
                arguments: [Array(helper.utf8), command],
                environment: environment,
                umask: umask
            )
        }
        log.error("exec failed: \(failure.description)")
        writeAll("rssh: cannot run \(failure.subject): \(failure.reason)\n", to: STDERR_FILENO)
        exit(ShellOutcome.refusedStatus)
    }

    /// The process environment as `NAME=value` byte strings.
    static func currentEnvironment() -> [[UInt8]] {
        var result: [[UInt8]] = []
        guard var cursor = CRsshLibc_environ() else { return result }
        while let entry = cursor.pointee {
            result.append(CBytes.copy(entry))
            cursor += 1
        }
        return result
    }

    /// Writes all of `text` to `fd`, retrying short writes and EINTR.
    static func writeAll(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return system_write(fd, base + offset, buffer.count - offset)
            }
            if written < 0 && system_errno() == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
