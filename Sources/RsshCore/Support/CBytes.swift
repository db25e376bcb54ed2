import CRsshLibc

/// Conversions between C strings and byte arrays, for argv, environ, passwd fields, glob results and the
/// paths handed back to C.
///
/// Bytes, not `String`: file names and arguments need not be UTF-8.
enum CBytes {
    /// The bytes of a NUL-terminated C string, without the NUL.
    static func copy(_ pointer: UnsafePointer<CChar>) -> [UInt8] {
        let length = strlen(pointer)
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// Calls `body` with `bytes` as a NUL-terminated C string (the caller keeps NUL out of `bytes`).
    static func withCString<Result>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> Result) -> Result {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                // A non-empty array always has storage.
                guard let base = chars.baseAddress else { preconditionFailure("C string without storage") }
                return body(base)
            }
        }
    }
}
