import Glibc
import RsshCore

/// Builds or updates a jail for `rssh_chroot_helper`, idempotently.
///
/// It copies each configured transfer program that exists on the host to the same path inside the jail with
/// every library and the loader it needs, the NSS pieces for name lookups, a passwd and group file holding
/// only root and the named users with their primary and supplementary groups (`JailAccounts`, from NSS), real
/// device nodes, a `dev/` ready for a log socket, and homes for the named users whose passwd home lies inside
/// the jail, each with a root-owned, immutable `.ssh` (`chattr +i`: the user can neither rename nor replace it). Everything but those homes is root-owned and not writable by
/// others, as the helper requires.
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
    ///
    /// It refuses unless the jail path meets the helper's rules (root-owned, not writable by group or others,
    /// no symlinks, from `/` down); a missing jail is created under a parent that meets them. Everything is
    /// then reached through open directory descriptors (see `JailDirectory`).
    /// - Parameter report: receives one line per action.
    public func build(report: (String) -> Void) throws(JailBuildError) {
        for user in users {
            if let home = homeComponents(user), let clash = managedPaths.first(where: { $0.starts(with: home) }) {
                throw .unsafeEntry(
                    path: user.home,
                    reason:
                        "is \(user.name)'s home, but rsshctl keeps /\(clash.joined(separator: "/")) root-owned there"
                )
            }
        }
        var created: [String] = []
        let jail = try JailDirectory.openJail(root, created: &created)
        for path in created { report("created \(path)") }
        _ = try jail.subdirectory("etc", report: report)
        _ = try jail.subdirectory("dev", report: report)
        // tmp: like the host's /tmp (sticky, world-writable) so programs that need scratch space work.
        _ = try jail.subdirectory("tmp", mode: 0o1777, report: report)
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
            if try copy(file, mode: mode, into: jail, report: report) { report("copied \(file)") }
        }
        let accounts = JailAccounts.files(for: users)
        let nsswitch = "passwd: files\ngroup: files\nshadow: files\nhosts: files\nservices: files\n"
        let etc = try jail.subdirectory("etc", report: report)
        for (name, text) in [("passwd", accounts.passwd), ("group", accounts.group), ("nsswitch.conf", nsswitch)] {
            if try etc.writeFile(name, Array(text.utf8), mode: 0o644) { report("wrote /etc/\(name)") }
        }
        if FileSystem.exists("/etc/ld.so.cache"), try copy("/etc/ld.so.cache", mode: 0o644, into: jail, report: report)
        {
            report("copied /etc/ld.so.cache")
        }
        let dev = try jail.subdirectory("dev", report: report)
        for (name, major, minor) in [("null", UInt32(1), UInt32(3)), ("zero", 1, 5), ("urandom", 1, 9)] {
            _ = try dev.characterDevice(name, major: major, minor: minor, mode: 0o666)
        }
        report("device nodes /dev/null, /dev/zero, /dev/urandom in place")
        for user in users {
            guard let components = homeComponents(user), let name = components.last else {
                report("note: \(user.name)'s home \(user.home) is outside the jail; sessions will start in /")
                continue
            }
            let parent = try jail.descendant(Array(components.dropLast()), report: report)
            var createdHome = false
            let home = try parent.home(name, uid: user.uid, gid: user.gid, created: &createdHome)
            if createdHome {
                report("created home \(user.home) for \(user.name) (with a root-owned, immutable .ssh)")
            } else if let done = try home.protectSsh(rootOnlyHomeSuffices: true) {
                report(done)
            }
        }
    }

    /// The home's components below the jail root, nil when it lies outside the jail (or is the jail itself).
    private func homeComponents(_ user: JailUser) -> [String]? {
        guard user.home.hasPrefix(root + "/") else { return nil }
        let components = FileSystem.components(of: String(user.home.dropFirst(root.count)))
        return components.isEmpty ? nil : components
    }

    /// The directories below the jail root that rsshctl keeps root-owned, none of which may be a home.
    private var managedPaths: [[String]] {
        var paths: [[String]] = [["etc"], ["dev"], ["tmp"]]
        for program in programs { paths.append(FileSystem.components(of: FileSystem.directory(of: program))) }
        for directory in resolver.searchDirectories { paths.append(FileSystem.components(of: directory)) }
        return paths
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

    /// Copies a host file to the same path in the jail (following symlinks on the host side).
    /// - Returns: whether anything changed.
    private func copy(
        _ path: String,
        mode: mode_t,
        into jail: borrowing JailDirectory,
        report: (String) -> Void
    )
        throws(JailBuildError) -> Bool
    {
        let components = FileSystem.components(of: path)
        guard let name = components.last else { throw .badName(path) }
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path)
        } catch {
            throw .file(error)
        }
        let directory = try jail.descendant(Array(components.dropLast()), report: report)
        return try directory.writeFile(name, bytes, mode: mode)
    }
}
