import CRsshLibc

/// The group lines' lookups on this system: group names and gids through NSS (getgrnam_r, getgrgid_r; the names
/// /etc/group answers for NSS from one reading of it, `LocalGroupFile`), and the user's groups either from the
/// kernel's credential (a session) or from NSS (a report about other accounts).
public struct SystemGroupLookup: GroupLookup {
    /// Where the user's groups come from.
    public enum Source: Sendable {
        /// This process's real gid and supplementary groups, as sshd set them with initgroups(3): the
        /// session's own credential, which no user can forge, and no NSS walk.
        case kernel
        /// getgrouplist(3) for an account that is not this process (`rssh -v`).
        case nss(name: String, gid: gid_t)
        /// A list already looked up (getgrouplist by `rsshctl`).
        case list([gid_t])
    }

    /// Where `memberships()` looks.
    public var source: Source
    /// NSS's answers by name, the names told apart by their bytes as getgrnam_r tells them apart (String's ==
    /// would give a canonically equivalent name another group's answer).
    private var resolved = FirstNameTable<GroupFacts.Resolution>()
    private var named: [gid_t: GroupFacts.Name] = [:]
    /// /etc/group, read at the first name lookup when it can answer for NSS (`LocalGroupFile`); nil inside: not.
    private var localFile: LocalGroupFile??

    /// Creates a lookup.
    public init(_ source: Source) {
        self.source = source
    }

    /// The gid NSS gives `name` (getgrnam_r, or /etc/group read once where that answers the same); NSS is asked
    /// once per name.
    public mutating func gid(named name: String) -> GroupFacts.Resolution {
        if localFile == nil { localFile = .some(LocalGroupFile.load()) }
        if case .some(.some(let file)) = localFile, let gid = file.gid(named: name) { return .gid(gid) }
        if let known = resolved.value(named: name) { return known }
        var gid: gid_t = 0
        let answer: GroupFacts.Resolution =
            switch Self.lookUp({ system_getgrnam_r(name, $0, $1, $2, $3) }, found: { gid = $0.gr_gid }) {
            case 0: .gid(gid)
            case ENOENT: .unknown
            case let code: .failed(code)
            }
        _ = resolved.insert(name, value: answer)
        return answer
    }

    /// getgrgid_r; each gid is looked up once.
    public mutating func name(of gid: gid_t) -> GroupFacts.Name {
        if let known = named[gid] { return known }
        var name = ""
        let answer: GroupFacts.Name =
            switch Self.lookUp(
                { system_getgrgid_r(gid, $0, $1, $2, $3) },
                found: { name = $0.gr_name.map { String(cString: $0) } ?? "" }
            ) {
            case 0: .name(name)
            case ENOENT: .unknown
            case let code: .failed(code)
            }
        named[gid] = answer
        return answer
    }

    /// One getgr*_r call, retried with a larger buffer on ERANGE: 0 when found (after `found` has read the
    /// entry, while its buffer lives), ENOENT when there is no such group, otherwise the errno.
    private static func lookUp(
        _ call: (
            UnsafeMutablePointer<group>, UnsafeMutablePointer<CChar>, Int,
            UnsafeMutablePointer<UnsafeMutablePointer<group>?>
        ) -> Int32,
        found: (group) -> Void
    ) -> Int32 {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var size = 1024
        while size <= 1 << 22 {
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            let status = call(&entry, buffer, size, &result)
            if status == ERANGE {
                size *= 4
                continue
            }
            // glibc answers ENOENT (and some modules ESRCH) for "no such group" too, or 0 with no result.
            if status == 0, result != nil {
                found(entry)
                return 0
            }
            return status == 0 || status == ENOENT || status == ESRCH ? ENOENT : status
        }
        return ERANGE
    }

    /// The user's gids, the primary one first.
    public mutating func memberships() -> Result<[gid_t], SystemError> {
        switch source {
        case .kernel:
            do throws(SystemError) {
                return .success([system_getgid()] + (try PrivilegeDrop.callerGroups()))
            } catch {
                return .failure(error)
            }
        case .nss(let name, let gid):
            var count: Int32 = 64
            while count <= 1 << 16 {
                var gids = [gid_t](repeating: 0, count: Int(count))
                var filled = count
                let status = gids.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    guard let base = buffer.baseAddress else { return -1 }
                    return system_getgrouplist(name, gid, base, &filled)
                }
                if status >= 0 { return .success(Array(gids.prefix(Int(filled)))) }
                count = max(filled, count * 2)
            }
            return .failure(SystemError(call: "getgrouplist", subject: name, code: ERANGE))
        case .list(let gids):
            return .success(gids)
        }
    }
}
