import CRsshLibc

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
        /// Extension: `group = NAME:umask:bits[:chroot[:options]]`, for members without a user line.
        case group
        /// Extension: `profile = NAME:umask:bits[:chroot[:options]]`, selected by a key's forced command
        /// `rssh-profile NAME`; it only narrows the account's own line.
        case profile
        /// Extension (not understood by classic rssh): refuse sessions whose audit record cannot be written.
        case requireaudit
        /// Extension: options for users without a user line (`options = unconfinedexec`).
        case options
        /// Extension: the only options sftp-server runs with (`sftpserveroptions = -l INFO -f LOCAL5`).
        case sftpserveroptions

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
    /// User and group names as bytes, as NSS tells accounts and groups apart (and with no String hashing,
    /// which every session's parse would pay for).
    private var seenUsers = FirstNameTable<Int>()
    private var seenGroups = FirstNameTable<Int>()
    private var seenProfiles = FirstNameTable<Int>()
    /// The line of each global setting's last occurrence (a dozen keywords at most).
    private var lastSetting: [(keyword: Keyword, line: Int)] = []

    private var lineNumber = 0

    /// Creates a parser for text that arrives in pieces (`ConfigFile.parse`): `parseLines(in:)` for each
    /// piece, then `finish(lastLine:)`.
    public init(file: String, onlyUser: String? = nil) {
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
        return text.withUnsafeBufferPointer { buffer in
            let consumed = parser.parseLines(in: buffer)
            return parser.finish(lastLine: UnsafeBufferPointer(rebasing: buffer[consumed...]))
        }
    }

    private static let keywordBytes: [(bytes: [UInt8], keyword: Keyword)] = Keyword.allCases.map {
        (Array($0.rawValue.utf8), $0)
    }

    /// Parses every line of `text` that a newline ends, and returns how many bytes that was: the rest is
    /// the start of a line whose end has not arrived yet.
    @_optimize(speed)
    public mutating func parseLines(in text: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = text.baseAddress else { return 0 }
        var start = 0
        while start < text.count {
            // Another user's line as generated files write it is skipped in the same pass that finds its end.
            if let onlyUser, let end = Self.otherUsersPlainLineEnd(base, start, text.count, onlyUser: onlyUser) {
                lineNumber += 1
                start = end + 1
                continue
            }
            // memchr(3) finds the newline with vector instructions.
            guard let found = memchr(base + start, 0x0A, text.count - start) else { break }
            let end = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
            parseLine(text, start..<end)
            start = end + 1
        }
        return start
    }

    /// Where the line at `start` ends (its newline), when it is another user's line written exactly
    /// `user = VALUE` with a plain value (`isPlain`) up to the newline; nil sends it to the full path.
    ///
    /// The value is read 16 bytes at a time, and the first byte that is not plain must be the newline: so the
    /// line's end and the check come from one pass (a 10,000-user file was about 225 instructions per line with
    /// a memchr and then a check, about 150 so). Every line it accepts, `isOtherUsersPlainLine` accepts; a line
    /// whose blocks would reach past the buffer goes to the full path, so nothing outside it is read.
    @_optimize(speed)
    @inline(__always)
    static func otherUsersPlainLineEnd(
        _ base: UnsafePointer<UInt8>,
        _ start: Int,
        _ count: Int,
        onlyUser: [UInt8]
    ) -> Int? {
        guard count - start >= 8, Self.startsWithUserPrefix(base + start) else { return nil }
        let valueStart = start + 7
        var position = valueStart
        var valueEnd = 0
        while true {
            guard count - position >= 16 else { return nil }
            let lanes = unsafeBitCast(
                stopMask(UnsafeRawPointer(base + position).loadUnaligned(as: SIMD16<UInt8>.self)),
                to: SIMD2<UInt64>.self
            )
            if lanes[0] | lanes[1] == 0 {
                position += 16
                continue
            }
            // Each lane of the mask is all ones or all zeros: the first set byte is the first stop byte.
            let lane =
                lanes[0] != 0 ? lanes[0].trailingZeroBitCount / 8 : 8 + lanes[1].trailingZeroBitCount / 8
            valueEnd = position + lane
            break
        }
        guard base[valueEnd] == 0x0A, Self.namesAnotherUser(base, valueStart..<valueEnd, onlyUser: onlyUser) else {
            return nil
        }
        return valueEnd
    }

    /// Whether the 8 bytes at `pointer` start with `user = ` and the eighth is not white space.
    @inline(__always)
    static func startsWithUserPrefix(_ pointer: UnsafePointer<UInt8>) -> Bool {
        UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)) & 0x00FF_FFFF_FFFF_FFFF
            == Self.userPrefix && !ConfigLexer.isSpace(pointer[7])
    }

    /// Whether the plain value `base[value]` names another user than `onlyUser`: its name (up to the first
    /// colon) is not empty and is not `onlyUser`.
    @inline(__always)
    static func namesAnotherUser(_ base: UnsafePointer<UInt8>, _ value: Range<Int>, onlyUser: [UInt8]) -> Bool {
        // The name is not empty: the value has a first byte and it is not the colon that ends the name.
        guard !value.isEmpty, base[value.lowerBound] != UInt8(ascii: ":") else { return false }
        // The name is onlyUser exactly when the value starts with it, followed by a colon or nothing.
        let own = onlyUser.count
        guard value.count >= own, value.count == own || base[value.lowerBound + own] == UInt8(ascii: ":") else {
            return true
        }
        return !onlyUser.withUnsafeBufferPointer { name in
            guard let nameBase = name.baseAddress else { return false }
            return memcmp(base + value.lowerBound, nameBase, own) == 0
        }
    }

    /// Parses `lastLine` (what followed the last newline; nothing when the file ends with one), then the
    /// checks that concern the whole file.
    public mutating func finish(lastLine: UnsafeBufferPointer<UInt8>) -> Configuration {
        if !lastLine.isEmpty { parseLine(lastLine, 0..<lastLine.count) }
        if config.options.contains(.winscp), !config.allowed.allows(.scp) {
            error(0, "options winscp needs allowscp (WinSCP's SCP mode runs scp)")
        }
        if config.options.contains(.landlock), config.chrootPath != nil {
            error(0, "options landlock and chrootpath cannot be combined (choose one confinement)")
        }
        if config.options.contains(.borg), config.chrootPath != nil {
            error(0, "options borg and chrootpath cannot be combined (borg is a Python program; a jail has no Python)")
        }
        if config.allowed.isEmpty && config.options.isDisjoint(with: UserOptions.programs)
            && config.users.allSatisfy({ $0.programs.isEmpty && $0.options.isDisjoint(with: UserOptions.programs) })
            && config.groups.allSatisfy({ $0.programs.isEmpty && $0.options.isDisjoint(with: UserOptions.programs) })
            && onlyUser == nil
        {
            warn(0, "no program is allowed to anyone: every user is locked out")
        }
        return config
    }

    /// One line: another user's plain line is skipped on the fast path, anything else gets the full check.
    @inline(__always)
    private mutating func parseLine(_ text: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) {
        lineNumber += 1
        if let onlyUser, Self.isOtherUsersPlainLine(text, line, onlyUser: onlyUser) { return }
        if parsePlainGroupLine(text, line) { return }
        parseLine(text, line, number: lineNumber)
    }

    /// The group lines' fast path: a plain `group = NAME:UMASK:BITS` line is kept without tokens or copies.
    ///
    /// Plain is the way generated files write it: one space each side of `=`, plain bytes (`isPlain`) to the
    /// end of the line, three fields, a valid umask and bits. False sends the line to the full check, which
    /// then finds the same entry or reports what is wrong. Every group line concerns every user without a user
    /// line, so the shell reads them all (about 5,000 instructions each on the full check).
    @_optimize(speed)
    private mutating func parsePlainGroupLine(_ text: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        guard let base = text.baseAddress, line.upperBound <= text.count, line.count > 8,
            UInt64(littleEndian: UnsafeRawPointer(base + line.lowerBound).loadUnaligned(as: UInt64.self))
                == Self.groupPrefix
        else { return false }
        let value = line.lowerBound + 8
        let count = line.upperBound - value
        let plain =
            count >= 16
            ? Self.isPlain(base + value, count: count) : text[value..<line.upperBound].allSatisfy(Self.isPlain)
        guard plain else { return false }
        // Plain bytes hold no quote, so the fields are the runs between colons.
        guard let first = memchr(base + value, Int32(UInt8(ascii: ":")), count),
            case let nameEnd = UnsafePointer(first.assumingMemoryBound(to: UInt8.self)) - base,
            nameEnd > value,
            let second = memchr(base + nameEnd + 1, Int32(UInt8(ascii: ":")), line.upperBound - nameEnd - 1),
            case let umaskEnd = UnsafePointer(second.assumingMemoryBound(to: UInt8.self)) - base,
            memchr(base + umaskEnd + 1, Int32(UInt8(ascii: ":")), line.upperBound - umaskEnd - 1) == nil,
            let mask = Self.parseUmask(text[(nameEnd + 1)..<umaskEnd]),
            let (programs, bitCount) = Self.parseBits(text[(umaskEnd + 1)..<line.upperBound])
        else { return false }
        let name = String(decoding: text[value..<nameEnd], as: UTF8.self)
        guard firstGroupLine(name, lineNumber) else { return true }
        // No chroot path and no options: none of the full check's combination rules can apply.
        config.groups.append(
            UserEntry(
                name: name,
                umask: mask,
                programs: programs,
                chrootPath: nil,
                line: lineNumber,
                bitCount: bitCount
            )
        )
        return true
    }

    /// `group = ` (67 72 6F 75 70 20 3D 20) as a little-endian load.
    static let groupPrefix: UInt64 = 0x203D_2070_756F_7267

    /// The shell's fastest path: whether `line` is another user's plain `user = name:…` line, which the
    /// full check would accept without any diagnostic that concerns this user, so it can be skipped.
    ///
    /// One pass over the bytes, no tokens: optional white space, `user`, optional white space, `=`,
    /// optional white space, a value of plain bytes (printable ASCII other than quotes, `=` and `#`; colons
    /// allowed), optional white space, then the end or a comment; and a name (the value up to its first colon)
    /// that is not empty and is not `onlyUser`. Anything else (quotes, control characters, non-ASCII names, a
    /// second word, the user's own line) goes to the full check. A config of 10,000 users is one such line
    /// each, so this is what keeps a large file cheap while every line is still checked.
    @_optimize(speed)
    static func isOtherUsersPlainLine(
        _ text: UnsafeBufferPointer<UInt8>,
        _ line: Range<Int>,
        onlyUser: [UInt8]
    ) -> Bool {
        // `line` lies within `text` (found by memchr), so the base pointer is read without further checks.
        guard let base = text.baseAddress, line.upperBound <= text.count else { return false }
        var index = line.lowerBound
        let end = line.upperBound
        if end - index >= 8, Self.startsWithUserPrefix(base + index) {
            // The way every generated file writes it: one load and one compare.
            index += 7
        } else {
            while index < end, ConfigLexer.isSpace(base[index]) { index += 1 }
            guard end - index > 4, base[index] == UInt8(ascii: "u"), base[index + 1] == UInt8(ascii: "s"),
                base[index + 2] == UInt8(ascii: "e"), base[index + 3] == UInt8(ascii: "r")
            else { return false }
            index += 4
            while index < end, ConfigLexer.isSpace(base[index]) { index += 1 }
            guard index < end, base[index] == UInt8(ascii: "=") else { return false }
            index += 1
            while index < end, ConfigLexer.isSpace(base[index]) { index += 1 }
        }
        let valueStart = index
        let valueEnd: Int
        if end - valueStart >= 16, Self.isPlain(base + valueStart, count: end - valueStart) {
            // The common case: the value is the rest of the line, checked 16 bytes at a time.
            valueEnd = end
        } else {
            while index < end, Self.isPlain(base[index]) { index += 1 }
            valueEnd = index
            while index < end, ConfigLexer.isSpace(base[index]) { index += 1 }
            guard index == end || base[index] == UInt8(ascii: "#") else { return false }
        }
        return Self.namesAnotherUser(base, valueStart..<valueEnd, onlyUser: onlyUser)
    }

    /// `user = ` (75 73 65 72 20 3D 20) as the low seven bytes of a little-endian load; a literal, so reading it
    /// costs nothing per line (a computed static would be a lazy global).
    static let userPrefix: UInt64 = 0x0020_3D20_7265_7375

    /// Whether `byte` may stand in a plain value: printable ASCII other than quotes, `=` and `#`.
    @inline(__always)
    static func isPlain(_ byte: UInt8) -> Bool {
        byte >= 0x21 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "'")
            && byte != UInt8(ascii: "=") && byte != UInt8(ascii: "#")
    }

    /// Whether all `count` (at least 16) bytes at `start` are plain, 16 at a time (vector compares); the last
    /// block overlaps the one before, so nothing is read outside the range.
    @inline(__always)
    static func isPlain(_ start: UnsafePointer<UInt8>, count: Int) -> Bool {
        var offset = 0
        while offset + 16 <= count {
            guard isPlainBlock(UnsafeRawPointer(start + offset).loadUnaligned(as: SIMD16<UInt8>.self)) else {
                return false
            }
            offset += 16
        }
        return offset == count
            || isPlainBlock(UnsafeRawPointer(start + count - 16).loadUnaligned(as: SIMD16<UInt8>.self))
    }

    /// Whether all 16 bytes of `block` are plain (`isPlain`).
    @inline(__always)
    static func isPlainBlock(_ block: SIMD16<UInt8>) -> Bool {
        // Each lane of the mask is all ones or all zeros: any(_:) is a call in the size-optimized Embedded
        // build, two integer ORs are not.
        let lanes = unsafeBitCast(stopMask(block), to: SIMD2<UInt64>.self)
        return lanes[0] | lanes[1] == 0
    }

    /// The lanes of `block` that are not plain (`isPlain`).
    ///
    /// The bounds are vectors, not scalars: scalar operands of SIMD comparisons compile to a loop over the
    /// lanes, vectors to a few SSE2 instructions.
    @inline(__always)
    static func stopMask(_ block: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
        let low = SIMD16<UInt8>(repeating: 0x21)
        let high = SIMD16<UInt8>(repeating: 0x7F)
        let quote = SIMD16<UInt8>(repeating: UInt8(ascii: "\""))
        let apostrophe = SIMD16<UInt8>(repeating: UInt8(ascii: "'"))
        let equals = SIMD16<UInt8>(repeating: UInt8(ascii: "="))
        let hash = SIMD16<UInt8>(repeating: UInt8(ascii: "#"))
        let stop =
            (block .< low) .| (block .>= high) .| (block .== quote) .| (block .== apostrophe) .| (block .== equals)
            .| (block .== hash)
        return stop
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

    private mutating func parseLine(_ text: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, number: Int) {
        // A NUL byte is a control character: the lexer refuses it wherever a token could hold it.
        var lexer = ConfigLexer(text, line: line)
        do {
            guard let first = try lexer.next() else { return }
            if first.isDelimiter(UInt8(ascii: "#"), in: text) { return }
            guard !first.isDelimiter,
                let keyword = Self.keywordBytes.first(where: { first.equals($0.bytes, in: text) })?.keyword
            else {
                let word = Printable.text(first.bytes(in: text))
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
                guard try expectEnd(&lexer, text, number, after: keyword) else { return }
                config.allowed.insert(ProgramSet(program))
                return
            }
            if keyword == .requireaudit {
                guard try expectEnd(&lexer, text, number, after: keyword) else { return }
                config.requireAudit = true
                return
            }
            guard let equals = try lexer.next(), equals.isDelimiter(UInt8(ascii: "="), in: text) else {
                error(number, "assignment expected: '\(keyword.rawValue) = value'")
                return
            }
            if keyword == .sftpserveroptions {
                try parseSftpServerOptions(&lexer, text, number)
                return
            }
            // An unquoted token is never empty; only a quoted one ("") can be. Options may hold `root=SUBDIR`
            // and `maxsessions=N`, so the value of a line or of `options` keeps an inner `=`.
            let lineValue = keyword == .user || keyword == .group || keyword == .profile || keyword == .options
            guard let value = try lexer.next(equalsInside: lineValue), !value.isDelimiter,
                !value.isQuoted || !value.bytes(in: text).isEmpty
            else {
                error(number, "'\(keyword.rawValue)' needs a value")
                return
            }
            guard try expectEnd(&lexer, text, number, after: keyword, value: true) else { return }
            // The shell's fast path: another user's unquoted line is skipped without copying it, but only when
            // the full check would find nothing global in it either (a name that is present and valid UTF-8),
            // so the shell and `rssh -v` always agree (a fuzzing finding).
            if keyword == .user, let onlyUser, !value.isQuoted, let name = ConfigLexer.plainName(text[value.range]),
                !name.isEmpty, !name.elementsEqual(onlyUser),
                name.allSatisfy({ $0 < 0x80 }) || String(validating: name, as: UTF8.self) != nil
            {
                return
            }
            try apply(keyword, value.bytes(in: text), number)
        } catch {
            switch error {
            case .unmatchedQuote(let column): self.error(number, "unmatched quote at column \(column)")
            case .controlCharacter(let column): self.error(number, "control character at column \(column)")
            }
        }
    }

    private mutating func expectEnd(
        _ lexer: inout ConfigLexer,
        _ text: UnsafeBufferPointer<UInt8>,
        _ number: Int,
        after keyword: Keyword,
        value: Bool = false
    ) throws(ConfigLexer.Failure) -> Bool {
        guard let extra = try lexer.next() else { return true }
        if extra.isDelimiter(UInt8(ascii: "#"), in: text) { return true }
        let word = Printable.text(extra.bytes(in: text))
        let after = keyword.rawValue + (value ? " value" : "")
        error(number, "syntax error: unexpected '\(word)' after \(after) (quote values with spaces)")
        return false
    }

    private mutating func noteRepeat(_ keyword: Keyword, _ number: Int) {
        if let index = lastSetting.firstIndex(where: { $0.keyword == keyword }) {
            warn(number, "'\(keyword.rawValue)' already set on line \(lastSetting[index].line); the last one wins")
            lastSetting[index].line = number
        } else {
            lastSetting.append((keyword, number))
        }
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
        case .options:
            noteRepeat(keyword, number)
            do throws(UserOptions.ParseError) {
                let parsed = try UserOptions.parseGlobal(value)
                (config.options, config.maxSessions) = (parsed.options, parsed.maxSessions)
            } catch {
                self.error(number, "options: \(error)")
            }
        case .chrootpath:
            noteRepeat(keyword, number)
            guard let path = checkedJail(value, number, scope: .global) else { return }
            config.chrootPath = path
        case .user:
            try parseUser(value, number)
        case .group:
            try parseGroup(value, number)
        case .profile:
            try parseProfile(value, number)
        default:
            break
        }
    }

    /// `sftpserveroptions = WORD…`: every word to the end of the line (or a comment), checked against
    /// sftp-server's option table the way `SftpServerOptions.administratorSet` reads them.
    private mutating func parseSftpServerOptions(
        _ lexer: inout ConfigLexer,
        _ text: UnsafeBufferPointer<UInt8>,
        _ number: Int
    ) throws(ConfigLexer.Failure) {
        noteRepeat(.sftpserveroptions, number)
        var words: [[UInt8]] = []
        while let token = try lexer.next() {
            if token.isDelimiter(UInt8(ascii: "#"), in: text) { break }
            guard !token.isDelimiter else {
                error(number, "sftpserveroptions: unexpected '\(Printable.text(token.bytes(in: text)))'")
                return
            }
            words.append(token.bytes(in: text))
        }
        do throws(ArgumentRejection) {
            _ = try SftpServerOptions.administratorSet(words)
            config.sftpServerOptions = words
        } catch {
            self.error(number, "sftpserveroptions: \(error.message)")
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
        // Checked before the onlyUser shortcut, so the shell and rssh -v report it alike.
        guard !nameBytes.isEmpty, let name = String(validating: nameBytes, as: UTF8.self) else {
            error(number, "user line has no valid user name")
            return
        }
        if let onlyUser, nameBytes != onlyUser { return }
        let scope = ConfigDiagnostic.Scope.user(name)
        if let previous = seenUsers.insert(name, value: number) {
            warn(number, "user '\(name)' is already configured on line \(previous); this line is ignored", scope: scope)
            return
        }
        if let entry = parseEntry(fields, name: name, kind: "user", number, scope: scope) { config.users.append(entry) }
    }

    /// `group = NAME:…`: kept whatever user the shell parses for (membership is known only later); an error
    /// on it concerns every user without a user line, since any of them might be a member.
    private mutating func parseGroup(_ value: [UInt8], _ number: Int) throws(ConfigLexer.Failure) {
        let fields = try ConfigLexer.splitFields(value)
        guard !fields[0].isEmpty, let name = String(validating: fields[0], as: UTF8.self) else {
            error(number, "group line has no valid group name", scope: .group("?"))
            return
        }
        guard firstGroupLine(name, number) else { return }
        if let entry = parseEntry(fields, name: name, kind: "group", number, scope: .group(name)) {
            config.groups.append(entry)
        }
    }

    /// Whether line `number` is the first for group `name`; a later one is warned about and ignored.
    private mutating func firstGroupLine(_ name: String, _ number: Int) -> Bool {
        guard let previous = seenGroups.insert(name, value: number) else { return true }
        warn(
            number,
            "group '\(name)' is already configured on line \(previous); this line is ignored",
            scope: .group(name)
        )
        return false
    }

    /// `profile = NAME:…`, kept whatever user the shell parses for (any account's key may select it).
    ///
    /// An error on it concerns only the sessions that select it. Whether it narrows a given line is known only when
    /// the session resolves it (`UserPolicy.narrowed(by:)`); `rssh -v` checks every pair it can see.
    private mutating func parseProfile(_ value: [UInt8], _ number: Int) throws(ConfigLexer.Failure) {
        let fields = try ConfigLexer.splitFields(value)
        guard let name = String(validating: fields[0], as: UTF8.self), ProfileRequest.isValidName(fields[0]) else {
            error(
                number,
                "profile line has no valid profile name (letters, digits, '.', '_', '-'; at most "
                    + "\(ProfileRequest.maximumNameLength) bytes)",
                scope: .profile(Printable.text(fields[0]))
            )
            return
        }
        let scope = ConfigDiagnostic.Scope.profile(name)
        if let previous = seenProfiles.insert(name, value: number) {
            error(
                number,
                "profile '\(name)' is already defined on line \(previous) (a profile is defined once)",
                scope: scope
            )
            return
        }
        if let entry = parseEntry(fields, name: name, kind: "profile", number, scope: scope) {
            config.profiles.append(entry)
        }
    }

    /// The fields after the name, as user, group and profile lines share them; nil after an error.
    private mutating func parseEntry(
        _ fields: [[UInt8]],
        name: String,
        kind: String,
        _ number: Int,
        scope: ConfigDiagnostic.Scope
    ) -> UserEntry? {
        guard fields.count >= 3 else {
            error(number, "\(kind) line for '\(name)' needs name:umask:bits[:chroot[:options]]", scope: scope)
            return nil
        }
        guard fields.count <= 5 else {
            error(
                number,
                "\(kind) line for '\(name)' has too many ':' fields (name:umask:bits:chroot:options; "
                    + "quote a chroot path with ':')",
                scope: scope
            )
            return nil
        }
        guard let mask = Self.parseUmask(fields[1]) else {
            error(number, "invalid umask '\(Printable.text(fields[1]))' for \(kind) '\(name)'", scope: scope)
            return nil
        }
        guard let (programs, bitCount) = Self.parseBits(fields[2]) else {
            error(
                number,
                "invalid access bits '\(Printable.text(fields[2]))' for \(kind) '\(name)' (5 or 6 digits of 0 and 1)",
                scope: scope
            )
            return nil
        }
        var jail: String?
        if fields.count >= 4 && !fields[3].isEmpty {
            guard let path = checkedJail(fields[3], number, scope: scope) else { return nil }
            jail = path
        }
        var options: UserOptions = []
        var maxSessions: Int?
        var root: SessionRoot?
        if fields.count == 5 {
            do throws(UserOptions.ParseError) {
                let parsed = try UserOptions.parseLine(fields[4])
                (options, maxSessions, root) = (parsed.options, parsed.maxSessions, parsed.root)
            } catch {
                self.error(number, "\(kind) line for '\(name)': \(error)", scope: scope)
                return nil
            }
        }
        if options.contains(.winscp), !programs.allows(.scp) {
            error(
                number,
                "\(kind) line for '\(name)': winscp needs scp allowed (WinSCP's SCP mode runs scp)",
                scope: scope
            )
            return nil
        }
        // WinSCP's SCP mode is answered by rssh itself, whose file operations are not held to a root= rule.
        if options.contains(.winscp), root != nil {
            error(
                number,
                "\(kind) line for '\(name)': winscp and root= cannot be combined (WinSCP's SCP mode is "
                    + "answered by rssh itself, outside the root rule)",
                scope: scope
            )
            return nil
        }
        if options.contains(.borg), jail != nil {
            error(
                number,
                "\(kind) line for '\(name)': borg and a chroot path cannot be combined (borg is a Python program; a "
                    + "jail has no Python: use landlock)",
                scope: scope
            )
            return nil
        }
        if options.contains(.landlock), jail != nil {
            error(
                number,
                "\(kind) line for '\(name)': landlock and a chroot path cannot be combined (choose one confinement)",
                scope: scope
            )
            return nil
        }
        // A profile may get its confinement from the line it narrows; that is checked when it is resolved.
        if root != nil, kind != "profile", jail == nil, !options.contains(.landlock) {
            error(
                number,
                "\(kind) line for '\(name)': root= needs a confinement that enforces it (landlock or a chroot "
                    + "path); without one it would be a path check alone",
                scope: scope
            )
            return nil
        }
        return UserEntry(
            name: name,
            umask: mask,
            programs: programs,
            chrootPath: jail,
            line: number,
            bitCount: bitCount,
            options: options,
            maxSessions: maxSessions,
            root: root
        )
    }

    /// Parses an octal umask in 0...0777 (leading zeros allowed, nothing else).
    ///
    /// The range is checked after every digit, so no input can overflow (a fuzzing finding: twelve octal
    /// digits overflowed the accumulator and trapped, in the config and in `sftp-server -u`).
    static func parseUmask(_ bytes: some Collection<UInt8>) -> mode_t? {
        guard !bytes.isEmpty else { return nil }
        var value: mode_t = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + mode_t(byte - UInt8(ascii: "0"))
            guard value <= 0o777 else { return nil }
        }
        return value
    }

    /// Parses access bits: 5 digits in upstream order (rsync, rdist, cvs, sftp, scp) or 6 in Debian order
    /// (the same, then svnserve).
    static func parseBits(_ bytes: some Collection<UInt8>) -> (ProgramSet, Int)? {
        guard bytes.count == 5 || bytes.count == 6 else { return nil }
        var set: ProgramSet = []
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "1"): set.insert(ProgramSet(Self.bitOrder[index]))
            case UInt8(ascii: "0"): break
            default: return nil
            }
        }
        return (set, bytes.count)
    }

    /// The programs of the access bits, in their order.
    private static let bitOrder: [TransferProgram] = [.rsync, .rdist, .cvs, .sftp, .scp, .svnserve]
}
