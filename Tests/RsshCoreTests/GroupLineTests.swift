import Glibc
import Testing

@testable import RsshCore

/// A lookup with fixed answers that counts its calls (the shell must make none without group lines).
private struct CountingLookup: GroupLookup {
    var gids: [String: gid_t]
    var member: [gid_t]
    var failing: Set<String> = []
    var nameCalls = 0
    var membershipCalls = 0

    mutating func gid(named name: String) -> GroupFacts.Resolution {
        nameCalls += 1
        if failing.contains(name) { return .failed(EIO) }
        return gids[name].map { .gid($0) } ?? .unknown
    }

    mutating func name(of gid: gid_t) -> GroupFacts.Name {
        gids.filter { $0.value == gid }.keys.sorted().first.map { .name($0) } ?? .unknown
    }

    mutating func memberships() -> Result<[gid_t], SystemError> {
        membershipCalls += 1
        return .success(member)
    }
}

private let groupGids: [String: gid_t] = ["backup": 2001, "staff": 2002, "web": 2003]

struct GroupLineTests {
    struct Line: CustomTestStringConvertible, Sendable {
        var text: String
        var error: String?
        var testDescription: String { text.debugDescription }
    }

    @Test(arguments: [
        Line(text: "group = backup:077:00010\n"),
        Line(text: "group=backup:022:000110:/srv/jail\n"),
        Line(text: "group = web:022:00010::readonly,landlock\n"),
        Line(text: "group = \"my group\":022:00010\n"),
        Line(text: "group = backup:022\n", error: "group line for 'backup' needs name:umask:bits"),
        Line(text: "group = :022:00010\n", error: "group line has no valid group name"),
        Line(text: "group = backup:999:00010\n", error: "invalid umask '999' for group 'backup'"),
        Line(text: "group = backup:022:0001\n", error: "invalid access bits '0001' for group 'backup'"),
        Line(text: "group = backup:022:00010:jail\n", error: "chroot path 'jail' must be absolute"),
        Line(text: "group = backup:022:00010::nosuch\n", error: "group line for 'backup': "),
        Line(text: "group = backup:022:00010:/srv/j:landlock\n", error: "landlock and a chroot path"),
        Line(text: "group = backup:022:00011::landlock,winscp,root=pub\n", error: "winscp and root= cannot"),
        Line(text: "group = backup:022:00011::winscp,maxsessions=2\n"),
        Line(text: "group = backup:022:00011:/srv/j:winscp,supervised\n"),
        Line(text: "group = backup:022:00010:/a:b:c\n", error: "too many ':' fields"),
        Line(text: "Group = backup:022:00010\n", error: "keywords are case-sensitive"),
    ])
    func parsesGroupLines(_ line: Line) {
        // The shell parses for one user: group lines are kept whoever it is.
        for user in [nil, "alice"] as [String?] {
            let config = ConfigParser.parse(Array(line.text.utf8), file: "rssh.conf", onlyUser: user)
            if let error = line.error {
                #expect(config.errors.count == 1, "\(config.diagnostics)")
                #expect(config.errors.first?.message.contains(error) == true, "\(config.errors)")
                #expect(config.groups.isEmpty)
            } else {
                #expect(config.errors.isEmpty, "\(config.diagnostics)")
                #expect(config.groups.count == 1)
            }
        }
    }

    @Test func repeatedGroupLineIsIgnoredWithAWarning() {
        let config = ConfigParser.parse(
            Array("group = web:022:00010\ngroup = web:022:11111\n".utf8),
            file: "rssh.conf"
        )
        #expect(config.groups.count == 1)
        #expect(config.warnings.first?.message.contains("already configured on line 1") == true)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var config: String
        var member: [gid_t]
        var programs: [TransferProgram]?  // nil: locked out
        var source: UserPolicy.Source? = nil
        var failing: Set<String> = []
        var testDescription: String { name }
    }

    static let twoGroups = "allowscp\ngroup = backup:077:00010\ngroup = staff:022:10000\n"

    @Test(arguments: [
        Case(
            name: "a member gets its group's line",
            config: twoGroups,
            member: [1001, 2001],
            programs: [.sftp],
            source: .groupLine(2, "backup")
        ),
        Case(
            name: "a primary group counts",
            config: twoGroups,
            member: [2002],
            programs: [.rsync],
            source: .groupLine(3, "staff")
        ),
        Case(
            name: "the first group line wins",
            config: twoGroups,
            member: [2002, 2001],
            programs: [.sftp],
            source: .groupLine(2, "backup")
        ),
        Case(
            name: "the user line wins",
            config: twoGroups + "user = alice:022:00001\n",
            member: [2001],
            programs: [.scp],
            source: .userLine(4)
        ),
        Case(
            name: "a non-member gets the global default",
            config: twoGroups,
            member: [1001, 2003],
            programs: [.scp],
            source: .global
        ),
        Case(
            name: "an unknown group never matches",
            config: "allowscp\ngroup = nosuch:022:11111\n",
            member: [1001, 2001],
            programs: [.scp],
            source: .global
        ),
        Case(
            name: "a failed group lookup before the match locks out",
            config: twoGroups,
            member: [2002],
            programs: nil,
            failing: ["backup"]
        ),
        Case(
            name: "a failed lookup after the matching line does not matter",
            config: twoGroups,
            member: [2001],
            programs: [.sftp],
            source: .groupLine(2, "backup"),
            failing: ["staff"]
        ),
        Case(
            name: "a gid without a group entry matches nothing",
            config: twoGroups,
            member: [4242, 2002],
            programs: [.rsync],
            source: .groupLine(3, "staff")
        ),
        Case(
            name: "an error on a group line locks out users without a user line",
            config: twoGroups + "group = web:999:00010\n",
            member: [1001],
            programs: nil
        ),
        Case(
            name: "an error on a group line spares a user line",
            config: twoGroups + "group = web:999:00010\nuser = alice:022:00001\n",
            member: [2001],
            programs: [.scp],
            source: .userLine(5)
        ),
    ])
    func resolvesPolicy(_ case_: Case) {
        let config = ConfigParser.parse(Array(case_.config.utf8), file: "rssh.conf", onlyUser: "alice")
        var lookup = CountingLookup(gids: groupGids, member: case_.member, failing: case_.failing)
        let facts = config.groupFacts(for: "alice", lookup: &lookup)
        let result = config.policy(for: "alice", groups: facts)
        guard let programs = case_.programs else {
            guard case .failure = result else {
                Issue.record("not locked out: \(result)")
                return
            }
            return
        }
        guard case .success(let policy) = result else {
            Issue.record("locked out: \(result)")
            return
        }
        #expect(policy.programs == ProgramSet(programs))
        #expect(policy.source == case_.source)
    }

    @Test(arguments: [
        "allowscp\n",
        "allowscp\nuser = alice:022:00010\ngroup = backup:022:00001\n",
    ])
    func noLookupWithoutAGroupLineThatCanApply(_ text: String) {
        let config = ConfigParser.parse(Array(text.utf8), file: "rssh.conf", onlyUser: "alice")
        var lookup = CountingLookup(gids: groupGids, member: [2001])
        #expect(config.groupFacts(for: "alice", lookup: &lookup) == nil)
        #expect(lookup.nameCalls == 0 && lookup.membershipCalls == 0)
        guard case .success = config.policy(for: "alice") else {
            Issue.record("locked out")
            return
        }
    }

    @Test func groupLinesWithoutFactsFailClosed() {
        let config = ConfigParser.parse(Array(Self.twoGroups.utf8), file: "rssh.conf")
        #expect(config.policy(for: "alice") == .failure(.groupsNotGathered))
    }

    @Test func theShellDecidesWithTheGroupFacts() {
        let config = ConfigParser.parse(Array(Self.twoGroups.utf8), file: "rssh.conf", onlyUser: "alice")
        var lookup = CountingLookup(gids: groupGids, member: [1001, 2001])
        var facts = SessionFacts()
        facts.groups = config.groupFacts(for: "alice", lookup: &lookup)
        let shell = LoginShell(paths: debianPaths, account: alice, configuration: .success(config), environment: [])
        var grouped = shell
        grouped.facts = facts
        let expansion = FileSystemExpansion.literal(homeDirectory: Array("/home/alice".utf8))
        guard case .run = grouped.decide(command: Array("/usr/lib/openssh/sftp-server".utf8), expansion: expansion)
        else {
            Issue.record("sftp refused for a member of backup")
            return
        }
        guard case .refuse = grouped.decide(command: Array("scp -t .".utf8), expansion: expansion) else {
            Issue.record("scp allowed for a member of backup")
            return
        }
        // Without the facts the shell refuses rather than falling back to the defaults.
        guard case .refuse = shell.decide(command: Array("scp -t .".utf8), expansion: expansion) else {
            Issue.record("scp allowed without group facts")
            return
        }
    }

    @Test func unknownGroupsAreWarned() {
        let config = ConfigParser.parse(
            Array("group = backup:022:00010\ngroup = nosuch:022:00010\n".utf8),
            file: "rssh.conf"
        )
        var lookup = CountingLookup(gids: groupGids, member: [])
        let warnings = config.unknownGroupWarnings(lookup: &lookup)
        #expect(warnings.count == 1)
        #expect(warnings.first?.line == 2)
        #expect(warnings.first?.severity == .warning)
        #expect(warnings.first?.message.contains("'nosuch' does not exist") == true)
    }

    @Test func everyNameOfAGidSelectsItsLine() {
        // "archive" is a second name for backup's gid (NSS calls the gid "archive"): the line naming "backup"
        // still applies to its members, as their gid is what counts.
        let config = ConfigParser.parse(Array("allowscp\ngroup = backup:022:00010\n".utf8), file: "rssh.conf")
        var lookup = CountingLookup(gids: groupGids.merging(["archive": 2001]) { a, _ in a }, member: [2001])
        #expect(config.unknownGroupWarnings(lookup: &lookup).isEmpty)
        let facts = config.groupFacts(for: "alice", lookup: &lookup)
        #expect(config.policy(for: "alice", groups: facts).map { $0.source } == .success(.groupLine(2, "backup")))
    }

    @Test func namesAreResolvedOnlyUpToTheMatchingLine() {
        var text = "allowscp\n"
        for index in 0..<100 { text += "group = g\(index):022:00010\n" }
        let config = ConfigParser.parse(Array(text.utf8), file: "rssh.conf", onlyUser: "alice")
        var gids: [String: gid_t] = [:]
        for index in 0..<100 { gids["g\(index)"] = gid_t(3000 + index) }
        var early = CountingLookup(gids: gids, member: [1001, 3002])
        let facts = config.groupFacts(for: "alice", lookup: &early)
        #expect(early.nameCalls == 3 && early.membershipCalls == 1)
        #expect(config.policy(for: "alice", groups: facts).map { $0.source } == .success(.groupLine(4, "g2")))
        // rssh -v's overlaps resolve every line.
        var all = CountingLookup(gids: gids, member: [1001, 3002])
        let complete = config.groupFacts(for: "alice", lookup: &all, complete: true)
        #expect(all.nameCalls == 100 && complete.map { config.groupLines(matching: $0) } == [4])
        // Facts cut short before any deciding line are refused, never read as "no group line applies".
        let cut = GroupFacts(memberships: .success([1001]), lines: [.unknown])
        #expect(config.policy(for: "alice", groups: cut) == .failure(.groupsNotGathered))
    }

    @Test func reportListsGroupLinesAndOverlaps() {
        let config = ConfigParser.parse(Array(Self.twoGroups.utf8), file: "rssh.conf")
        let check = VersionReport.configurationCheck(config)
        #expect(check.text.contains("group backup (line 2): sftp; umask 0077"), "\(check.text)")
        #expect(check.text.contains("group staff (line 3): rsync"))
        let overlaps = VersionReport.groupOverlapLines([("bob", [2, 3]), ("carol", [3])])
        #expect(overlaps.contains("account bob is in the groups of lines 2, 3: line 2 applies"))
        #expect(!overlaps.contains("carol"))
        #expect(VersionReport.groupOverlapLines(nil).contains("when rssh -v runs as root"))
        let broken = ConfigParser.parse(Array("group = web:999:00010\n".utf8), file: "rssh.conf")
        #expect(VersionReport.configurationCheck(broken).text.contains("every user without a user line is locked out"))
        var lookup = CountingLookup(gids: groupGids, member: [2002, 2001])
        if let facts = config.groupFacts(for: "bob", lookup: &lookup, complete: true) {
            #expect(config.groupLines(matching: facts) == [2, 3])
        } else {
            Issue.record("no facts")
        }
    }
}
