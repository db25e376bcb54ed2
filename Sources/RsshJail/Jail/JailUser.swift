import Glibc

/// A group to write into a jail's group file.
public struct JailGroup: Sendable, Equatable {
    /// Group name.
    public var name: String
    /// gid.
    public var gid: gid_t

    /// Creates a group.
    public init(name: String, gid: gid_t) {
        self.name = name
        self.gid = gid
    }
}

/// An NSS lookup that failed (as opposed to finding nothing), such as an unreachable LDAP server.
public struct AccountLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call, such as `getpwnam_r`.
    public var call: String
    /// The user name or gid looked up.
    public var subject: String
    /// The error number it returned.
    public var code: Int32

    /// `call(subject): reason`.
    public var description: String {
        let reason = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return "\(call)(\(subject)): \(reason)"
    }
}

/// A user to put into a jail's passwd and group files, looked up on the host through NSS.
public struct JailUser: Sendable, Equatable {
    /// Login name.
    public var name: String
    /// uid.
    public var uid: uid_t
    /// Primary gid.
    public var gid: gid_t
    /// GECOS field.
    public var gecos: String
    /// Home directory (the full outside path, as rssh's helper expects).
    public var home: String
    /// Login shell.
    public var shell: String
    /// Every group NSS names for the user (primary and supplementary), in getgrouplist(3) order.
    ///
    /// A gid NSS has no name for is left out: the jail shows it as a number, which is the truth.
    public var groups: [JailGroup]

    /// Creates a user.
    public init(
        name: String,
        uid: uid_t,
        gid: gid_t,
        gecos: String,
        home: String,
        shell: String,
        groups: [JailGroup]
    ) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.gecos = gecos
        self.home = home
        self.shell = shell
        self.groups = groups
    }

    /// Looks `name` up through NSS (getpwnam_r, getgrouplist, getgrgid_r), as sshd and the helper see it, so
    /// LDAP or sssd users and groups are found; /etc/passwd and /etc/group are never read directly.
    /// - Returns: nil when NSS knows no such user.
    /// - Throws: when a lookup fails rather than finding nothing.
    public static func lookup(_ name: String) throws(AccountLookupError) -> JailUser? {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        while true {
            let count = buffer.count
            let code = buffer.withUnsafeMutableBufferPointer { bytes -> Int32 in
                guard let base = bytes.baseAddress else { return ENOMEM }
                return jail_getpwnam_r(name, &entry, base, count, &found)
            }
            if code == ERANGE && count < 1 << 20 {
                buffer = [CChar](repeating: 0, count: count * 2)
                continue
            }
            // ENOENT and friends mean "no such user" to some NSS modules (getpwnam_r(3)).
            if code == ENOENT || code == ESRCH || code == EBADF || code == EPERM { return nil }
            guard code == 0 else { throw AccountLookupError(call: "getpwnam_r", subject: name, code: code) }
            break
        }
        guard found != nil else { return nil }
        let user = JailUser(
            name: name,
            uid: entry.pw_uid,
            gid: entry.pw_gid,
            gecos: entry.pw_gecos.map { String(cString: $0) } ?? "",
            home: entry.pw_dir.map { String(cString: $0) } ?? "/",
            shell: entry.pw_shell.map { String(cString: $0) } ?? "/bin/false",
            groups: []
        )
        var groups: [JailGroup] = []
        for gid in try groupList(name, primary: user.gid) {
            if let group = try groupName(gid), !groups.contains(where: { $0.gid == gid }) {
                groups.append(JailGroup(name: group, gid: gid))
            }
        }
        var result = user
        result.groups = groups
        return result
    }

    /// getgrouplist(3): the primary gid and every supplementary gid NSS reports for `name`.
    private static func groupList(_ name: String, primary: gid_t) throws(AccountLookupError) -> [gid_t] {
        var count: Int32 = 64
        while true {
            var gids = [gid_t](repeating: 0, count: Int(count))
            var filled = count
            let status = gids.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let base = buffer.baseAddress else { return -1 }
                return jail_getgrouplist(name, primary, base, &filled)
            }
            if status >= 0 { return Array(gids.prefix(Int(filled))) }
            // -1 with a larger count means the list did not fit; anything else is a failure.
            guard filled > count, filled <= 65_536 else {
                throw AccountLookupError(call: "getgrouplist", subject: name, code: ENOBUFS)
            }
            count = filled
        }
    }

    /// getgrgid_r(3): the name of `gid`, or nil when NSS has none.
    private static func groupName(_ gid: gid_t) throws(AccountLookupError) -> String? {
        var entry = group()
        var found: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        while true {
            let count = buffer.count
            let code = buffer.withUnsafeMutableBufferPointer { bytes -> Int32 in
                guard let base = bytes.baseAddress else { return ENOMEM }
                return jail_getgrgid_r(gid, &entry, base, count, &found)
            }
            if code == ERANGE && count < 1 << 22 {
                buffer = [CChar](repeating: 0, count: count * 2)
                continue
            }
            if code == ENOENT || code == ESRCH || code == EBADF || code == EPERM { return nil }
            guard code == 0 else { throw AccountLookupError(call: "getgrgid_r", subject: "\(gid)", code: code) }
            guard found != nil, let name = entry.gr_name else { return nil }
            return String(cString: name)
        }
    }

    /// The jail's passwd line, without its newline (no password hash: "x").
    var passwdLine: String { "\(name):x:\(uid):\(gid):\(gecos.filter { $0 != ":" && $0 != "\n" }):\(home):\(shell)" }
}
