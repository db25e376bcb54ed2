import CRsshLibc

/// A failed system call: which call, on what, and the `errno` it left.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name of the failing call, such as `open`.
    public var call: String
    /// What the call was applied to (a path, usually), for the message.
    public var subject: String
    /// The raw `errno` value.
    public var code: Int32

    /// Creates an error from an explicit errno value.
    public init(call: String, subject: String = "", code: Int32) {
        self.call = call
        self.subject = subject
        self.code = code
    }

    /// Captures the current thread's `errno` for a call that just failed.
    static func current(_ call: String, _ subject: String = "") -> SystemError {
        SystemError(call: call, subject: subject, code: system_errno())
    }

    /// The C library's text for `code`, such as "No such file or directory".
    public var reason: String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    /// `call(subject): reason`, ready for a log line.
    public var description: String {
        subject.isEmpty ? "\(call): \(reason)" : "\(call)(\(subject)): \(reason)"
    }
}
