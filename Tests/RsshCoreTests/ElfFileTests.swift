import Glibc
import Testing

@testable import RsshJail

/// Builds small ELF64 little-endian images whose headers say whatever a test needs.
private enum ElfImage {
    /// A program header: type, file offset, virtual address, size in the file.
    struct Segment {
        var type: UInt32
        var offset: UInt64
        var vaddr: UInt64
        var size: UInt64
    }

    static func put(_ value: UInt64, _ size: Int, at offset: Int, in bytes: inout [UInt8]) {
        if bytes.count < offset + size { bytes += [UInt8](repeating: 0, count: offset + size - bytes.count) }
        for index in 0..<size { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
    }

    /// A header (x86-64) with program headers at 64, then `tail` at 0x200.
    static func make(
        segments: [Segment],
        phoff: UInt64 = 64,
        phentsize: UInt64 = 56,
        phnum: UInt64? = nil,
        tail: [UInt8] = []
    ) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 64)
        bytes[0...5] = [0x7F, 0x45, 0x4C, 0x46, 2, 1]
        put(62, 2, at: 18, in: &bytes)
        put(phoff, 8, at: 0x20, in: &bytes)
        put(phentsize, 2, at: 0x36, in: &bytes)
        put(phnum ?? UInt64(segments.count), 2, at: 0x38, in: &bytes)
        for (index, segment) in segments.enumerated() {
            let base = 64 + index * 56
            put(UInt64(segment.type), 4, at: base, in: &bytes)
            put(segment.offset, 8, at: base + 8, in: &bytes)
            put(segment.vaddr, 8, at: base + 16, in: &bytes)
            put(segment.size, 8, at: base + 32, in: &bytes)
        }
        if bytes.count < 0x200 { bytes += [UInt8](repeating: 0, count: 0x200 - bytes.count) }
        return bytes + tail
    }

    /// A dynamic section at 0x200 (DT_STRTAB = 0x300, DT_NEEDED = `needed`), a string table at 0x300.
    static func dynamic(needed: UInt64, loadOffset: UInt64 = 0) -> [UInt8] {
        var dynamic: [UInt8] = []
        put(5, 8, at: 0, in: &dynamic)
        put(0x300, 8, at: 8, in: &dynamic)
        put(1, 8, at: 16, in: &dynamic)
        put(needed, 8, at: 24, in: &dynamic)
        put(0, 16, at: 32, in: &dynamic)
        var strings = [UInt8](repeating: 0, count: 0x100 - dynamic.count) + Array("\0libc.so.6\0".utf8)
        strings += [UInt8](repeating: 0, count: 16)
        return make(
            segments: [
                Segment(type: 1, offset: loadOffset, vaddr: 0, size: 0x400),
                Segment(type: 2, offset: 0x200, vaddr: 0x200, size: 48),
            ],
            tail: dynamic + strings
        )
    }
}

struct ElfFileTests {
    @Test func aWellFormedImageParses() throws {
        let elf = try ElfFile(ElfImage.dynamic(needed: 1))
        #expect(elf.needed == ["libc.so.6"])
        #expect(elf.machine == 62)
    }

    /// Offsets and sizes read from the file that point past its end or overflow 64 bits: each is refused
    /// with `.truncated` (the reader used to trap on the overflowing ones, killing rsshctl).
    @Test(arguments: [
        ("program headers past the end", ElfImage.make(segments: [], phoff: 1 << 40, phnum: 1)),
        ("program headers at UInt64.max", ElfImage.make(segments: [], phoff: UInt64.max - 8, phnum: 1)),
        ("65535 program headers, most past the end", ElfImage.make(segments: [], phnum: 0xFFFF)),
        (
            "index × entry size overflows",
            ElfImage.make(segments: [], phoff: UInt64.max / 2, phentsize: 0xFFFF, phnum: 3)
        ),
        ("entry size smaller than a program header", ElfImage.make(segments: [], phentsize: 1, phnum: 4)),
        (
            "PT_INTERP offset past Int.max",
            ElfImage.make(segments: [.init(type: 3, offset: UInt64.max, vaddr: 0, size: 1)])
        ),
        (
            "PT_INTERP offset past the end",
            ElfImage.make(segments: [.init(type: 3, offset: 0x10_0000, vaddr: 0, size: 1)])
        ),
        (
            "PT_DYNAMIC offset + size overflows",
            ElfImage.make(segments: [.init(type: 2, offset: 0x200, vaddr: 0, size: UInt64.max)])
        ),
        (
            "PT_DYNAMIC offset near UInt64.max",
            ElfImage.make(segments: [.init(type: 2, offset: UInt64.max - 4, vaddr: 0, size: 32)])
        ),
        ("DT_NEEDED string offset overflows", ElfImage.dynamic(needed: UInt64.max)),
        ("DT_NEEDED string past the end", ElfImage.dynamic(needed: 1 << 32)),
        ("string table offset overflows", ElfImage.dynamic(needed: 1, loadOffset: UInt64.max - 0x100)),
    ])
    func malformedOffsetsAreRefused(_ name: String, _ bytes: [UInt8]) {
        #expect(throws: ElfFile.Failure.truncated, "\(name)") { try ElfFile(bytes) }
    }

    @Test func aTruncatedRealBinaryIsRefused() throws {
        let bytes = try FileSystem.read("/bin/ls")
        for length in [64, 100, 1000, bytes.count / 2] {
            #expect(throws: ElfFile.Failure.self) { try ElfFile(Array(bytes.prefix(length))) }
        }
    }

    @Test func aMalformedLibraryIsNamedByTheResolver() throws {
        let program = ElfImage.make(
            segments: [.init(type: 3, offset: 0x200, vaddr: 0, size: 9)],
            tail: Array("/lib/bad\0".utf8)
        )
        let files = ["/bin/prog": program, "/lib/bad": ElfImage.dynamic(needed: UInt64.max)]
        let resolver = LibraryResolver(searchDirectories: []) { files[$0] }
        #expect(throws: LibraryResolver.Failure.malformed(file: "/lib/bad", .truncated)) {
            try resolver.closure(of: "/bin/prog")
        }
        #expect(LibraryResolver.Failure.malformed(file: "/lib/bad", .truncated).description.contains("/lib/bad"))
    }

    @Test func aMissingLibraryIsStillReported() {
        let resolver = LibraryResolver(searchDirectories: []) { ["/bin/prog": ElfImage.dynamic(needed: 1)][$0] }
        #expect(throws: LibraryResolver.Failure.missing(.init(library: "libc.so.6", neededBy: "/bin/prog"))) {
            try resolver.closure(of: "/bin/prog")
        }
    }
}
