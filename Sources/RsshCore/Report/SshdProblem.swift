/// Why part of sshd's configuration could not be read or asked for, in words for `rssh -v`.
public struct SshdProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reason, such as sshd's own error message.
    public var description: String

    /// Creates a problem.
    public init(_ description: String) {
        self.description = description
    }
}
