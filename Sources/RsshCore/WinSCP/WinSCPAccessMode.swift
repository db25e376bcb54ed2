/// What a WinSCP session may change: the administrator's choice, enforced on each command.
///
/// Listing is allowed in every mode, because WinSCP cannot show a folder without it; an upload-only user
/// sees every folder empty (only `.` and `..`), as the drop box shows nothing others delivered, like the
/// sftp-server that refuses such a user's directory reads. Contents leave the server only through `scp -f`.
public enum WinSCPAccessMode: Equatable, Sendable, CustomStringConvertible {
    /// Everything in WinSCP's command table that rssh answers.
    case readWrite
    /// Browse and download only: no `mkdir`, `rm`, `mv`, `chmod`, `ln` or upload.
    case readOnly
    /// Browse, create directories and upload: no download, and nothing that deletes, renames, changes
    /// modes or links (a planted symbolic link could redirect a later upload).
    ///
    /// scp itself replaces a file that already has an uploaded file's name; only the confinement around
    /// the session (Landlock without truncate, or the file system's permissions) can prevent that.
    case uploadOnly
    /// Browse, download, hash and create directories: no upload (scp's sink opens an existing file and
    /// truncates it, and a check before it would race), and nothing that deletes, renames, changes modes or
    /// links. New files reach an append-only account through rsync.
    case appendOnly

    /// Why `command` is refused in this mode, or nil when it is allowed.
    public func refusal(of command: WinSCPCommand) -> String? {
        switch (self, command) {
        case (.readWrite, _):
            return nil
        case (_, .keepalive), (_, .echoReturnCode), (_, .echoStatus), (_, .printLanguage), (_, .unset), (_, .unalias),
            (_, .groups), (_, .printDirectory), (_, .changeDirectory), (_, .list):
            return nil
        case (.readOnly, .scp(.download, _, _)), (.readOnly, .checksum), (.uploadOnly, .makeDirectory),
            (.uploadOnly, .scp(.upload, _, _)), (.appendOnly, .scp(.download, _, _)), (.appendOnly, .checksum),
            (.appendOnly, .makeDirectory):
            return nil
        case (.appendOnly, .scp(.upload, _, _)):
            return "this account may only add new files, and scp overwrites existing ones (upload with rsync)"
        case (.appendOnly, _):
            return "this account may only add new files (nothing can be deleted, renamed, changed or linked)"
        case (.uploadOnly, .checksum):
            return "this account may upload only (a hash is a read)"
        case (.readOnly, _):
            return "this account is read-only"
        case (.uploadOnly, .scp(.download, _, _)):
            return "this account may upload only"
        case (.uploadOnly, _):
            return "this account may upload only (nothing can be deleted, renamed, changed or linked)"
        }
    }

    /// `readwrite`, `readonly`, `uploadonly` or `appendonly`.
    public var description: String {
        switch self {
        case .readWrite: "readwrite"
        case .readOnly: "readonly"
        case .uploadOnly: "uploadonly"
        case .appendOnly: "appendonly"
        }
    }
}
