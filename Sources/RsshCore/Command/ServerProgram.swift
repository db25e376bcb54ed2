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

    /// The checksum programs, allowed together by the `checksums` option.
    public static let checksums: [ServerProgram] = [.md5sum, .sha1sum, .sha224sum, .sha256sum, .sha384sum, .sha512sum]

    /// The transfer permission that allows this program, or nil for a checksum program (option `checksums`).
    public var permission: TransferProgram? {
        switch self {
        case .sftpServer: .sftp
        case .scp: .scp
        case .cvs: .cvs
        case .rdist, .rdistd: .rdist
        case .rsync: .rsync
        case .svnserve: .svnserve
        case .md5sum, .sha1sum, .sha224sum, .sha256sum, .sha384sum, .sha512sum: nil
        }
    }

    /// Whether this is one of the checksum programs.
    public var isChecksum: Bool { permission == nil }

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
        }
    }
}
