import Testing

@testable import RsshCore

/// The byte-name table must answer as a dictionary of byte arrays where the first insertion wins.
struct FirstNameTableTests {
    @Test(arguments: 1...3)
    func answersAsADictionaryOfFirstInsertions(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let alphabet = Array("ab\u{E9}K".utf8)
        for _ in 0..<200 {
            var table = FirstNameTable<Int>()
            var reference: [[UInt8]: Int] = [:]
            var names: [[UInt8]] = []
            // Enough names to double the slots several times; many repeated.
            for number in 0..<random.below(300) {
                let name =
                    names.isEmpty || random.chance(70)
                    ? (0..<random.below(5)).map { _ in random.pick(alphabet) } : random.pick(names)
                names.append(name)
                let text = String(decoding: name, as: UTF8.self)
                guard Array(text.utf8) == name else { continue }
                #expect(table.insert(text, value: number) == reference[name])
                if reference[name] == nil { reference[name] = number }
            }
            #expect(table.count == reference.count)
            #expect(table.bytes.count == reference.keys.reduce(0) { $0 + $1.count })
            for name in names + [Array("zz".utf8), []] {
                #expect(table.value(named: String(decoding: name, as: UTF8.self)) == reference[name])
            }
        }
    }

    @Test func rangesOfTheBytesAreNamesWithoutACopy() {
        var table = FirstNameTable<Int>(bytes: Array("staff:alias:staff".utf8))
        #expect(table.insert(0..<5, value: 50) == nil)
        #expect(table.insert(6..<11, value: 51) == nil)
        #expect(table.insert(12..<17, value: 52) == 50)
        #expect(table.value(named: "staff") == 50 && table.value(named: "alias") == 51)
        #expect(table.value(named: "sta") == nil && table.value(named: "staff:") == nil)
        #expect(table.bytes.count == 17)
    }

    @Test func namesCompareAsBytesNotAsCanonicalText() {
        // KELVIN SIGN is "K" to String's ==; to NSS (and this table) they are two names.
        var table = FirstNameTable<Int>()
        #expect(table.insert("Kstaff", value: 1) == nil)
        #expect(table.insert("\u{212A}staff", value: 2) == nil)
        #expect(table.value(named: "Kstaff") == 1 && table.value(named: "\u{212A}staff") == 2)
    }
}
