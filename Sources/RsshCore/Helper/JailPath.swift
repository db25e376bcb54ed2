/// The rules a jail path must meet before anyone is chrooted into it.
///
/// They are OpenSSH's rules for `ChrootDirectory`: an absolute path whose every component, from `/` down, is a real directory (not a symlink) owned by root
/// and writable by nobody else. Otherwise the user could replace part of the jail, plant a setuid binary's
/// hard link or a fake `ld.so`, and become root (the CVE-2005-3345 class).
public enum JailPath {
    /// Why a jail path is unsafe.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not absolute, or with `.`/`..` components.
        case notCanonical(String)
        /// A component does not exist.
        case missing(String)
        /// A component is a symbolic link.
        case symlink(String)
        /// A component is not a directory.
        case notDirectory(String)
        /// A component is owned by someone other than root.
        case notOwnedByRoot(String, owner: UInt32)
        /// A component is writable by group or others.
        case writable(String, mode: UInt32)

        /// The reason, naming the component.
        public var description: String {
            switch self {
            case .notCanonical(let path): "jail path \(path) must be absolute, without '.' or '..'"
            case .missing(let path): "jail component \(path) does not exist"
            case .symlink(let path): "jail component \(path) is a symbolic link"
            case .notDirectory(let path): "jail component \(path) is not a directory"
            case .notOwnedByRoot(let path, let owner): "jail component \(path) is owned by uid \(owner), not root"
            case .writable(let path, let mode):
                "jail component \(path) is writable by group or others (mode \(String(mode & 0o7777, radix: 8)))"
            }
        }
    }

    /// The components to check for `path`: `/`, then each prefix down to the path itself.
    ///
    /// Split at every `/` byte, as the kernel resolves it: a String split goes by Character, and a combining
    /// mark after a `/` would join it to the component before, which would then never be checked.
    public static func components(of path: String) -> [String]? {
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        let bytes = Array(path.utf8)
        guard bytes.first == slash else { return nil }
        var result = ["/"]
        var current: [UInt8] = []
        for part in bytes.split(separator: slash) {
            guard !part.elementsEqual([dot]) && !part.elementsEqual([dot, dot]) else { return nil }
            current.append(slash)
            current += part
            result.append(String(decoding: current, as: UTF8.self))
        }
        return result
    }

    /// Checks `path` with `status` (lstat(2) in real use, a table in tests).
    /// - Throws: the first `Problem` found, from the root down.
    public static func check(_ path: String, status: (String) -> FileStatus?) throws(Problem) {
        guard let components = components(of: path) else { throw .notCanonical(path) }
        for component in components {
            guard let info = status(component) else { throw .missing(component) }
            if info.isSymlink { throw .symlink(component) }
            guard info.isDirectory else { throw .notDirectory(component) }
            guard info.owner == 0 else { throw .notOwnedByRoot(component, owner: info.owner) }
            guard !info.isWritableByOthers else { throw .writable(component, mode: info.mode) }
        }
    }

    /// Checks `path` with lstat(2), as a helper refusal.
    static func checked(_ path: String) throws(ChrootHelper.Refusal) {
        do {
            try check(path, status: FileStatus.lstat)
        } catch {
            throw ChrootHelper.Refusal(
                reason: error.description,
                userMessage: "the jail is not safe; ask your administrator"
            )
        }
    }

    /// Where the user starts inside the jail: the passwd home with the jail prefix removed, as rssh does
    /// (`/srv/jail/home/alice` in jail `/srv/jail` → `/home/alice`), or nil when the home is outside the jail.
    public static func homeInside(jail: String, home: [UInt8]) -> [UInt8]? {
        var prefix = Array(jail.utf8)
        while prefix.count > 1 && prefix.last == UInt8(ascii: "/") { prefix.removeLast() }
        if prefix == [UInt8(ascii: "/")] { return home }
        guard home.starts(with: prefix) else { return nil }
        let rest = Array(home[prefix.count...])
        if rest.isEmpty || rest == [UInt8(ascii: "/")] { return [UInt8(ascii: "/")] }
        guard rest.first == UInt8(ascii: "/") else { return nil }
        return rest
    }
}
