/// One result of `rsshctl jail check`.
public struct JailFinding: Sendable, Equatable, CustomStringConvertible {
    /// Whether it makes the check fail.
    public var isProblem: Bool
    /// What was found.
    public var message: String

    /// A failing finding.
    public static func problem(_ message: String) -> JailFinding { JailFinding(isProblem: true, message: message) }
    /// A passing finding.
    public static func ok(_ message: String) -> JailFinding { JailFinding(isProblem: false, message: message) }

    /// `ok: …` or `PROBLEM: …`.
    public var description: String { (isProblem ? "PROBLEM: " : "ok: ") + message }
}
