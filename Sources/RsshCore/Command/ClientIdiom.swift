/// What a command line recognisably comes from: which client, and what it is doing.
///
/// `rsshctl explain` prints it beside the verdict, so an administrator asked about a refusal sees which
/// client sent the line (OpenSSH 9 `scp` uses SFTP; rclone probes hashes with `md5sum`; WinSCP's SCP mode
/// drives a shell). It decides nothing: the verdict is `LoginShell.decide`'s alone.
public enum ClientIdiom: Sendable, Equatable, CaseIterable {
    /// No command: `ssh` without one, or WinSCP's SCP mode, which opens a shell channel.
    case interactive
    /// The sftp subsystem, as sshd runs it (`-c <sftp-server path>`).
    case sftpSubsystem
    /// PuTTY's psftp fallback when the sftp subsystem request fails (FileZilla, WinSCP's SFTP).
    case psftpFallback
    /// `scp -t` or `scp -f`: the legacy scp protocol.
    case scpLegacy
    /// `scp` without `-t` or `-f`: not what a client's scp sends to a server.
    case scpOther
    /// rclone's shell-type probe.
    case rcloneShellProbe
    /// `md5sum` … `sha512sum`: rclone's hash check, or WinSCP's checksum dialog.
    case checksum
    /// `rsync --server --sender`: an rsync download.
    case rsyncSender
    /// `rsync --server` without `--sender`: an rsync upload.
    case rsyncReceiver
    /// `borg serve`.
    case borgServe
    /// `git-upload-pack` (or `git upload-pack`): a clone or fetch.
    case gitFetch
    /// `git-receive-pack`: a push.
    case gitPush
    /// `git-upload-archive`: `git archive --remote`.
    case gitArchive
    /// `cvs server`.
    case cvs
    /// `rdistd -S`.
    case rdist
    /// `svnserve -t`: svn+ssh.
    case svn
    /// A line of WinSCP's SCP-mode shell session (framed by its end-of-file echo).
    case winscpShellLine
    /// `rssh-profile NAME`: a key's forced command selecting a profile.
    case profileSelector
    /// None of the above.
    case unrecognised

    /// One line for the administrator.
    public var description: String {
        switch self {
        case .interactive:
            "no command: an interactive login (ssh without a command), or WinSCP's SCP mode, which opens a shell"
        case .sftpSubsystem:
            "the sftp subsystem: OpenSSH sftp, OpenSSH 9 and later scp (SFTP by default), FileZilla, WinSCP, "
                + "rclone, paramiko"
        case .psftpFallback:
            "PuTTY's psftp fallback, sent by FileZilla and WinSCP when the sftp subsystem request fails"
        case .scpLegacy: "the legacy scp protocol: scp -O, OpenSSH before 9.0, WinSCP's SCP mode transfers"
        case .scpOther: "scp, but neither -t nor -f: not what an scp client sends to a server"
        case .rcloneShellProbe: "rclone's shell-type probe (answered as a POSIX shell would; nothing runs)"
        case .checksum: "a checksum: rclone's hash check (rclone check, md5sum) or WinSCP's checksum dialog"
        case .rsyncSender: "rsync's server side, sending: an rsync download"
        case .rsyncReceiver: "rsync's server side, receiving: an rsync upload"
        case .borgServe: "borg's server side (borg serve): a BorgBackup client"
        case .gitFetch: "git's server side for a clone or fetch (git-upload-pack)"
        case .gitPush: "git's server side for a push (git-receive-pack)"
        case .gitArchive: "git's server side for git archive --remote (git-upload-archive)"
        case .cvs: "cvs's server side (cvs server): a cvs client over ssh"
        case .rdist: "rdist's server side (rdistd -S)"
        case .svn: "svnserve -t: an svn+ssh client"
        case .winscpShellLine:
            "a line of WinSCP's SCP mode (its shell session, answered with the winscp option; not an exec request)"
        case .profileSelector: "a key's forced command selecting a profile (rssh-profile NAME)"
        case .unrecognised: "not a command line a known file-transfer client sends"
        }
    }

    /// The idiom of `command` (nil: no command).
    public static func classify(_ command: [UInt8]?) -> ClientIdiom {
        guard let command else { return .interactive }
        if command == CommandVetter.psftpFallback { return .psftpFallback }
        if command == CommandVetter.rcloneShellProbe { return .rcloneShellProbe }
        if (try? WinSCPLine.parse(command)) != nil { return .winscpShellLine }
        guard let words = try? CommandSplitter.split(command).map({ $0.text }), let first = words.first else {
            return .unrecognised
        }
        let name = String(decoding: first.split(separator: UInt8(ascii: "/")).last ?? [], as: UTF8.self)
        let rest = words.dropFirst().map { String(decoding: $0, as: UTF8.self) }
        return classify(program: name, arguments: rest)
    }

    /// The idiom of a program basename and its arguments.
    static func classify(program: String, arguments: [String]) -> ClientIdiom {
        switch program {
        case "sftp-server": return .sftpSubsystem
        case "scp":
            let modes = arguments.prefix { $0 != "--" }.filter { $0.hasPrefix("-") && !$0.hasPrefix("--") }
            return modes.contains { $0.contains("t") || $0.contains("f") } ? .scpLegacy : .scpOther
        case "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum": return .checksum
        case "rsync" where arguments.first == "--server":
            return arguments.contains("--sender") ? .rsyncSender : .rsyncReceiver
        case "borg" where arguments.contains("serve"): return .borgServe
        case "git-upload-pack": return .gitFetch
        case "git-receive-pack": return .gitPush
        case "git-upload-archive": return .gitArchive
        case "git" where arguments.first == "upload-pack": return .gitFetch
        case "git" where arguments.first == "receive-pack": return .gitPush
        case "git" where arguments.first == "upload-archive": return .gitArchive
        case "cvs" where arguments == ["server"]: return .cvs
        case "rdistd": return .rdist
        case "svnserve" where arguments.contains("-t"): return .svn
        case "rssh-profile": return .profileSelector
        default: return .unrecognised
        }
    }
}
