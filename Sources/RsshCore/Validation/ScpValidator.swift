/// The allow-list for scp: legacy server mode only.
///
/// Exactly one of `-t` (sink) or `-f` (source) is required, so scp can never act as a client and run ssh
/// (the CVE-2019-1000018 class: `-S`, `-o`, `-F`, remote targets). Only `-v -r -p -d` may join it, alone or
/// bundled (`-prt`), as OpenSSH's and WinSCP's clients send. At least one file must follow, and exactly one
/// target after `-t`. After the first
/// file, a word starting with `-` is refused unless `--` came first: BSD getopt would read it as a file, a
/// permuting getopt as an option, and refusing is right under both.
enum ScpValidator {
    /// Checks `arguments` and returns the direction: `t` (sink, an upload) or `f` (source, a download).
    @discardableResult
    static func validate(_ arguments: ArraySlice<[UInt8]>) throws(ArgumentRejection) -> UInt8 {
        let scan = try ShortOptionScanner(arguments, program: .scp) { letter in
            switch letter {
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "v"), UInt8(ascii: "r"), UInt8(ascii: "p"),
                UInt8(ascii: "d"):
                false
            default:
                nil
            }
        }
        let modes = Set(scan.options.map { $0.letter }).intersection([UInt8(ascii: "t"), UInt8(ascii: "f")])
        guard modes.count == 1 else {
            throw ArgumentRejection(
                .scp,
                modes.isEmpty ? "server mode (-t or -f) is required" : "-t and -f cannot be combined"
            )
        }
        guard !scan.operands.isEmpty else { throw ArgumentRejection(.scp, "no file named") }
        // The sink writes into one target; scp itself says "ambiguous target" to more, and no client sends it.
        if modes.contains(UInt8(ascii: "t")), scan.operands.count > 1 {
            throw ArgumentRejection(.scp, "-t takes exactly one target (\(scan.operands.count) given)")
        }
        if !scan.sawDoubleDash {
            for word in scan.operands.dropFirst() where word.first == UInt8(ascii: "-") {
                throw ArgumentRejection(.scp, "option-like file name \"\(Printable.text(word))\" after a file (use --)")
            }
        }
        return modes.contains(UInt8(ascii: "t")) ? UInt8(ascii: "t") : UInt8(ascii: "f")
    }
}
