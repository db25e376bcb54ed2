import CRsshLibc

/// Turns the facts about sshd into findings for `rssh -v`: every setting that bypasses or weakens rssh for
/// the accounts whose shell it is.
///
/// Pure: it runs nothing and reads nothing (whether a path is writable is asked through `status`), so tests
/// drive it with canned `sshd -T` output. Identical findings are merged, so a thousand accounts with the
/// same settings give one line, not a thousand.
public enum SshdConfigCheck {
    /// An lstat(2) answer as the check needs it: owner, group and mode, or nil when the path does not exist.
    public typealias Status = (String) -> (owner: uid_t, group: gid_t, mode: mode_t)?
    /// Whether a path carries the immutable attribute (`chattr +i`): nobody can rename, remove or replace it.
    public typealias Immutability = (String) -> Bool

    /// The findings for `facts`, given the sftp-server path rssh was built with and rssh.conf's options.
    public static func findings(
        _ facts: SshdEffectiveConfig,
        sftpServer: String,
        sftpServerOptions: [[UInt8]],
        status: Status,
        isImmutable: Immutability = { _ in false }
    ) -> [SshdFinding] {
        var findings: [SshdFinding] = []
        func add(_ finding: SshdFinding) {
            if let index = findings.firstIndex(where: {
                $0.severity == finding.severity && $0.message == finding.message && $0.fix == finding.fix
            }) {
                findings[index].users += finding.users
            } else {
                findings.append(finding)
            }
        }
        // Each set of settings is checked the same way; only how its findings are labelled differs.
        func collect(
            _ settings: SshdSettings,
            onlySet: Bool,
            account: Account?,
            label: (inout SshdFinding) -> Void
        ) {
            let found = problems(
                settings,
                sftpServer: sftpServer,
                sftpServerOptions: sftpServerOptions,
                onlySet: onlySet,
                account: account,
                status: status,
                isImmutable: isImmutable
            )
            for var finding in found {
                label(&finding)
                add(finding)
            }
        }
        if facts.users.isEmpty { collect(facts.global, onlySet: false, account: nil) { _ in } }
        for user in facts.users {
            collect(user.settings, onlySet: false, account: user.account) { $0.users = [user.account.name] }
        }
        for block in facts.matchBlocks {
            collect(block.settings, onlySet: true, account: nil) { finding in
                finding.message =
                    "inside 'Match \(block.criteria)' (\(block.location)), which may apply to rssh accounts "
                    + "(not evaluated): \(finding.message)"
            }
        }
        return findings
    }

    /// The findings for one set of settings; `onlySet` looks only at keywords the settings set themselves
    /// (a Match block), not at defaults; `account` and `status` check that account's authorized keys files.
    static func problems(
        _ settings: SshdSettings,
        sftpServer: String,
        sftpServerOptions: [[UInt8]],
        onlySet: Bool,
        account: Account?,
        status: Status,
        isImmutable: Immutability = { _ in false }
    ) -> [SshdFinding] {
        var result: [SshdFinding] = []
        func check(_ keyword: String) -> String? {
            guard !onlySet || settings.entry(keyword) != nil else { return nil }
            return settings.value(keyword)
        }
        result += subsystemProblems(settings, sftpServer: sftpServer, sftpServerOptions: sftpServerOptions)
        if !onlySet && !settings.all("subsystem").contains(where: { $0.value.hasPrefix("sftp ") }) {
            result.append(
                SshdFinding(
                    severity: .warning,
                    message: "no 'Subsystem sftp': SFTP clients cannot connect",
                    fix: "add 'Subsystem sftp \(sftpServer)\(optionsSuffix(sftpServerOptions))'"
                )
            )
        }
        for rule in rules {
            guard let value = check(rule.keyword), rule.flags(value.lowercased()) else { continue }
            result.append(
                SshdFinding(severity: .bypass, message: rule.name + " " + value + ": " + rule.message, fix: rule.fix)
            )
        }
        let disabled = (check("disableforwarding") ?? "no").lowercased() == "yes"
        let forwarding = ["allowtcpforwarding", "allowstreamlocalforwarding"].compactMap { keyword -> String? in
            guard let value = check(keyword), value.lowercased() != "no" else { return nil }
            return keyword == "allowtcpforwarding"
                ? "AllowTcpForwarding \(value)" : "AllowStreamLocalForwarding \(value)"
        }
        if !disabled && !forwarding.isEmpty {
            result.append(
                SshdFinding(
                    severity: .bypass,
                    message: "\(forwarding.joined(separator: ", ")) (DisableForwarding no): users open tunnels to "
                        + "hosts, ports and sockets the server reaches (ssh -N -L) without rssh ever being run",
                    fix: "DisableForwarding yes"
                )
            )
        }
        if let account, let files = check("authorizedkeysfile"), files.lowercased() != "none" {
            for pattern in files.split(separator: " ").map(String.init) {
                let path = authorizedKeysPath(pattern, account: account)
                guard userCanWrite(path, account: account, status: status, isImmutable: isImmutable) else { continue }
                result.append(
                    SshdFinding(
                        severity: .bypass,
                        message: "AuthorizedKeysFile \(pattern): the account can write it (it lies in a "
                            + "directory the account owns or may write), so it can add keys and key options "
                            + "through sftp, scp or rsync, and remove a key's forced command (command=\"rssh-profile "
                            + "NAME\"): a profile then no longer narrows that key, which gets the account's own line",
                        fix: "AuthorizedKeysFile /etc/ssh/authorized_keys/%u (files owned by root), or make "
                            + "~/.ssh root-owned and immutable (rsshctl ssh protect USER) with the file root-owned"
                    )
                )
            }
        }
        if let pattern = acceptEnvMatch(settings, variable: "SSH_ORIGINAL_COMMAND") {
            result.append(
                SshdFinding(
                    severity: .warning,
                    message: "AcceptEnv \(pattern) matches SSH_ORIGINAL_COMMAND: a client without a forced command "
                        + "can set it and send 'rssh-profile NAME' to pick its own profile (harmless to rssh: a "
                        + "profile only narrows the account's line), but anything else trusting the variable is misled",
                    fix: "AcceptEnv with names that cannot match SSH_ORIGINAL_COMMAND (LANG LC_* GIT_PROTOCOL)"
                )
            )
        }
        return result
    }

    /// The first AcceptEnv pattern that matches `variable` (sshd's `*` and `?` wildcards), or nil.
    static func acceptEnvMatch(_ settings: SshdSettings, variable: String) -> String? {
        let patterns = settings.all("acceptenv").flatMap { $0.value.split(separator: " ").map(String.init) }
        return patterns.first { wildcardMatch(Array($0.utf8), Array(variable.utf8)) }
    }

    /// Whether `text` matches `pattern` with `*` (any run) and `?` (one byte), as sshd's match_pattern.
    static func wildcardMatch(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var p = 0
        var t = 0
        var star = -1
        var mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }

    /// A setting that bypasses or weakens rssh when its lower-cased value is one of `flagged`, or, when
    /// `flagged` is empty, none of `harmless`.
    struct Rule: Sendable {
        let keyword: String
        let name: String
        var flagged: [String] = []
        var harmless: [String] = []
        let message: String
        let fix: String

        func flags(_ value: String) -> Bool {
            flagged.isEmpty ? !harmless.contains(value) : flagged.contains(value)
        }
    }

    /// The single-keyword rules, as a table a reviewer can hold against sshd_config(5).
    static let rules: [Rule] = [
        Rule(
            keyword: "forcecommand",
            name: "ForceCommand",
            flagged: ["internal-sftp"],
            message: "sshd serves SFTP itself and rssh is never run; it bypasses rssh.conf (umask, allowed "
                + "programs, chroot, logging)",
            fix: "remove ForceCommand for rssh accounts; rssh.conf decides what they may run"
        ),
        Rule(
            keyword: "forcecommand",
            name: "ForceCommand",
            harmless: ["none", "internal-sftp"],
            message: "every session runs it through 'rssh -c' whatever the client asks (rssh still vets it)",
            fix: "remove ForceCommand for rssh accounts; rssh.conf decides what they may run"
        ),
        Rule(
            keyword: "chrootdirectory",
            name: "ChrootDirectory",
            harmless: ["none"],
            message: "sshd chroots before it starts the login shell, so rssh and its chroot helper must live "
                + "inside it and rssh.conf's jails cannot work (with internal-sftp, rssh is bypassed)",
            fix: "remove ChrootDirectory for rssh accounts; give the jail in rssh.conf (user = NAME:umask:access:JAIL) "
                + "and build it with 'rsshctl jail build'"
        ),
        Rule(
            keyword: "permituserenvironment",
            name: "PermitUserEnvironment",
            harmless: ["no"],
            message: "users set variables such as LD_PRELOAD for sshd's session from ~/.ssh/environment, a file "
                + "they can upload",
            fix: "PermitUserEnvironment no"
        ),
        Rule(
            keyword: "permituserrc",
            name: "PermitUserRC",
            flagged: ["yes"],
            message: "at every login sshd asks rssh to run ~/.ssh/rc, a file users can upload (rssh refuses it; "
                + "nothing needs it)",
            fix: "PermitUserRC no"
        ),
        Rule(
            keyword: "permittty",
            name: "PermitTTY",
            flagged: ["yes"],
            message: "sshd gives these accounts a terminal (rssh refuses interactive logins; nothing rssh allows "
                + "needs one)",
            fix: "PermitTTY no"
        ),
    ]

    /// Every internal-sftp subsystem (a bypass), and an sftp subsystem rssh would refuse.
    static func subsystemProblems(
        _ settings: SshdSettings,
        sftpServer: String,
        sftpServerOptions: [[UInt8]]
    )
        -> [SshdFinding]
    {
        var result: [SshdFinding] = []
        for entry in settings.all("subsystem") {
            let words = entry.value.split(separator: " ").map(String.init)
            guard words.count >= 2 else { continue }
            let name = words[0]
            let suggestion = "'Subsystem sftp \(sftpServer)\(optionsSuffix(sftpServerOptions))'"
            if words[1] == "internal-sftp" {
                result.append(
                    SshdFinding(
                        severity: .bypass,
                        message: "Subsystem \(name) internal-sftp: sshd serves SFTP itself and rssh is never run "
                            + "for it",
                        fix: name == "sftp" ? "use \(suggestion)" : "remove 'Subsystem \(name)'; use \(suggestion)"
                    )
                )
            } else if name == "sftp" && words[1] != sftpServer {
                result.append(
                    SshdFinding(
                        severity: .warning,
                        message: "Subsystem sftp runs \(words[1]), but rssh only allows \(sftpServer): SFTP will be "
                            + "refused",
                        fix: "use \(suggestion)"
                    )
                )
            } else if name == "sftp" {
                do throws(ArgumentRejection) {
                    try SftpServerOptions.check(
                        client: words.dropFirst(2).map { Array($0.utf8) }[...],
                        administrator: sftpServerOptions
                    )
                } catch {
                    result.append(
                        SshdFinding(
                            severity: .warning,
                            message: "Subsystem sftp \(words.dropFirst(1).joined(separator: " ")): SFTP will be "
                                + "refused: \(error.message)",
                            fix: "make the options in rssh.conf and in the Subsystem line the same"
                        )
                    )
                }
            }
        }
        return result
    }

    /// sshd's expansion of one AuthorizedKeysFile word for `account`: %% %h %u %U, relative to the home.
    static func authorizedKeysPath(_ pattern: String, account: Account) -> String {
        let home = String(decoding: account.home, as: UTF8.self)
        var result = ""
        var percent = false
        for character in pattern {
            if percent {
                switch character {
                case "h": result += home
                case "u": result += account.name
                case "U": result += String(account.uid)
                default: result.append(character)
                }
                percent = false
            } else if character == "%" {
                percent = true
            } else {
                result.append(character)
            }
        }
        return result.hasPrefix("/") ? result : home + "/" + result
    }

    /// Whether `account` controls `path`: some existing component of it (a directory on the way, or the
    /// file) is its own or writable by it (others, or its primary group); a writable directory lets it
    /// replace anything below.
    static func userCanWrite(
        _ path: String,
        account: Account,
        status: Status,
        isImmutable: Immutability = { _ in false }
    ) -> Bool {
        // Whether the account can write the directory holding the current component: then it can rename that
        // component away and put its own in place, unless the component is immutable (review 3, F5).
        var parentWritable = false
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/" + component
            guard let info = status(prefix) else { return parentWritable }
            if parentWritable && !isImmutable(prefix) { return true }
            parentWritable =
                info.owner == account.uid || info.mode & CRsshLibc_S_IWOTH != 0
                || (info.mode & CRsshLibc_S_IWGRP != 0 && info.group == account.gid)
        }
        return parentWritable
    }

    private static func optionsSuffix(_ options: [[UInt8]]) -> String {
        options.isEmpty ? "" : " " + options.map { Printable.text($0) }.joined(separator: " ")
    }
}
