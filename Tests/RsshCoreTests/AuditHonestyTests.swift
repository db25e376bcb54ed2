import Glibc
import Testing

@testable import RsshCore

/// Security review 3, F6, F8 and F12: the record budget, an auditd that cannot be seen, and a kernel whose
/// audit is switched off.
struct AuditHonestyTests {
    /// F12: AUDIT_GET's `enabled` switch decides before the daemon; EPERM means "cannot ask", not "off".
    @Test(arguments: [
        (Int32(0), Int32(1), Int32(4242), AuditTrail.KernelAudit.on),
        (0, 2, 4242, .on),
        (0, 0, 4242, .disabled),
        (0, 0, 0, .disabled),
        (0, 1, 0, .noDaemon),
        (-EPERM, 0, 0, .notPermitted),
        (-EIO, 0, 0, .unreadable(SystemError(call: "AUDIT_GET", code: EIO).reason)),
    ])
    func theKernelsAnswerIsInterpreted(
        _ code: Int32,
        _ enabled: Int32,
        _ pid: Int32,
        _ expected: AuditTrail.KernelAudit
    ) {
        #expect(AuditTrail.KernelAudit.interpret(code: code, enabled: enabled, pid: pid) == expected)
    }

    @Test func aDisabledKernelIsNamedInTheLog() {
        #expect(AuditTrail.KernelAudit.disabled.problem == "the kernel's audit is disabled")
        #expect(AuditTrail.KernelAudit.on.problem == nil)
        #expect(AuditTrail.KernelAudit.notPermitted.problem == nil)
        #expect(AuditTrail.KernelAudit.noDaemon.problem?.hasPrefix("auditd is not running") == true)
    }

    /// F8: an invisible PID 1 means /proc hides processes (hidepid): whether auditd runs is unknown.
    @Test(arguments: [
        (true, true, AuditTrail.DaemonSighting.running),
        (true, false, .running),
        (false, true, .notRunning),
        (false, false, .cannotVerify),
    ])
    func hidepidIsUnknownNotDown(_ seen: Bool, _ initVisible: Bool, _ expected: AuditTrail.DaemonSighting) {
        #expect(AuditTrail.DaemonSighting.classify(auditdSeen: seen, initVisible: initVisible) == expected)
    }

    @Test(arguments: [
        ("BOOT_IMAGE=/vmlinuz root=/dev/sda1 audit=0 quiet\n", true),
        ("audit=off", true),
        ("root=/dev/sda1 audit=1", false),
        ("root=/dev/sda1 audit_backlog_limit=0", false),
        ("xaudit=0", false), ("quiet\taudit=0", true), ("audit=0x  audit=1\n", false), ("", false), ("  \n", false),
        ("root=/dev/sda1  audit=off\n", true),
    ])
    func aKernelBootedWithoutAuditIsRecognised(_ line: String, _ off: Bool) {
        #expect(AuditTrail.bootedWithoutAudit(commandLine: Array(line.utf8)) == off)
    }

    /// F12: only a verified record is "written"; the unprivileged shell says what it knows.
    @Test func theLogSaysOnlyWhatIsKnown() {
        let verified = AuditTrail.Assessment(problem: nil)
        let unprivileged = AuditTrail.Assessment(problem: nil, acknowledged: AuditTrail.accepted)
        let off = AuditTrail.Assessment(problem: "the kernel's audit is disabled")
        #expect(verified.outcome(sendFailure: nil) == "written")
        #expect(unprivileged.outcome(sendFailure: nil) == "accepted by the kernel")
        #expect(unprivileged.outcome(sendFailure: "audit_log: EPERM") == "not written: audit_log: EPERM")
        #expect(off.outcome(sendFailure: nil) == "not written: the kernel's audit is disabled")
    }

    /// F6: the budget counts every logged line, counts no-ops without logging them, and says so.
    @Test func theBudgetAdmitsUpToItsLimit() {
        var budget = RecordBudget(limit: 3)
        let kinds: [WinSCPEvent.Kind] = [.session, .query, .session, .change, .refused, .upload, .session]
        let admissions = kinds.map { budget.admit($0) }
        #expect(admissions == [.count, .log, .count, .log, .log, .exhausted, .count])
        #expect(budget.used == 3)
        #expect(budget.quiet == 3)
        #expect(
            budget.summary(cutOff: 1)
                == "3 lines logged (1 queries, 1 changes, 0 uploads, 0 downloads, 1 refused); 4 lines not logged "
                + "(3 no-op keepalive lines, 1 past the budget of 3, not run)"
        )
        #expect(RecordBudget().limit == 1_000)
        #expect(AuditRecorder.maximumRecords == RecordBudget.maximumRecords + 2)
    }

    /// F6: a spent budget's summary is an audit record and a refusal; the ordinary end is a log line only.
    @Test func summariesAreRecordedOnlyWhenTheBudgetIsSpent() {
        #expect(WinSCPEvent(kind: .exhausted, line: []).needsAudit)
        #expect(!WinSCPEvent(kind: .exhausted, line: []).allowed)
        #expect(!WinSCPEvent(kind: .summary, line: []).needsAudit)
        #expect(!WinSCPEvent(kind: .session, line: []).needsAudit)
    }
}
