/// A kind of transfer an administrator can allow, as named by the `allow*` keywords and the user-line bits.
///
/// The declaration order is the order rssh prints them in its banner.
public enum TransferProgram: Int, CaseIterable, Sendable, Hashable {
    /// Legacy scp (`scp -t` / `scp -f`).
    case scp
    /// The SFTP server (also what OpenSSH 9 `scp` uses by default).
    case sftp
    /// `cvs server`.
    case cvs
    /// `rdist -Server` or `rdistd -S`.
    case rdist
    /// `rsync --server`.
    case rsync
    /// `svnserve -t`.
    case svnserve

    /// The name used in the banner, the log and `rssh -v`.
    public var name: String {
        switch self {
        case .scp: "scp"
        case .sftp: "sftp"
        case .cvs: "cvs"
        case .rdist: "rdist"
        case .rsync: "rsync"
        case .svnserve: "svnserve"
        }
    }

    /// Whether the program runs commands on the server by design.
    ///
    /// cvs runs `loginfo` and the other administrative files, rdist a Distfile's `special` and `cmdspecial`,
    /// svnserve repository hooks. No argument allow-list can stop that, so such a program runs only for a
    /// confined user or with `unconfinedexec`.
    public var runsCommandsByDesign: Bool {
        switch self {
        case .cvs, .rdist, .svnserve: true
        case .scp, .sftp, .rsync: false
        }
    }

    /// The rssh.conf keyword that allows this program for every user.
    public var keyword: String { "allow" + name }
}
