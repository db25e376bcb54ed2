import ArgumentParser
import Glibc
import RsshCore
import RsshJail

struct User: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set up, take back or show one rssh account (login shell, protected ~/.ssh, keys, jail, user line).",
        subcommands: [Add.self, Remove.self, Show.self]
    )

    /// The options every `user` subcommand shares.
    struct Common: ParsableArguments {
        @Option(help: "The rssh.conf to edit (default: the one rssh is compiled with).")
        var config: String?

        var configFile: String { config ?? ProgramPaths.compiledIn.configFile }
    }

    /// Runs the check and prints it; exits 1 when it found a problem.
    static func check(_ name: String, configFile: String) throws {
        let result = UserCheck(name: name, configFile: configFile, paths: .compiledIn).run()
        print("Check (as rssh -v sees \(name))")
        print(result.text, terminator: "")
        if !result.healthy { throw ExitCode.failure }
    }
}

extension User {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or convert an account for rssh and write its user line (idempotent).",
            discussion: """
                Creates the account (useradd, rssh as login shell, no password) or converts it (usermod -s), \
                makes ~/.ssh root-owned and immutable, installs the --key files as ~/.ssh/authorized_keys, \
                builds or updates the --jail, writes the user line into rssh.conf (under a lock, validated, \
                atomically) and checks the result as rssh -v would. The line is replaced as a whole by what \
                the options say; without --key the installed keys are kept.
                """
        )

        @Argument(help: "The account name.")
        var name: String

        @Flag(help: "Allow sftp (also OpenSSH 9 scp).") var sftp = false
        @Flag(help: "Allow legacy scp.") var scp = false
        @Flag(help: "Allow rsync.") var rsync = false
        @Flag(help: "Allow cvs (needs a jail, --landlock with --unconfined-exec, or --unconfined-exec).") var cvs =
            false
        @Flag(help: "Allow rdist (as cvs).") var rdist = false
        @Flag(help: "Allow svnserve (as cvs).") var svnserve = false
        @Flag(help: "Allow the checksum programs (md5sum ... sha512sum) for rclone and WinSCP.") var checksums = false
        @Flag(help: "Answer WinSCP's SCP mode (needs --scp).") var winscp = false
        @Flag(help: "Allow borg serve, restricted to the home (not with --jail).") var borg = false
        @Flag(help: "Allow git's server programs (needs a jail or --unconfined-exec).") var git = false
        @Flag(
            name: .customLong("unconfined-exec"),
            help: "Accept that cvs, rdist and svnserve run commands outside a jail for this user."
        )
        var unconfinedExec = false
        @Flag(help: "Confine the user's programs with Landlock (home read-write, system read-only).")
        var landlock = false
        @Option(help: "Chroot the user into this jail (built or updated; a new account's home is JAIL/home/NAME).")
        var jail: String?
        @Flag(help: "List and download only.") var readonly = false
        @Flag(help: "Create and write only.") var uploadonly = false
        @Flag(help: "Create, write new files and read back; never delete or overwrite.") var appendonly = false
        @Option(
            name: .customLong("key"),
            help: "A public key file to install (repeatable; replaces the installed keys)."
        )
        var keys: [String] = []
        @Option(help: "The sessions' umask, octal.") var umask = "022"
        @Flag(name: .customLong("dry-run"), help: "Say what would be done; change nothing.") var dryRun = false
        @OptionGroup var common: Common

        func run() throws {
            var programs: ProgramSet = []
            for (on, program) in [
                (sftp, ProgramSet.sftp), (scp, .scp), (rsync, .rsync), (cvs, .cvs), (rdist, .rdist),
                (svnserve, .svnserve),
            ] where on {
                programs.insert(program)
            }
            var options: UserOptions = []
            for (on, option) in [
                (landlock, UserOptions.landlock), (readonly, .readOnly), (uploadonly, .uploadOnly),
                (appendonly, .appendOnly), (checksums, .checksums), (winscp, .winscp),
                (unconfinedExec, .unconfinedExec), (borg, .borg), (git, .git),
            ] where on {
                options.insert(option)
            }
            guard let mask = mode_t(umask, radix: 8), mask <= 0o777 else {
                throw ValidationError("--umask must be octal, 000 to 777")
            }
            let jailPath = try jail.map { try JailCommand.canonical($0) }
            let line: UserLine
            do {
                line = try UserLine(name: name, umask: mask, programs: programs, chrootPath: jailPath, options: options)
            } catch {
                throw ValidationError(error.description)
            }
            var keyText: [UInt8]?
            for file in keys {
                do {
                    keyText = (keyText ?? []) + (try AuthorizedKeys.check(try FileSystem.read(file), file: file))
                } catch {
                    throw ValidationError("--key \(file): \(error)")
                }
            }
            if !dryRun { try JailCommand.requireRoot() }
            let setup = UserSetup(paths: .compiledIn, configFile: common.configFile, dryRun: dryRun) { print($0) }
            do {
                try setup.add(line, keys: keyText)
            } catch {
                throw JailCommand.Failure(message: "user add \(name): \(error)")
            }
            if dryRun {
                print("dry run: nothing was changed")
                return
            }
            try User.check(name, configFile: common.configFile)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an account's rssh.conf line and installed keys; --delete-account also the account."
        )

        @Argument(help: "The account name.")
        var name: String
        @Flag(name: .customLong("delete-account"), help: "Also delete the account and its home (userdel -r).")
        var deleteAccount = false
        @Flag(name: .customLong("dry-run"), help: "Say what would be done; change nothing.") var dryRun = false
        @OptionGroup var common: Common

        func run() throws {
            if !dryRun { try JailCommand.requireRoot() }
            let setup = UserSetup(paths: .compiledIn, configFile: common.configFile, dryRun: dryRun) { print($0) }
            do {
                try setup.remove(name, deleteAccount: deleteAccount)
            } catch {
                throw JailCommand.Failure(message: "user remove \(name): \(error)")
            }
            if dryRun { print("dry run: nothing was changed") }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an account's user line, effective policy, keys and check; exits 1 on a problem."
        )

        @Argument(help: "The account name.")
        var name: String
        @OptionGroup var common: Common

        func run() throws {
            let file = common.configFile
            let text = (try? ConfigFileEditor(file: file).read()) ?? []
            let lines = ConfigEdit.userLineRanges(name, in: text).map { String(decoding: text[$0], as: UTF8.self) }
            print("\(file): " + (lines.first ?? "no line for \(name) (the defaults apply)"))
            if let account = try? JailUser.lookup(name),
                let keys = (try? JailDirectory.openExisting(account.home))?.authorizedKeys()
            {
                print("Keys (\(account.home)/.ssh/authorized_keys)")
                for key in AuthorizedKeys.keyLines(keys) { print("  " + key) }
            }
            try User.check(name, configFile: file)
        }
    }
}
