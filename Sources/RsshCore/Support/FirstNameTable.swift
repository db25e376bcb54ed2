import CRsshLibc

/// Names as byte strings, each with the value of its first insertion: an open-addressing hash table over one
/// byte buffer.
///
/// Names compare as bytes, the way NSS compares group names (String's == is canonical equivalence, under
/// which two different groups' names can be equal). Names that already stand in a buffer (a file read whole)
/// are inserted as ranges of it, without a copy. It replaces dictionaries of strings where every session fills
/// one: hashing a String and growing a Dictionary cost about 1,200 instructions per name (callgrind), this
/// several times fewer.
struct FirstNameTable<Value> {
    /// The bytes the names are ranges of.
    private(set) var bytes: [UInt8]
    private var entries: [Entry] = []
    /// Entry numbers plus one (0: empty), by hash; a power of two, at least twice the entries, so every probe
    /// ends at an empty slot.
    private var slots = [UInt32](repeating: 0, count: 8)

    private struct Entry {
        var start: Int
        var count: Int
        /// The name's hash, kept so that growing the slots hashes nothing again.
        var hash: Int
        var value: Value
    }

    /// Creates a table whose names are ranges of `bytes` (or are appended to them).
    init(bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    /// The number of names.
    var count: Int { entries.count }

    /// Adds the name `bytes[range]` with `value`, unless the table has it: then its first value, unchanged.
    mutating func insert(_ range: Range<Int>, value: Value) -> Value? {
        let (hash, slot, found) = bytes.withUnsafeBufferPointer {
            find(UnsafeBufferPointer(rebasing: $0[range]), in: $0)
        }
        if let found { return found.value }
        entries.append(Entry(start: range.lowerBound, count: range.count, hash: hash, value: value))
        slots[slot] = UInt32(entries.count)
        if 2 * entries.count > slots.count { grow() }
        return nil
    }

    /// Adds `name` (appended to the bytes) with `value`, unless the table has it: then its first value.
    mutating func insert(_ name: String, value: Value) -> Value? {
        let start = bytes.count
        var name = name
        name.withUTF8 { bytes.append(contentsOf: $0) }
        let previous = insert(start..<bytes.count, value: value)
        if previous != nil { bytes.removeLast(bytes.count - start) }
        return previous
    }

    /// The value of the name `name`, if the table has it.
    func value(named name: String) -> Value? {
        var name = name
        return name.withUTF8 { wanted in bytes.withUnsafeBufferPointer { find(wanted, in: $0).entry?.value } }
    }

    /// The name's hash, the slot where it is or would go, and its entry if it is there.
    private func find(
        _ name: UnsafeBufferPointer<UInt8>,
        in bytes: UnsafeBufferPointer<UInt8>
    ) -> (hash: Int, slot: Int, entry: Entry?) {
        let hash = Self.hash(name)
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] != 0 {
            let entry = entries[Int(slots[slot] - 1)]
            if entry.hash == hash, entry.count == name.count, Self.equal(name, bytes, at: entry.start) {
                return (hash, slot, entry)
            }
            slot = (slot + 1) & mask
        }
        return (hash, slot, nil)
    }

    /// Whether `bytes` hold `name` at `start` (the caller knows they hold as many bytes there).
    private static func equal(
        _ name: UnsafeBufferPointer<UInt8>,
        _ bytes: UnsafeBufferPointer<UInt8>,
        at start: Int
    )
        -> Bool
    {
        guard let wanted = name.baseAddress, let base = bytes.baseAddress else { return name.isEmpty }
        return memcmp(wanted, base + start, name.count) == 0
    }

    /// Doubles the slots and puts every entry back.
    private mutating func grow() {
        var slots = [UInt32](repeating: 0, count: 2 * self.slots.count)
        let mask = slots.count - 1
        for (number, entry) in entries.enumerated() {
            var slot = entry.hash & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(number + 1)
        }
        self.slots = slots
    }

    /// FNV-1a over the name's bytes.
    private static func hash(_ name: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: hash)
    }
}
