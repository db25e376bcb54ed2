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
    /// The kernel's Landlock ABI (> 0), or -errno; 0 when not probed.
    public var landlockABI: Int32
    /// The home and its `.ssh`, gathered only for a landlocked user (nil otherwise, or when not gathered).
    public var landlockHome: LandlockHome?

    /// Creates facts; the defaults describe a healthy installation without Landlock.
    public init(
        auditProblem: String? = nil,
        helperIsExecutable: Bool = true,
        lookupFailure: Account.LookupFailure? = nil,
        landlockABI: Int32 = 0,
        landlockHome: LandlockHome? = nil
    ) {
        self.auditProblem = auditProblem
        self.helperIsExecutable = helperIsExecutable
        self.lookupFailure = lookupFailure
        self.landlockABI = landlockABI
        self.landlockHome = landlockHome
    }
}
