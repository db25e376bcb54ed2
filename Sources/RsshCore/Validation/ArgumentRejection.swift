/// Why a program's arguments were refused.
public struct ArgumentRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The program whose arguments were checked.
    public var program: ServerProgram
    /// What was wrong, naming the offending argument.
    public var message: String

    /// Creates a rejection.
    public init(_ program: ServerProgram, _ message: String) {
        self.program = program
        self.message = message
    }

    /// `scp: option -S is not allowed`.
    public var description: String { "\(program.name): \(message)" }
}
