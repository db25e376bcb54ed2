/// A server-side program rssh can run, each with its compiled-in path.
public enum ServerProgram: Int, CaseIterable, Sendable, Hashable {
    /// OpenSSH's sftp-server.
    case sftpServer
    /// scp in legacy server mode.
    case scp
    /// cvs in server mode.
    case cvs
    /// Classic rdist (`rdist -Server`).
    case rdist
    /// rdist 6's server (`rdistd -S`).
    case rdistd
    /// rsync in server mode.
    case rsync
    /// Subversion's tunnel server.
    case svnserve
    /// coreutils' MD5 checksum program (rclone, WinSCP).
    case md5sum
    /// coreutils' SHA-1 checksum program.
    case sha1sum
    /// coreutils' SHA-224 checksum program.
    case sha224sum
    /// coreutils' SHA-256 checksum program.
    case sha256sum
    /// coreutils' SHA-384 checksum program.
    case sha384sum
    /// coreutils' SHA-512 checksum program.
    case sha512sum
    /// BorgBackup's repository server (`borg serve`, option `borg`).
    case borg
    /// git's fetch and clone server (`git-upload-pack`, option `git`).
    case gitUploadPack
    /// git's push server (`git-receive-pack`, option `git`).
    case gitReceivePack
    /// git's `git archive --remote` server (`git-upload-archive`, option `git`).
    case gitUploadArchive

    /// The checksum programs, allowed together by the `checksums` option.
    public static let checksums: [ServerProgram] = [.md5sum, .sha1sum, .sha224sum, .sha256sum, .sha384sum, .sha512sum]

    /// git's three server programs, allowed together by the `git` option and all run by the one git binary.
    public static let git: [ServerProgram] = [.gitUploadPack, .gitReceivePack, .gitUploadArchive]

    /// The transfer permission that allows this program, or nil for one allowed by a user option (`option`).
    public var permission: TransferProgram? {
        switch self {
        case .sftpServer: .sftp
        case .scp: .scp
        case .cvs: .cvs
        case .rdist, .rdistd: .rdist
        case .rsync: .rsync
        case .svnserve: .svnserve
        case .md5sum, .sha1sum, .sha224sum, .sha256sum, .sha384sum, .sha512sum: nil
        case .borg, .gitUploadPack, .gitReceivePack, .gitUploadArchive: nil
        }
    }

    /// The user option that allows this program (`checksums`, `borg`, `git`), or nil for an `allow*` program.
    public var option: UserOptions? {
        switch self {
        case .sftpServer, .scp, .cvs, .rdist, .rdistd, .rsync, .svnserve: nil
        case .md5sum, .sha1sum, .sha224sum, .sha256sum, .sha384sum, .sha512sum: .checksums
        case .borg: .borg
        case .gitUploadPack, .gitReceivePack, .gitUploadArchive: .git
        }
    }

    /// Whether this is one of the checksum programs.
    public var isChecksum: Bool { option == .checksums }

    /// Whether this is one of git's server programs.
    public var isGit: Bool { option == .git }

    /// Whether the program runs commands on the server by design, so it needs a jail or `unconfinedexec`.
    ///
    /// git runs hooks and programs named in the repository's configuration (`core.fsmonitor`, filter drivers
    /// in `git archive`, `core.alternateRefsCommand`, …): an open set, which a user who can also write the
    /// repository (sftp) controls. rssh neutralises the keys it knows (`GitServer.configuration`), but cannot
    /// prove the list complete, so git is classed with cvs, rdist and svnserve.
    public var runsCommandsByDesign: Bool {
        if let permission { return permission.runsCommandsByDesign }
        return isGit
    }

    /// The program's usual name, for messages (`sftp-server`, `sha256sum`).
    public var name: String {
        switch self {
        case .sftpServer: "sftp-server"
        case .scp: "scp"
        case .cvs: "cvs"
        case .rdist: "rdist"
        case .rdistd: "rdistd"
        case .rsync: "rsync"
        case .svnserve: "svnserve"
        case .md5sum: "md5sum"
        case .sha1sum: "sha1sum"
        case .sha224sum: "sha224sum"
        case .sha256sum: "sha256sum"
        case .sha384sum: "sha384sum"
        case .sha512sum: "sha512sum"
        case .borg: "borg"
        case .gitUploadPack: "git-upload-pack"
        case .gitReceivePack: "git-receive-pack"
        case .gitUploadArchive: "git-upload-archive"
        }
    }

    /// The label `rssh -v` prints, right-aligned like rssh 2.3.4's.
    public var versionLabel: String {
        switch self {
        case .sftpServer: "sftp server binary"
        case .scp: "scp binary path"
        case .cvs: "cvs binary path"
        case .rdist: "rdist binary path"
        case .rdistd: "rdistd binary path"
        case .rsync: "rsync binary path"
        case .svnserve: "svnserve binary path"
        case .md5sum, .sha1sum, .sha224sum, .sha256sum, .sha384sum, .sha512sum: "\(name) binary path"
        case .borg: "borg binary path"
        case .gitUploadPack, .gitReceivePack, .gitUploadArchive: "\(name) runs"
        }
    }
}
