import CRsshLibc

/// Whole reads and writes on a file descriptor: short transfers and EINTR are retried.
enum DescriptorIO {
    /// Writes all of `bytes`; false when the descriptor fails or the peer is gone.
    @discardableResult
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return system_write(fd, base + offset, buffer.count - offset)
            }
            if written < 0 && system_errno() == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Fills `bytes` completely; false at end of file or on an error.
    static func readExactly(_ bytes: inout [UInt8], from fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return system_read(fd, base + offset, buffer.count - offset)
            }
            if count < 0 && system_errno() == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }
}
