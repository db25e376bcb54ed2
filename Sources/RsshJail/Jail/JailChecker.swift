import Glibc
import RsshCore

/// Checks a jail the way `rssh_chroot_helper` needs it: safe path, programs that run inside it, device
/// nodes, a live log socket, no password hashes, no setuid files.
public struct JailChecker {
    /// The jail directory.
    public var root: String
    /// The programs (compiled-in paths) that must run in this jail.
    public var requiredPrograms: [String]
    /// Other configured programs: checked when present, not required.
    public var optionalPrograms: [String]

    /// Creates a checker.
    public init(root: String, requiredPrograms: [String], optionalPrograms: [String]) {
        self.root = root
        self.requiredPrograms = requiredPrograms
        self.optionalPrograms = optionalPrograms
    }

    /// Runs every check.
    public func check() -> [JailFinding] {
        var findings: [JailFinding] = []
        do {
            try JailPath.check(root, status: FileStatus.lstat)
            findings.append(.ok("\(root): every component is a root-owned directory not writable by others"))
        } catch {
            findings.append(.problem(error.description))
            return findings
        }
        for program in requiredPrograms + optionalPrograms.filter({ !requiredPrograms.contains($0) }) {
            let required = requiredPrograms.contains(program)
            guard FileSystem.status(root + program) != nil else {
                if required {
                    findings.append(.problem("\(program) is allowed for users of this jail but missing in it"))
                }
                continue
            }
            do {
                try JailPath.check(root + FileSystem.directory(of: program), status: FileStatus.lstat)
            } catch {
                findings.append(.problem("\(program): \(error.description)"))
                continue
            }
            let outcome = ProgramProbe.run(program, in: root)
            if outcome.started {
                findings.append(.ok("\(program) runs inside the jail (exit \(outcome.status ?? -1))"))
            } else {
                let detail = outcome.output.split(separator: "\n").first.map(String.init) ?? "no output"
                findings.append(.problem("\(program) does not run inside the jail: \(detail)"))
            }
        }
        for (name, major, minor) in [("null", UInt32(1), UInt32(3)), ("zero", 1, 5), ("urandom", 1, 9)] {
            let path = root + "/dev/" + name
            if let info = FileSystem.status(path), info.st_mode & S_IFMT == S_IFCHR,
                info.st_rdev == FileSystem.deviceNumber(major: major, minor: minor)
            {
                findings.append(.ok("/dev/\(name) is the right device node"))
            } else {
                findings.append(.problem("/dev/\(name) is missing or not the right device node"))
            }
        }
        let socket = root + "/dev/log"
        if let info = FileSystem.status(socket), info.st_mode & S_IFMT == S_IFSOCK {
            findings.append(
                jail_unix_datagram_connect(socket)
                    ? .ok("/dev/log is a live log socket")
                    : .problem("/dev/log exists but nothing listens on it (is rsyslog running?)")
            )
        } else {
            findings.append(.problem("no log socket at \(socket) (add the rsyslog lines rsshctl jail build prints)"))
        }
        if FileSystem.status(root + "/etc/shadow") != nil {
            findings.append(.problem("/etc/shadow exists in the jail"))
        }
        if let passwd = try? FileSystem.read(root + "/etc/passwd") {
            let hashed = String(decoding: passwd, as: UTF8.self).split(separator: "\n").filter { line in
                let fields = line.split(separator: ":", omittingEmptySubsequences: false)
                return fields.count > 1 && fields[1] != "x" && fields[1] != "*" && fields[1] != "!"
            }
            findings.append(
                hashed.isEmpty
                    ? .ok("/etc/passwd holds no password hashes") : .problem("/etc/passwd holds password fields")
            )
        } else {
            findings.append(.problem("no /etc/passwd in the jail (names cannot be looked up)"))
        }
        let privileged = setuidFiles(in: root)
        findings.append(
            privileged.isEmpty
                ? .ok("no setuid or setgid files in the jail")
                : .problem("setuid/setgid files in the jail: \(privileged.prefix(5).joined(separator: ", "))")
        )
        return findings
    }

    private func setuidFiles(in directory: String, depth: Int = 0) -> [String] {
        guard depth < 32, let handle = jail_opendir(directory) else { return [] }
        defer { jail_closedir(handle) }
        var found: [String] = []
        while let entry = jail_readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let path = directory + "/" + name
            guard let info = FileSystem.status(path) else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                found += setuidFiles(in: path, depth: depth + 1)
            } else if info.st_mode & S_IFMT == S_IFREG, info.st_mode & (S_ISUID | S_ISGID) != 0 {
                found.append(String(path.dropFirst(root.count)))
            }
        }
        return found
    }
}
