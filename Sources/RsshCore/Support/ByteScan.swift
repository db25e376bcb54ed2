/// Small byte-string scans: comparisons with literals, decimal numbers (no Foundation, no allocation beyond
/// results).
///
/// A literal is a `StaticString`, read as the bytes it is: comparing with a `String`'s `utf8` view walks that
/// view element by element, which was most of the cost of vetting the environment on every session (issue 22).
enum ByteScan {
    /// Whether `bytes` is exactly `literal`.
    static func equals(_ bytes: ArraySlice<UInt8>, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount && hasPrefix(bytes, literal)
    }

    /// Whether `bytes` starts with `prefix`.
    static func hasPrefix(_ bytes: ArraySlice<UInt8>, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return prefix.withUTF8Buffer { expected in
            var index = bytes.startIndex
            for byte in expected {
                guard bytes[index] == byte else { return false }
                index += 1
            }
            return true
        }
    }

    /// Whether the bytes at `index` in `bytes` are `needle`.
    static func matches(_ bytes: ArraySlice<UInt8>, at index: Int, _ needle: StaticString) -> Bool {
        guard index >= bytes.startIndex, index <= bytes.endIndex else { return false }
        return hasPrefix(bytes[index...], needle)
    }

    /// The start indices of every occurrence of `needle` in `bytes`, at most `limit` of them.
    static func occurrences(of needle: StaticString, in bytes: ArraySlice<UInt8>, limit: Int = 2) -> [Int] {
        let count = needle.utf8CodeUnitCount
        var found: [Int] = []
        guard count > 0, bytes.count >= count else { return found }
        var index = bytes.startIndex
        while index <= bytes.endIndex - count, found.count < limit {
            if matches(bytes, at: index, needle) { found.append(index) }
            index += 1
        }
        return found
    }

    /// The start of the last occurrence of `needle` in `bytes`.
    static func lastOccurrence(of needle: StaticString, in bytes: ArraySlice<UInt8>) -> Int? {
        let count = needle.utf8CodeUnitCount
        guard count > 0, bytes.count >= count else { return nil }
        var index = bytes.endIndex - count
        while index >= bytes.startIndex {
            if matches(bytes, at: index, needle) { return index }
            index -= 1
        }
        return nil
    }

    /// A decimal number of 1 to 19 digits making up all of `bytes`; nil otherwise.
    static func decimal(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Whether `bytes` is non-empty and every byte is in the ranges given by `allowed`.
    static func all(_ bytes: ArraySlice<UInt8>, _ allowed: (UInt8) -> Bool) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(allowed)
    }
}
