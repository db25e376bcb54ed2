import CRsshBuildConfig

/// The absolute paths fixed at build time: the config file, the chroot helper and each server program.
public struct ProgramPaths: Sendable, Equatable {
    /// Where rssh.conf is read from.
    public var configFile: String
    /// The setuid chroot helper.
    public var chrootHelper: String
    /// The uid that must own the config file.
    public var configOwner: UInt32
    /// The installed login shell; the helper serves only accounts whose shell this is.
    public var shell: String
    /// The sshd `rssh -v` asks for its effective configuration.
    public var sshd: String
    /// The sshd configuration file `rssh -v` checks.
    public var sshdConfig: String
    /// Each program's path, indexed by its raw value (nil: none).
    ///
    /// A table rather than a dictionary: it is built on every session, and hashing three merged dictionaries
    /// cost more than reading the shell's own configuration.
    private var programs: [String?]

    /// Creates a table; programs left out have no path and can never be run.
    public init(
        configFile: String,
        chrootHelper: String,
        configOwner: UInt32 = 0,
        shell: String = "/usr/local/bin/rssh",
        sshd: String = "/usr/sbin/sshd",
        sshdConfig: String = "/etc/ssh/sshd_config",
        programs: [ServerProgram: String]
    ) {
        self.configFile = configFile
        self.chrootHelper = chrootHelper
        self.configOwner = configOwner
        self.shell = shell
        self.sshd = sshd
        self.sshdConfig = sshdConfig
        self.programs = [String?](repeating: nil, count: ServerProgram.allCases.count)
        for (program, path) in programs { self.programs[program.rawValue] = path }
    }

    /// The paths this binary was built with (the only ones the installed shell and helper ever use).
    public static let compiledIn: ProgramPaths = {
        var paths = ProgramPaths(
            configFile: String(cString: CRsshBuildConfig_config_path()),
            chrootHelper: String(cString: CRsshBuildConfig_chroot_helper_path()),
            configOwner: CRsshBuildConfig_config_owner_uid(),
            shell: String(cString: CRsshBuildConfig_shell_path()),
            sshd: String(cString: CRsshBuildConfig_sshd_path()),
            sshdConfig: String(cString: CRsshBuildConfig_sshd_config_path()),
            programs: [:]
        )
        let coreutils = String(cString: CRsshBuildConfig_coreutils_dir())
        for program in ServerProgram.checksums {
            paths.programs[program.rawValue] = checksumPath(program, in: coreutils)
        }
        let git = String(cString: CRsshBuildConfig_git_path())
        for program in ServerProgram.git { paths.programs[program.rawValue] = git }
        let fixed: [(ServerProgram, UnsafePointer<CChar>)] = [
            (.sftpServer, CRsshBuildConfig_sftp_server_path()), (.scp, CRsshBuildConfig_scp_path()),
            (.cvs, CRsshBuildConfig_cvs_path()), (.rdist, CRsshBuildConfig_rdist_path()),
            (.rdistd, CRsshBuildConfig_rdistd_path()), (.rsync, CRsshBuildConfig_rsync_path()),
            (.svnserve, CRsshBuildConfig_svnserve_path()), (.borg, CRsshBuildConfig_borg_path()),
        ]
        for (program, path) in fixed { paths.programs[program.rawValue] = String(cString: path) }
        return paths
    }()

    /// The program `rssh -v` runs (the report, kept out of the session's image).
    public static var versionReport: String { String(cString: CRsshBuildConfig_report_path()) }

    /// The checksum programs' paths in the coreutils directory `directory`.
    public static func checksumPaths(in directory: String) -> [ServerProgram: String] {
        var result: [ServerProgram: String] = [:]
        for program in ServerProgram.checksums { result[program] = checksumPath(program, in: directory) }
        return result
    }

    private static func checksumPath(_ program: ServerProgram, in directory: String) -> String {
        directory + "/" + program.name
    }

    /// git's server programs, each run by the one git binary `git` (`git upload-pack …`).
    public static func gitPaths(git: String) -> [ServerProgram: String] {
        var result: [ServerProgram: String] = [:]
        for program in ServerProgram.git { result[program] = git }
        return result
    }

    /// The version string this binary was built with.
    public static let version = String(cString: CRsshBuildConfig_version())

    /// The absolute path of `program`, or nil when it has none.
    public func path(of program: ServerProgram) -> String? {
        programs[program.rawValue]
    }

    /// The program whose full path or basename is exactly `word`, as rssh's `check_command()` matches.
    ///
    /// git's programs all run from the git binary: they are named `git-upload-pack` (or that name in git's
    /// directory, `/usr/bin/git-upload-pack`), never `git` alone (`CommandVetter` joins `git upload-pack`).
    public func program(named word: [UInt8]) -> ServerProgram? {
        for program in ServerProgram.allCases {
            guard let path = programs[program.rawValue], !path.isEmpty else { continue }
            let full = path.utf8
            let nameStart = full.lastIndex(of: UInt8(ascii: "/")).map { full.index(after: $0) } ?? full.startIndex
            let found =
                program.isGit
                ? Self.word(word, is: full[..<nameStart], program.name.utf8)
                : Self.word(word, is: full[..<nameStart], full[nameStart...])
            if found { return program }
        }
        return nil
    }

    /// Whether `word` is `name` or `directory` followed by `name`.
    private static func word<Name: Collection<UInt8>>(
        _ word: [UInt8],
        is directory: Substring.UTF8View,
        _ name: Name
    ) -> Bool {
        if word.elementsEqual(name) { return true }
        return word.count == directory.count + name.count && word.starts(with: directory)
            && word[directory.count...].elementsEqual(name)
    }
}
