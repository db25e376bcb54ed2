/// The commands of WinSCP's SCP mode that rssh answers itself, parsed from one framed line.
///
/// Each case is one row of WinSCP's default command table in exactly the form WinSCP writes it (options as
/// separate bare words in WinSCP's order, paths double-quoted). Any other form is refused; so is every
/// other command, with status 127 (`cp`, `chown`, `chgrp`, `uname`, custom commands).
public enum WinSCPCommand: Equatable, Sendable {
    /// The end-of-file echo alone: WinSCP's startup-message skip and keepalive.
    case keepalive
    /// `echo "$?"`: the last status.
    case echoReturnCode
    /// `echo "$status"`: empty, as in a Bourne shell, so that WinSCP settles on `$?`.
    case echoStatus
    /// `printenv LANG`.
    case printLanguage
    /// `unset "X"` or `unset X`, for the variables WinSCP clears.
    case unset([UInt8])
    /// `unalias "X"` or `unalias X`, for the commands WinSCP uses.
    case unalias([UInt8])
    /// `groups`.
    case groups
    /// `pwd`.
    case printDirectory
    /// `cd`, `cd ~…` or `cd "dir"`.
    case changeDirectory(Directory)
    /// `ls -la [-d] [--full-time] ["path"]`.
    case list(path: [UInt8]?, directoryItself: Bool, fullTime: Bool)
    /// `mkdir "path"`.
    case makeDirectory([UInt8])
    /// `rm -f -r "path"`.
    case remove([UInt8])
    /// `mv -f "from" "to"`.
    case move(from: [UInt8], to: [UInt8])
    /// `chmod [-R] MODE "path"`.
    case changeMode(WinSCPModeChange, recursive: Bool, path: [UInt8])
    /// `ln [-s] "target" "name"`.
    case link(target: [UInt8], name: [UInt8], symbolic: Bool)
    /// `scp -r [-p] -d -t|-f "path"`, behind the begin-of-file echo.
    case scp(ScpDirection, preserve: Bool, path: [UInt8])
    /// `sha256sum "f1" "f2" …` (or another checksum program): WinSCP's checksum batch, run in a second shell
    /// session when the SFTP server has no `check-file` extension.
    case checksum(ServerProgram, paths: [[UInt8]])

    /// Where `cd` goes.
    public enum Directory: Equatable, Sendable {
        /// The home directory, followed by `suffix` (empty, or starting with `/`), for `cd` and `cd ~…`.
        case home(suffix: [UInt8])
        /// A path as WinSCP quoted it.
        case path([UInt8])
    }

    /// Which way an scp command copies.
    public enum ScpDirection: Equatable, Sendable, CustomStringConvertible {
        /// `-t`: WinSCP uploads into the path.
        case upload
        /// `-f`: WinSCP downloads the path.
        case download

        /// `-t` or `-f`.
        public var description: String { self == .upload ? "-t" : "-f" }
    }

    /// The variables WinSCP unsets (its `NationalVars` and the block-size ones).
    static let unsetNames: Set<String> = [
        "LANG", "LANGUAGE", "LC_CTYPE", "LC_COLLATE", "LC_MONETARY", "LC_NUMERIC", "LC_TIME", "LC_MESSAGES",
        "LC_ALL", "HUMAN_BLOCKS", "BLOCK_SIZE", "LS_BLOCK_SIZE",
    ]
    /// The commands WinSCP unaliases (its command table's first words).
    static let unaliasNames: Set<String> = [
        "ls", "echo", "pwd", "cd", "groups", "scp", "rm", "mv", "mkdir", "chmod", "chgrp", "chown", "unset",
        "unalias", "ln", "cp", "printenv",
    ]

    /// The command on `line`.
    /// - Throws: `WinSCPCommandError` for anything not in the table, in a form WinSCP does not send, or a
    ///   begin-of-file echo on anything but scp (and scp without one).
    public static func parse(_ line: WinSCPLine) throws(WinSCPCommandError) -> WinSCPCommand {
        if line.isEndOfFileOnly { return .keepalive }
        // The only `$` WinSCP sends outside its echoes: matched as fixed text, never expanded.
        if !line.beginOfFile && line.command.elementsEqual("echo \"$?\"".utf8) { return .echoReturnCode }
        if !line.beginOfFile && line.command.elementsEqual("echo \"$status\"".utf8) { return .echoStatus }
        let words: [WinSCPWord]
        do {
            words = try line.words()
        } catch {
            throw .syntax(error)
        }
        let name = words[0]
        guard !name.isQuoted, name.bytes.first != UInt8(ascii: "~") else {
            throw .notPermitted(name: name.bytes)
        }
        let command = try parse(name: String(decoding: name.bytes, as: UTF8.self), arguments: Array(words.dropFirst()))
        let isScp: Bool
        if case .scp = command { isScp = true } else { isScp = false }
        guard isScp == line.beginOfFile else {
            throw .unsupportedForm(
                command: isScp ? "scp" : String(decoding: name.bytes, as: UTF8.self),
                reason: isScp ? "missing the begin-of-file echo" : "unexpected begin-of-file echo"
            )
        }
        return command
    }

    private static func parse(name: String, arguments: [WinSCPWord]) throws(WinSCPCommandError) -> WinSCPCommand {
        var scanner = ArgumentScanner(command: name, words: arguments)
        switch name {
        case "printenv":
            guard scanner.take("LANG") else { throw scanner.failure("only printenv LANG") }
            try scanner.finish()
            return .printLanguage
        case "unset", "unalias":
            guard let variable = scanner.takeAny() else { throw scanner.failure("missing name") }
            try scanner.finish()
            let allowed = name == "unset" ? unsetNames : unaliasNames
            guard let text = String(validating: variable.bytes, as: UTF8.self), allowed.contains(text) else {
                throw scanner.failure("not one of WinSCP's names")
            }
            return name == "unset" ? .unset(variable.bytes) : .unalias(variable.bytes)
        case "groups":
            try scanner.finish()
            return .groups
        case "pwd":
            try scanner.finish()
            return .printDirectory
        case "cd":
            guard let word = scanner.takeAny() else { return .changeDirectory(.home(suffix: [])) }
            try scanner.finish()
            if word.isQuoted { return .changeDirectory(.path(word.bytes)) }
            guard word.bytes.first == UInt8(ascii: "~"), word.bytes.count == 1 || word.bytes[1] == UInt8(ascii: "/")
            else { throw scanner.failure("a bare argument must be ~ or start with ~/") }
            return .changeDirectory(.home(suffix: Array(word.bytes.dropFirst())))
        case "ls":
            guard scanner.take("-la") else { throw scanner.failure("only ls -la") }
            let itself = scanner.take("-d")
            let fullTime = scanner.take("--full-time")
            let path = scanner.takeQuoted()
            try scanner.finish()
            guard !itself || path != nil else { throw scanner.failure("-d needs a path") }
            return .list(path: path, directoryItself: itself, fullTime: fullTime)
        case "mkdir":
            let path = try scanner.requireQuoted()
            try scanner.finish()
            return .makeDirectory(path)
        case "rm":
            guard scanner.take("-f"), scanner.take("-r") else { throw scanner.failure("only rm -f -r") }
            let path = try scanner.requireQuoted()
            try scanner.finish()
            return .remove(path)
        case "mv":
            guard scanner.take("-f") else { throw scanner.failure("only mv -f") }
            let from = try scanner.requireQuoted()
            let to = try scanner.requireQuoted()
            try scanner.finish()
            return .move(from: from, to: to)
        case "chmod":
            let recursive = scanner.take("-R")
            guard let word = scanner.takeBare(), let mode = WinSCPModeChange.parse(word) else {
                throw scanner.failure("the mode must be octal (644, 0755) or WinSCP's symbolic form (u+x,g-w)")
            }
            let path = try scanner.requireQuoted()
            try scanner.finish()
            return .changeMode(mode, recursive: recursive, path: path)
        case "ln":
            let symbolic = scanner.take("-s")
            let target = try scanner.requireQuoted()
            let link = try scanner.requireQuoted()
            try scanner.finish()
            return .link(target: target, name: link, symbolic: symbolic)
        case "scp":
            guard scanner.take("-r") else { throw scanner.failure("only scp -r [-p] -d -t|-f") }
            let preserve = scanner.take("-p")
            if scanner.take("-1") {
                throw scanner.failure("SSH-1 (-1) is not supported; turn off the SCP1 compatibility option")
            }
            guard scanner.take("-d") else { throw scanner.failure("only scp -r [-p] -d -t|-f") }
            let direction: ScpDirection
            if scanner.take("-t") {
                direction = .upload
            } else if scanner.take("-f") {
                direction = .download
            } else {
                throw scanner.failure("only scp -r [-p] -d -t|-f")
            }
            let path = try scanner.requireQuoted()
            try scanner.finish()
            return .scp(direction, preserve: preserve, path: path)
        default:
            guard let program = ServerProgram.checksums.first(where: { $0.name == name }) else {
                throw .notPermitted(name: Array(name.utf8))
            }
            // At least one quoted file: without one the program would read the session's own input.
            var paths: [[UInt8]] = []
            while let path = scanner.takeQuoted() { paths.append(path) }
            try scanner.finish()
            guard !paths.isEmpty else { throw scanner.failure("expected double-quoted file names") }
            return .checksum(program, paths: paths)
        }
    }
}

/// Walks a command's argument words in WinSCP's fixed order.
private struct ArgumentScanner {
    let command: String
    let words: [WinSCPWord]
    var index = 0

    init(command: String, words: [WinSCPWord]) {
        self.command = command
        self.words = words
    }

    /// Takes the next word if it is the bare word `text`.
    mutating func take(_ text: String) -> Bool {
        guard index < words.count, words[index].isBare(text) else { return false }
        index += 1
        return true
    }

    mutating func takeAny() -> WinSCPWord? {
        guard index < words.count else { return nil }
        index += 1
        return words[index - 1]
    }

    mutating func takeBare() -> [UInt8]? {
        guard index < words.count, !words[index].isQuoted else { return nil }
        index += 1
        return words[index - 1].bytes
    }

    mutating func takeQuoted() -> [UInt8]? {
        guard index < words.count, words[index].isQuoted else { return nil }
        index += 1
        return words[index - 1].bytes
    }

    mutating func requireQuoted() throws(WinSCPCommandError) -> [UInt8] {
        guard let path = takeQuoted() else { throw failure("expected a double-quoted path") }
        return path
    }

    func finish() throws(WinSCPCommandError) {
        guard index == words.count else {
            throw failure("unexpected argument \"\(Printable.text(words[index].bytes))\"")
        }
    }

    func failure(_ reason: String) -> WinSCPCommandError {
        .unsupportedForm(command: command, reason: reason)
    }
}
