// Runs WinSCPResponder on stdin/stdout/stderr in read-write mode with /usr/bin/scp, as the login shell will,
// so Tests/EndToEnd/winscp_replay.py can drive the same sequence against it and against bash and compare.
// Usage: winscp-responder-probe [--log FILE] [--mode readwrite|readonly|uploadonly]
import Glibc
import RsshCore

var logPath: String?
var mode = WinSCPAccessMode.readWrite
var arguments = CommandLine.arguments.dropFirst()
while let option = arguments.popFirst() {
    switch (option, arguments.popFirst()) {
    case ("--log", let path?): logPath = path
    case ("--mode", "readonly"): mode = .readOnly
    case ("--mode", "uploadonly"): mode = .uploadOnly
    case ("--mode", "readwrite"): mode = .readWrite
    default:
        let usage = "usage: winscp-responder-probe [--log FILE] [--mode readwrite|readonly|uploadonly]\n"
        _ = write(2, usage, usage.utf8.count)
        exit(2)
    }
}

let log = logPath.map { fopen($0, "a") } ?? nil
let home = Array((getenv("HOME").map { String(cString: $0) } ?? "/").utf8)
var responder = WinSCPResponder(
    configuration: .init(
        scpPath: "/usr/bin/scp",
        access: mode,
        homeDirectory: home,
        environment: [],
        checksumPaths: ProgramPaths.checksumPaths(in: "/usr/bin")
    ),
    record: { event in
        if let log {
            fputs(
                "\(event.kind) audit=\(event.needsAudit) line=\"\(Printable.text(event.line))\" \(event.reason)\n",
                log
            )
            fflush(log)
        }
        return true
    }
)
exit(responder.run())
