import Testing

@testable import RsshCore

private func command(_ line: String) throws -> WinSCPCommand {
    try WinSCPCommand.parse(try WinSCPLine.parse(Array(line.utf8)))
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The end-of-file echo as WinSCP appends it once `$?` is detected.
private let end = " ; echo \"WinSCP: this is end-of-file:$?\""
private let begin = "echo \"WinSCP: this is begin-of-file\" ; "

struct WinSCPLineTests {
    @Test(arguments: [
        ("echo \"WinSCP: this is end-of-file:0\"", WinSCPLine.ReturnVariable.zero),
        ("echo \"WinSCP: this is end-of-file:$?\"", .questionMark),
        ("echo \"WinSCP: this is end-of-file:$status\"", .status),
    ])
    func endOfFileEchoAlone(_ line: String, _ variable: WinSCPLine.ReturnVariable) throws {
        let parsed = try WinSCPLine.parse(bytes(line))
        #expect(parsed.isEndOfFileOnly)
        #expect(parsed.returnVariable == variable)
        #expect(try WinSCPCommand.parse(parsed) == .keepalive)
    }

    /// Every line of WinSCP's default command table, as WinSCP writes it (DelimitStr quoting, empty options
    /// leaving double spaces).
    static let winscpLines: [(String, WinSCPCommand)] = [
        ("echo \"$status\" ; echo \"WinSCP: this is end-of-file:0\"", .echoStatus),
        ("echo \"$?\" ; echo \"WinSCP: this is end-of-file:0\"", .echoReturnCode),
        ("printenv LANG" + end, .printLanguage),
        ("unalias \"ls\"" + end, .unalias(bytes("ls"))),
        ("unalias \"printenv\"" + end, .unalias(bytes("printenv"))),
        ("unset \"LC_ALL\"" + end, .unset(bytes("LC_ALL"))),
        ("unset HUMAN_BLOCKS" + end, .unset(bytes("HUMAN_BLOCKS"))),
        ("groups" + end, .groups),
        ("pwd" + end, .printDirectory),
        ("cd" + end, .changeDirectory(.home(suffix: []))),
        ("cd ~" + end, .changeDirectory(.home(suffix: []))),
        ("cd ~/sub/dir" + end, .changeDirectory(.home(suffix: bytes("/sub/dir")))),
        ("cd \"/home/alice/My Documents\"" + end, .changeDirectory(.path(bytes("/home/alice/My Documents")))),
        ("cd \"~ tilde dir\"" + end, .changeDirectory(.path(bytes("~ tilde dir")))),
        ("ls -la --full-time" + end, .list(path: nil, directoryItself: false, fullTime: true)),
        ("ls -la " + end, .list(path: nil, directoryItself: false, fullTime: false)),
        ("ls -la --full-time \"/home/a\"" + end, .list(path: bytes("/home/a"), directoryItself: false, fullTime: true)),
        ("ls -la  \"/home/a\"" + end, .list(path: bytes("/home/a"), directoryItself: false, fullTime: false)),
        ("ls -la -d --full-time \"/x/f\"" + end, .list(path: bytes("/x/f"), directoryItself: true, fullTime: true)),
        ("ls -la -d  \"/x/f\"" + end, .list(path: bytes("/x/f"), directoryItself: true, fullTime: false)),
        ("mkdir \"/x/new dir\"" + end, .makeDirectory(bytes("/x/new dir"))),
        ("rm -f -r \"./-dash\"" + end, .remove(bytes("./-dash"))),
        ("mv -f \"a\" \"b c\"" + end, .move(from: bytes("a"), to: bytes("b c"))),
        ("chmod  644 \"f\"" + end, .changeMode(.octal(0o644, digits: 3), recursive: false, path: bytes("f"))),
        ("chmod -R 0755 \"d\"" + end, .changeMode(.octal(0o755, digits: 4), recursive: true, path: bytes("d"))),
        ("ln -s \"target\" \"name\"" + end, .link(target: bytes("target"), name: bytes("name"), symbolic: true)),
        ("ln  \"target\" \"name\"" + end, .link(target: bytes("target"), name: bytes("name"), symbolic: false)),
        (begin + "scp -r -p -d -t \"/home/a\"" + end, .scp(.upload, preserve: true, path: bytes("/home/a"))),
        (begin + "scp -r  -d -t \"/home/a\"" + end, .scp(.upload, preserve: false, path: bytes("/home/a"))),
        (begin + "scp -r -p -d -f \"/home/a/f\"" + end, .scp(.download, preserve: true, path: bytes("/home/a/f"))),
        (
            "mv -f \"we\\$ird \\\"name\\` \\\\.txt\" \"x ; y\"" + end,
            .move(from: bytes("we$ird \"name` \\.txt"), to: bytes("x ; y"))
        ),
        ("mkdir \"caf\u{E9}\"" + end, .makeDirectory(bytes("caf\u{E9}"))),
    ]

    @Test(arguments: winscpLines)
    func winscpLinesAreAccepted(_ line: String, _ expected: WinSCPCommand) throws {
        #expect(try command(line) == expected)
    }

    @Test func beginOfFileIsRecognised() throws {
        let parsed = try WinSCPLine.parse(
            bytes(begin + "scp -r -p -d -f \"x\" ; echo \"WinSCP: this is end-of-file:$status\"")
        )
        #expect(parsed.beginOfFile)
        #expect(parsed.returnVariable == .status)
        #expect(parsed.command == bytes("scp -r -p -d -f \"x\""))
    }

    /// Lines that are not WinSCP's at all: the session ends.
    @Test(arguments: [
        "ls", "", "ls -la", "echo \"WinSCP: this is end-of-file:$?\" ; ls",
        "ls ; echo \"WinSCP: this is end-of-file:1\"",
        "ls ; echo \"WinSCP: this is end-of-file:$HOME\"", "ls ; echo \"WinSCP: this is end-of-file:$?\" ",
        "ls ;echo \"WinSCP: this is end-of-file:$?\"", "ls ; echo 'WinSCP: this is end-of-file:$?'",
        "ls ; echo \"WinSCP: this is end-of-file:$?\"\r",
        "echo \"WinSCP: this is begin-of-file\" ; echo \"WinSCP: this is end-of-file\"",
    ])
    func unframedLinesEndTheSession(_ line: String) {
        #expect(throws: WinSCPLineError.notFramed) { try WinSCPLine.parse(bytes(line)) }
    }

    @Test func overlongLinesAreRefused() {
        let line = "mkdir \"" + String(repeating: "a", count: WinSCPLine.maximumLength) + "\"" + end
        #expect(throws: WinSCPLineError.tooLong(line.utf8.count)) { try WinSCPLine.parse(bytes(line)) }
        #expect(!WinSCPLineError.tooLong(1).isFramed)
    }

    /// Framed lines with shell syntax: refused with status 127, the session goes on.
    @Test(arguments: [
        "ls -la ; id", "ls -la && id", "ls -la | id", "ls -la > x", "ls -la < x", "ls -la &",
        "ls -la \"a\" ; rm -f -r \"/\"",
        "echo $(id)", "ls -la \"$(id)\"", "ls -la \"`id`\"", "ls -la `id`", "ls -la $HOME", "ls -la \"$HOME\"",
        "ls -la \"${HOME}\"", "ls -la *", "ls -la ?", "ls -la [a]", "ls -la {a,b}", "ls -la (x)", "ls -la 'x'",
        "ls -la \\x", "ls -la \"a\\nb\"", "ls -la \"a\\'b\"", "ls -la \"unterminated", "ls -la \"a\"b", "ls -la a\"b\"",
        "ls -la a~b", "ls -la #x", "ls -la !x", "ls -la \"\"", "ls -la \"a\tb\"", "ls\t-la", "ls -la \"a\u{1B}b\"",
        "ls -la a;b", "ls -la \"a\";b", "mkdir a:b", "echo \"$? \"", "echo \"$status\"x",
    ])
    func shellSyntaxIsRefused(_ text: String) throws {
        let line = try WinSCPLine.parse(bytes(text + end))
        #expect(throws: WinSCPCommandError.self) { try WinSCPCommand.parse(line) }
    }

    @Test(arguments: [
        "uname -a", "cp -p -r -f -T \"a\" \"b\"", "chown  \"root\" \"f\"", "chgrp -R \"g\" \"f\"",
        "bash", "sh -c \"id\"", "echo \"hello\"", "/usr/bin/scp -t \"x\"",
        "\"ls\" -la",
        "~/bin/x",
    ])
    func otherCommandsAreNotPermitted(_ text: String) throws {
        try checkNotPermitted(text)
    }

    /// WinSCP's checksum batch: the six programs, double-quoted file names only, at least one.
    @Test func theChecksumBatchParses() throws {
        let line = try WinSCPLine.parse(bytes("sha256sum \"f1\" \"a \\\\ b\"" + end))
        #expect(
            try WinSCPCommand.parse(line) == .checksum(.sha256sum, paths: [Array("f1".utf8), Array("a \\ b".utf8)])
        )
        for text in ["md5sum", "sha1sum -c \"f\"", "sha512sum f", "md5 \"f\"", "sha256sum \"f\" -b"] {
            let refused = try WinSCPLine.parse(bytes(text + end))
            #expect(throws: WinSCPCommandError.self, "\(text)") { try WinSCPCommand.parse(refused) }
        }
    }

    private func checkNotPermitted(_ text: String) throws {
        let line = try WinSCPLine.parse(bytes(text + end))
        #expect {
            try WinSCPCommand.parse(line)
        } throws: { error in
            guard let error = error as? WinSCPCommandError, case .notPermitted = error else { return false }
            return error.status == 127
        }
    }

    /// Commands rssh answers, in forms WinSCP never sends.
    @Test(arguments: [
        "ls", "ls -l", "ls -la -R", "ls --full-time -la", "ls -la --full-time -d \"x\"", "ls -la -d",
        "ls -la \"a\" \"b\"",
        "ls -la x", "ls -la ~", "mkdir x", "mkdir \"a\" \"b\"", "mkdir -p \"a\"", "rm -r -f \"x\"", "rm -f \"x\"",
        "rm -rf \"x\"", "mv \"a\" \"b\"", "mv -f \"a\"", "chmod \"644\" \"f\"", "chmod 64 \"f\"", "chmod 07555 \"f\"",
        "chmod +x \"f\"", "chmod u+X \"f\"", "chmod g=u \"f\"", "chmod u+x, \"f\"", "chmod 644 f", "chmod -v 644 \"f\"",
        "ln -sf \"a\" \"b\"", "ln -s \"a\"", "cd \"a\" \"b\"", "cd x", "cd ~root", "cd ~x", "pwd -P", "groups root",
        "printenv", "printenv PATH", "unset \"PATH\"", "unset LD_PRELOAD", "unalias \"bash\"", "unset \"LANG\" \"X\"",
        "scp -t \"x\"", "scp -r -p -1 -d -t \"x\"", "scp -r  -1 -d -t \"x\"", "scp -r -p -d -t x",
        "scp -r -p -d -t \"x\" \"y\"", "scp -r -S \"/tmp/x\" -d -t \"x\"", "scp -rpdt \"x\"",
        "scp -r -p -v -d -t \"x\"",
        "scp -r -p -d -T \"x\"", "scp -r -p -d -t -- \"x\"",
    ])
    func unsupportedFormsAreRefused(_ text: String) throws {
        let isScp = text.hasPrefix("scp")
        let line = try WinSCPLine.parse(bytes((isScp && text != "scp -t \"x\"" ? begin : "") + text + end))
        #expect(throws: WinSCPCommandError.self) { try WinSCPCommand.parse(line) }
    }

    @Test func beginOfFileBelongsToScpOnly() throws {
        #expect(throws: WinSCPCommandError.self) { try command(begin + "ls -la" + end) }
        #expect(throws: WinSCPCommandError.self) { try command("scp -r -p -d -t \"x\"" + end) }
        #expect(throws: WinSCPCommandError.self) { try command(begin + "echo \"$?\"" + end) }
    }

    @Test func refusalsSayWhy() throws {
        let line = try WinSCPLine.parse(bytes("ls -la ; id" + end))
        #expect {
            try WinSCPCommand.parse(line)
        } throws: { error in
            (error as? WinSCPCommandError)?.description == "refused: ';' is not allowed unquoted (at 7)"
        }
    }

    @Test func scpArgumentsAreBuiltNotCopied() {
        let upload = WinSCPResponder.scpArguments(.upload, preserve: true, path: bytes("-x"))
        #expect(upload == ["scp", "-r", "-p", "-d", "-t", "--", "-x"].map { bytes($0) })
        let download = WinSCPResponder.scpArguments(.download, preserve: false, path: bytes("a b"))
        #expect(download == ["scp", "-r", "-d", "-f", "--", "a b"].map { bytes($0) })
    }
}
