import CRsshLibc

/// User and group names for `ls` and `groups`, looked up through NSS once per id.
///
/// An id without a name shows as its number, as ls does (inside a jail, the jail's passwd and group files
/// decide).
struct AccountNames {
    private var users: [uid_t: [UInt8]] = [:]
    private var groups: [gid_t: [UInt8]] = [:]

    /// The login name of `uid`, or the uid in decimal.
    mutating func user(_ uid: uid_t) -> [UInt8] {
        if let known = users[uid] { return known }
        let name = Self.lookUpUser(uid) ?? Array(String(uid).utf8)
        users[uid] = name
        return name
    }

    /// The name of group `gid`, or the gid in decimal.
    mutating func group(_ gid: gid_t) -> [UInt8] {
        if let known = groups[gid] { return known }
        let name = Self.lookUpGroup(gid) ?? Array(String(gid).utf8)
        groups[gid] = name
        return name
    }

    private static func lookUpUser(_ uid: uid_t) -> [UInt8]? {
        (try? Account.find(uid: uid).get()).map { Array($0.name.utf8) }
    }

    private static func lookUpGroup(_ gid: gid_t) -> [UInt8]? {
        var entry = CRsshLibc.group()
        var result: UnsafeMutablePointer<CRsshLibc.group>?
        var size = 1024
        while size <= 1 << 20 {
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            let status = system_getgrgid_r(gid, &entry, buffer, size, &result)
            if status == ERANGE {
                size *= 4
                continue
            }
            guard status == 0, result != nil, let name = entry.gr_name else { return nil }
            return CBytes.copy(name)
        }
        return nil
    }
}
