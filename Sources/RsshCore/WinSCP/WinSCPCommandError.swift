/// Why a framed WinSCP line is answered with a refusal instead of being run.
public enum WinSCPCommandError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The command text is not in WinSCP's quoting (an operator, an expansion, a second command, …).
    case syntax(WinSCPLineError)
    /// A command rssh does not answer (cp, chown, uname, checksums, custom commands): status 127.
    case notPermitted(name: [UInt8])
    /// A command rssh answers, in a form WinSCP never sends.
    case unsupportedForm(command: String, reason: String)

    /// The status the end-of-file echo reports for this refusal.
    public var status: Int32 { 127 }

    /// A one-line explanation for stderr and the log.
    public var description: String {
        switch self {
        case .syntax(let error): "refused: \(error.description)"
        case .notPermitted(let name): "\(Printable.text(name)): command not permitted"
        case .unsupportedForm(let command, let reason): "\(command): \(reason)"
        }
    }
}
