import CRsshLibc

/// What a helper program printed and how it ended, for `rssh -v` asking `sshd -T`.
///
/// The program is started directly with an argument vector built here (never through a shell), with
/// stdin from /dev/null, and both its run time and the output kept are bounded, so a hung or chatty
/// program cannot hang or exhaust the check.
public struct CapturedOutput: Sendable, Equatable {
    /// Standard output (at most the limit asked for).
    public var stdout: [UInt8]
    /// Standard error (at most the limit asked for).
    public var stderr: [UInt8]
    /// The exit code, or nil when the program was killed by a signal or for taking too long.
    public var exitCode: Int32?
    /// Whether it was killed for running longer than allowed.
    public var timedOut: Bool

    /// Creates a value (tests build them by hand).
    public init(stdout: [UInt8], stderr: [UInt8], exitCode: Int32?, timedOut: Bool = false) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
        self.timedOut = timedOut
    }

    /// Runs `path` with `arguments` (argv[0] included) and `environment`.
    /// - Returns: the output, or the error when the program could not be started.
    public static func run(
        _ path: String,
        arguments: [[UInt8]],
        environment: [[UInt8]],
        timeoutMilliseconds: Int32,
        limit: Int
    ) -> Result<CapturedOutput, SystemError> {
        let argv = CStringArray(arguments)
        let envp = CStringArray(environment)
        let output = UnsafeMutablePointer<CChar>.allocate(capacity: limit)
        let errors = UnsafeMutablePointer<CChar>.allocate(capacity: limit)
        defer {
            argv.deallocate()
            envp.deallocate()
            output.deallocate()
            errors.deallocate()
        }
        var outputLength: UInt = 0
        var errorsLength: UInt = 0
        var status: Int32 = 0
        let result = system_run_capture(
            path,
            argv.pointer,
            envp.pointer,
            timeoutMilliseconds,
            output,
            limit,
            &outputLength,
            errors,
            limit,
            &errorsLength,
            &status
        )
        guard result != -1 else { return .failure(.current("posix_spawn", path)) }
        let code = system_exit_code(status)
        return .success(
            CapturedOutput(
                stdout: bytes(output, Int(outputLength)),
                stderr: bytes(errors, Int(errorsLength)),
                exitCode: result == -2 || code < 0 ? nil : code,
                timedOut: result == -2
            )
        )
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>, _ count: Int) -> [UInt8] {
        pointer.withMemoryRebound(to: UInt8.self, capacity: count) {
            Array(UnsafeBufferPointer(start: $0, count: count))
        }
    }
}
