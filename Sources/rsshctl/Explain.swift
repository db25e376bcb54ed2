import ArgumentParser
import Glibc
import RsshCore
import RsshJail

/// `rsshctl explain`: what rssh would decide for one account and one command line, from the shell's own
/// decision code; runs nothing.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what rssh would decide for USER and a command line (root only; runs nothing).",
        discussion: """
            Prints which line applied (user, group or globals), the confinement, the verdict with the reason \
            rssh would log, the argument vector that would run, what the command line recognisably comes from, \
            and every check that would refuse all of the account's sessions, with the fix. The command is \
            everything after --, joined with spaces as ssh joins its arguments (or one quoted string); none \
            means an interactive login. Exit status: 0 allowed, 1 refused, 2 usage error.
            """
    )

    @Argument(help: "The account (looked up through NSS).")
    var user: String

    @Option(
        help:
            "The profile a key's forced command selects (rssh-profile NAME; the command goes in SSH_ORIGINAL_COMMAND)."
    )
    var profile: String?

    @Option(help: "The client's address (as SSH_CONNECTION gives it).")
    var from: String?

    @Option(help: "The rssh.conf to read (default: the one rssh is compiled with).")
    var config: String?

    @Argument(parsing: .postTerminator, help: "The command line, after --.")
    var command: [String] = []

    func run() throws {
        try JailCommand.requireRoot()
        if let profile, profile.isEmpty || profile.contains(where: { $0 == " " || $0 == "\n" }) {
            throw ValidationError("--profile must be one word")
        }
        let paths = ProgramPaths.compiledIn
        let entry: JailUser
        do {
            entry = try JailCommand.lookup(user)
        } catch {
            throw ValidationError("\(error)")
        }
        guard case .success(let account) = Account.find(uid: entry.uid) else {
            throw JailCommand.Failure(message: "cannot look up uid \(entry.uid)")
        }
        if account.name != user {
            print(
                "note: uid \(entry.uid) is \(account.name) first in passwd: a session of \(user) is \(account.name)'s"
            )
        }
        let file = config ?? paths.configFile
        let configuration = ConfigFile.parse(file, trustedOwner: paths.configOwner, onlyUser: account.name)
        let request = command.isEmpty ? nil : Array(command.joined(separator: " ").utf8)
        let input = Explanation.sessionInput(request: request, profile: profile, address: from)
        var shell = LoginShell(
            paths: paths,
            account: account,
            configuration: configuration,
            environment: input.environment
        )
        shell.gatherFacts(command: input.command, groups: .nss(name: account.name, gid: account.gid))
        shell.facts.audit = shell.sessionAuditAssessment
        var lockouts: [AccountLockout] = []
        if case .success(let parsed) = configuration,
            case .success(let policy) = parsed.policy(for: account.name, groups: shell.facts.groups, profile: profile)
        {
            lockouts = AccountLockout.find(
                account: account,
                policy: policy,
                paths: paths,
                landlockABI: shell.facts.landlockABI,
                landlockHome: shell.facts.landlockHome,
                inspectHome: true,
                probe: .system
            )
        }
        if account.shell != Array(paths.shell.utf8) {
            print("note: \(account.name)'s login shell is not \(paths.shell): sshd does not run rssh for this account")
        }
        let explanation = Explanation(
            shell: shell,
            command: input.command,
            request: profile == nil ? nil : request,
            lockouts: lockouts
        )
        print(explanation.text, terminator: "")
        if explanation.status != 0 { throw ExitCode(explanation.status) }
    }
}
