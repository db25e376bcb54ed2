import Testing

@testable import RsshCore

struct WinSCPModeChangeTests {
    private func mode(_ text: String) -> WinSCPModeChange? { WinSCPModeChange.parse(Array(text.utf8)) }

    @Test(arguments: [
        ("644", UInt32(0o100600), false, UInt32(0o644)),
        ("0755", 0o100644, false, 0o755),
        ("4755", 0o100644, false, 0o4755),
        ("755", 0o42775, true, 0o2755),  // a directory keeps setgid with fewer than five digits
        ("0644", 0o104755, false, 0o644),  // a file loses setuid
        ("u+x", 0o100644, false, 0o744),
        ("u+x,g-w", 0o100664, false, 0o744),
        ("u+rw-x,g+r-wx,o-rwxt", 0o101777, false, 0o640),
        ("u+xs", 0o100644, false, 0o4744),
        ("g+s", 0o40755, true, 0o2755),
        ("o+t", 0o40777, true, 0o1777),
        ("o+s", 0o100644, false, 0o644),  // s means nothing for others
        ("u+t", 0o100644, false, 0o644),  // t means nothing for the owner
        ("a+r", 0o100600, false, 0o644),
        ("a-w", 0o100666, false, 0o444),
        ("u=rwx,go=rx", 0o100600, false, 0o755),
        ("go=", 0o100777, false, 0o700),
        ("ug+rw", 0o100400, false, 0o660),
        ("u=rw", 0o104755, false, 0o655),  // = clears the owner's setuid on a file
        ("u=rwx", 0o44700, true, 0o4700),  // but keeps it on a directory unless named
    ])
    func modesApplyLikeChmod(_ text: String, _ before: UInt32, _ isDirectory: Bool, _ after: UInt32) throws {
        let change = try #require(mode(text))
        #expect(change.apply(to: before, isDirectory: isDirectory) == after)
    }

    @Test(arguments: [
        "", "6", "64", "07555", "0o644", "888", "+x", "-w", "=r", "u", "u+", "x+u", "u+X", "g=u", "u+x,", ",u+x",
        "u+x,,g-w", "u+q", "U+x", "u +x", "a+rwxz", "u-x+", "\u{E9}",
    ])
    func othersAreRefused(_ text: String) {
        #expect(mode(text) == nil)
    }

    @Test(arguments: ["644", "0755", "u+x,g-w", "o-rwxt", "u=rwx,go=rx", "a+r"])
    func descriptionsRoundTrip(_ text: String) throws {
        let change = try #require(mode(text))
        let again = try #require(mode(change.description))
        #expect(again.apply(to: 0o100000, isDirectory: false) == change.apply(to: 0o100000, isDirectory: false))
        #expect(again.apply(to: 0o107777, isDirectory: false) == change.apply(to: 0o107777, isDirectory: false))
    }
}
