/// What the login shell learns about its surroundings before deciding, so that every refusal is made in
/// `LoginShell.decide` and tests can set each fact.
public struct SessionFacts: Sendable, Equatable {
    /// Where audit records go: why none can be written (no capability, no auditd, the kernel's audit off, a
    /// caller who is not an rssh user), and what an acknowledged record is logged as.
    public var audit: AuditTrail.Assessment
    /// Why no audit record can be written, or nil when one can.
    public var auditProblem: String? { audit.problem }
    /// Whether the compiled-in chroot helper is executable.
    public var helperIsExecutable: Bool
    /// Why the account could not be looked up, when it could not.
    public var lookupFailure: Account.LookupFailure?
    /// The kernel's Landlock ABI (> 0), or -errno; 0 when not probed.
    public var landlockABI: Int32
    /// The home and its `.ssh`, gathered only for a landlocked user (nil otherwise, or when not gathered).
    public var landlockHome: LandlockHome?
    /// The user's groups and the group lines' gids, gathered only when the file has group lines and the user
    /// has no user line (nil otherwise).
    public var groups: GroupFacts?

    /// Creates facts; the defaults describe a healthy installation without Landlock.
    public init(
        audit: AuditTrail.Assessment = AuditTrail.Assessment(problem: nil),
        helperIsExecutable: Bool = true,
        lookupFailure: Account.LookupFailure? = nil,
        landlockABI: Int32 = 0,
        landlockHome: LandlockHome? = nil,
        groups: GroupFacts? = nil
    ) {
        self.audit = audit
        self.helperIsExecutable = helperIsExecutable
        self.lookupFailure = lookupFailure
        self.landlockABI = landlockABI
        self.landlockHome = landlockHome
        self.groups = groups
    }
}
