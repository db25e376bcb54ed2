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
    public var description: String {
        let name: String
        switch program {
        case .sftpServer: name = "sftp-server"
        case .scp: name = "scp"
        case .cvs: name = "cvs"
        case .rdist: name = "rdist"
        case .rdistd: name = "rdistd"
        case .rsync: name = "rsync"
        case .svnserve: name = "svnserve"
        }
        return "\(name): \(message)"
    }
}
