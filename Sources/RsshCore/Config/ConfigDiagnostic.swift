/// One problem found in rssh.conf, with where it is and whom it affects.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// How serious a problem is.
    public enum Severity: Sendable, Equatable {
        /// The configuration is not trusted: the affected users are locked out.
        case error
        /// Worth the administrator's attention; changes no decision.
        case warning
    }

    /// Whom a problem affects.
    public enum Scope: Sendable, Equatable {
        /// Everyone: the file as a whole is in error.
        case global
        /// Only the user named on a `user=` line.
        case user(String)
        /// Every user without a user line: a `group=` line in error might have applied to any of them.
        case group(String)
        /// Only sessions that select the profile named on a `profile=` line.
        case profile(String)
    }

    /// Error or warning.
    public var severity: Severity
    /// The file the problem is in.
    public var file: String
    /// The 1-based line number, or 0 when the problem concerns the whole file.
    public var line: Int
    /// What is wrong, in words an administrator can act on.
    public var message: String
    /// Whom it affects.
    public var scope: Scope

    /// Creates a diagnostic.
    public init(severity: Severity, file: String, line: Int, message: String, scope: Scope = .global) {
        self.severity = severity
        self.file = file
        self.line = line
        self.message = message
        self.scope = scope
    }

    /// `file:line: error: message`, the form compilers use, so editors can jump to it.
    public var description: String {
        let kind = severity == .error ? "error" : "warning"
        return line > 0 ? "\(file):\(line): \(kind): \(message)" : "\(file): \(kind): \(message)"
    }
}
