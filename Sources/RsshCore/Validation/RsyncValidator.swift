/// The allow-list for rsync's server side, parsed the way rsync's popt parser reads it.
///
/// `--server` must be the first argument (CVE-2012-2251: anywhere else it can hide as another option's
/// value). Long options come from `RsyncOption.longOptions` with `--name=value` or `--name value`; short
/// flags are the `server_options()` cluster, `-B<n>`, `-@<n>`, and `-e` only in its protocol-information
/// form (`-vlogDtpre.iLsfxC`). Options may appear anywhere until `--`, as popt permutes. Every word is also
/// checked against `RsyncOption.bannedPrefixes`, wherever it stands.
///
/// In an access mode only the options and flags that `RsyncOption`'s table allows in that mode pass; an
/// upload-only receiver also takes at most one `-v` (what a plain upload prints).
enum RsyncValidator {
    /// Checks `arguments` for `mode` and returns the long options given (names without dashes), as popt read
    /// them.
    @discardableResult
    static func validate(
        _ arguments: ArraySlice<[UInt8]>,
        mode: AccessMode = .readWrite
    ) throws(ArgumentRejection) -> Set<String> {
        guard arguments.first == Array("--server".utf8) else {
            throw ArgumentRejection(.rsync, "only server mode is allowed: --server must come first")
        }
        for word in arguments {
            let text = String(decoding: word, as: UTF8.self)
            for banned in RsyncOption.bannedPrefixes where text.hasPrefix(banned) {
                throw ArgumentRejection(.rsync, "\(banned) is not allowed (\"\(Printable.text(word))\")")
            }
        }
        var index = arguments.startIndex + 1
        var optionsEnded = false
        var longNames: Set<String> = []
        var verbosity = 0
        while index < arguments.endIndex {
            let word = arguments[index]
            index += 1
            if optionsEnded || word.count < 2 || word[0] != UInt8(ascii: "-") { continue }
            if word == Array("--".utf8) {
                optionsEnded = true
                continue
            }
            if word[1] == UInt8(ascii: "-") {
                longNames.insert(try checkLong(word, arguments, &index, mode))
            } else {
                try checkShort(word, arguments, &index, mode, &verbosity)
            }
        }
        if mode == .uploadOnly, verbosity > 1 {
            throw ArgumentRejection(
                .rsync,
                "more than one -v is not allowed in \(mode) mode (it prints the server's state)"
            )
        }
        return longNames
    }

    /// The refusal of an option or flag the table knows but does not allow in `mode`.
    private static func notAllowed(
        _ spelling: String,
        _ mode: AccessMode,
        _ refusal: RsyncOption.Refusal?
    ) -> ArgumentRejection {
        if let refusal { return ArgumentRejection(.rsync, "option \(spelling) is not allowed (\(refusal.text))") }
        return ArgumentRejection(.rsync, "option \(spelling) is not allowed in \(mode) mode")
    }

    /// Checks one long option (and its value) and returns its name.
    private static func checkLong(
        _ word: [UInt8],
        _ arguments: ArraySlice<[UInt8]>,
        _ index: inout ArraySlice<[UInt8]>.Index,
        _ mode: AccessMode
    ) throws(ArgumentRejection) -> String {
        let body = word[2...]
        let equals = body.firstIndex(of: UInt8(ascii: "="))
        let name = String(decoding: body[..<(equals ?? body.endIndex)], as: UTF8.self)
        guard let option = RsyncOption.longOptions[name] else {
            throw ArgumentRejection(.rsync, "option --\(Printable.text(name)) is not allowed")
        }
        guard option.modes.allows(mode) else { throw notAllowed("--\(name)", mode, option.refusal) }
        var value: [UInt8]?
        if let equals { value = Array(body[(equals + 1)...]) }
        if option.value == .none {
            guard value == nil else { throw ArgumentRejection(.rsync, "option --\(name) takes no value") }
            return name
        }
        if value == nil {
            guard index < arguments.endIndex else { throw ArgumentRejection(.rsync, "option --\(name) needs a value") }
            value = arguments[index]
            index += 1
        }
        try checkValue(value ?? [], option.value, "--\(name)")
        return name
    }

    private static func checkShort(
        _ word: [UInt8],
        _ arguments: ArraySlice<[UInt8]>,
        _ index: inout ArraySlice<[UInt8]>.Index,
        _ mode: AccessMode,
        _ verbosity: inout Int
    ) throws(ArgumentRejection) {
        var position = 1
        while position < word.count {
            let letter = word[position]
            if let flag = RsyncOption.flagsByLetter[letter], !flag.modes.allows(mode), !flag.modes.isEmpty {
                throw notAllowed("-\(Printable.text([letter])) (\(flag.meaning))", mode, nil)
            }
            if letter == UInt8(ascii: "v") { verbosity += 1 }
            switch letter {
            case UInt8(ascii: "e"):
                let info = position + 1 < word.count ? Array(word[(position + 1)...]) : nextValue(arguments, &index)
                guard let info, isProtocolInfo(info) else {
                    throw ArgumentRejection(
                        .rsync,
                        "-e is only allowed as protocol information (\"\(Printable.text(word))\")"
                    )
                }
                return
            case UInt8(ascii: "B"), UInt8(ascii: "@"):
                guard position == 1 else { break }
                let value = word.count > 2 ? Array(word[2...]) : nextValue(arguments, &index)
                try checkValue(
                    value ?? [],
                    letter == UInt8(ascii: "@") ? .integer : .natural,
                    "-\(Printable.text([letter]))"
                )
                return
            default:
                guard let flag = RsyncOption.flagsByLetter[letter], !flag.modes.isEmpty else { break }
                position += 1
                continue
            }
            let reason = letter == UInt8(ascii: "s") ? " (options would be read from stdin, unchecked)" : ""
            throw ArgumentRejection(.rsync, "option -\(Printable.text([letter])) is not allowed\(reason)")
        }
    }

    private static func nextValue(
        _ arguments: ArraySlice<[UInt8]>,
        _ index: inout ArraySlice<[UInt8]>.Index
    ) -> [UInt8]? {
        guard index < arguments.endIndex else { return nil }
        defer { index += 1 }
        return arguments[index]
    }

    private static func checkValue(
        _ value: [UInt8],
        _ kind: RsyncOption.Value,
        _ option: String
    ) throws(ArgumentRejection) {
        let ok: Bool
        switch kind {
        case .none: ok = value.isEmpty
        case .text: ok = !value.isEmpty
        case .oneOf(let choices): ok = choices.contains(String(decoding: value, as: UTF8.self))
        case .natural, .integer:
            var digits = value[...]
            if kind == .integer, digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
            ok = !digits.isEmpty && digits.count <= 10 && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        guard ok else { throw ArgumentRejection(.rsync, "invalid value \"\(Printable.text(value))\" for \(option)") }
    }

    /// rsync's `-e` protocol information: `[0-9]*\.[0-9]*` and capability letters from
    /// `RsyncOption.capabilities` (for example `.iLsfxCIvu` or `31.0iLsfxC`).
    static func isProtocolInfo(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return false }
        index += 1
        while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 { index += 1 }
        while index < bytes.count {
            let byte = bytes[index]
            guard RsyncOption.capabilities.contains(where: { $0.letter == byte }) else { return false }
            index += 1
        }
        return true
    }
}
