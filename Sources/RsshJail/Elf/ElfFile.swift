/// The dynamic-linking facts of a 64-bit little-endian ELF file.
///
/// Its interpreter, needed libraries and search paths, read from the file's own headers, never by running it (which `ldd` may do).
public struct ElfFile: Sendable, Equatable {
    /// Why a file could not be read as ELF.
    public enum Failure: Error, Sendable, Equatable {
        /// Not an ELF file at all.
        case notElf
        /// An ELF class or byte order this reader does not handle (only ELF64 little-endian).
        case unsupported
        /// A header points outside the file.
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
        var loads: [(vaddr: UInt64, offset: UInt64, size: UInt64)] = []
        var dynamic: (offset: UInt64, size: UInt64)?
        interpreter = nil
        for index in 0..<phnum {
            let base = Int(phoff + index * phentsize)
            let type = try Self.integer(bytes, base, 4)
            let offset = try Self.integer(bytes, base + 8, 8)
            let vaddr = try Self.integer(bytes, base + 16, 8)
            let filesz = try Self.integer(bytes, base + 32, 8)
            switch type {
            case 1: loads.append((vaddr, offset, filesz))
            case 2: dynamic = (offset, filesz)
            case 3: interpreter = try Self.string(bytes, Int(offset))
            default: break
            }
        }
        needed = []
        runpath = []
        rpath = []
        guard let dynamic else { return }
        var strtab: UInt64?
        var entries: [(tag: UInt64, value: UInt64)] = []
        var position = Int(dynamic.offset)
        while position + 16 <= Int(dynamic.offset + dynamic.size) {
            let tag = try Self.integer(bytes, position, 8)
            let value = try Self.integer(bytes, position + 8, 8)
            if tag == 0 { break }
            if tag == 5 { strtab = value }
            entries.append((tag, value))
            position += 16
        }
        guard let strtab,
            let load = loads.first(where: { strtab >= $0.vaddr && strtab < $0.vaddr + $0.size })
        else { return }
        let table = Int(strtab - load.vaddr + load.offset)
        for entry in entries {
            switch entry.tag {
            case 1: needed.append(try Self.string(bytes, table + Int(entry.value)))
            case 15: rpath += try Self.string(bytes, table + Int(entry.value)).split(separator: ":").map(String.init)
            case 29: runpath += try Self.string(bytes, table + Int(entry.value)).split(separator: ":").map(String.init)
            default: break
            }
        }
    }

    private static func integer(_ bytes: [UInt8], _ offset: Int, _ size: Int) throws(Failure) -> UInt64 {
        guard offset >= 0, offset + size <= bytes.count else { throw .truncated }
        var value: UInt64 = 0
        for index in (0..<size).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }

    private static func string(_ bytes: [UInt8], _ offset: Int) throws(Failure) -> String {
        guard offset >= 0, offset < bytes.count else { throw .truncated }
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw .truncated }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }
}
