import CRsshLibc

/// User and group names for `ls` and `groups`, looked up through NSS once per id.
///
/// An id without a name shows as its number, as ls does (inside a jail, the jail's passwd and group files
/// decide).
struct AccountNames {
    private var users: [uid_t: [UInt8]] = [:]
    private var groups = SystemGroupLookup(.list([]))

    /// The login name of `uid`, or the uid in decimal.
    mutating func user(_ uid: uid_t) -> [UInt8] {
        if let known = users[uid] { return known }
        let name = Self.lookUpUser(uid) ?? Array(String(uid).utf8)
        users[uid] = name
        return name
    }

    /// The name of group `gid`, or the gid in decimal.
    mutating func group(_ gid: gid_t) -> [UInt8] {
        if case .name(let name) = groups.name(of: gid) { return Array(name.utf8) }
        return Array(String(gid).utf8)
    }

    private static func lookUpUser(_ uid: uid_t) -> [UInt8]? {
        (try? Account.find(uid: uid).get()).map { Array($0.name.utf8) }
    }
}
