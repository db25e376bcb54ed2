/// The dynamic-linking facts of a 64-bit little-endian ELF file.
///
/// Its interpreter, needed libraries and search paths, read from the file's own headers, never by running it
/// (which `ldd` may do). Every offset and size comes from the file, so all arithmetic on them is checked: a
/// malformed file is refused with `Failure.truncated`, never a trap.
public struct ElfFile: Sendable, Equatable {
    /// Why a file could not be read as ELF.
    public enum Failure: Error, Sendable, Equatable {
        /// Not an ELF file at all.
        case notElf
        /// An ELF class or byte order this reader does not handle (only ELF64 little-endian).
        case unsupported
        /// A header points outside the file, or its offsets and sizes overflow.
        case truncated
    }

    /// `e_machine`, so a library of another architecture is never taken.
    public var machine: UInt16
    /// The PT_INTERP path (the dynamic loader), if any.
    public var interpreter: String?
    /// DT_NEEDED entries, in order.
    public var needed: [String]
    /// DT_RUNPATH entries.
    public var runpath: [String]
    /// DT_RPATH entries (used only when there is no RUNPATH).
    public var rpath: [String]

    /// Parses `bytes`.
    public init(_ bytes: [UInt8]) throws(Failure) {
        guard bytes.count >= 64, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
            throw .notElf
        }
        guard bytes[4] == 2, bytes[5] == 1 else { throw .unsupported }
        machine = UInt16(try Self.integer(bytes, 18, 2))
        let phoff = try Self.integer(bytes, 0x20, 8)
        let phentsize = try Self.integer(bytes, 0x36, 2)
        let phnum = try Self.integer(bytes, 0x38, 2)
        // A program header is 56 bytes; a smaller entry size would make the reads below overlap the next one.
        guard phnum == 0 || phentsize >= 56 else { throw .truncated }
        var loads: [(vaddr: UInt64, offset: UInt64, size: UInt64)] = []
        var dynamic: (offset: UInt64, size: UInt64)?
        interpreter = nil
        for index in 0..<phnum {
            let base = try Self.sum(phoff, Self.product(index, phentsize))
            let type = try Self.integer(bytes, base, 4)
            let offset = try Self.integer(bytes, Self.sum(base, 8), 8)
            let vaddr = try Self.integer(bytes, Self.sum(base, 16), 8)
            let filesz = try Self.integer(bytes, Self.sum(base, 32), 8)
            switch type {
            case 1: loads.append((vaddr, offset, filesz))
            case 2: dynamic = (offset, filesz)
            case 3: interpreter = try Self.string(bytes, offset)
            default: break
            }
        }
        needed = []
        runpath = []
        rpath = []
        guard let dynamic else { return }
        var strtab: UInt64?
        var entries: [(tag: UInt64, value: UInt64)] = []
        // The section cannot hold more entries than the file has bytes for; the reads check each one.
        let end = try Self.sum(dynamic.offset, dynamic.size)
        var position = dynamic.offset
        while let next = Self.checkedSum(position, 16), next <= end {
            let tag = try Self.integer(bytes, position, 8)
            let value = try Self.integer(bytes, Self.sum(position, 8), 8)
            if tag == 0 { break }
            if tag == 5 { strtab = value }
            entries.append((tag, value))
            position = next
        }
        guard let strtab,
            let load = loads.first(where: { strtab >= $0.vaddr && strtab - $0.vaddr < $0.size })
        else { return }
        let table = try Self.sum(strtab - load.vaddr, load.offset)
        for entry in entries {
            switch entry.tag {
            case 1: needed.append(try Self.string(bytes, Self.sum(table, entry.value)))
            case 15:
                rpath += try Self.string(bytes, Self.sum(table, entry.value)).split(separator: ":").map(String.init)
            case 29:
                runpath += try Self.string(bytes, Self.sum(table, entry.value)).split(separator: ":").map(String.init)
            default: break
            }
        }
    }

    private static func checkedSum(_ left: UInt64, _ right: UInt64) -> UInt64? {
        let (result, overflow) = left.addingReportingOverflow(right)
        return overflow ? nil : result
    }

    private static func sum(_ left: UInt64, _ right: UInt64) throws(Failure) -> UInt64 {
        guard let result = checkedSum(left, right) else { throw .truncated }
        return result
    }

    private static func product(_ left: UInt64, _ right: UInt64) throws(Failure) -> UInt64 {
        let (result, overflow) = left.multipliedReportingOverflow(by: right)
        guard !overflow else { throw .truncated }
        return result
    }

    /// The little-endian integer of `size` bytes at `offset`, which must lie wholly inside the file.
    private static func integer(_ bytes: [UInt8], _ offset: UInt64, _ size: Int) throws(Failure) -> UInt64 {
        guard offset <= UInt64(bytes.count), UInt64(size) <= UInt64(bytes.count) - offset else { throw .truncated }
        let start = Int(offset)
        var value: UInt64 = 0
        for index in (0..<size).reversed() { value = value << 8 | UInt64(bytes[start + index]) }
        return value
    }

    /// The NUL-terminated string at `offset`, which must end inside the file.
    private static func string(_ bytes: [UInt8], _ offset: UInt64) throws(Failure) -> String {
        guard offset < UInt64(bytes.count) else { throw .truncated }
        let start = Int(offset)
        guard let end = bytes[start...].firstIndex(of: 0) else { throw .truncated }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
