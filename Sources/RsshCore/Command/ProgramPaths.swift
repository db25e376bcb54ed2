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
    private var programs: [ServerProgram: String]

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
        self.programs = programs
    }

    /// The paths this binary was built with (the only ones the installed shell and helper ever use).
    public static let compiledIn = ProgramPaths(
        configFile: String(cString: CRsshBuildConfig_config_path()),
        chrootHelper: String(cString: CRsshBuildConfig_chroot_helper_path()),
        configOwner: CRsshBuildConfig_config_owner_uid(),
        shell: String(cString: CRsshBuildConfig_shell_path()),
        sshd: String(cString: CRsshBuildConfig_sshd_path()),
        sshdConfig: String(cString: CRsshBuildConfig_sshd_config_path()),
        programs: checksumPaths(in: String(cString: CRsshBuildConfig_coreutils_dir())).adding(
            gitPaths(git: String(cString: CRsshBuildConfig_git_path()))
        ).adding([
            .sftpServer: String(cString: CRsshBuildConfig_sftp_server_path()),
            .scp: String(cString: CRsshBuildConfig_scp_path()),
            .cvs: String(cString: CRsshBuildConfig_cvs_path()),
            .rdist: String(cString: CRsshBuildConfig_rdist_path()),
            .rdistd: String(cString: CRsshBuildConfig_rdistd_path()),
            .rsync: String(cString: CRsshBuildConfig_rsync_path()),
            .svnserve: String(cString: CRsshBuildConfig_svnserve_path()),
            .borg: String(cString: CRsshBuildConfig_borg_path()),
        ])
    )

    /// The checksum programs' paths in the coreutils directory `directory`.
    public static func checksumPaths(in directory: String) -> [ServerProgram: String] {
        var result: [ServerProgram: String] = [:]
        for program in ServerProgram.checksums { result[program] = directory + "/" + program.name }
        return result
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
        programs[program]
    }

    /// The program whose full path or basename is exactly `word`, as rssh's `check_command()` matches.
    ///
    /// git's programs all run from the git binary: they are named `git-upload-pack` (or that name in git's
    /// directory, `/usr/bin/git-upload-pack`), never `git` alone (`CommandVetter` joins `git upload-pack`).
    public func program(named word: [UInt8]) -> ServerProgram? {
        for program in ServerProgram.allCases {
            guard let path = programs[program], !path.isEmpty else { continue }
            var full = Array(path.utf8)
            if program.isGit {
                let directory = full.lastIndex(of: UInt8(ascii: "/")).map { Array(full[...$0]) } ?? []
                full = directory + Array(program.name.utf8)
            }
            if word == full { return program }
            if let slash = full.lastIndex(of: UInt8(ascii: "/")), word == Array(full[(slash + 1)...]) {
                return program
            }
        }
        return nil
    }
}

extension Dictionary where Key == ServerProgram, Value == String {
    /// This table with `other`'s entries added (Embedded Swift has no `merging`).
    fileprivate func adding(_ other: [ServerProgram: String]) -> [ServerProgram: String] {
        var result = self
        for (program, path) in other { result[program] = path }
        return result
    }
}
