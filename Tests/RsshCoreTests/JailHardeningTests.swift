import Glibc
import Testing

@testable import RsshCore
@testable import RsshJail

/// A root-owned scratch directory under /opt (not /tmp: a jail below a world-writable directory is refused),
/// removed with everything in it when released.
private final class RootScratch {
    let path: String

    init() throws {
        var template = Array("/opt/rssh-jailtest-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let made else { throw SystemError(call: "mkdtemp", code: errno) }
        path = made
        chmod(path, 0o755)
    }

    func mkdir(_ name: String, mode: mode_t = 0o755, owner: uid_t = 0) {
        Glibc.mkdir(path + "/" + name, mode)
        chown(path + "/" + name, owner, 0)
        chmod(path + "/" + name, mode)
    }

    func file(_ name: String, _ text: String = "", mode: mode_t = 0o644) {
        let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, mode)
        _ = text.utf8CString.withUnsafeBytes { write(fd, $0.baseAddress, $0.count - 1) }
        fchmod(fd, mode)
        close(fd)
    }

    func status(_ name: String) -> stat? { FileSystem.status(path + "/" + name) }

    deinit { Self.remove(path) }

    private static func remove(_ path: String) {
        guard let info = FileSystem.status(path) else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            _ = setImmutable(path, false)
            umount2(path, Int32(MNT_DETACH))
            if let directory = opendir(path) {
                var names: [String] = []
                while let entry = readdir(directory) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                    }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(directory)
                for name in names { remove(path + "/" + name) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

private let isRoot = getuid() == 0

/// Whether the directory `path` is immutable (nil when its flags cannot be read).
private func isImmutable(_ path: String) -> Bool? {
    guard let directory = try? JailDirectory.openExisting(path), let flags = try? directory.inodeFlags() else {
        return nil
    }
    return flags & jail_immutable_flag() != 0
}

/// Sets or clears the immutable attribute of the directory `path`, as `chattr` does.
@discardableResult
private func setImmutable(_ path: String, _ on: Bool) -> Bool {
    guard let directory = try? JailDirectory.openExisting(path), let flags = try? directory.inodeFlags() else {
        return false
    }
    let wanted = on ? flags | jail_immutable_flag() : flags & ~jail_immutable_flag()
    return wanted == flags || (try? directory.setInodeFlags(wanted)) == true
}

private func user(_ home: String, uid: uid_t = 65_534) -> JailUser {
    JailUser(
        name: "jailtest",
        uid: uid,
        gid: 65_534,
        gecos: "",
        home: home,
        shell: "/usr/local/bin/rssh",
        groups: [JailGroup(name: "nogroup", gid: 65_534)]
    )
}

private func builder(_ root: String, users: [JailUser] = []) -> JailBuilder {
    JailBuilder(root: root, users: users, programs: [], resolver: LibraryResolver(searchDirectories: []) { _ in nil })
}

/// `rsshctl jail build` as root on a real file system: the jail path is checked like the helper checks it,
/// nothing is changed by path, and what already exists is verified before it is reused.
@Suite(.serialized, .enabled(if: isRoot, "needs root (chown, mknod)"))
struct JailBuilderHardeningTests {
    @Test func aFreshJailIsBuiltRootOwnedWithDevices() throws {
        let scratch = try RootScratch()
        try builder(scratch.path + "/jail").build { _ in }
        for name in ["jail", "jail/etc", "jail/dev"] {
            #expect(scratch.status(name).map { $0.st_uid == 0 && $0.st_mode & 0o7777 == 0o755 } == true, "\(name)")
        }
        #expect(scratch.status("jail/tmp")?.st_mode ?? 0 & 0o7777 == S_IFDIR | 0o1777)
        let null = try #require(scratch.status("jail/dev/null"))
        #expect(null.st_mode == S_IFCHR | 0o666 && null.st_rdev == FileSystem.deviceNumber(major: 1, minor: 3))
        #expect(scratch.status("jail/etc/passwd")?.st_mode == S_IFREG | 0o644)
        // Idempotent: a second run changes nothing and reports nothing but the devices line.
        var lines: [String] = []
        try builder(scratch.path + "/jail").build { lines.append($0) }
        #expect(lines == ["device nodes /dev/null, /dev/zero, /dev/urandom in place"])
    }

    /// The jail path must pass the helper's own rules before anything is written (item 1).
    @Test(arguments: [
        ("group-writable parent", "writable by group or others"),
        ("parent owned by a user", "owned by uid 65534"),
        ("symlink in the path", "symbolic link"),
    ])
    func anUnsafeJailPathIsRefused(_ name: String, _ fragment: String) throws {
        let scratch = try RootScratch()
        var root = scratch.path + "/jail"
        switch name {
        case "group-writable parent": chmod(scratch.path, 0o775)
        case "parent owned by a user": chown(scratch.path, 65_534, 0)
        default:
            scratch.mkdir("real")
            symlink(scratch.path + "/real", scratch.path + "/link")
            root = scratch.path + "/link/jail"
        }
        #expect {
            try builder(root).build { _ in }
        } throws: { error in
            guard case .unsafeJailPath(let problem) = error as? JailBuildError else { return false }
            return problem.description.contains(fragment)
        }
        #expect(scratch.status("jail") == nil && scratch.status("real/jail") == nil, "nothing was created")
    }

    /// A directory inside the jail that a user owns or can write may hold planted files: refused, named.
    @Test(arguments: [
        ("etc", mode_t(0o755), uid_t(65_534), "owned by uid 65534"),
        ("dev", 0o777, 0, "writable by group or others"),
        ("tmp", 0o1777, 65_534, "owned by uid 65534"),
    ])
    func anUnsafeExistingDirectoryIsRefused(
        _ name: String,
        _ mode: mode_t,
        _ owner: uid_t,
        _ fragment: String
    )
        throws
    {
        let scratch = try RootScratch()
        scratch.mkdir("jail")
        scratch.mkdir("jail/" + name, mode: mode, owner: owner)
        #expect {
            try builder(scratch.path + "/jail").build { _ in }
        } throws: { error in
            guard case .unsafeEntry(let path, let reason) = error as? JailBuildError else { return false }
            return path == scratch.path + "/jail/" + name && reason.contains(fragment)
        }
    }

    /// A root-owned directory with a harmless wrong mode or group is fixed through its descriptor.
    @Test func aSafeExistingDirectoryIsFixed() throws {
        let scratch = try RootScratch()
        scratch.mkdir("jail")
        scratch.mkdir("jail/etc", mode: 0o700)
        chown(scratch.path + "/jail/etc", 0, 5)
        scratch.mkdir("jail/tmp", mode: 0o755)
        var lines: [String] = []
        try builder(scratch.path + "/jail").build { lines.append($0) }
        #expect(scratch.status("jail/etc").map { $0.st_mode & 0o7777 == 0o755 && $0.st_gid == 0 } == true)
        #expect(scratch.status("jail/tmp").map { $0.st_mode & 0o7777 == 0o1777 } == true)
        #expect(lines.contains { $0.hasPrefix("fixed \(scratch.path)/jail/etc") })
    }

    /// Symlinks planted where the builder writes are replaced, never followed: the host file keeps its mode.
    @Test(arguments: ["etc/passwd", "dev/null", "etc/group"])
    func aPlantedSymlinkIsNotFollowed(_ name: String) throws {
        let scratch = try RootScratch()
        scratch.file("victim", "secret\n", mode: 0o600)
        scratch.mkdir("jail")
        scratch.mkdir("jail/etc")
        scratch.mkdir("jail/dev")
        symlink(scratch.path + "/victim", scratch.path + "/jail/" + name)
        try builder(scratch.path + "/jail").build { _ in }
        #expect(scratch.status("victim")?.st_mode == S_IFREG | 0o600)
        #expect(try FileSystem.read(scratch.path + "/victim") == Array("secret\n".utf8))
        #expect(scratch.status("jail/" + name).map { $0.st_mode & S_IFMT != S_IFLNK } == true)
    }

    /// A directory on the way to a file the builder writes, replaced by a symlink, is refused.
    @Test func aSymlinkedDirectoryInsideTheJailIsRefused() throws {
        let scratch = try RootScratch()
        scratch.mkdir("host")
        scratch.mkdir("jail")
        symlink(scratch.path + "/host", scratch.path + "/jail/etc")
        #expect(
            throws: JailBuildError.unsafeEntry(
                path: scratch.path + "/jail/etc",
                reason: "is a symbolic link or not a directory"
            )
        ) {
            try builder(scratch.path + "/jail").build { _ in }
        }
        #expect(scratch.status("host/passwd") == nil)
    }

    /// A new home is the user's, but its `.ssh` is root's and immutable: sshd reads authorized_keys there, and
    /// the user must not be able to rename it away (review 3, F5).
    @Test func aNewHomeHasARootOwnedImmutableSshDirectory() throws {
        let scratch = try RootScratch()
        let root = scratch.path + "/jail"
        try builder(root, users: [user(root + "/home/jailtest")]).build { _ in }
        let home = try #require(scratch.status("jail/home/jailtest"))
        #expect(home.st_uid == 65_534 && home.st_mode & 0o7777 == 0o750)
        let ssh = try #require(scratch.status("jail/home/jailtest/.ssh"))
        #expect(ssh.st_uid == 0 && ssh.st_gid == 0 && ssh.st_mode == S_IFDIR | 0o755)
        #expect(isImmutable(root + "/home/jailtest/.ssh") == true)
        #expect(scratch.status("jail/home").map { $0.st_uid == 0 && $0.st_mode & 0o7777 == 0o755 } == true)
        #expect(scratch.status("jail/home/jailtest/" + JailDirectory.sshTemporaryName) == nil)
        // Even root cannot rename an immutable directory: the user, who owns the home, cannot either.
        #expect(rename(root + "/home/jailtest/.ssh", root + "/home/jailtest/moved") != 0 && errno == EPERM)
    }

    /// An existing home from an older build gets its root-owned `.ssh` made immutable, its mode fixed with the
    /// attribute cleared and set again; building again changes nothing.
    @Test func anOlderJailsSshDirectoryIsProtectedByBuildingAgain() throws {
        let scratch = try RootScratch()
        let root = scratch.path + "/jail"
        let account = user(root + "/home/jailtest")
        try builder(root, users: [account]).build { _ in }
        let ssh = root + "/home/jailtest/.ssh"
        setImmutable(ssh, false)
        chmod(ssh, 0o700)
        var lines: [String] = []
        try builder(root, users: [account]).build { lines.append($0) }
        #expect(lines.contains { $0.contains("protected \(ssh): root:root 755 (was gid 0, mode 700), immutable") })
        #expect(isImmutable(ssh) == true && scratch.status("jail/home/jailtest/.ssh")?.st_mode == S_IFDIR | 0o755)
        lines = []
        try builder(root, users: [account]).build { lines.append($0) }
        #expect(!lines.contains { $0.contains(".ssh") })
    }

    /// A `.ssh` the user owns may hold planted keys: the build refuses it instead of adopting it.
    @Test func aUserOwnedSshDirectoryIsRefused() throws {
        let scratch = try RootScratch()
        let root = scratch.path + "/jail"
        let account = user(root + "/home/jailtest")
        try builder(root, users: [account]).build { _ in }
        setImmutable(root + "/home/jailtest/.ssh", false)
        rename(root + "/home/jailtest/.ssh", root + "/home/jailtest/old")
        scratch.mkdir("jail/home/jailtest/.ssh", mode: 0o700, owner: 65_534)
        #expect {
            try builder(root, users: [account]).build { _ in }
        } throws: { error in
            "\(error)".contains("is owned by uid 65534, not root")
        }
    }

    /// F10: a directory swapped in between the mkdir and the open of a new `.ssh` is detected, and nothing
    /// is renamed to `.ssh`.
    @Test func aSwapBetweenMkdirAndOpenIsDetected() throws {
        let scratch = try RootScratch()
        scratch.mkdir("home", mode: 0o755)
        scratch.mkdir("home/jailtest", mode: 0o750, owner: 65_534)
        let home = try JailDirectory.openExisting(scratch.path + "/home/jailtest")
        let temporary = scratch.path + "/home/jailtest/" + JailDirectory.sshTemporaryName
        #expect {
            _ = try home.protectSsh(rootOnlyHomeSuffices: true) {
                rename(temporary, scratch.path + "/home/jailtest/made")
                Glibc.mkdir(temporary, 0o700)
            }
        } throws: { error in
            "\(error)".contains("was renamed or replaced")
        }
        #expect(scratch.status("home/jailtest/.ssh") == nil)
    }

    /// `rsshctl ssh protect` on a user's own home: a new `.ssh` is made root-owned and immutable.
    @Test func aUsersOwnHomeGetsAProtectedSshDirectory() throws {
        let scratch = try RootScratch()
        scratch.mkdir("alice", mode: 0o750, owner: 65_534)
        let home = try JailDirectory.openExisting(scratch.path + "/alice")
        #expect(try home.protectSsh(rootOnlyHomeSuffices: true)?.contains("root-owned, immutable") == true)
        #expect(isImmutable(scratch.path + "/alice/.ssh") == true)
        let ssh = SshDirectory.inspect(
            home: Array((scratch.path + "/alice").utf8),
            homeStatus: FileStatus.lstat(scratch.path + "/alice")
        )
        #expect(ssh.immutable && ssh.problem == nil)
        #expect(try home.protectSsh(rootOnlyHomeSuffices: true) == nil)
    }

    /// `jail check` reports a `~/.ssh` the user has taken over (the user owns the home, so can replace it).
    @Test func checkReportsAnSshDirectoryTheUserControls() throws {
        let scratch = try RootScratch()
        let root = scratch.path + "/jail"
        let account = user(root + "/home/jailtest")
        try builder(root, users: [account]).build { _ in }
        let checker = JailChecker(root: root, requiredPrograms: [], optionalPrograms: []) { _ in account }
        let passwd = try FileSystem.read(root + "/etc/passwd")
        #expect(checker.sshFindings(passwd: passwd).map(\.isProblem) == [false])
        #expect(checker.accountFindings(passwd: passwd).map(\.isProblem) == [false])
        setImmutable(root + "/home/jailtest/.ssh", false)
        #expect(checker.sshFindings(passwd: passwd).first?.message.contains("not immutable") == true)
        chown(root + "/home/jailtest/.ssh", 65_534, 65_534)
        #expect(checker.sshFindings(passwd: passwd).map(\.isProblem) == [true])
        rmdir(root + "/home/jailtest/.ssh")
        #expect(checker.sshFindings(passwd: passwd).first?.message.contains("is missing") == true)
    }

    @Test func aHomeThatIsAManagedDirectoryIsRefused() throws {
        let scratch = try RootScratch()
        let root = scratch.path + "/jail"
        #expect(throws: JailBuildError.self) {
            try builder(root, users: [user(root + "/etc")]).build { _ in }
        }
        #expect(scratch.status("jail/etc").map { $0.st_uid == 0 } ?? true)
    }
}

/// What `rsshctl jail check`'s set-id scan sees (item 3).
@Suite(.serialized, .enabled(if: isRoot, "needs root (chown, setuid bits, mount)"))
struct JailScanTests {
    private func jail(_ scratch: RootScratch) {
        scratch.mkdir("jail")
        scratch.mkdir("jail/bin")
        scratch.file("jail/bin/su", mode: 0o4755)
        chmod(scratch.path + "/jail/bin/su", 0o4755)
    }

    private func messages(_ scratch: RootScratch) -> [String] {
        JailChecker(root: scratch.path + "/jail", requiredPrograms: [], optionalPrograms: []).setidFindings()
            .filter(\.isProblem).map(\.message)
    }

    @Test(arguments: [
        (mode_t(0o755), uid_t(65_534), "writable by uid 65534"),
        (0o775, 0, "writable by group 0"),
        (0o1777, 0, "writable by others"),
    ])
    func aUserWritableDirectoryBesideASetuidFileIsReported(_ mode: mode_t, _ owner: uid_t, _ who: String) throws {
        let scratch = try RootScratch()
        jail(scratch)
        scratch.mkdir("jail/home", mode: mode, owner: owner)
        let problems = messages(scratch)
        #expect(problems.contains { $0.contains("setuid/setgid files in the jail: /bin/su") })
        #expect(
            problems.contains { $0.hasPrefix("/home is \(who) on the same file system as the set-id file /bin/su") },
            "\(problems)"
        )
    }

    @Test func aRootOnlyTreeWithoutSetuidFilesIsClean() throws {
        let scratch = try RootScratch()
        scratch.mkdir("jail")
        scratch.mkdir("jail/home", mode: 0o755, owner: 65_534)
        scratch.mkdir("jail/tmp", mode: 0o1777)
        #expect(messages(scratch).isEmpty)
    }

    @Test func aSymlinkOutOfTheJailIsNotFollowed() throws {
        let scratch = try RootScratch()
        scratch.mkdir("jail")
        symlink("/usr/bin", scratch.path + "/jail/bin")
        #expect(messages(scratch).isEmpty)
    }

    @Test func directoriesBeyondTheDepthLimitAreReported() throws {
        let scratch = try RootScratch()
        scratch.mkdir("jail")
        var path = "jail"
        for _ in 0...JailChecker.scanDepthLimit {
            path += "/d"
            scratch.mkdir(path)
        }
        let problems = messages(scratch)
        #expect(problems.count == 1 && problems.first?.contains("levels deep; not scanned") == true, "\(problems)")
    }

    /// Mount points are not entered; one without nosuid is a problem, a nosuid one is fine.
    @Test(arguments: [(UInt(0), true), (UInt(MS_NOSUID), false)])
    func mountPointsAreReportedNotEntered(_ flags: UInt, _ isProblem: Bool) throws {
        let scratch = try RootScratch()
        scratch.mkdir("jail")
        scratch.mkdir("jail/mnt")
        try #require(mount("none", scratch.path + "/jail/mnt", "tmpfs", flags, nil) == 0)
        defer { umount2(scratch.path + "/jail/mnt", Int32(MNT_DETACH)) }
        scratch.file("jail/mnt/su", mode: 0o4755)
        chmod(scratch.path + "/jail/mnt/su", 0o4755)
        let findings = JailChecker(root: scratch.path + "/jail", requiredPrograms: [], optionalPrograms: [])
            .setidFindings()
        let mount = try #require(findings.first { $0.message.hasPrefix("/mnt is a") })
        #expect(mount.isProblem == isProblem)
        #expect(!findings.contains { $0.message.contains("/mnt/su") }, "the mount was not entered")
    }
}
