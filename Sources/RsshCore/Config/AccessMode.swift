/// What a user may do with files, the same for every protocol (the `readonly`, `uploadonly` and `appendonly`
/// options).
///
/// Enforced by the argument vectors rssh builds and checks, never by trusting the client.
public enum AccessMode: Sendable, Equatable, CustomStringConvertible {
    /// Everything the programs allow.
    case readWrite
    /// List and download; change nothing.
    case readOnly
    /// Create and write; read nothing back, list nothing, delete and rename nothing.
    case uploadOnly
    /// Create and write new files, read back, list; never delete, rename, truncate or overwrite what exists.
    ///
    /// Only programs that can be held to that run: rsync with its own allow-list and `--ignore-existing`,
    /// `scp -f` (reading back); sftp-server and `scp -t` cannot refuse to write into an existing file and
    /// are refused (rssh.conf(5), "The appendonly mode").
    case appendOnly

    /// The option's name, or `read-write`.
    public var description: String {
        switch self {
        case .readWrite: "read-write"
        case .readOnly: "readonly"
        case .uploadOnly: "uploadonly"
        case .appendOnly: "appendonly"
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
        case .readWrite, .readOnly, .appendOnly: "allowed with the checksums option"
        case .uploadOnly: "refused (a hash is a read)"
        }
    }

    /// What borg (option `borg`) may do in this mode.
    public var borgRule: String {
        switch self {
        case .readWrite: "borg serve restricted to the home (--restrict-to-path) with the borg option"
        case .appendOnly: "borg serve restricted to the home, with --append-only added by rssh"
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
        case .appendOnly:
            "all three, for a user without rsync or borg; git-receive-pack takes new commits on branches only: "
                + "no deletion, no non-fast-forward update, no other ref (receive.denyDeletes, "
                + "denyNonFastForwards, hideRefs)"
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
        // sftp-server opens an existing file for writing (OPEN with WRITE, with or without TRUNC) and has no
        // option to refuse it; no request list and no Landlock right (a new file needs WRITE_FILE too) can
        // tell an existing file from a new one.
        case (.appendOnly, .sftp):
            "refused (sftp-server writes into or truncates an existing file it is asked to open for writing)"
        case (.appendOnly, .scp): "scp -f only (download); scp -t opens an existing file and overwrites it"
        case (.appendOnly, .rsync):
            "rsync as sender or receiver, with the append-only allow-list below (existing files are skipped)"
        // borg and git have their own rules (borgRule, gitRule): options, not access bits. A program that
        // cannot be held to the mode is refused in it, as cvs is below.
        case (_, .cvs), (_, .rdist), (_, .svnserve): "refused"
        }
    }
}
