/// What a session asks for when a key's forced command selects a profile: sshd runs the login shell as
/// `rssh -c "rssh-profile NAME"` and puts the client's own request in `SSH_ORIGINAL_COMMAND`.
///
/// Built from the command and the environment the decision is given (never a getenv elsewhere), so the
/// shell, the chroot helper and `rsshctl explain` select the same profile from the same inputs. Nothing
/// here grants anything: a profile only narrows the account's own line, so a user who sends the selector
/// as their own command, or sets `SSH_ORIGINAL_COMMAND` through an `AcceptEnv`, gains nothing.
public struct ProfileRequest: Sendable, Equatable {
    /// The forced command's first word.
    public static let selectorWord = Array("rssh-profile".utf8)
    /// The variable sshd puts the client's command in when a forced command runs.
    public static let originalCommandVariable = Array("SSH_ORIGINAL_COMMAND".utf8)
    /// The most bytes a profile name may have.
    public static let maximumNameLength = 64

    /// The selected profile's name, or nil when the command selects none.
    public var profile: String?
    /// The command to vet: the client's request under a profile (nil: none came, an interactive login), the
    /// command as given otherwise.
    public var command: [UInt8]?
    /// Why the command looks like a selector but is not a valid one, or nil.
    public var malformed: String?

    /// Reads the request from `command` (the shell's `-c` argument) and `environment` (`NAME=value`).
    public init(command: [UInt8]?, environment: [[UInt8]]) {
        let prefix = Self.originalCommandVariable + [UInt8(ascii: "=")]
        let original = environment.first { $0.starts(with: prefix) }.map { Array($0.dropFirst(prefix.count)) }
        self.init(command: command, original: original)
    }

    /// Reads the request from `command` and the client's `original` command, if one came.
    public init(command: [UInt8]?, original: [UInt8]?) {
        profile = nil
        malformed = nil
        self.command = command
        guard let command else { return }
        let words = command.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).map { Array($0) }
        guard words.first == Self.selectorWord else { return }
        guard words.count == 2, Self.isValidName(words[1]) else {
            malformed = "malformed profile selector (expected: rssh-profile NAME)"
            return
        }
        profile = String(decoding: words[1], as: UTF8.self)
        self.command = original
    }

    /// Whether `name` is a valid profile name: letters, digits, `.`, `_`, `-`, at most 64 bytes.
    public static func isValidName(_ name: [UInt8]) -> Bool {
        !name.isEmpty && name.count <= maximumNameLength
            && name.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == UInt8(ascii: ".")
                    || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            }
    }
}
