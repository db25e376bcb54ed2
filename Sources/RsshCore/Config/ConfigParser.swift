import Glibc

/// Parses rssh.conf text (rssh 2.3.4 and Debian grammar), failing closed on anything doubtful.
///
/// Deviations from rssh 2.3.4, all towards refusing: unknown or miscased keywords, unmatched quotes,
/// control characters, a relative chroot path, an invalid per-user umask, and errors on lines after the
/// user's own line are errors rather than being ignored. Towards accepting: a last line without a newline
/// and lines longer than 1023 bytes are fine.
public struct ConfigParser {
    private enum Keyword: String, CaseIterable {
        case allowscp, allowsftp, allowcvs, allowrdist, allowrsync, allowsvnserve
        case umask, logfacility, chrootpath, user
        /// Extension (not understood by classic rssh): refuse sessions whose audit record cannot be written.
        case requireaudit

        var program: TransferProgram? {
            switch self {
            case .allowscp: .scp
            case .allowsftp: .sftp
            case .allowcvs: .cvs
            case .allowrdist: .rdist
            case .allowrsync: .rsync
            case .allowsvnserve: .svnserve
            default: nil
            }
        }
    }

    private let file: String
    private let onlyUser: [UInt8]?
    private var config: Configuration
    private var seenUsers: [String: Int] = [:]
    private var lastSetting: [Keyword: Int] = [:]

    private init(file: String, onlyUser: String?) {
        self.file = file
        self.onlyUser = onlyUser.map { Array($0.utf8) }
        self.config = Configuration(file: file)
    }

    /// Parses the whole file.
    /// - Parameters:
    ///   - text: the file's bytes.
    ///   - file: its path, for messages.
    ///   - onlyUser: when given, `user=` lines naming other accounts are checked for syntax only and not
    ///     kept (their field errors cannot affect this user); this is what the login shell does.
    /// - Returns: the configuration with every diagnostic; parsing never stops early.
    public static func parse(_ text: [UInt8], file: String, onlyUser: String? = nil) -> Configuration {
        var parser = ConfigParser(file: file, onlyUser: onlyUser)
        parser.run(text)
        return parser.config
    }

    private mutating func run(_ text: [UInt8]) {
        var lineNumber = 0
        var start = 0
        while start < text.count {
            lineNumber += 1
            var end = start
            while end < text.count, text[end] != UInt8(ascii: "\n") { end += 1 }
            parseLine(Array(text[start..<end]), number: lineNumber)
            start = end + 1
        }
        if config.allowed.isEmpty && config.users.allSatisfy({ $0.programs.isEmpty }) && onlyUser == nil {
            warn(0, "no program is allowed to anyone: every user is locked out")
        }
    }

    private mutating func error(_ line: Int, _ message: String, scope: ConfigDiagnostic.Scope = .global) {
        config.diagnostics.append(
            ConfigDiagnostic(severity: .error, file: file, line: line, message: message, scope: scope)
        )
    }

    private mutating func warn(_ line: Int, _ message: String, scope: ConfigDiagnostic.Scope = .global) {
        config.diagnostics.append(
            ConfigDiagnostic(severity: .warning, file: file, line: line, message: message, scope: scope)
        )
    }

    private mutating func parseLine(_ line: [UInt8], number: Int) {
        if line.contains(0) {
            error(number, "NUL byte in line")
            return
        }
        var lexer = ConfigLexer(line)
        do {
            guard let first = try lexer.next() else { return }
            if first.isDelimiter(UInt8(ascii: "#")) { return }
            let word = Printable.text(first.bytes)
            guard !first.isDelimiter, let keyword = Keyword(rawValue: word) else {
                if first.isDelimiter {
                    error(number, "syntax error: line starts with '\(word)'")
                } else if let known = Keyword.allCases.first(where: { $0.rawValue == word.lowercased() }) {
                    error(number, "unknown keyword '\(word)' (keywords are case-sensitive: use '\(known.rawValue)')")
                } else {
                    error(number, "unknown keyword '\(word)'")
                }
                return
            }
            if let program = keyword.program {
                guard try expectEnd(&lexer, number, after: word) else { return }
                config.allowed.insert(ProgramSet(program))
                return
            }
            if keyword == .requireaudit {
                guard try expectEnd(&lexer, number, after: word) else { return }
                config.requireAudit = true
                return
            }
            guard let equals = try lexer.next(), equals.isDelimiter(UInt8(ascii: "=")) else {
                error(number, "assignment expected: '\(word) = value'")
                return
            }
            guard let value = try lexer.next(), !value.isDelimiter, !value.bytes.isEmpty else {
                error(number, "'\(word)' needs a value")
                return
            }
            guard try expectEnd(&lexer, number, after: word + " value") else { return }
            try apply(keyword, value.bytes, number)
        } catch {
            switch error {
            case .unmatchedQuote(let column): self.error(number, "unmatched quote at column \(column)")
            case .controlCharacter(let column): self.error(number, "control character at column \(column)")
            }
        }
    }

    private mutating func expectEnd(
        _ lexer: inout ConfigLexer,
        _ number: Int,
        after: String
    ) throws(ConfigLexer.Failure) -> Bool {
        guard let extra = try lexer.next() else { return true }
        if extra.isDelimiter(UInt8(ascii: "#")) { return true }
        error(
            number,
            "syntax error: unexpected '\(Printable.text(extra.bytes))' after \(after) (quote values with spaces)"
        )
        return false
    }

    private mutating func noteRepeat(_ keyword: Keyword, _ number: Int) {
        if let previous = lastSetting[keyword] {
            warn(number, "'\(keyword.rawValue)' already set on line \(previous); the last one wins")
        }
        lastSetting[keyword] = number
    }

    private mutating func apply(_ keyword: Keyword, _ value: [UInt8], _ number: Int) throws(ConfigLexer.Failure) {
        switch keyword {
        case .umask:
            noteRepeat(keyword, number)
            guard let mask = Self.parseUmask(value) else {
                error(number, "invalid umask '\(Printable.text(value))' (octal, 0 to 0777)")
                return
            }
            config.umask = mask
        case .logfacility:
            noteRepeat(keyword, number)
            guard let text = String(validating: value, as: UTF8.self), let facility = SyslogFacility(configName: text)
            else {
                error(
                    number,
                    "unknown log facility '\(Printable.text(value))' (use LOG_USER, LOG_LOCAL0 … or user, local0 …)"
                )
                return
            }
            config.facility = facility
        case .chrootpath:
            noteRepeat(keyword, number)
            guard let path = checkedJail(value, number, scope: .global) else { return }
            config.chrootPath = path
        case .user:
            try parseUser(value, number)
        default:
            break
        }
    }

    private mutating func checkedJail(_ value: [UInt8], _ number: Int, scope: ConfigDiagnostic.Scope) -> String? {
        guard let path = String(validating: value, as: UTF8.self) else {
            error(number, "chroot path is not valid UTF-8", scope: scope)
            return nil
        }
        guard path.hasPrefix("/") else {
            error(number, "chroot path '\(path)' must be absolute", scope: scope)
            return nil
        }
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed == "/" { warn(number, "chroot path '/' is no jail", scope: scope) }
        return trimmed
    }

    private mutating func parseUser(_ value: [UInt8], _ number: Int) throws(ConfigLexer.Failure) {
        let fields = try ConfigLexer.splitFields(value)
        let nameBytes = fields[0]
        if let onlyUser, nameBytes != onlyUser { return }
        guard !nameBytes.isEmpty, let name = String(validating: nameBytes, as: UTF8.self) else {
            error(number, "user line has no valid user name")
            return
        }
        let scope = ConfigDiagnostic.Scope.user(name)
        if let previous = seenUsers[name] {
            warn(number, "user '\(name)' is already configured on line \(previous); this line is ignored", scope: scope)
            return
        }
        seenUsers[name] = number
        guard fields.count >= 3 else {
            error(number, "user line for '\(name)' needs name:umask:bits[:chroot]", scope: scope)
            return
        }
        guard fields.count <= 4 else {
            error(
                number,
                "user line for '\(name)' has too many ':' fields (quote a chroot path with ':' twice)",
                scope: scope
            )
            return
        }
        guard let mask = Self.parseUmask(fields[1]) else {
            error(number, "invalid umask '\(Printable.text(fields[1]))' for user '\(name)'", scope: scope)
            return
        }
        guard let (programs, bitCount) = Self.parseBits(fields[2]) else {
            error(
                number,
                "invalid access bits '\(Printable.text(fields[2]))' for user '\(name)' (5 or 6 digits of 0 and 1)",
                scope: scope
            )
            return
        }
        var jail: String?
        if fields.count == 4 && !fields[3].isEmpty {
            guard let path = checkedJail(fields[3], number, scope: scope) else { return }
            jail = path
        }
        config.users.append(
            UserEntry(name: name, umask: mask, programs: programs, chrootPath: jail, line: number, bitCount: bitCount)
        )
    }

    /// Parses an octal umask in 0...0777 (leading zeros allowed, nothing else).
    static func parseUmask(_ bytes: [UInt8]) -> mode_t? {
        guard !bytes.isEmpty, bytes.count <= 12 else { return nil }
        var value: mode_t = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + mode_t(byte - UInt8(ascii: "0"))
        }
        return value <= 0o777 ? value : nil
    }

    /// Parses access bits: 5 digits in upstream order (rsync, rdist, cvs, sftp, scp) or 6 in Debian order
    /// (the same, then svnserve).
    static func parseBits(_ bytes: [UInt8]) -> (ProgramSet, Int)? {
        let order: [TransferProgram] = [.rsync, .rdist, .cvs, .sftp, .scp, .svnserve]
        guard bytes.count == 5 || bytes.count == 6 else { return nil }
        var set: ProgramSet = []
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "1"): set.insert(ProgramSet(order[index]))
            case UInt8(ascii: "0"): break
            default: return nil
            }
        }
        return (set, bytes.count)
    }
}
