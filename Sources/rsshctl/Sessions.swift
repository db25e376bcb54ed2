import ArgumentParser
import Glibc
import RsshCore
import RsshJail

/// `rsshctl who`: the open supervised sessions.
struct Who: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the open supervised sessions (user, session id, address, program, start, bytes so far)."
    )

    func run() throws {
        guard geteuid() == 0 else {
            print("rsshctl who: only root can read other users' sessions")
            throw ExitCode.failure
        }
        print(OpenSession.render(OpenSession.list(shell: ProgramPaths.compiledIn.shell)), terminator: "")
    }
}

/// `rsshctl last [USER]`: the ended supervised sessions, from rssh's session-end audit records.
struct Last: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List ended supervised sessions from the audit trail (ausearch): bytes, duration, exit status."
    )

    @Argument(help: "Only this user's sessions.")
    var user: String?

    @Option(name: .customLong("input"), help: "Read this audit log file instead of the system's (ausearch -if).")
    var input: String?

    func run() throws {
        guard geteuid() == 0 else {
            print("rsshctl last: only root can read the audit trail")
            throw ExitCode.failure
        }
        guard let text = AuditSearch.userCommands(input: input) else {
            print("rsshctl last: cannot run \(AuditSearch.path) (apt-get install auditd)")
            throw ExitCode.failure
        }
        let sessions = EndedSession.list(auditLog: text, shell: ProgramPaths.compiledIn.shell, user: user)
        print(EndedSession.render(sessions), terminator: "")
    }
}
