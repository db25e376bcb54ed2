/// Looks for sshd settings that bypass or weaken a restricted shell, for `rssh -v`.
///
/// It reads `sshd_config` as text (it need not be run as root, so `sshd -T` is out of reach) and follows no
/// `Include`: its findings are hints for the administrator, never a decision.
public enum SshdConfigCheck {
    /// The warnings for `text`, given the sftp-server path rssh was built with.
    public static func warnings(_ text: String, sftpServer: String, sftpServerOptions: [[UInt8]] = []) -> [String] {
        var warnings: [String] = []
        var sawSubsystem = false
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" }).map(String.init)
            guard let keyword = words.first?.lowercased() else { continue }
            let number = index + 1
            if keyword == "subsystem", words.count >= 3, words[1] == "sftp" {
                sawSubsystem = true
                if words[2] == "internal-sftp" {
                    warnings.append(
                        "line \(number): 'Subsystem sftp internal-sftp' serves SFTP inside sshd: rssh is never run for SFTP"
                    )
                } else if words[2] != sftpServer {
                    warnings.append(
                        "line \(number): Subsystem sftp runs \(words[2]), but rssh only allows \(sftpServer): SFTP will be refused"
                    )
                } else {
                    do throws(ArgumentRejection) {
                        try SftpServerOptions.check(
                            client: words.dropFirst(3).map { Array($0.utf8) }[...],
                            administrator: sftpServerOptions
                        )
                    } catch {
                        warnings.append("line \(number): SFTP will be refused: \(error.message)")
                    }
                }
            }
            if keyword == "forcecommand", words.count >= 2, words[1] == "internal-sftp" {
                warnings.append("line \(number): 'ForceCommand internal-sftp' bypasses rssh for the users it matches")
            }
            if keyword == "permituserenvironment", words.count >= 2, words[1].lowercased() != "no" {
                warnings.append("line \(number): PermitUserEnvironment lets users set LD_PRELOAD and friends for sshd")
            }
        }
        if !sawSubsystem { warnings.append("no 'Subsystem sftp' line: SFTP clients cannot connect") }
        return warnings
    }
}
