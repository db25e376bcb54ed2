import Glibc

/// The jail's passwd and group files: root and the named users, with every group NSS gives them.
///
/// The jail holds a snapshot: `lines(for:)` is what `rsshctl jail build` writes and what `rsshctl jail check`
/// compares the jail's files with, so a user or group changed in NSS afterwards is reported.
public enum JailAccounts {
    /// The fixed first passwd line.
    static let rootPasswd = "root:x:0:0:root:/root:/usr/sbin/nologin"

    /// The passwd and group lines (without newlines) for `users`.
    ///
    /// Each group lists as members only the named users it is a supplementary group of (a primary group's
    /// members are implied by passwd), so the jail learns nothing about other accounts.
    public static func lines(for users: [JailUser]) -> (passwd: [String], group: [String]) {
        var passwd = [rootPasswd]
        var groups: [(group: JailGroup, members: [String])] = [(JailGroup(name: "root", gid: 0), [])]
        for user in users where user.uid != 0 {
            passwd.append(user.passwdLine)
            for group in user.groups {
                let index: Int
                if let existing = groups.firstIndex(where: { $0.group.gid == group.gid }) {
                    index = existing
                } else {
                    groups.append((group, []))
                    index = groups.count - 1
                }
                if group.gid != user.gid, !groups[index].members.contains(user.name) {
                    groups[index].members.append(user.name)
                }
            }
        }
        let group = groups.map { "\($0.group.name):x:\($0.group.gid):\($0.members.joined(separator: ","))" }
        return (passwd, group)
    }

    /// The file contents for `lines(for:)`.
    public static func files(for users: [JailUser]) -> (passwd: String, group: String) {
        let (passwd, group) = lines(for: users)
        return (passwd.map { $0 + "\n" }.joined(), group.map { $0 + "\n" }.joined())
    }

    /// What in the jail's passwd and group files no longer matches NSS, one message each.
    /// - Parameters:
    ///   - passwd: the jail's etc/passwd.
    ///   - group: the jail's etc/group.
    ///   - lookup: the NSS lookup (`JailUser.lookup` in real use, a table in tests).
    public static func differences(
        passwd: [UInt8],
        group: [UInt8],
        lookup: (String) throws(AccountLookupError) -> JailUser?
    ) -> [String] {
        let jailPasswd = split(passwd)
        let jailGroup = split(group)
        var problems: [String] = []
        var users: [JailUser] = []
        for (name, line) in jailPasswd where name != "root" {
            do {
                guard let user = try lookup(name) else {
                    problems.append("etc/passwd lists \(name), whom NSS no longer knows")
                    continue
                }
                users.append(user)
                if user.passwdLine != line {
                    problems.append("etc/passwd entry \"\(line)\" differs from NSS: \"\(user.passwdLine)\"")
                }
            } catch {
                problems.append("etc/passwd lists \(name), who cannot be looked up: \(error)")
            }
        }
        if let root = jailPasswd.first(where: { $0.name == "root" }), root.line != rootPasswd {
            problems.append("etc/passwd entry \"\(root.line)\" is not the one rsshctl writes: \"\(rootPasswd)\"")
        }
        let expected = split(Array(lines(for: users).group.joined(separator: "\n").utf8))
        for (name, line) in expected where !jailGroup.contains(where: { $0.line == line }) {
            let current = jailGroup.first(where: { $0.name == name }).map { "\"\($0.line)\"" } ?? "no entry"
            problems.append("etc/group has \(current) for \(name); NSS gives \"\(line)\"")
        }
        for (name, line) in jailGroup where !expected.contains(where: { $0.name == name }) {
            problems.append("etc/group entry \"\(line)\" is not a group of the jail's users in NSS")
        }
        return problems
    }

    /// The non-empty lines of a passwd or group file, with their first field.
    private static func split(_ bytes: [UInt8]) -> [(name: String, line: String)] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { line in
            (String(line.prefix { $0 != ":" }), String(line))
        }
    }
}
