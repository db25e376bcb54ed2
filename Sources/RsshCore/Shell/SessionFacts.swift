/// What the login shell learns about its surroundings before deciding, so that every refusal is made in
/// `LoginShell.decide` and tests can set each fact.
public struct SessionFacts: Sendable, Equatable {
    /// Why no audit record can be written (no capability, no auditd, a caller who is not an rssh user), or
    /// nil when one can.
    public var auditProblem: String?
    /// Whether the compiled-in chroot helper is executable.
    public var helperIsExecutable: Bool
    /// Why the account could not be looked up, when it could not.
    public var lookupFailure: Account.LookupFailure?

    /// Creates facts; the defaults describe a healthy installation.
    public init(
        auditProblem: String? = nil,
        helperIsExecutable: Bool = true,
        lookupFailure: Account.LookupFailure? = nil
    ) {
        self.auditProblem = auditProblem
        self.helperIsExecutable = helperIsExecutable
        self.lookupFailure = lookupFailure
    }
}
