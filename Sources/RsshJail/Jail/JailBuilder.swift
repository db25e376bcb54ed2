import Glibc
import RsshCore

/// Builds or updates a jail for `rssh_chroot_helper`, idempotently.
///
/// It copies each configured transfer program that exists on the host to the same path inside the jail with
/// every library and the loader it needs, the NSS pieces for name lookups, a passwd and group file holding
/// only root and the named users, real device nodes, a `dev/` ready for a log socket, and homes for the
/// named users whose passwd home lies inside the jail. Everything but those homes is root-owned and not
/// writable by others, as the helper requires.
public struct JailBuilder {
    /// The jail directory (absolute).
    public var root: String
    /// Users to add.
    public var users: [JailUser]
    /// The programs (compiled-in paths) to copy when present on the host.
    public var programs: [String]
    /// Finds libraries.
    public var resolver: LibraryResolver

    /// Creates a builder.
    public init(root: String, users: [JailUser], programs: [String], resolver: LibraryResolver) {
        self.root = root
        self.users = users
        self.programs = programs
        self.resolver = resolver
    }

    /// Builds the jail.
    /// - Parameter report: receives one line per action.
    public func build(report: (String) -> Void) throws(FileError) {
        for created in try FileSystem.makeDirectories(root) { report("created \(created)") }
        for directory in ["etc", "dev", "tmp"] {
            try FileSystem.makeDirectories(root + "/" + directory)
        }
        // tmp: like the host's /tmp (sticky, world-writable) so programs that need scratch space work.
        try FileSystem.own(root + "/tmp", uid: 0, gid: 0, mode: 0o1777)
        var files: [String] = []
        for program in programs where FileSystem.exists(program) {
            files.append(program)
            do {
                files += try resolver.closure(of: program)
            } catch {
                report("warning: \(error); \(program) will not run in the jail")
            }
        }
        if let library = nssFilesLibrary(), !files.contains(library) {
            files.append(library)
            files += (try? resolver.closure(of: library)) ?? []
        }
        for file in files {
            // Keep the host's permission bits (ld.so must stay executable), minus any write or set-id bits.
            let mode = (FileSystem.followedStatus(file)?.st_mode ?? 0o644) & 0o755
            if try copy(file, mode: mode) { report("copied \(file)") }
        }
        for (name, text) in configurationFiles() {
            if try writeIfChanged(Array(text.utf8), to: root + "/etc/" + name, mode: 0o644) {
                report("wrote /etc/\(name)")
            }
        }
        if FileSystem.exists("/etc/ld.so.cache"), try copy("/etc/ld.so.cache", mode: 0o644) {
            report("copied /etc/ld.so.cache")
        }
        for (name, major, minor) in [("null", UInt32(1), UInt32(3)), ("zero", 1, 5), ("urandom", 1, 9)] {
            try FileSystem.makeCharacterDevice(root + "/dev/" + name, major: major, minor: minor, mode: 0o666)
        }
        report("device nodes /dev/null, /dev/zero, /dev/urandom in place")
        for user in users {
            guard user.home.hasPrefix(root + "/") else {
                report("note: \(user.name)'s home \(user.home) is outside the jail; sessions will start in /")
                continue
            }
            try FileSystem.makeDirectories(FileSystem.directory(of: user.home))
            if FileSystem.status(user.home) == nil {
                guard jail_mkdir(user.home, 0o750) == 0 else {
                    throw FileError(operation: "mkdir", path: user.home, code: jail_errno())
                }
                try FileSystem.own(user.home, uid: user.uid, gid: user.gid, mode: 0o750)
                report("created home \(user.home) for \(user.name)")
            }
        }
    }

    /// The lines an admin adds to rsyslog so the jail's programs can log.
    public var rsyslogSnippet: String {
        """
        # /etc/rsyslog.d/rssh-jail.conf: a log socket inside the jail (see Config/rsyslog-rssh.conf)
        module(load="imuxsock")
        input(type="imuxsock" Socket="\(root)/dev/log" CreatePath="on")
        """
    }

    /// The first libnss_files.so.2 on the library path, as the loader would find it (glibc 2.34+ has it in
    /// libc, but a stub is still installed and nsswitch.conf may name it).
    private func nssFilesLibrary() -> String? {
        resolver.searchDirectories.lazy.map { $0 + "/libnss_files.so.2" }.first(where: FileSystem.exists)
    }

    private func configurationFiles() -> [(String, String)] {
        var passwd = "root:x:0:0:root:/root:/usr/sbin/nologin\n"
        var group = "root:x:0:\n"
        var groups: Set<gid_t> = [0]
        for user in users where user.uid != 0 {
            passwd += user.passwdLine
            if !groups.contains(user.gid) {
                groups.insert(user.gid)
                group += "\(user.groupName):x:\(user.gid):\n"
            }
        }
        let nsswitch = "passwd: files\ngroup: files\nshadow: files\nhosts: files\nservices: files\n"
        return [("passwd", passwd), ("group", group), ("nsswitch.conf", nsswitch)]
    }

    /// Copies a host file to the same path in the jail (following symlinks on the host side).
    /// - Returns: whether anything changed.
    private func copy(_ path: String, mode: mode_t) throws(FileError) -> Bool {
        try FileSystem.makeDirectories(root + FileSystem.directory(of: path))
        return try writeIfChanged(try FileSystem.read(path), to: root + path, mode: mode)
    }

    private func writeIfChanged(_ bytes: [UInt8], to path: String, mode: mode_t) throws(FileError) -> Bool {
        if let info = FileSystem.status(path), info.st_mode & S_IFMT == S_IFREG, info.st_size == bytes.count,
            (try? FileSystem.read(path)) == bytes
        {
            try FileSystem.own(path, uid: 0, gid: 0, mode: mode)
            return false
        }
        try FileSystem.write(bytes, to: path, mode: mode)
        return true
    }
}
