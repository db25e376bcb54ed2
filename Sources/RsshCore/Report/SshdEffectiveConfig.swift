/// The facts `rssh -v` checks about sshd: the settings sshd applies to the accounts whose login shell is rssh.
///
/// Gathered by `gather` (running `sshd -T` as root, reading the files otherwise) and turned into findings
/// by `SshdConfigCheck`, which runs nothing; tests build these facts by hand from canned `sshd -T` output.
public struct SshdEffectiveConfig: Sendable {
    /// Where the settings came from.
    public enum Source: Sendable, Equatable {
        /// `sshd -T -f config`, and `-C connection,user=NAME` for each account.
        case sshd(binary: String, config: String, connection: String)
        /// The files read directly (Include followed, Match not evaluated); `reason` says why not sshd -T.
        case files(config: String, reason: String)
    }

    /// An account whose login shell is rssh, with the settings sshd applies to it.
    public struct User: Sendable {
        /// The account.
        public var account: Account
        /// sshd's settings for this account's connections (the global ones when Match is not evaluated).
        public var settings: SshdSettings

        /// Creates a user.
        public init(account: Account, settings: SshdSettings) {
            self.account = account
            self.settings = settings
        }
    }

    /// The connection spec passed to `sshd -T -C` besides the user (Match Address/Host see this one only).
    public static let connection = "host=localhost,addr=127.0.0.1"

    /// Where the settings came from.
    public var source: Source
    /// The global settings (no Match block applied).
    public var global: SshdSettings
    /// The rssh accounts and their settings.
    public var users: [User] = []
    /// Why sshd refuses its configuration (its stderr, or the duplicate found in the files), or nil.
    public var invalid: String?
    /// Match blocks found in the files (only when they were read directly; not evaluated).
    public var matchBlocks: [SshdConfigFiles.MatchBlock] = []
    /// What limited the check: unreadable files, the account list cut short, accounts not checked.
    public var notes: [String] = []
    /// Why nothing could be checked (the configuration file could not be read), or nil.
    public var unchecked: String?

    /// Creates the facts.
    public init(
        source: Source,
        global: SshdSettings,
        users: [User] = [],
        invalid: String? = nil,
        matchBlocks: [SshdConfigFiles.MatchBlock] = [],
        notes: [String] = []
    ) {
        self.source = source
        self.global = global
        self.users = users
        self.invalid = invalid
        self.matchBlocks = matchBlocks
        self.notes = notes
    }

    /// One line saying how the settings were obtained, for the report's heading.
    public var sourceDescription: String {
        switch source {
        case .sshd(let binary, let config, let connection):
            "asked \(binary) -T -f \(config), per account with -C user=NAME,\(connection) "
                + "(Match blocks evaluated for that connection)"
        case .files(let config, let reason):
            "read \(config) and its Include files (\(reason)); Match blocks were NOT evaluated"
        }
    }
}
