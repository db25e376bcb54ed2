import CRsshLibc

/// A root child of the helper that writes the audit records for what happens inside the jail.
///
/// The kernel checks CAP_AUDIT_WRITE of the sending process, so once the helper has chrooted and dropped
/// to the user it can no longer write a record. When the verdict can only be known after the drop (a pattern,
/// a home-relative path, root=, the supervised mode, a WinSCP session) it forks this child first: the child
/// keeps root, reads verdicts from a pipe (one for a command; one per command line in a WinSCP session),
/// writes a record for each and answers whether it was written; it reads nothing else and runs nothing. If
/// the helper dies inside the jail before its first verdict (a crash while expanding, a kill), the child
/// records that.
///
/// The child makes itself root through and through at once (real, effective and saved ids 0, no
/// supplementary groups), so no process of the user can signal it (kill(2) compares the sender's uid with
/// the target's real and saved uid), and keeps no capability but CAP_AUDIT_WRITE. It writes at most
/// `maximumRecords` records, so even a subverted helper cannot flood the trail through it.
struct AuditRecorder {
    private let child: pid_t
    private let verdicts: Int32
    private let answers: Int32

    /// The most records one recorder writes: a WinSCP session's own budget, its start and its summary.
    static let maximumRecords = RecordBudget.maximumRecords + 2

    /// Forks the recorder for `decision` (its user, uid, address, jail, program and command).
    /// - Returns: nil when a pipe or the fork failed.
    static func start(_ decision: Decision) -> AuditRecorder? {
        guard let down = pipe() else { return nil }
        guard let up = pipe() else {
            _ = system_close(down.read)
            _ = system_close(down.write)
            return nil
        }
        let child = system_fork()
        guard child >= 0 else {
            for fd in [down.read, down.write, up.read, up.write] { _ = system_close(fd) }
            return nil
        }
        if child == 0 {
            _ = system_close(down.write)
            _ = system_close(up.read)
            // Checked: a recorder the user could stop or kill is no recorder (the helper then sees it fail).
            guard system_setgroups(0, nil) == 0, system_setresgid(0) == 0, system_setresuid(0) == 0,
                system_keep_only_audit_write() == 0
            else { system_exit_now(2) }
            _ = system_set_not_dumpable()
            system_exit_now(serve(decision, verdicts: down.read, answers: up.write))
        }
        _ = system_close(down.read)
        _ = system_close(up.write)
        return AuditRecorder(child: child, verdicts: down.write, answers: up.read)
    }

    /// Sends one verdict and says whether its record was written.
    func record(_ verdict: Verdict) -> Bool {
        let bytes = verdict.encoded()
        let count = UInt32(bytes.count)
        let frame = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: count >> UInt32($0)) } + bytes
        guard DescriptorIO.writeAll(frame, to: verdicts) else { return false }
        var answer: [UInt8] = [0]
        return DescriptorIO.readExactly(&answer, from: answers) && answer[0] == UInt8(ascii: "1")
    }

    /// Sends the final verdict, ends the recorder, and says whether every record was written.
    func finish(_ verdict: Verdict) -> Bool {
        let written = record(verdict)
        let ended = end()
        return written && ended
    }

    /// Closes the pipes and waits for the child: true when it exited 0 (every record written).
    func end() -> Bool {
        _ = system_close(verdicts)
        _ = system_close(answers)
        let status = system_wait(child)
        return status >= 0 && system_exited_zero(status)
    }

    /// The child's whole life: for each framed verdict write a record and answer `1` or `0`; exit 0 when
    /// every record was written.
    private static func serve(_ decision: Decision, verdicts: Int32, answers: Int32) -> Int32 {
        var allWritten = true
        var received = 0
        while true {
            var header: [UInt8] = [0, 0, 0, 0]
            guard DescriptorIO.readExactly(&header, from: verdicts) else { break }
            let count = header.reduce(0) { $0 << 8 | Int($1) }
            var body = [UInt8](repeating: 0, count: min(count, Verdict.maximumSize + 1))
            var final = decision
            final.stage = .final
            let verdict =
                count <= Verdict.maximumSize && DescriptorIO.readExactly(&body, from: verdicts)
                ? Verdict.decode(body) : nil
            if let verdict {
                final.allowed = verdict.allowed
                final.reason = verdict.reason + " inside the jail"
                final.argv = verdict.argv
                if let line = verdict.line { final.command = line }
            } else {
                final.allowed = false
                final.reason = "a malformed verdict came from inside the jail"
            }
            received += 1
            if received > maximumRecords {
                final.allowed = false
                final.reason = "the recorder's budget of \(maximumRecords) records is spent; nothing more is recorded"
                _ = AuditTrail.send(final, comm: "rssh_chroot_helper")
                _ = DescriptorIO.writeAll([UInt8(ascii: "0")], to: answers)
                return 1
            }
            let written = AuditTrail.send(final, comm: "rssh_chroot_helper") == nil
            allWritten = allWritten && written
            // After a malformed verdict nothing more is believed: the recorder records it and stops.
            guard DescriptorIO.writeAll([written ? UInt8(ascii: "1") : UInt8(ascii: "0")], to: answers), verdict != nil
            else {
                return 1
            }
        }
        if received == 0 {
            var final = decision
            final.stage = .final
            final.allowed = false
            final.reason = "the helper ended inside the jail without a verdict"
            _ = AuditTrail.send(final, comm: "rssh_chroot_helper")
            return 1
        }
        return allWritten ? 0 : 1
    }

    private static func pipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard fds.withUnsafeMutableBufferPointer({ $0.baseAddress.map { system_pipe($0) } ?? -1 }) == 0 else {
            return nil
        }
        return (fds[0], fds[1])
    }
}
