/// The allow-list for sftp-server: its documented options, each value checked, and no operands.
///
/// sftp-server's getopt string is `d:f:l:P:p:Q:u:ehR` (OpenSSH 9); sshd passes the `Subsystem` line's
/// arguments, so admins' `-l INFO -f AUTHPRIV -u 022` must work.
enum SftpServerValidator {
    private static let logLevels: Set<String> = [
        "QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3",
    ]
    private static let facilities: Set<String> = [
        "DAEMON", "USER", "AUTH", "AUTHPRIV", "LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3", "LOCAL4", "LOCAL5",
        "LOCAL6", "LOCAL7",
    ]

    /// Checks `arguments` and returns the options in order.
    @discardableResult
    static func validate(_ arguments: ArraySlice<[UInt8]>) throws(ArgumentRejection) -> [ShortOptionScanner.Occurrence]
    {
        let scan = try ShortOptionScanner(arguments, program: .sftpServer) { letter in
            switch letter {
            case UInt8(ascii: "d"), UInt8(ascii: "f"), UInt8(ascii: "l"), UInt8(ascii: "P"), UInt8(ascii: "p"),
                UInt8(ascii: "Q"), UInt8(ascii: "u"):
                true
            case UInt8(ascii: "e"), UInt8(ascii: "h"), UInt8(ascii: "R"):
                false
            default:
                nil
            }
        }
        for option in scan.options {
            guard let value = option.value else { continue }
            let text = String(decoding: value, as: UTF8.self).uppercased()
            let ok: Bool
            switch option.letter {
            case UInt8(ascii: "l"): ok = logLevels.contains(text)
            case UInt8(ascii: "f"): ok = facilities.contains(text)
            case UInt8(ascii: "u"): ok = ConfigParser.parseUmask(value) != nil
            case UInt8(ascii: "P"), UInt8(ascii: "p"), UInt8(ascii: "Q"):
                ok = !value.isEmpty && value.allSatisfy(Self.isRequestNameByte)
            default: ok = !value.isEmpty
            }
            guard ok else {
                throw ArgumentRejection(
                    .sftpServer,
                    "invalid value \"\(Printable.text(value))\" for -\(Printable.text([option.letter]))"
                )
            }
        }
        guard scan.operands.isEmpty else {
            throw ArgumentRejection(.sftpServer, "unexpected argument \"\(Printable.text(scan.operands.first ?? []))\"")
        }
        return scan.options
    }

    private static func isRequestNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "@"), UInt8(ascii: "."), UInt8(ascii: ","),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
