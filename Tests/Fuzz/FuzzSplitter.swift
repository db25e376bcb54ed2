// libFuzzer target: the command splitter on arbitrary bytes.
// Invariants: an accepted line had no shell hazard (checked by an independent scanner); no word holds a
// control character; quoting the words again, as OpenSSH's and rsync's clients do, splits back to the same
// words.

/// libFuzzer's entry point: runs the command splitter on one input and checks the invariants above.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSplitter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = Array(UnsafeBufferPointer(start: data, count: size))
    guard let words = try? CommandSplitter.split(line) else { return 0 }
    invariant(!hasShellHazard(line), "accepted a line with a shell hazard: \(Printable.text(line))")
    for word in words {
        invariant(!word.text.contains { $0 < 0x20 || $0 == 0x7F }, "control character in a word")
    }
    // Round trip: single-quote every word (a ' becomes '\''), then split again.
    var quoted: [UInt8] = []
    for word in words {
        if !quoted.isEmpty { quoted.append(UInt8(ascii: " ")) }
        quoted.append(UInt8(ascii: "'"))
        for byte in word.text {
            if byte == UInt8(ascii: "'") { quoted += Array("'\\''".utf8) } else { quoted.append(byte) }
        }
        quoted.append(UInt8(ascii: "'"))
    }
    guard let again = try? CommandSplitter.split(quoted) else {
        invariant(false, "re-quoted words were refused: \(Printable.text(quoted))")
        return 0
    }
    invariant(again.map(\.text) == words.map(\.text), "round trip changed the words")
    return 0
}
