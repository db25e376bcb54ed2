import CRsshLibc

extension Decision {
    /// The decision recorded for one WinSCP command line, from the session's decision.
    func winscp(_ event: WinSCPEvent) -> Decision {
        var line = self
        line.stage = .final
        line.allowed = event.allowed
        line.program = "winscp"
        line.reason = event.reason.isEmpty ? "WinSCP \(event.kind)" : "WinSCP \(event.kind): \(event.reason)"
        line.command = event.line
        line.argv = nil
        line.audit = nil
        return line
    }

    /// Logs one WinSCP line, after `write` has recorded it when it needs an audit record (`write` returns
    /// why it could not), and says whether the session may go on: under `requireaudit`, not without the
    /// record.
    /// - Parameter acknowledged: what a record the kernel acknowledged is logged as (see `AuditTrail`).
    func logWinSCP(
        _ event: WinSCPEvent,
        requireAudit: Bool,
        acknowledged: String,
        log: SyslogLogger,
        write: (Decision) -> String?
    ) -> Bool {
        var line = winscp(event)
        var written = false
        if event.needsAudit {
            let problem = write(line)
            written = problem == nil
            line.audit = problem.map { "not written: \($0)" } ?? acknowledged
        }
        if line.allowed { log.info(line.logLine) } else { log.error(line.logLine) }
        return !(event.needsAudit && requireAudit && !written)
    }
}

extension LoginShell {
    /// Runs WinSCP's SCP mode in this process and exits with its status.
    ///
    /// Everything that confines the session is in place before the first line is read: the umask,
    /// no_new_privs and, for a landlocked user, the ruleset (which scp, forked by the responder, inherits).
    /// CAP_AUDIT_WRITE is kept for the per-line records; the responder's scp child drops it.
    static func runResponder(
        _ session: InteractiveSession,
        decision: Decision,
        audit: AuditTrail.Assessment,
        requireAudit: Bool,
        log: SyslogLogger
    ) -> Never {
        _ = system_umask(session.umask)
        var failure: SystemError?
        if system_set_no_new_privs() != 0 { failure = .current("prctl", "PR_SET_NO_NEW_PRIVS") }
        if failure == nil, let plan = session.confinement { failure = plan.apply() }
        if let failure {
            log.error("WinSCP session refused: cannot confine it: \(failure.description)")
            writeAll("rssh: cannot confine the session\n", to: STDERR_FILENO)
            exit(ShellOutcome.refusedStatus)
        }
        let configuration = session.responderConfiguration(paths: .compiledIn)
        var responder = WinSCPResponder(configuration: configuration) { event in
            decision.logWinSCP(event, requireAudit: requireAudit, acknowledged: audit.acknowledged, log: log) { line in
                audit.send(line, comm: "rssh")
            }
        }
        exit(responder.run())
    }
}
