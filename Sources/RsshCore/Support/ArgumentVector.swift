import CRsshShims

/// The process's command-line arguments, as glibc handed them to the program.
public enum ArgumentVector {
    /// argv after argv[0], as raw bytes (arguments need not be UTF-8).
    ///
    /// Read from what the C constructor saved (Embedded Swift has no `CommandLine`), so both build modes
    /// take their arguments the same way.
    public static func afterFirst() -> [[UInt8]] {
        let count = Int(CRsshShims_argc())
        var result: [[UInt8]] = []
        guard count > 1, let vector = CRsshShims_argv() else { return result }
        for index in 1..<count {
            guard let argument = vector[index] else { break }
            result.append(CBytes.copy(argument))
        }
        return result
    }
}
