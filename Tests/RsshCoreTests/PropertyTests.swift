import Testing

@testable import RsshCore

/// SplitMix64: a small deterministic generator, so every property run is reproducible from its seed.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }

    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

struct QuotingRoundTripTests {
    /// Bytes a file name can hold that are interesting to a shell (no control characters: those are refused).
    static let alphabet: [UInt8] =
        Array("abcXYZ019 -_.,/'\"\\$`*?[]{}()<>|&;#~!=%^+:@".utf8) + [0xC3, 0xA9, 0xE2, 0x82, 0xAC]

    static func randomWord(_ random: inout SplitMix64) -> [UInt8] {
        (0..<random.below(12)).map { _ in random.pick(alphabet) }
    }

    /// Quotes as a POSIX shell user (and OpenSSH's sftp/scp for remote names) would: '…' with ' as '\''.
    static func singleQuoted(_ word: [UInt8]) -> [UInt8] {
        var result: [UInt8] = [UInt8(ascii: "'")]
        for byte in word {
            if byte == UInt8(ascii: "'") { result += Array("'\\''".utf8) } else { result.append(byte) }
        }
        return result + [UInt8(ascii: "'")]
    }

    /// Quotes as rsync's client does for the remote shell (safe_arg): a backslash before every special byte.
    static func backslashed(_ word: [UInt8]) -> [UInt8] {
        let special = Set("!#$&;|<>(){}\"' \t\\*?[]~=%^`".utf8)
        var result: [UInt8] = []
        for byte in word {
            if special.contains(byte) { result.append(UInt8(ascii: "\\")) }
            result.append(byte)
        }
        return result
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func quotedWordsSplitBackToThemselves(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        for _ in 0..<500 {
            let words = (0..<(1 + random.below(6))).map { _ in Self.randomWord(&random) }
            for style in 0..<2 {
                // The backslash style cannot express an empty word; rsync never sends one.
                if style == 1 && words.contains(where: \.isEmpty) { continue }
                let quoted = words.map { style == 0 ? Self.singleQuoted($0) : Self.backslashed($0) }
                let line = Array(quoted.joined(separator: [UInt8(ascii: " ")]))
                let split = try CommandSplitter.split(line)
                #expect(split.map(\.text) == words, "\(Printable.text(line))")
                #expect(split.allSatisfy { $0.globPattern == nil && !$0.hasTilde })
            }
        }
    }
}

struct OptionEquivalenceTests {
    /// scp's own getopt string (OpenSSH 9): every option it knows, with ':' after those taking a value.
    static let scpOptions = Array("12346ABCTdfpqrtvD:F:J:M:P:S:c:i:l:o:X:".utf8)
    /// The options that make scp run a program, read a config or act as a client: never acceptable.
    static let scpDangerous = Set("SoFJiPX3DM".utf8)

    @Test(arguments: [11, 12, 13, 14] as [UInt64])
    func scpVerdictMatchesTheModel(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let letters = Self.scpOptions.filter { $0 != UInt8(ascii: ":") }
        var accepted = 0
        for _ in 0..<3_000 {
            var words: [[UInt8]] = []
            var used: [UInt8] = []
            for _ in 0..<(1 + random.below(3)) {
                var cluster: [UInt8] = [UInt8(ascii: "-")]
                for _ in 0..<(1 + random.below(3)) {
                    // Mostly the letters real clients send, sometimes anything scp knows.
                    let letter = random.chance(80) ? random.pick(Array("tfvrpd".utf8)) : random.pick(letters)
                    cluster.append(letter)
                    used.append(letter)
                    if let index = Self.scpOptions.firstIndex(of: letter), index + 1 < Self.scpOptions.count,
                        Self.scpOptions[index + 1] == UInt8(ascii: ":")
                    {
                        if random.chance(50) {
                            cluster += Array("/tmp/x".utf8)
                        } else {
                            words.append(cluster); cluster = Array("/tmp/x".utf8)
                        }
                        break
                    }
                }
                words.append(cluster)
            }
            let doubleDash = random.chance(30)
            if doubleDash { words.append(Array("--".utf8)) }
            let operands = random.below(3)
            for index in 0..<operands { words.append(Array((random.chance(20) && index > 0 ? "-file" : "file").utf8)) }
            let modes = Set(used).intersection(Set("tf".utf8))
            let laterDash = !doubleDash && words.suffix(operands).dropFirst().contains { $0.first == UInt8(ascii: "-") }
            let model =
                used.allSatisfy { Set("tfvrpd".utf8).contains($0) } && modes.count == 1 && operands >= 1 && !laterDash
                && !(modes.contains(UInt8(ascii: "t")) && operands > 1)
            let verdict = (try? ScpValidator.validate(words[...])) != nil
            let line = words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
            #expect(verdict == model, "scp \(line)")
            if verdict {
                accepted += 1
                #expect(Set(used).isDisjoint(with: Self.scpDangerous), "dangerous option accepted: scp \(line)")
            }
        }
        #expect(accepted > 100, "the generator should produce acceptable command lines too")
    }

    enum RsyncToken {
        case allowed(String)
        case refused(String)
    }

    /// Long options an rsync server would treat as "run a program", "read a config" or "take more options",
    /// spelled every way popt reads them, plus abbreviations (which popt does not expand, so rsync itself
    /// would refuse them; rssh must refuse them too).
    static func dangerousSpellings(_ random: inout SplitMix64) -> [String] {
        let name = random.pick([
            "rsh", "daemon", "config", "remote-option", "protect-args", "secluded-args", "rsync-path", "log-file",
        ])
        let abbreviation = String(name.prefix(max(2, random.below(name.count))))
        return random.pick([
            ["--\(name)=sh -c id"], ["--\(name)", "sh -c id"], ["--\(abbreviation)=x"], ["--\(name)"],
            ["-e", "sh -c id"], ["-esh"], ["-vlogDtpre", "sh"], ["-M--rsh=x"], ["-s"], ["-vs"], ["-vlogDtprs"],
        ])
    }

    @Test(arguments: [21, 22, 23, 24] as [UInt64])
    func rsyncVerdictMatchesTheModel(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let flags = ["--delete", "--partial", "--sender", "--numeric-ids", "--delete-after", "--inplace", "--existing"]
        let valued = ["--link-dest", "--temp-dir", "--backup-dir", "--partial-dir", "--suffix", "--files-from"]
        var accepted = 0
        for _ in 0..<3_000 {
            var words = ["--server"]
            var model = true
            for _ in 0..<random.below(5) {
                switch random.below(10) {
                case 0...2: words.append(random.pick(flags))
                case 3...4:
                    let option = random.pick(valued)
                    if random.chance(50) { words.append(option + "=dir") } else { words += [option, "dir"] }
                case 5: words.append(random.pick(["-vlogDtpre.iLsfxCIvu", "-logDtpr", "-e.LsfxC", "-re31.100iLsfxC"]))
                case 6: words.append(random.pick(["--timeout=30", "-B1024", "--max-delete=-1", "--log-format=%i"]))
                case 7:
                    words += Self.dangerousSpellings(&random)
                    model = false
                default:
                    words.append(random.pick(["--bogus", "-Z", "--timeout=x", "--delete=x", "--log-format=%f"]))
                    model = false
                }
            }
            if random.chance(20) {
                // "--" can hide nothing: the scan for banned options goes on after it.
                words.append("--")
                if random.chance(50) {
                    words.append(random.pick(["--daemon", "--config=/tmp/x", "--rsh=sh"]))
                    model = false
                }
            }
            words += [".", random.pick(["dest/", "src", "a b"])]
            if random.chance(10) {
                words.swapAt(0, words.count - 1)
                model = false
            }
            let bytes = words.map { Array($0.utf8) }
            let verdict = (try? RsyncValidator.validate(bytes[...])) != nil
            #expect(verdict == model, "rsync \(words.joined(separator: " "))")
            if verdict {
                accepted += 1
                #expect(words.first == "--server")
            }
        }
        #expect(accepted > 100, "the generator should produce acceptable command lines too")
    }
}
