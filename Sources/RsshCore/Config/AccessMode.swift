/// What a user may do with files, the same for every protocol (the `readonly` and `uploadonly` options).
///
/// Enforced by the argument vectors rssh builds and checks, never by trusting the client.
public enum AccessMode: Sendable, Equatable, CustomStringConvertible {
    /// Everything the programs allow.
    case readWrite
    /// List and download; change nothing.
    case readOnly
    /// Create and write; read nothing back, list nothing, delete and rename nothing.
    case uploadOnly

    /// The option's name, or `read-write`.
    public var description: String {
        switch self {
        case .readWrite: "read-write"
        case .readOnly: "readonly"
        case .uploadOnly: "uploadonly"
        }
    }

    /// The sftp requests an upload-only session may not make (sftp-server `-P`): reading file data,
    /// listing, deleting, renaming, changing attributes (setstat can truncate), links, server-side copies.
    public static let uploadOnlyDeniedRequests = [
        "read", "opendir", "readdir", "remove", "rmdir", "rename", "posix-rename", "setstat", "fsetstat", "lsetstat",
        "symlink", "hardlink", "copy-data", "readlink",
    ]

    /// What the checksum programs (option `checksums`) may do in this mode.
    public var checksumRule: String {
        switch self {
        case .readWrite, .readOnly: "allowed with the checksums option"
        case .uploadOnly: "refused (a hash is a read)"
        }
    }

    /// What borg (option `borg`) may do in this mode.
    public var borgRule: String {
        switch self {
        case .readWrite: "borg serve restricted to the home (--restrict-to-path) with the borg option"
        case .readOnly, .uploadOnly:
            "refused (borg serve cannot be limited to \(self == .readOnly ? "reading" : "uploading"))"
        }
    }

    /// What git (option `git`) may do in this mode.
    public var gitRule: String {
        switch self {
        case .readWrite: "git-upload-pack, git-receive-pack, git-upload-archive with the git option"
        case .readOnly: "git-upload-pack and git-upload-archive only (clone, fetch, archive; no push)"
        case .uploadOnly: "refused (every git server program reads the repository and lists its refs)"
        }
    }

    /// What each program may do in this mode, as rssh enforces it: the one table `rssh -v` prints, the
    /// man page repeats and the unit tests hold the decisions to.
    public func rule(for program: TransferProgram) -> String {
        switch (self, program) {
        case (.readWrite, _): "as the program allows"
        case (.readOnly, .sftp): "sftp-server runs with -R (read-only)"
        case (.readOnly, .scp): "scp -f only (download)"
        case (.readOnly, .rsync): "rsync --sender only (download), with the read-only allow-list below"
        case (.uploadOnly, .sftp):
            "sftp-server runs with -P " + Self.uploadOnlyDeniedRequests.joined(separator: ",")
                + " (no reading back, listing, deleting, renaming, attribute changes, link reading)"
        case (.uploadOnly, .scp): "scp -t only (upload)"
        case (.uploadOnly, .rsync): "rsync as receiver only, with the upload-only allow-list below"
        case (_, .cvs), (_, .rdist), (_, .svnserve): "refused"
        }
    }
}
