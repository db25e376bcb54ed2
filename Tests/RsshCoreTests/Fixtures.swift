@testable import RsshCore

/// Debian's paths, as a build on Debian 12 would compile in.
let debianPaths = ProgramPaths(
    configFile: "/etc/rssh.conf",
    chrootHelper: "/usr/libexec/rssh_chroot_helper",
    programs: ProgramPaths.checksumPaths(in: "/usr/bin").merging(ProgramPaths.gitPaths(git: "/usr/bin/git")) {
        first,
        _ in first
    }
    .merging([
        .sftpServer: "/usr/lib/openssh/sftp-server",
        .scp: "/usr/bin/scp",
        .cvs: "/usr/bin/cvs",
        .rdist: "/usr/bin/rdist",
        .rdistd: "/usr/sbin/rdistd",
        .rsync: "/usr/bin/rsync",
        .svnserve: "/usr/bin/svnserve",
        .borg: "/usr/bin/borg",
    ]) { first, _ in first }
)

let everything = ProgramSet(TransferProgram.allCases)

/// A restricted account, as passwd would give it.
let alice = Account(
    name: "alice",
    uid: 1001,
    gid: 1001,
    home: Array("/home/alice".utf8),
    shell: Array("/usr/local/bin/rssh".utf8)
)

func vet(_ line: String, allowed: ProgramSet = everything) throws(CommandRejection) -> VettedCommand {
    try CommandVetter.vet(
        Array(line.utf8),
        allowed: allowed,
        paths: debianPaths,
        expansion: FileSystemExpansion.literal(homeDirectory: Array("/home/alice".utf8))
    )
}
