extension UnsafeMutablePointer where Pointee == UnsafeMutablePointer<CChar>? {
    /// The C argument vector after argv[0], as raw bytes (arguments need not be UTF-8).
    public func bytesAfterFirst(count: Int) -> [[UInt8]] {
        var result: [[UInt8]] = []
        guard count > 1 else { return result }
        for index in 1..<count {
            guard let argument = self[index] else { break }
            result.append(CBytes.copy(argument))
        }
        return result
    }
}
