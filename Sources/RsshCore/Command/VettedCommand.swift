/// A command that passed every check: the program to exec and its argument vector.
public struct VettedCommand: Sendable, Equatable {
    /// Which program.
    public var program: ServerProgram
    /// The compiled-in absolute path to exec (never taken from the user).
    public var executable: String
    /// The argument vector, `arguments[0]` being the program name as the client sent it.
    public var arguments: [[UInt8]]
    /// Set when the command was recognised as a known client idiom rather than parsed.
    public var note: String?
    /// Whether a word holds a glob pattern, so the file system decides the final argument vector.
    public var hasPatterns = false
    /// The Landlock ruleset the program runs under, for a landlocked user.
    public var confinement: LandlockPlan?
    /// Whether rsync sends (a download): `--sender` as popt read the client's words, before rssh added its own
    /// options (which the client's allow-list refuses, so the vector cannot be read again for this).
    public var rsyncSender = false

    /// The executable's file name, for logs (`sftp-server`).
    public var programName: String {
        if program.isGit { return program.name }
        // The last non-empty `/`-separated component, found in the bytes (splitting the String would walk
        // it Character by Character, on every session).
        let slash = UInt8(ascii: "/")
        let bytes = executable.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == slash { end = bytes.index(before: end) }
        guard end > bytes.startIndex else { return executable }
        let start = bytes[..<end].lastIndex(of: slash).map { bytes.index(after: $0) } ?? bytes.startIndex
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// Creates a vetted command.
    public init(program: ServerProgram, executable: String, arguments: [[UInt8]], note: String? = nil) {
        self.program = program
        self.executable = executable
        self.arguments = arguments
        self.note = note
    }
}
