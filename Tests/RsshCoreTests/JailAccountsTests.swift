import Glibc
import Testing

@testable import RsshJail

/// The jail's passwd and group files, from NSS facts (item 4).
struct JailAccountsTests {
    static let alice = JailUser(
        name: "alice",
        uid: 1001,
        gid: 1001,
        gecos: "Alice",
        home: "/srv/jail/home/alice",
        shell: "/usr/local/bin/rssh",
        groups: [JailGroup(name: "alice", gid: 1001), JailGroup(name: "ldap-staff", gid: 50_000)]
    )
    static let bob = JailUser(
        name: "bob",
        uid: 1002,
        gid: 50_000,
        gecos: "",
        home: "/srv/jail/home/bob",
        shell: "/usr/local/bin/rssh",
        groups: [JailGroup(name: "ldap-staff", gid: 50_000), JailGroup(name: "ldap-sftp", gid: 50_001)]
    )

    /// A supplementary group (from LDAP, say) is written with only the named users as members; a primary
    /// group lists no members (passwd implies them).
    @Test(arguments: [
        ([alice], ["root:x:0:", "alice:x:1001:", "ldap-staff:x:50000:alice"]),
        ([bob], ["root:x:0:", "ldap-staff:x:50000:", "ldap-sftp:x:50001:bob"]),
        ([alice, bob], ["root:x:0:", "alice:x:1001:", "ldap-staff:x:50000:alice", "ldap-sftp:x:50001:bob"]),
    ])
    func groupsIncludeSupplementaryGroups(_ users: [JailUser], _ expected: [String]) {
        #expect(JailAccounts.lines(for: users).group == expected)
    }

    @Test func passwdHoldsRootAndTheUsersWithoutHashes() {
        #expect(
            JailAccounts.lines(for: [Self.alice]).passwd == [
                "root:x:0:0:root:/root:/usr/sbin/nologin",
                "alice:x:1001:1001:Alice:/srv/jail/home/alice:/usr/local/bin/rssh",
            ]
        )
    }

    /// `jail check` compares the snapshot in the jail with NSS now.
    @Test(arguments: [
        ("unchanged", [alice], [String]()),
        (
            "shell changed",
            [
                {
                    var a = alice; a.shell = "/bin/bash"; return a
                }()
            ], ["etc/passwd entry"]
        ),
        (
            "user gone",
            [JailUser](),
            ["whom NSS no longer knows", "entry \"alice:x:1001:\" is not", "entry \"ldap-staff:x:50000:alice\" is not"]
        ),
        (
            "new supplementary group",
            [
                {
                    var a = alice; a.groups.append(JailGroup(name: "ldap-new", gid: 50_002)); return a
                }()
            ],
            ["etc/group has no entry for ldap-new"]
        ),
        (
            "group dropped",
            [
                {
                    var a = alice; a.groups.removeLast(); return a
                }()
            ],
            ["etc/group entry \"ldap-staff:x:50000:alice\" is not a group"]
        ),
    ])
    func checkReportsWhatNoLongerMatchesNss(_ name: String, _ now: [JailUser], _ fragments: [String]) {
        let files = JailAccounts.files(for: [Self.alice])
        let table = Dictionary(uniqueKeysWithValues: now.map { ($0.name, $0) })
        let problems = JailAccounts.differences(
            passwd: Array(files.passwd.utf8),
            group: Array(files.group.utf8)
        ) { table[$0] }
        #expect(problems.count == fragments.count, "\(name): \(problems)")
        for fragment in fragments {
            #expect(problems.contains { $0.contains(fragment) }, "\(name): \(problems)")
        }
    }

    @Test func aFailedLookupIsAProblemNotAMatch() {
        let files = JailAccounts.files(for: [Self.alice])
        let failing: (String) throws(AccountLookupError) -> JailUser? = { name throws(AccountLookupError) in
            throw AccountLookupError(call: "getpwnam_r", subject: name, code: EIO)
        }
        let problems = JailAccounts.differences(
            passwd: Array(files.passwd.utf8),
            group: Array(files.group.utf8),
            lookup: failing
        )
        #expect(problems.contains { $0.contains("cannot be looked up") })
    }

    @Test func rootIsFoundThroughNss() throws {
        let root = try #require(try JailUser.lookup("root"))
        #expect(root.uid == 0 && root.groups.first == JailGroup(name: "root", gid: 0))
        #expect(try JailUser.lookup("no-such-user-rssh-test") == nil)
    }
}
