import ArgumentParser
import Glibc
import RsshCore
import RsshJail

@main
struct RsshCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rsshctl",
        abstract: "Administer rssh: build and check chroot jails, protect users' ~/.ssh.",
        subcommands: [Jail.self, Ssh.self]
    )
}

struct Ssh: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Protect users' ~/.ssh from being replaced.",
        subcommands: [Protect.self]
    )
}

extension Ssh {
    struct Protect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make each user's ~/.ssh root-owned 0755 and immutable (chattr +i): the user can neither "
                + "write nor rename it (rssh requires this for landlocked users)."
        )

        @Argument(help: "The users (looked up through NSS).")
        var users: [String]

        func run() throws {
            try JailCommand.requireRoot()
            for name in users {
                let found: JailUser?
                do {
                    found = try JailUser.lookup(name)
                } catch {
                    throw JailCommand.Failure(message: "cannot look up \(name): \(error)")
                }
                guard let user = found else { throw JailCommand.Failure(message: "no such user: \(name)") }
                guard user.home.hasPrefix("/"), user.home != "/", user.uid != 0 else {
                    throw JailCommand.Failure(message: "\(name)'s home \(user.home) cannot be protected this way")
                }
                do {
                    let home = try JailDirectory.openExisting(user.home)
                    let done = try home.protectSsh(rootOnlyHomeSuffices: true)
                    print(done ?? "\(user.home)/.ssh is already protected")
                } catch {
                    throw JailCommand.Failure(message: "ssh protect \(name) failed: \(error)")
                }
            }
        }
    }
}

struct Jail: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build or check a chroot jail for rssh_chroot_helper.",
        subcommands: [Build.self, Check.self]
    )
}

extension Jail {
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create or update a jail (idempotent).")

        @Argument(help: "The jail directory (absolute path).")
        var directory: String

        @Option(name: .customLong("user"), help: "A user to add to the jail's passwd (repeatable).")
        var users: [String] = []

        func run() throws {
            let root = try JailCommand.canonical(directory)
            try JailCommand.requireRoot()
            var accounts: [JailUser] = []
            for name in users {
                let found: JailUser?
                do {
                    found = try JailUser.lookup(name)
                } catch {
                    throw JailCommand.Failure(message: "cannot look up \(name): \(error)")
                }
                guard let user = found else { throw ValidationError("no such user: \(name)") }
                accounts.append(user)
            }
            let programs = ServerProgram.allCases.compactMap { ProgramPaths.compiledIn.path(of: $0) }
            let builder = JailBuilder(root: root, users: accounts, programs: programs, resolver: .system())
            do {
                try builder.build { print($0) }
            } catch {
                throw JailCommand.Failure(message: "jail build failed: \(error)")
            }
            print("jail \(root) is ready.")
            print("To give programs in the jail a log socket, add to rsyslog and restart it:")
            print(builder.rsyslogSnippet)
            print("Then run: rsshctl jail check \(root)")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a jail; exits non-zero on any problem.")

        @Argument(help: "The jail directory (absolute path).")
        var directory: String

        func run() throws {
            let root = try JailCommand.canonical(directory)
            try JailCommand.requireRoot()
            let paths = ProgramPaths.compiledIn
            var required: Set<TransferProgram> = []
            switch ConfigFile.read(paths.configFile, trustedOwner: paths.configOwner) {
            case .success(let bytes):
                let config = ConfigParser.parse(bytes, file: paths.configFile)
                if config.chrootPath == root { required.formUnion(config.allowed.programs) }
                for user in config.users where user.chrootPath == root { required.formUnion(user.programs.programs) }
            case .failure(let failure):
                print("note: \(failure); only the programs present in the jail are checked")
            }
            let requiredPaths = ServerProgram.allCases.filter { required.contains($0.permission) && $0 != .rdist }
                .compactMap { paths.path(of: $0) }
            let optional = ServerProgram.allCases.compactMap { paths.path(of: $0) }
            let findings = JailChecker(root: root, requiredPrograms: requiredPaths, optionalPrograms: optional).check()
            for finding in findings { print(finding) }
            let problems = findings.filter(\.isProblem).count
            print(problems == 0 ? "jail \(root): OK" : "jail \(root): \(problems) problem(s)")
            if problems > 0 { throw ExitCode.failure }
        }
    }
}

enum JailCommand {
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func canonical(_ path: String) throws -> String {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard JailPath.components(of: trimmed) != nil, trimmed != "/" else {
            throw ValidationError("the jail must be an absolute path other than /, without '.' or '..'")
        }
        return trimmed
    }

    static func requireRoot() throws {
        guard geteuid() == 0 else { throw ValidationError("must be run as root") }
    }
}
