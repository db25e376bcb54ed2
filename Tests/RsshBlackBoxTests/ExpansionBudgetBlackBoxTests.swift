import Foundation
import Testing

/// Security review 3, F3: pattern expansion is bounded, against the black-box (Embedded) build.
@Suite(.serialized, .enabled(if: BlackBox.available, "set by `make blackbox`"))
struct ExpansionBudgetBlackBoxTests {
    init() throws {
        try BlackBox.prepare()
    }

    /// A scratch directory holding `loops/l00`…`l15`, symbolic links to `.`: each `*` level multiplies glob's
    /// work by 16 without any `..`.
    static func loops() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rssh-bb-f3-\(getpid())").path
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory + "/loops", withIntermediateDirectories: true)
        for index in 0..<16 {
            try FileManager.default.createSymbolicLink(
                atPath: directory + "/loops/l" + (index < 10 ? "0" : "") + String(index),
                withDestinationPath: "."
            )
        }
        return directory
    }

    /// The review's pattern (41 s and 2 GB at six levels before) is refused before anything is read.
    @Test func theReviewPatternIsRefusedAndRunsNothing() throws {
        try BlackBox.writeConfig("allowscp\n")
        let result = try BlackBox.run(["-c", "scp -f /*/../*/../*/../*/../*/../*/../*"])
        #expect(result.status == 1)
        #expect(result.values("ran").isEmpty)
        #expect(result.stderr.contains("'.' or '..' after a pattern is not expanded"), "\(result.stderr)")
    }

    /// Without `..`, links to `.` multiply glob's work the same way: the budget stops it.
    @Test(arguments: [
        ("scp -f loops/*/*/*/*/*/*/*", "more than 1024 directories opened"),
        ("scp -f loops/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*", "more than 1024 directories opened"),
        ("scp -f loops/*/*/*/*/*/*/x", "more than 1024 directories opened"),
    ])
    func anExplodingPatternIsRefusedWithTheBudgetMessage(_ command: String, _ reason: String) throws {
        try BlackBox.writeConfig("allowscp\n")
        let directory = try Self.loops()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try BlackBox.run(["-c", command], directory: directory)
        #expect(result.status == 1)
        #expect(result.values("ran").isEmpty)
        #expect(result.stderr.contains("pattern expansion exceeded its budget (\(reason))"), "\(result.stderr)")
    }

    /// The program runs with the resource limits the session had: those lowered for expansion are put back.
    @Test func theProgramRunsWithTheSessionsLimitsAfterExpansion() throws {
        try BlackBox.writeConfig("allowscp\n")
        let directory = try Self.loops()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try BlackBox.run(["-c", "scp -f loops/l0*"], directory: directory)
        #expect(result.status == 7)
        #expect(result.values("arg").count == 11)
        let expected = try BlackBox.run(["-c", "echo \"cpu $(ulimit -t) as $(ulimit -v)\""], executable: "/bin/sh")
        #expect(result.values("limits") == [expected.stdout.trimmingCharacters(in: .newlines)])
    }
}
