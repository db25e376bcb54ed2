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

    /// The permission that allows this program.
    public var permission: TransferProgram {
        switch self {
        case .sftpServer: .sftp
        case .scp: .scp
        case .cvs: .cvs
        case .rdist, .rdistd: .rdist
        case .rsync: .rsync
        case .svnserve: .svnserve
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
        }
    }
}
