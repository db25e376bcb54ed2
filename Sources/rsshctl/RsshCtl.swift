import ArgumentParser
import Glibc
import RsshCore
import RsshJail

@main
struct RsshCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rsshctl",
        abstract:
            "Administer rssh: set up accounts, build and check chroot jails, protect ~/.ssh, check configurations.",
        subcommands: [User.self, Explain.self, Jail.self, Ssh.self, ConfigCommand.self, Who.self, Last.self]
    )

    /// `explain` exits 1 for a refused command, so its usage errors exit 2 (ArgumentParser's would be 64).
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if arguments.first == "explain", exitCode(for: error) == .validationFailure {
                let message = Array((fullMessage(for: error) + "\n").utf8)
                _ = message.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check an rssh.conf before it is installed.",
        subcommands: [Check.self]
    )
}

extension ConfigCommand {
    /// Checks a candidate rssh.conf with the parser and the messages of `rssh -v`.
    ///
    /// Used like `visudo -c -f` and `sshd -t -f` in configuration management; exits 1 on any error.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a candidate rssh.conf with rssh -v's parser and messages; exits 1 on errors."
        )

        @Argument(help: "The file to check.")
        var file: String

        func run() throws {
            var bytes: [UInt8]
            switch ConfigFile.read(file, trustedOwner: 0) {
            case .success(let read): bytes = read
            case .failure(let failure):
                // Ownership and mode are the installed file's business: said, then the content is checked.
                guard case .wrongOwner(_, let owner, _) = failure else {
                    if case .writableByOthers = failure {
                        print("note: \(failure); installed like this, rssh would lock everyone out")
                        bytes = try Self.readAnyway(file)
                        break
                    }
                    print("error: \(failure)")
                    throw ExitCode.failure
                }
                print("note: \(failure); rssh reads its configuration only from a root-owned file")
                guard case .success(let read) = ConfigFile.read(file, trustedOwner: owner) else {
                    bytes = try Self.readAnyway(file)
                    break
                }
                bytes = read
            }
            var config = ConfigParser.parse(bytes, file: file)
            var lookup = SystemGroupLookup(.kernel)
            config.diagnostics += config.unknownGroupWarnings(lookup: &lookup)
            let check = VersionReport.configurationCheck(config)
            print("Configuration check of \(file)")
            print(check.text, terminator: "")
            print(check.healthy ? "\(file): OK" : "\(file): errors (rssh would lock out the users named above)")
            if !check.healthy { throw ExitCode.failure }
        }

        /// The file's bytes without rssh's ownership and mode checks (which were reported already).
        private static func readAnyway(_ file: String) throws -> [UInt8] {
            guard let stream = fopen(file, "rb") else {
                print("error: \(file) cannot be read")
                throw ExitCode.failure
            }
            defer { fclose(stream) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while bytes.count <= ConfigFile.maximumSize {
                let count = fread(&chunk, 1, chunk.count, stream)
                if count == 0 { break }
                bytes += chunk[0..<count]
            }
            guard ferror(stream) == 0, bytes.count <= ConfigFile.maximumSize else {
                print("error: \(file) cannot be read or is too large")
                throw ExitCode.failure
            }
            return bytes
        }
    }
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
                let user = try JailCommand.lookup(name)
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
                accounts.append(try JailCommand.lookup(name))
            }
            // borg is a Python program: its script alone cannot run in a jail, and rssh refuses borg for chrooted
            // users. git's three programs are the one git binary (listed once).
            var programs: [String] = []
            for program in ServerProgram.allCases where program != .borg {
                if let path = ProgramPaths.compiledIn.path(of: program), !programs.contains(path) {
                    programs.append(path)
                }
            }
            print("note: borg is not installed in jails (a Python program); rssh refuses it for chrooted users")
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
            var config: Configuration?
            switch ConfigFile.read(paths.configFile, trustedOwner: paths.configOwner) {
            case .success(let bytes): config = ConfigParser.parse(bytes, file: paths.configFile)
            case .failure(let failure):
                print("note: \(failure); only the programs present in the jail are checked")
            }
            let requiredPaths = JailChecker.requiredPrograms(root: root, config: config, paths: paths)
            let optional = JailChecker.optionalPrograms(paths: paths)
            let findings = JailChecker(root: root, requiredPrograms: requiredPaths, optionalPrograms: optional).check()
            for finding in findings { print(finding) }
            let problems = findings.filter { $0.isProblem }.count
            print(problems == 0 ? "jail \(root): OK" : "jail \(root): \(problems) problem(s)")
            if problems > 0 { throw ExitCode.failure }
        }
    }
}

enum JailCommand {
    /// The account `name` through NSS; a failed lookup and an unknown name are errors.
    static func lookup(_ name: String) throws -> JailUser {
        let found: JailUser?
        do {
            found = try JailUser.lookup(name)
        } catch {
            throw Failure(message: "cannot look up \(name): \(error)")
        }
        guard let user = found else { throw Failure(message: "no such user: \(name)") }
        return user
    }

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
