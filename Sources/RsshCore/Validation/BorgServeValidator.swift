import CRsshLibc

/// The allow-list of `borg serve` (BorgBackup 1.2, the option `borg`), and the argument vector rssh builds.
///
/// A borg client sends `borg serve [--debug|--info|--error|--critical] [--debug-topic=TOPIC]…
/// [--storage-quota=Q]` (borg 1.1 also `--umask=077`; `remote.py`, `borg_cmd`). Accepted after `serve`, each
/// spelled exactly as borg's argparse table has it (no abbreviations): the log levels (`--critical`,
/// `--error`, `--warning`, `--info`, `-v`, `--verbose`, `--debug`; the last wins, as with argparse's
/// `store_const`), `--debug-topic`, `--lock-wait` and `--umask`, the options borg's own forced-command
/// handling takes from a client (`archiver.py`, `get_args`) plus the umask. Refused: `--restrict-to-path`
/// and `--restrict-to-repository` (borg takes the union of every one given, so a client's own could only
/// widen rssh's), `--append-only` and `--storage-quota` (administrator's settings; a client's quota would
/// replace the one in the repository), and everything else (`--debug-profile FILE` writes a file,
/// `--rsh`, `--remote-path`, …).
public enum BorgServeValidator {
    /// What the client asked for, checked.
    public struct Request: Sendable, Equatable {
        /// The log level option as borg names it (`--info`), nil for borg's default (warning).
        public var logLevel: String?
        /// The debug topics, in order.
        public var debugTopics: [[UInt8]] = []
        /// `--lock-wait` seconds, digits only.
        public var lockWait: [UInt8]?
        /// The client's `--umask`, nil when not sent.
        public var umask: mode_t?
    }

    /// The log level options and the canonical spelling each stands for.
    static let logLevels: [(word: String, level: String)] = [
        ("--critical", "--critical"), ("--error", "--error"), ("--warning", "--warning"), ("--info", "--info"),
        ("-v", "--info"), ("--verbose", "--info"), ("--debug", "--debug"),
    ]

    /// Options a client may not send, with why.
    static let refused: [(word: String, why: String)] = [
        ("--restrict-to-path", "rssh restricts borg to the user's home; borg would add a client's own path to it"),
        (
            "--restrict-to-repository",
            "rssh restricts borg to the user's home; borg would add a client's own repository to it"
        ),
        ("--append-only", "append-only is the administrator's setting, not the client's"),
        ("--storage-quota", "a client's quota would replace the repository's (borg refuses it from a client too)"),
    ]

    /// Checks the words after `borg`.
    static func validate(_ arguments: ArraySlice<[UInt8]>) throws(ArgumentRejection) {
        _ = try parse(arguments)
    }

    /// Parses the words after `borg`: `serve` and the allow-listed options.
    public static func parse(_ arguments: ArraySlice<[UInt8]>) throws(ArgumentRejection) -> Request {
        func refuse(_ why: String) -> ArgumentRejection { ArgumentRejection(.borg, why) }
        guard arguments.first == Array("serve".utf8) else { throw refuse("only \"borg serve\" is allowed") }
        var request = Request()
        var words = arguments.dropFirst()
        while let word = words.first {
            words = words.dropFirst()
            let text = String(decoding: word, as: UTF8.self)
            if let level = logLevels.first(where: { $0.word == text }) {
                request.logLevel = level.level
                continue
            }
            let name = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            if let refusal = refused.first(where: { $0.word == name }) {
                throw refuse("option \(refusal.word) is not allowed (\(refusal.why))")
            }
            guard let name, ["--debug-topic", "--lock-wait", "--umask"].contains(name) else {
                throw refuse("option \"\(Printable.text(word))\" is not allowed")
            }
            let value: [UInt8]
            if name.utf8.count < word.count {
                value = Array(word.dropFirst(name.utf8.count + 1))
            } else {
                guard let next = words.first else { throw refuse("option \(name) needs a value") }
                words = words.dropFirst()
                value = next
            }
            switch name {
            case "--debug-topic":
                guard isTopic(value) else { throw refuse("debug topic \"\(Printable.text(value))\" is not allowed") }
                guard request.debugTopics.count < 16 else { throw refuse("too many debug topics (at most 16)") }
                request.debugTopics.append(value)
            case "--lock-wait":
                guard !value.isEmpty, value.count <= 6, value.allSatisfy(isDigit) else {
                    throw refuse("--lock-wait needs whole seconds")
                }
                request.lockWait = value
            default:
                guard let mask = octal(value) else { throw refuse("--umask needs an octal mode up to 777") }
                request.umask = mask
            }
        }
        return request
    }

    /// borg's umask when the client sends none (`UMASK_DEFAULT`).
    public static let defaultUmask: mode_t = 0o077

    /// The argument vector rssh runs: `borg serve --restrict-to-path AREA --umask=M` and the client's checked
    /// options, where `M` is the client's umask (or borg's default) with the administrator's bits added, so a
    /// client can only narrow file permissions.
    public static func arguments(
        programWord: [UInt8],
        request: Request,
        area: [UInt8],
        administratorUmask: mode_t
    ) -> [[UInt8]] {
        var result: [[UInt8]] = [programWord, Array("serve".utf8), Array("--restrict-to-path".utf8), area]
        let mask = (request.umask ?? defaultUmask) | (administratorUmask & 0o777)
        result.append(Array("--umask=0".utf8) + octalDigits(mask))
        if let level = request.logLevel { result.append(Array(level.utf8)) }
        for topic in request.debugTopics { result.append(Array("--debug-topic=".utf8) + topic) }
        if let wait = request.lockWait { result.append(Array("--lock-wait=".utf8) + wait) }
        return result
    }

    /// borg's logger names: letters, digits, `.`, `_`, `-`, not starting with `-`, at most 64 bytes.
    static func isTopic(_ value: [UInt8]) -> Bool {
        guard let first = value.first, first != UInt8(ascii: "-"), value.count <= 64 else { return false }
        return value.allSatisfy {
            isDigit($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// An octal mode of one to four digits, at most 0777 (the config's umask parser, four digits at most).
    static func octal(_ value: [UInt8]) -> mode_t? {
        value.count <= 4 ? ConfigParser.parseUmask(value) : nil
    }

    /// Three octal digits.
    static func octalDigits(_ mask: mode_t) -> [UInt8] {
        [UInt8(0x30 + (mask >> 6) & 7), UInt8(0x30 + (mask >> 3) & 7), UInt8(0x30 + mask & 7)]
    }
}
