/// Why a command was refused: the one error type the vetting step produces.
public enum CommandRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The command line could not be split or expanded safely.
    case syntax(CommandError)
    /// The first word names no configured program.
    case unknownProgram(String)
    /// The first word was quoted, escaped or a pattern; the program must be named literally.
    case programNotLiteral(String)
    /// The program exists but this user may not run it.
    case notAllowed(TransferProgram)
    /// A program allowed by a user option (`checksums`, `borg`, `git`) the user lacks.
    case optionNotSet(program: String, option: String)
    /// The program's arguments are outside its allow-list.
    case arguments(ArgumentRejection)
    /// The program runs commands by design and the user is neither confined nor acknowledged.
    case needsConfinement(String)
    /// The command goes beyond the user's access mode (readonly, uploadonly).
    case accessMode(String)

    /// The reason, for the user and the log.
    public var description: String {
        switch self {
        case .syntax(let error): error.description
        case .unknownProgram(let word): "\"\(word)\" is not an allowed program"
        case .programNotLiteral(let word): "the program name \"\(word)\" must be given without quotes or patterns"
        case .notAllowed(let program): "\(program.name) is not allowed for this user"
        case .optionNotSet(let name, let option): "\(name) is not allowed for this user (no \(option) option)"
        case .arguments(let rejection): rejection.description
        case .needsConfinement(let problem): problem
        case .accessMode(let problem): problem
        }
    }
}
