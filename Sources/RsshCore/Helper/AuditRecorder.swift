import CRsshLibc

/// A root child of the helper that writes the final audit record for what happens inside the jail.
///
/// The kernel checks CAP_AUDIT_WRITE of the sending process, so once the helper has chrooted and dropped
/// to the user it can no longer write a record. It forks this child first: the child keeps root, waits for
/// the verdict on a pipe, writes one record and exits; it reads nothing else and runs nothing. If the
/// helper dies inside the jail (a crash while expanding, a kill), the child records that no verdict came.
struct AuditRecorder {
    private let child: pid_t
    private let writeEnd: Int32

    /// Forks the recorder for `decision` (its user, uid, address, jail, program and command).
    /// - Returns: nil when the pipe or the fork failed.
    static func start(_ decision: Decision) -> AuditRecorder? {
        var fds: [Int32] = [-1, -1]
        guard fds.withUnsafeMutableBufferPointer({ $0.baseAddress.map { system_pipe($0) } ?? -1 }) == 0 else {
            return nil
        }
        let child = system_fork()
        guard child >= 0 else {
            _ = system_close(fds[0])
            _ = system_close(fds[1])
            return nil
        }
        if child == 0 {
            _ = system_close(fds[1])
            system_exit_now(record(decision, verdictFrom: fds[0]))
        }
        _ = system_close(fds[0])
        return AuditRecorder(child: child, writeEnd: fds[1])
    }

    /// Sends `verdict`, waits for the child, and says whether the record was written.
    func finish(_ verdict: Verdict) -> String {
        var bytes = verdict.encoded()
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return system_write(writeEnd, base + offset, buffer.count - offset)
            }
            if written < 0 && system_errno() == EINTR { continue }
            guard written > 0 else { break }
            offset += written
        }
        _ = system_close(writeEnd)
        let status = system_wait(child)
        return status >= 0 && system_exited_zero(status) ? "written" : "not written: the recorder failed"
    }

    /// The child's whole life: read one verdict, write one record; the exit status says whether it was.
    private static func record(_ decision: Decision, verdictFrom fd: Int32) -> Int32 {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count <= Verdict.maximumSize {
            let count = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return system_read(fd, base, raw.count)
            }
            if count < 0 && system_errno() == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        var final = decision
        final.stage = .final
        if let verdict = Verdict.decode(bytes) {
            final.allowed = verdict.allowed
            final.reason = verdict.reason + " inside the jail"
            final.argv = verdict.argv
        } else {
            final.allowed = false
            final.reason = "the helper ended inside the jail without a verdict"
        }
        return AuditTrail.send(final, comm: "rssh_chroot_helper") == nil ? 0 : 1
    }
}
