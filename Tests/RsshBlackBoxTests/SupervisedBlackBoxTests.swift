import Foundation
import Testing

/// The supervised mode through the Embedded build (issue 20): the program's exit status and signal reach the
/// caller, bytes pass unchanged both ways, signals are forwarded, and exec mode still replaces the process.
@Suite(.serialized, .enabled(if: BlackBox.available, "set by `make blackbox`"))
struct SupervisedBlackBoxTests {
    /// A stand-in for rsync whose behaviour the last argument chooses.
    static let program = """
        #!/bin/sh
        for what; do :; done  # the last word: supervised, rssh adds rsync's log options after --server
        case "$what" in
        status) cat >/dev/null; exit 3;;
        selfkill) kill -KILL $$;;
        echo) exec cat;;
        stderr) echo "a line on stderr" >&2; exit 0;;
        parent) echo "pid=$$ ppid=$PPID"; exit 0;;
        trap) trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done;;
        esac
        exit 9

        """

    init() throws {
        try BlackBox.prepare()
        let path = try #require(BlackBox.fixture) + "/bin/rsync"
        try Self.program.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    struct Run {
        var status: Int32
        var signaled: Bool
        var stdout: Data
        var stderr: String
        var pid: Int32
    }

    /// Runs `rssh -c "rsync --server . WHAT"` with `input` on stdin; `during` gets the pid once it runs.
    func rssh(_ what: String, supervised: Bool, input: Data = Data(), during: ((Int32) -> Void)? = nil) throws -> Run {
        try BlackBox.writeConfig("allowrsync\n" + (supervised ? "options = supervised\n" : ""))
        let inputFile = FileManager.default.temporaryDirectory.appendingPathComponent("supervised-in-\(getpid())")
        try input.write(to: inputFile)
        defer { try? FileManager.default.removeItem(at: inputFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(BlackBox.binary))
        process.arguments = ["-c", "rsync --server . \(what)"]
        process.environment = ["SSH_CONNECTION": "198.51.100.7 40000 198.51.100.1 22", "PATH": "/usr/bin:/bin"]
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        during?(process.processIdentifier)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal,
            stdout: stdout,
            stderr: String(decoding: stderr, as: UTF8.self),
            pid: process.processIdentifier
        )
    }

    @Test(arguments: [false, true])
    func exitStatusPassesThrough(supervised: Bool) throws {
        let run = try rssh("status", supervised: supervised, input: Data("x".utf8))
        #expect(run.status == 3 && !run.signaled)
    }

    @Test(arguments: [false, true])
    func deathBySignalPassesThrough(supervised: Bool) throws {
        let run = try rssh("selfkill", supervised: supervised)
        #expect(run.signaled && run.status == SIGKILL, "the caller sees the program's signal, not an exit status")
    }

    @Test func bytesPassUnchangedBothWays() throws {
        var bytes = [UInt8](repeating: 0, count: 5_000_000)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 13) }
        let run = try rssh("echo", supervised: true, input: Data(bytes))
        #expect(run.status == 0)
        #expect(run.stdout.count == bytes.count)
        let unchanged = run.stdout.elementsEqual(bytes)
        #expect(unchanged, "the bytes came back unchanged")
    }

    @Test func stderrPassesThrough() throws {
        let run = try rssh("stderr", supervised: true)
        #expect(run.status == 0)
        #expect(run.stderr == "a line on stderr\n")
    }

    @Test func execModeReplacesTheProcessAndSupervisedModeIsTheParent() throws {
        let exec = try rssh("parent", supervised: false)
        #expect(String(decoding: exec.stdout, as: UTF8.self).hasPrefix("pid=\(exec.pid) "))
        let supervised = try rssh("parent", supervised: true)
        let text = String(decoding: supervised.stdout, as: UTF8.self)
        #expect(text.hasSuffix(" ppid=\(supervised.pid)\n"))
        #expect(!text.hasPrefix("pid=\(supervised.pid) "))
    }

    /// WinSCP's SCP mode, which rssh answers itself: supervised, the supervisor's child answers it, and the
    /// session ends when its input does (the child must not keep the stdin pipe's write end open).
    @Test(arguments: [false, true])
    func winscpSessionIsAnsweredAndEndsWithItsInput(supervised: Bool) throws {
        try BlackBox.writeConfig("allowscp\noptions = winscp" + (supervised ? ",supervised" : "") + "\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(BlackBox.binary))
        process.arguments = []  // an interactive login, as WinSCP's shell channel is
        process.environment = ["SSH_CONNECTION": "198.51.100.7 40000 198.51.100.1 22", "PATH": "/usr/bin:/bin"]
        let input = Pipe()
        let out = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        // A session that never ends must fail the test, not hang the suite.
        DispatchQueue.global().asyncAfter(deadline: .now() + 20) { if process.isRunning { kill(pid, SIGKILL) } }
        input.fileHandleForWriting.write(Data("pwd ; echo \"WinSCP: this is end-of-file:$?\"\n".utf8))
        var answer = Data()
        while !String(decoding: answer, as: UTF8.self).contains("end-of-file:0\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            answer.append(chunk)
        }
        let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
        try input.fileHandleForWriting.close()
        let rest = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(String(decoding: answer, as: UTF8.self).hasSuffix("\nWinSCP: this is end-of-file:0\n"))
        #expect(name == (supervised ? "rssh-session\n" : "rssh\n"), "the supervisor is the process the caller started")
        #expect(rest.isEmpty)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "it ended with its input")
    }

    @Test func forwardedSignalReachesTheProgram() throws {
        let run = try rssh("trap", supervised: true) { pid in
            // Give the program time to set its trap, then signal the supervisor.
            usleep(500_000)
            kill(pid, SIGTERM)
        }
        #expect(!run.signaled && run.status == 42, "the program's trap ran and its status came back")
    }
}
