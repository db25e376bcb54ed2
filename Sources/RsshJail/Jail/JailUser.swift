import Glibc

/// A user to put into a jail's passwd and group files, looked up on the host.
public struct JailUser: Sendable, Equatable {
    /// Login name.
    public var name: String
    /// uid.
    public var uid: uid_t
    /// Primary gid.
    public var gid: gid_t
    /// Primary group name.
    public var groupName: String
    /// GECOS field.
    public var gecos: String
    /// Home directory (the full outside path, as rssh's helper expects).
    public var home: String
    /// Login shell.
    public var shell: String

    /// Looks `name` up in the host's passwd and group databases.
    public static func lookup(_ name: String) -> JailUser? {
        guard let entry = jail_getpwnam(name)?.pointee else { return nil }
        let groupName = jail_getgrgid(entry.pw_gid).flatMap { $0.pointee.gr_name.map { String(cString: $0) } }
        return JailUser(
            name: name,
            uid: entry.pw_uid,
            gid: entry.pw_gid,
            groupName: groupName ?? name,
            gecos: entry.pw_gecos.map { String(cString: $0) } ?? "",
            home: entry.pw_dir.map { String(cString: $0) } ?? "/",
            shell: entry.pw_shell.map { String(cString: $0) } ?? "/bin/false"
        )
    }

    /// The jail's passwd line (no password hash: "x").
    var passwdLine: String { "\(name):x:\(uid):\(gid):\(gecos.filter { $0 != ":" && $0 != "\n" }):\(home):\(shell)\n" }
}
