/// What the login shell was asked to do, read from its arguments (never from the environment).
public enum Invocation: Sendable, Equatable {
    /// `rssh -v`: print the version block and the configuration check.
    case version
    /// `rssh -c COMMAND`: the only way to run anything.
    case command([UInt8])
    /// Anything else, including the interactive `-rssh` with no arguments.
    case interactive

    /// Interprets the arguments after argv[0].
    public init(arguments: [[UInt8]]) {
        if arguments == [Array("-v".utf8)] {
            self = .version
        } else if arguments.count == 2 && arguments[0] == Array("-c".utf8) {
            self = .command(arguments[1])
        } else {
            self = .interactive
        }
    }
}
