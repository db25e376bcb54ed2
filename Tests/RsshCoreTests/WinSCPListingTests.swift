import Testing

@testable import RsshCore

/// The listing against the rules of WinSCP's `TRemoteFile::SetListingStr` and GNU ls's layout.
struct WinSCPListingTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// 2023-11-14 22:13:20 UTC.
    private let stamp: Int64 = 1_700_000_000

    private func entry(
        _ name: String,
        mode: UInt32 = 0o100644,
        links: UInt64 = 1,
        size: Int64 = 13,
        time: Int64 = 1_700_000_000,
        target: String? = nil,
        device: (UInt32, UInt32) = (0, 0),
        blocks: Int64 = 8
    ) -> WinSCPListing.Entry {
        WinSCPListing.Entry(
            name: bytes(name),
            mode: mode,
            linkCount: links,
            owner: bytes("llt"),
            group: bytes("llt"),
            size: size,
            device: device,
            blocks: blocks,
            modified: (time, 0),
            linkTarget: target.map { bytes($0) }
        )
    }

    private func render(_ entries: [WinSCPListing.Entry], fullTime: Bool = true, total: Bool = false) -> String {
        String(
            decoding: WinSCPListing.render(entries, fullTime: fullTime, total: total, now: stamp + 60),
            as: UTF8.self
        )
    }

    @Test func theMeasuredExampleIsReproduced() {
        #expect(
            render([entry("a file.txt")]) == "-rw-r--r-- 1 llt llt 13 2023-11-14 22:13:20.000000000 +0000 a file.txt\n"
        )
    }

    @Test func nanosecondsArePrintedInFull() {
        var file = entry("f")
        file.modified = (stamp, 5)
        #expect(render([file]).contains(" 2023-11-14 22:13:20.000000005 +0000 f\n"))
    }

    @Test func classicDatesUseTimeWithinSixMonthsAndYearOtherwise() {
        let recent = render([entry("new", time: stamp - 86_400 * 30)], fullTime: false)
        #expect(recent == "-rw-r--r-- 1 llt llt 13 Oct 15 22:13 new\n")
        let old = render([entry("old", time: stamp - 86_400 * 400)], fullTime: false)
        #expect(old == "-rw-r--r-- 1 llt llt 13 Oct 10  2022 old\n")
        let future = render([entry("future", time: stamp + 86_400)], fullTime: false)
        #expect(future == "-rw-r--r-- 1 llt llt 13 Nov 15  2023 future\n")
        let early = render([entry("early", time: stamp - 86_400 * 10)], fullTime: false)
        #expect(early == "-rw-r--r-- 1 llt llt 13 Nov  4 22:13 early\n")
    }

    @Test func namesKeepTheirSpacesAndLosControlCharacters() {
        let text = render([entry("  two leading"), entry("trailing "), entry("new\nline")])
        #expect(text.contains(" +0000   two leading\n"))
        #expect(text.contains(" +0000 trailing \n"))
        #expect(text.contains(" +0000 new?line\n"))
    }

    @Test func symbolicLinksShowTheirTarget() {
        let text = render([entry("link to it", mode: 0o120777, size: 16, target: "renamed file.txt")])
        #expect(text == "lrwxrwxrwx 1 llt llt 16 2023-11-14 22:13:20.000000000 +0000 link to it -> renamed file.txt\n")
    }

    @Test func devicesShowMajorAndMinorAlignedWithSizes() {
        let text = render(
            [
                entry("null", mode: 0o20666, size: 0, device: (1, 3)),
                entry("sda", mode: 0o60660, size: 0, device: (8, 0)),
                entry("big", size: 1_234_567),
            ],
            fullTime: false
        )
        let lines = text.split(separator: "\n").map { String($0) }
        #expect(lines[0] == "-rw-r--r-- 1 llt llt 1234567 Nov 14 22:13 big")
        #expect(lines[1] == "crw-rw-rw- 1 llt llt    1, 3 Nov 14 22:13 null")
        #expect(lines[2] == "brw-rw---- 1 llt llt    8, 0 Nov 14 22:13 sda")
    }

    @Test(arguments: [
        (UInt32(0o104755), "-rwsr-xr-x"), (0o104644, "-rwSr--r--"), (0o102755, "-rwxr-sr-x"), (0o102745, "-rwxr-Sr-x"),
        (0o41777, "drwxrwxrwt"), (0o41776, "drwxrwxrwT"), (0o10600, "prw-------"), (0o140755, "srwxr-xr-x"),
        (0o100000, "----------"), (0o107777, "-rwsrwsrwt"),
    ])
    func rightsShowSpecialBits(_ mode: UInt32, _ expected: String) {
        #expect(String(decoding: WinSCPListing.rights(mode), as: UTF8.self) == expected)
    }

    @Test func directoriesGetTotalDotsAndByteOrder() {
        let text = render(
            [
                entry("b"), entry("..", mode: 0o40755, links: 12, size: 4096), entry("A"),
                entry(".", mode: 0o40700, links: 3, size: 4096),
                entry("-dash"), entry(" space"),
            ],
            total: true
        )
        let lines = text.split(separator: "\n").map { String($0) }
        #expect(lines[0] == "total 24")
        #expect(
            lines.dropFirst().map { $0.split(separator: " ").last.map(String.init) ?? "" } == [
                "space", "-dash", ".", "..", "A", "b",
            ]
        )
        // Columns padded to a common width, as ls does.
        #expect(lines[4] == "drwxr-xr-x 12 llt llt 4096 2023-11-14 22:13:20.000000000 +0000 ..")
        #expect(lines[1] == "-rw-r--r--  1 llt llt   13 2023-11-14 22:13:20.000000000 +0000  space")
    }

    static let dates: [(Int64, UTCDate)] = [
        (0, UTCDate(year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0)),
        (1_700_000_000, UTCDate(year: 2023, month: 11, day: 14, hour: 22, minute: 13, second: 20)),
        (951_782_400, UTCDate(year: 2000, month: 2, day: 29, hour: 0, minute: 0, second: 0)),
        (-1, UTCDate(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59)),
        (4_102_444_800, UTCDate(year: 2100, month: 1, day: 1, hour: 0, minute: 0, second: 0)),
    ]

    @Test(arguments: dates)
    func utcDates(_ seconds: Int64, _ expected: UTCDate) {
        #expect(UTCDate(seconds: seconds) == expected)
    }
}
