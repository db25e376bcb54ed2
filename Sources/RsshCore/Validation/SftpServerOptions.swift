import CRsshLibc

/// The administrator's sftp-server options (`sftpserveroptions`) and how a client's command is held to them.
///
/// An exec request (`sftp -s PATH`, or `ssh host "sftp-server -u 000 -l QUIET"`) reaches rssh exactly as
/// sshd's `Subsystem sftp PATH OPTIONS` line does, so the options cannot be taken from the command line: a
/// user could switch off the transfer log, `-R` or a request list. sftp-server always runs with the
/// administrator's set, and a command line is accepted only with exactly that set (in any order) or none.
enum SftpServerOptions {
    /// Checks an administrator's set: sftp-server's own option table, but not `-u` (rssh.conf's umask
    /// decides), nor `-Q` and `-h` (they print and exit), and no operands.
    /// - Returns: the options in order.
    static func administratorSet(_ words: [[UInt8]]) throws(ArgumentRejection) -> [ShortOptionScanner.Occurrence] {
        let options = try SftpServerValidator.validate(words[...])
        for option in options {
            switch option.letter {
            case UInt8(ascii: "u"):
                throw ArgumentRejection(.sftpServer, "-u is set by rssh.conf's umask, not by sftpserveroptions")
            case UInt8(ascii: "Q"), UInt8(ascii: "h"):
                throw ArgumentRejection(
                    .sftpServer,
                    "-\(Printable.text([option.letter])) only prints information; it cannot serve sessions"
                )
            default: continue
            }
        }
        return options
    }

    /// Fails unless the client's options (`arguments`, after the program word) are none or exactly the
    /// administrator's set in any order; the message says what to put in rssh.conf.
    static func check(client arguments: ArraySlice<[UInt8]>, administrator: [[UInt8]]) throws(ArgumentRejection) {
        let client = try SftpServerValidator.validate(arguments)
        guard !client.isEmpty else { return }
        // The administrator's set was checked when rssh.conf was parsed.
        var remaining = (try? SftpServerValidator.validate(administrator[...])) ?? []
        var matches = client.count == remaining.count
        for option in client where matches {
            guard let index = remaining.firstIndex(of: option) else {
                matches = false
                break
            }
            remaining.remove(at: index)
        }
        guard !matches else { return }
        let sent = arguments.map { Printable.text($0) }.joined(separator: " ")
        let configured =
            administrator.isEmpty
            ? "none are set" : "they are \"\(administrator.map { Printable.text($0) }.joined(separator: " "))\""
        throw ArgumentRejection(
            .sftpServer,
            "options \"\(sent)\" differ from rssh.conf's sftpserveroptions (\(configured)); "
                + "an administrator who wants them sets 'sftpserveroptions = \(sent)' in rssh.conf"
        )
    }

    /// The argument vector sftp-server runs with: the program word, the administrator's set, what the
    /// access mode adds, and `-u` with the user's umask.
    ///
    /// The stricter setting wins: `-R` is added for a read-only user, and an upload-only user's denied
    /// requests join the administrator's `-P` list in a single `-P` (sftp-server keeps only the last one).
    static func arguments(
        programWord: [UInt8],
        administrator: [[UInt8]],
        umask: mode_t,
        mode: AccessMode = .readWrite
    ) -> [[UInt8]] {
        let options = (try? administratorSet(administrator)) ?? []
        var result = [programWord]
        var denied: [String] = []
        for option in options {
            if option.letter == UInt8(ascii: "P"), let value = option.value {
                denied += value.split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
                continue
            }
            result.append([UInt8(ascii: "-"), option.letter])
            if let value = option.value { result.append(value) }
        }
        if mode == .readOnly, !options.contains(where: { $0.letter == UInt8(ascii: "R") }) {
            result.append(Array("-R".utf8))
        }
        if mode == .uploadOnly {
            for request in AccessMode.uploadOnlyDeniedRequests where !denied.contains(request) {
                denied.append(request)
            }
        }
        if !denied.isEmpty {
            result.append(Array("-P".utf8))
            result.append(Array(denied.joined(separator: ",").utf8))
        }
        let octal = String(umask, radix: 8)
        let padded = String(repeating: "0", count: max(0, 4 - octal.count)) + octal
        return result + [Array("-u".utf8), Array(padded.utf8)]
    }
}
