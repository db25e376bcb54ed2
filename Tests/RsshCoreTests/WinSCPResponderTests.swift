import Foundation
import Glibc
import Testing

@testable import RsshCore

/// Drives the responder through a pipe (input) and files (output, errors) in a scratch directory.
@Suite(.serialized)
struct WinSCPResponderTests {
    private final class Events {
        var all: [WinSCPEvent] = []
    }

    private struct Run {
        var output: String
        var errors: String
        var status: Int32
        var events: [WinSCPEvent]
    }

    private static let end = " ; echo \"WinSCP: this is end-of-file:$?\""

    /// Runs the responder over `lines` (each sent with a newline) and returns what it wrote.
    private func run(
        _ lines: [String],
        access: WinSCPAccessMode = .readWrite,
        home: String = "/",
        allow: Bool = true,
        checksums: Bool = false
    ) throws -> Run {
        // A file, not a pipe: a flood of lines is more than a pipe's buffer holds before anyone reads.
        let inputFile = try scratchFile()
        let input = lines.map { $0 + "\n" }.joined()
        let written = input.withCString { write(inputFile, $0, strlen($0)) }
        try #require(written == input.utf8.count)
        try #require(lseek(inputFile, 0, SEEK_SET) == 0)
        let output = try scratchFile()
        let errors = try scratchFile()
        let events = Events()
        let original = try #require(getcwd(nil, 0))
        defer {
            _ = chdir(original)
            free(original)
            close(inputFile)
            close(output)
            close(errors)
        }
        var responder = WinSCPResponder(
            configuration: .init(
                scpPath: "/usr/bin/scp",
                access: access,
                homeDirectory: Array(home.utf8),
                environment: [],
                input: inputFile,
                output: output,
                error: errors,
                checksumPaths: checksums ? ProgramPaths.checksumPaths(in: "/usr/bin") : [:]
            ),
            record: { event in
                events.all.append(event)
                return allow
            }
        )
        let status = responder.run()
        return Run(output: contents(output), errors: contents(errors), status: status, events: events.all)
    }

    private func scratchFile() throws -> Int32 {
        var template = Array("/tmp/rssh-winscp-out-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            let fd = mkstemp(base)
            unlink(base)
            return fd
        }
        try #require(fd >= 0)
        return fd
    }

    private func contents(_ fd: Int32) -> String {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            guard count > 0 else { break }
            result += buffer.prefix(count)
            offset += off_t(count)
        }
        return String(decoding: result, as: UTF8.self)
    }

    private func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private func mode(_ path: String) -> UInt32 {
        var info = stat()
        return lstat(path, &info) == 0 ? UInt32(info.st_mode) & 0o7777 : 0
    }

    /// WinSCP's checksum batch: coreutils' output, byte for byte, for a user with the checksums option.
    @Test func theChecksumBatchIsCoreutilsOwnOutput() throws {
        let scratch = try TemporaryDirectory()
        let names = ["a b.txt", #"back\slash.txt"#, "-dash.txt"]
        for (index, name) in names.enumerated() {
            let fd = open(scratch.path + "/" + name, O_CREAT | O_WRONLY, 0o644)
            try #require(fd >= 0)
            _ = "content \(index)\n".withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
        // WinSCP doubles a backslash inside its double quotes.
        let quoted = names.map { "\"" + $0.replacingOccurrences(of: #"\"#, with: #"\\"#) + "\"" }
        let batch = ["cd \"\(scratch.path)\"" + Self.end, "sha256sum " + quoted.joined(separator: " ") + Self.end]
        let ran = try run(batch, checksums: true)
        let coreutils = Process()
        coreutils.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        coreutils.arguments = ["--"] + names
        coreutils.currentDirectoryURL = URL(fileURLWithPath: scratch.path)
        let pipe = Pipe()
        coreutils.standardOutput = pipe
        try coreutils.run()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        coreutils.waitUntilExit()
        #expect(expected.contains("\n\\") && expected.contains(#"back\\slash.txt"#), "coreutils escapes the name")
        #expect(ran.output.hasSuffix(expected + "WinSCP: this is end-of-file:0\n"), "\(ran.output) \(ran.errors)")
        #expect(ran.events.contains { $0.kind == .download && $0.allowed })
        let refused = try run(batch, checksums: false)
        #expect(refused.output.hasSuffix("WinSCP: this is end-of-file:1\n"))
        #expect(refused.errors.contains("no checksums option"))
        let dropBox = try run(batch, access: .uploadOnly, checksums: true)
        #expect(dropBox.errors.contains("a hash is a read") && !dropBox.output.contains(String(expected.prefix(64))))
        let noFile = try run(["md5sum" + Self.end], checksums: true)
        #expect(noFile.errors.contains("expected double-quoted file names"))
    }

    @Test func aSessionChangesTheTreeWithSystemCalls() throws {
        let scratch = try TemporaryDirectory()
        let base = scratch.path
        let run = try run(
            [
                "echo \"WinSCP: this is end-of-file:0\"",
                "echo \"$status\" ; echo \"WinSCP: this is end-of-file:0\"",
                "echo \"$?\" ; echo \"WinSCP: this is end-of-file:0\"",
                "printenv LANG" + Self.end,
                "unalias \"ls\"" + Self.end,
                "unset \"LC_ALL\"" + Self.end,
                "cd \"\(base)\"" + Self.end,
                "pwd" + Self.end,
                "mkdir \"d i r\"" + Self.end,
                "cd \"d i r\"" + Self.end,
                "mkdir \"./-sub\"" + Self.end,
                "mkdir \"./-sub/deeper\"" + Self.end,
                "ln -s \"\(base)/d i r/-sub\" \"link\"" + Self.end,
                "ls -la --full-time" + Self.end,
                "ls -la -d \"link\"" + Self.end,
                "chmod 0700 \"./-sub\"" + Self.end,
                "chmod -R u+x,g-w,o-rwx \"./-sub\"" + Self.end,
                "mv -f \"./-sub\" \"moved\"" + Self.end,
                "uname -a" + Self.end,
                "ls -la ; id" + Self.end,
                "mkdir \"moved\"" + Self.end,
                "rm -f -r \"\(base)/d i r\"" + Self.end,
                "rm -f -r \"\(base)/d i r\"" + Self.end,
                "cd" + Self.end,
                "pwd" + Self.end,
            ],
            home: "/"
        )
        let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        let markers = lines.filter { $0.hasPrefix("WinSCP: this is end-of-file:") }
        #expect(
            markers.map { $0.dropFirst("WinSCP: this is end-of-file:".count) } == [
                "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "127",
                "127", "1", "0", "0", "0", "0",
            ]
        )
        #expect(lines[1] == "")  // echo "$status": empty, so WinSCP picks $?
        #expect(lines[3] == "0")  // echo "$?"
        #expect(lines[5] == "C.UTF-8")
        #expect(lines.contains(base))
        #expect(lines.contains { $0.hasPrefix("drwxr-xr-x") && $0.hasSuffix(" -sub") })
        #expect(lines.contains { $0.hasPrefix("lrwxrwxrwx") && $0.hasSuffix(" link -> \(base)/d i r/-sub") })
        #expect(lines.contains { $0.hasPrefix("total ") })
        #expect(lines[lines.count - 3] == "/")
        #expect(run.errors.contains("uname: command not permitted"))
        #expect(run.errors.contains("';' is not allowed unquoted"))
        #expect(run.errors.contains("mkdir: cannot create directory 'moved': File exists"))
        #expect(!exists(base + "/d i r"))
        #expect(run.status == 0)
        // The six no-op lines (echo framing, printenv, unalias, unset) are counted in the summary, not logged.
        #expect(run.events.count == 20)
        #expect(!run.events.contains { $0.kind == .session })
        #expect(run.events.filter { $0.kind == .refused }.count == 2)
        #expect(run.events.filter { $0.needsAudit }.count == 12)
        #expect(run.events.last?.kind == .summary)
        #expect(run.events.last?.reason.contains("19 lines logged") == true)
        #expect(run.events.last?.reason.contains("6 no-op keepalive lines") == true)
    }

    @Test func chmodAndMoveTakeEffect() throws {
        let scratch = try TemporaryDirectory()
        try scratch.create("f", contents: "x", mode: 0o644)
        let base = scratch.path
        let run = try run([
            "mkdir \"\(base)/d\"" + Self.end,
            "chmod 0600 \"\(base)/f\"" + Self.end,
            "mv -f \"\(base)/f\" \"\(base)/d\"" + Self.end,
            "chmod -R go-rwx,u-w \"\(base)/d\"" + Self.end,
        ])
        #expect(run.errors == "")
        #expect(mode(base + "/d/f") == 0o400)
        #expect(mode(base + "/d") & 0o077 == 0)
        #expect(mode(base + "/d") & 0o200 == 0)
        _ = chmod(base + "/d", 0o755)
        _ = chmod(base + "/d/f", 0o644)
        _ = unlink(base + "/d/f")
        _ = rmdir(base + "/d")
    }

    @Test func rmDoesNotFollowSymbolicLinks() throws {
        let outside = try TemporaryDirectory()
        try outside.create("keep", contents: "precious")
        _ = chmod(outside.path, 0o755)
        let scratch = try TemporaryDirectory()
        let base = scratch.path
        _ = mkdir(base + "/tree", 0o755)
        _ = symlink(outside.path, base + "/tree/escape")
        _ = symlink(outside.path + "/keep", base + "/tree/file-link")
        let run = try run([
            "chmod -R 0700 \"\(base)/tree\"" + Self.end,
            "rm -f -r \"\(base)/tree\"" + Self.end,
            "rm -f -r \"\(base)/.\"" + Self.end,
        ])
        #expect(exists(outside.path + "/keep"))
        #expect(mode(outside.path + "/keep") == 0o644)
        #expect(mode(outside.path) == 0o755)
        #expect(!exists(base + "/tree"))
        #expect(run.output.hasSuffix("end-of-file:1\n"))
        #expect(run.errors.contains("refusing to remove '.' or '..'"))
    }

    @Test func readOnlyRefusesChangesAndKeepsTheSession() throws {
        let scratch = try TemporaryDirectory()
        let base = scratch.path
        let begin = "echo \"WinSCP: this is begin-of-file\" ; "
        let run = try run(
            [
                "mkdir \"\(base)/x\"" + Self.end,
                "rm -f -r \"\(base)\"" + Self.end,
                begin + "scp -r -p -d -t \"\(base)\"" + Self.end,
                "ls -la -d \"\(base)\"" + Self.end,
            ],
            access: .readOnly
        )
        #expect(!exists(base + "/x"))
        #expect(exists(base))
        let markers = run.output.split(separator: "\n").filter { $0.hasPrefix("WinSCP: this is end-of-file:") }
        #expect(
            markers == [
                "WinSCP: this is end-of-file:1", "WinSCP: this is end-of-file:1", "WinSCP: this is end-of-file:1",
                "WinSCP: this is end-of-file:0",
            ]
        )
        #expect(run.output.contains("WinSCP: this is begin-of-file\nWinSCP: this is end-of-file:1\n"))
        #expect(run.errors.contains("rssh: mkdir: this account is read-only"))
        #expect(run.events.map { $0.kind } == [.refused, .refused, .refused, .query, .summary])
    }

    @Test func uploadOnlyAllowsMkdirButNotDownloadOrDelete() throws {
        let scratch = try TemporaryDirectory()
        try scratch.create("f", contents: "secret")
        let base = scratch.path
        let run = try run(
            [
                "mkdir \"\(base)/new\"" + Self.end,
                "rm -f -r \"\(base)/f\"" + Self.end,
                "echo \"WinSCP: this is begin-of-file\" ; scp -r -p -d -f \"\(base)/f\"" + Self.end,
                "ls -la \"\(base)\"" + Self.end,
            ],
            access: .uploadOnly
        )
        #expect(exists(base + "/new"))
        #expect(exists(base + "/f"))
        #expect(!run.output.contains("secret"))
        #expect(run.events.map { $0.kind } == [.change, .refused, .refused, .query, .summary])
        _ = rmdir(base + "/new")
    }

    /// F7: a line that cannot be recorded (under requireaudit) is not run, and the session ends.
    @Test func aRecorderThatFailsEndsTheSession() throws {
        let scratch = try TemporaryDirectory()
        let run = try run(
            ["mkdir \"\(scratch.path)/x\"" + Self.end, "mkdir \"\(scratch.path)/y\"" + Self.end],
            allow: false
        )
        #expect(!exists(scratch.path + "/x"))
        #expect(!exists(scratch.path + "/y"))
        #expect(run.output == "")
        #expect(run.status == WinSCPResponder.protocolErrorStatus)
        #expect(run.errors.contains("could not be recorded; session ended"))
    }

    /// F6: a flood of changes is logged and recorded up to the session's budget, then one summary record
    /// ends the session; nothing past the budget runs.
    @Test func aFloodOfChangesEndsAtTheBudgetWithOneSummary() throws {
        let lines = (0..<1_500).map { "mkdir \"/nonexistent/x\($0)\"" + Self.end }
        let run = try run(["echo \"WinSCP: this is end-of-file:0\""] + lines)
        let records = run.events.filter { $0.needsAudit }
        #expect(records.count <= RecordBudget.maximumRecords + 1)
        #expect(run.events.count == RecordBudget.maximumRecords + 1, "every logged line counts, and one summary")
        #expect(run.events.filter { $0.kind == .change }.count == RecordBudget.maximumRecords)
        let last = try #require(run.events.last)
        #expect(last.kind == .exhausted && last.needsAudit && !last.allowed)
        #expect(last.reason.contains("1000 lines logged (0 queries, 1000 changes"))
        #expect(
            last.reason.contains("2 lines not logged (1 no-op keepalive lines, 1 past the budget of 1000, not run)")
        )
        #expect(run.status == WinSCPResponder.protocolErrorStatus)
        #expect(run.errors.contains("limit of 1000 logged commands; session ended"))
        let markers = run.output.split(separator: "\n").filter { $0.hasPrefix("WinSCP: this is end-of-file:") }
        #expect(markers.count == RecordBudget.maximumRecords + 1, "the keepalive and the admitted lines only")
    }

    /// F6: keepalives are counted, never logged one by one.
    @Test func keepalivesAreCountedNotLogged() throws {
        let lines = Array(repeating: "echo \"WinSCP: this is end-of-file:0\"", count: 3_000)
        let run = try run(lines + ["pwd" + Self.end])
        #expect(run.events.map { $0.kind } == [.query, .summary])
        #expect(run.events.last?.reason.contains("1 lines logged") == true)
        #expect(run.events.last?.reason.contains("3000 no-op keepalive lines") == true)
        #expect(run.status == 0)
    }

    /// Review item 6: each refused line is an audit record, so a session cannot refuse without end.
    @Test func tooManyRefusedLinesEndTheSession() throws {
        let lines = Array(repeating: "uname -a" + Self.end, count: WinSCPResponder.maximumRefusals + 20)
        let run = try run(lines + ["pwd" + Self.end])
        #expect(run.status == WinSCPResponder.protocolErrorStatus)
        #expect(run.events.count == WinSCPResponder.maximumRefusals + 1, "recorded refusals stop at the bound")
        #expect(run.events.last?.kind == .summary)
        #expect(run.errors.contains("too many refused commands"))
        #expect(!run.output.contains("/"), "the pwd after the bound never ran")
    }

    @Test func unframedOrOverlongInputEndsTheSession() throws {
        let first = try run(["pwd", "pwd" + Self.end])
        #expect(first.status == WinSCPResponder.protocolErrorStatus)
        #expect(first.output == "")
        #expect(first.errors.contains("not a WinSCP command line"))
        let long = try run(["mkdir \"" + String(repeating: "a", count: 9_000) + "\"" + Self.end, "pwd" + Self.end])
        #expect(long.status == WinSCPResponder.protocolErrorStatus)
        #expect(long.output == "")
    }

    @Test func aLastLineWithoutNewlineIsNotRun() throws {
        let scratch = try TemporaryDirectory()
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        let text = "mkdir \"\(scratch.path)/x\"" + Self.end
        _ = text.withCString { write(fds[1], $0, strlen($0)) }
        close(fds[1])
        defer { close(fds[0]) }
        var responder = WinSCPResponder(
            configuration: .init(
                scpPath: "/usr/bin/scp",
                access: .readWrite,
                homeDirectory: [],
                environment: [],
                input: fds[0]
            ),
            record: { _ in true }
        )
        #expect(responder.run() == 0)
        #expect(!exists(scratch.path + "/x"))
    }
}

/// A path split as the responder and the transfer log's WinSCP reader take it: trailing slashes ignored.
@Test(arguments: [
    ("/home/u/a b.txt", "/home/u", "a b.txt", "a b.txt"),
    ("/home/u/dir//", "/home/u", "dir", "dir"),
    ("/top", "/", "top", "top"),
    ("/", "/", "", "/"),
    ("//", "/", "", "/"),
    ("name", "", "name", "name"),
    ("", "", "", ""),
])
func aPathSplitsAtItsLastSlash(_ path: String, _ parent: String, _ last: String, _ component: String) {
    let split = WinSCPResponder.split(Array(path.utf8))
    #expect(Array(split.parent) == Array(parent.utf8))
    #expect(Array(split.last) == Array(last.utf8))
    #expect(WinSCPResponder.lastComponent(Array(path.utf8)) == Array(component.utf8))
}
