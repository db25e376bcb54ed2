/// One thing sshd's configuration does to rssh accounts, with the accounts it applies to and the fix.
public struct SshdFinding: Sendable, Equatable {
    /// How serious it is, and so whether `rssh -v` exits 2.
    public enum Severity: Sendable, Equatable {
        /// sshd lets these accounts past rssh, or gives them more than rssh.conf does: exit status 2.
        case bypass
        /// Something rssh allows will not work (SFTP refused); the exit status is not changed.
        case warning
    }

    /// How serious it is.
    public var severity: Severity
    /// What sshd does, starting with the setting, such as `ForceCommand internal-sftp: …`.
    public var message: String
    /// What to change.
    public var fix: String
    /// The accounts it applies to, in the order they were checked; empty when it is not about accounts.
    public var users: [String]

    /// Creates a finding.
    public init(severity: Severity, message: String, fix: String, users: [String] = []) {
        self.severity = severity
        self.message = message
        self.fix = fix
        self.users = users
    }

    /// At most this many names are listed for a finding; the rest are counted.
    public static let namesShown = 5

    /// Who it applies to: every account, or how many with the first few names.
    public func scope(totalUsers: Int) -> String {
        guard !users.isEmpty else { return "" }
        let names = users.prefix(Self.namesShown).joined(separator: ", ") + (users.count > Self.namesShown ? ", …" : "")
        let count = users.count == 1 ? "1 account" : "\(users.count) accounts"
        return users.count == totalUsers && totalUsers > 1 ? "all \(count) (\(names))" : "\(count) (\(names))"
    }
}
