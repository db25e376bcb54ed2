import Glibc
import Testing

@testable import RsshCore

/// Keeps `ExpansionBudgetTests.tree` until the process exits.
nonisolated(unsafe) private var sharedTree: TemporaryDirectory?

/// Security review 3, F3: pattern expansion has a work budget for the whole command line.
///
/// The tests assert on the budget's counters and on the refusal, never on the clock: a refused expansion has
/// stopped within one unit of the maximum it names, and the bytes it may hold are bounded the same way.
struct ExpansionBudgetTests {
    /// A tree that makes glob(3) multiply its work, made once for the suite (creating a file takes about 2 ms
    /// on a busy machine) and removed when the test process exits:
    /// `loops/l00`…`l15` are symbolic links to `.` (every `*` level multiplies by 16 without any `..`),
    /// `fan/d00`…`d15` each hold `e00`…`e15` (for `*/..` chains), `deep/a/a/…` is 100 directories deep and
    /// `wide/` holds 400 files.
    static let tree: String? = try? makeTree()

    static func makeTree() throws -> String {
        let directory = try TemporaryDirectory()
        for top in ["loops", "fan", "deep", "wide"] { try directory.makeDirectory(top) }
        for index in 0..<16 {
            let link = directory.path + "/loops/" + name("l", index)
            guard symlink(".", link) == 0 else { throw SystemError(call: "symlink", subject: link, code: errno) }
            let fan = "fan/" + name("d", index)
            try directory.makeDirectory(fan)
            for inner in 0..<16 { try directory.makeDirectory(fan + "/" + name("e", inner)) }
        }
        var deep = "deep"
        for _ in 0..<100 {
            deep += "/a"
            try directory.makeDirectory(deep)
        }
        for index in 0..<400 { try directory.create("wide/f" + String(index)) }
        sharedTree = directory
        atexit { sharedTree = nil }
        return directory.path
    }

    static func name(_ prefix: String, _ index: Int) -> String {
        prefix + (index < 10 ? "0" : "") + String(index)
    }

    /// glob(3) through `FileSystemExpansion` in `tree` with `budget`: the number of matches, or the error.
    static func glob(_ pattern: String, in tree: String, budget: inout ExpansionBudget) -> Result<Int, CommandError> {
        let expansion = FileSystemExpansion(homeDirectory: Array(tree.utf8))
        do throws(CommandError) {
            return .success(try expansion.glob(Array((tree + "/" + pattern).utf8), budget: &budget).count)
        } catch {
            return .failure(error)
        }
    }

    /// No counter passes its maximum by more than the one charge that found it spent.
    static func expectStoppedPromptly(_ budget: ExpansionBudget, _ comment: Comment? = nil) {
        #expect(budget.directories <= budget.maximum(.directories) + 1, comment)
        #expect(budget.entries <= budget.maximum(.entries) + 1, comment)
        #expect(budget.bytes <= budget.maximum(.bytes) + 4_096 + 256 + 2, comment)
    }

    static let deepPattern = Array(repeating: "*", count: 100).joined(separator: "/")

    /// Adversarial patterns: the resource that runs out (nil: within budget) with the budget's maximums.
    @Test(arguments: [
        ("loops/*/*/*/*/*", ExpansionBudget(), ExpansionBudget.Resource?.some(.directories)),
        ("loops/*/*/*/*/*/*/*/*/*/*/*/*", ExpansionBudget(), .directories),
        ("loops/*/*/*/*/*", ExpansionBudget(directories: 1_000_000), .entries),
        ("loops/*/*/*/l00", ExpansionBudget(entries: 2_000), .entries),
        ("fan/*/../*/../*/../*/../*", ExpansionBudget(), .directories),
        ("fan/*/../*/../*/../*/../*/../*/../*", ExpansionBudget(), .directories),
        ("wide/*", ExpansionBudget(entries: 100), .entries),
        ("wide/f*", ExpansionBudget(bytes: 5_000), .bytes),
        ("deep/" + deepPattern, ExpansionBudget(directories: 50), .directories),
        ("deep/" + deepPattern, ExpansionBudget(), nil),
        ("loops/*/*/*", ExpansionBudget(), nil),
        ("fan/*/*", ExpansionBudget(), nil),
        ("wide/*", ExpansionBudget(), nil),
    ])
    func adversarialPatternsAreStoppedWithinTheBudget(
        _ pattern: String,
        _ budget: ExpansionBudget,
        _ exhausted: ExpansionBudget.Resource?
    ) throws {
        let tree = try #require(Self.tree)
        var budget = budget
        let result = Self.glob(pattern, in: tree, budget: &budget)
        if let exhausted {
            #expect(result == .failure(.expansionBudgetExceeded(exhausted, budget.maximum(exhausted))))
            #expect(budget.exhausted == exhausted)
        } else {
            #expect((try? result.get()) ?? 0 > 0, "\(result)")
            #expect(budget.exhausted == nil)
        }
        Self.expectStoppedPromptly(budget, "\(pattern)")
    }

    /// The review's own pattern, against `/`: refused by the budget (about a thousand directories, never the
    /// millions of names glob would collect).
    @Test func theReviewPatternAgainstTheRootIsRefused() {
        var budget = ExpansionBudget()
        let expansion = FileSystemExpansion(homeDirectory: Array("/".utf8))
        #expect(throws: CommandError.expansionBudgetExceeded(.directories, ExpansionBudget.maximumDirectories)) {
            try expansion.glob(Array("/*/../*/../*/../*/../*/../*/../*".utf8), budget: &budget)
        }
        Self.expectStoppedPromptly(budget)
    }

    /// The budget is the whole command line's: words that fit alone are refused together.
    @Test(arguments: [
        ("scp -f ~/wide/* ~/wide/*", ExpansionBudget(matches: 600), ExpansionBudget.Resource.matches),
        ("scp -f ~/wide/* ~/loops/*/*", ExpansionBudget(entries: 500), .entries),
        ("scp -f ~/fan/*/* ~/fan/*/* ~/fan/*/* ~/fan/*/*", ExpansionBudget(directories: 60), .directories),
    ])
    func theBudgetCoversAllWords(
        _ line: String,
        _ budget: ExpansionBudget,
        _ exhausted: ExpansionBudget.Resource
    )
        throws
    {
        let tree = try #require(Self.tree)
        let words = try CommandSplitter.split(Array(line.utf8))
        let fresh = budget
        var budget = budget
        #expect(throws: CommandError.expansionBudgetExceeded(exhausted, budget.maximum(exhausted))) {
            try WordExpander.expand(
                words,
                using: FileSystemExpansion(homeDirectory: Array(tree.utf8)),
                budget: &budget
            )
        }
        Self.expectStoppedPromptly(budget)
        // Each word alone fits.
        for word in words.dropFirst(2) {
            var alone = fresh
            _ = try WordExpander.expand(
                [word],
                using: FileSystemExpansion(homeDirectory: Array(tree.utf8)),
                budget: &alone
            )
        }
    }

    /// `.` or `..` after a pattern component is refused before anything is read.
    @Test(arguments: [
        ("scp -f /*/../*/../*/../*/../*/../*/../*", false), ("scp -f ~/*/..", false), ("scp -f ~/*/.", false),
        ("scp -f d?/../x", false), ("scp -f [ab]/./x", false), ("scp -f a/*/b/../c", false),
        ("scp -f ~/../*", true), ("scp -f ./*.txt", true), ("scp -f ../*", true), ("scp -f '*'/..", true),
        ("scp -f \\*/../x*", true), ("scp -f *.txt/..x", true), ("scp -f */...", true), ("scp -f */.a", true),
    ])
    func dotAfterAPatternIsRefusedBeforeExpanding(_ line: String, _ accepted: Bool) throws {
        let words = try CommandSplitter.split(Array(line.utf8))
        var budget = ExpansionBudget()
        let result: Result<[[UInt8]], CommandError>
        do throws(CommandError) {
            result = .success(
                try WordExpander.expand(
                    words,
                    using: FileSystemExpansion.literal(homeDirectory: [0x2F]),
                    budget: &budget
                )
            )
        } catch {
            result = .failure(error)
        }
        if accepted {
            #expect(throws: Never.self) { try result.get() }
        } else {
            #expect(throws: CommandError.dotAfterPattern(word: Printable.text(words[2].text))) { try result.get() }
        }
        #expect(budget.directories == 0 && budget.entries == 0)
    }

    /// Property: random patterns over the tree (stars, classes, `..`, links to `.`) and random small budgets
    /// never make glob fail otherwise, never overrun a maximum, and never match more names than were read.
    @Test(arguments: [UInt64(1), 2, 3])
    func randomPatternsStayWithinTheirBudget(seed: UInt64) throws {
        let tree = try #require(Self.tree)
        var random = SplitMix64(state: seed)
        let starts = ["loops", "fan", "deep", "wide", "."]
        let components = ["*", "?*", "l*", "[ld]*", "..", ".", "l03", "d0?", "e1*", "a", "*0", "[!e]*", "f1?"]
        for _ in 0..<100 {
            let depth = 1 + random.below(10)
            let pattern = ([random.pick(starts)] + (0..<depth).map { _ in random.pick(components) }).joined(
                separator: "/"
            )
            var budget =
                random.chance(5)
                ? ExpansionBudget()
                : ExpansionBudget(
                    directories: 1 + random.below(300),
                    entries: 1 + random.below(5_000),
                    bytes: 1 + random.below(200_000)
                )
            let result = Self.glob(pattern, in: tree, budget: &budget)
            switch result {
            case .success(let matches):
                #expect(budget.exhausted == nil, "\(pattern)")
                #expect(matches <= budget.entries, "\(pattern)")
            case .failure(.expansionBudgetExceeded(let resource, let maximum)):
                #expect(budget.exhausted == resource && maximum == budget.maximum(resource), "\(pattern)")
            case .failure(let error):
                Issue.record("\(pattern): \(error)")
            }
            Self.expectStoppedPromptly(budget, "\(pattern)")
        }
    }

    /// The refusal tells the user what ran out.
    @Test func theRefusalNamesTheResource() {
        #expect(
            CommandError.expansionBudgetExceeded(.entries, 100_000).description
                == "pattern expansion exceeded its budget (more than 100000 directory entries read)"
        )
        #expect(
            CommandError.dotAfterPattern(word: "*/..").description
                == "'.' or '..' after a pattern is not expanded: */.."
        )
    }

    /// The backstop: soft RLIMIT_AS and RLIMIT_CPU are lowered while glob runs and put back after it, refused
    /// or not (in a child process: limits are the whole process's).
    @Test func resourceLimitsAreLoweredAroundGlobAndPutBack() async {
        await #expect(processExitsWith: .success) {
            func limits() -> (rlimit, rlimit) {
                guard let limits = ExpansionLimits.current() else { exit(2) }
                return limits
            }
            func used() -> rlim_t {
                var usage = rusage()
                guard system_getrusage_self(&usage) == 0 else { exit(2) }
                return rlim_t(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            }
            let before = limits()
            guard let lowered = try? ExpansionLimits.lower() else { exit(3) }
            let during = limits()
            guard during.0.rlim_cur == min(before.0.rlim_cur, ExpansionLimits.addressSpace),
                during.0.rlim_max == before.0.rlim_max,
                during.1.rlim_cur <= used() + ExpansionLimits.cpuSeconds + 1, during.1.rlim_max == before.1.rlim_max
            else { exit(4) }
            guard (try? lowered.restore()) != nil else { exit(5) }
            let after = limits()
            guard after.0.rlim_cur == before.0.rlim_cur, after.1.rlim_cur == before.1.rlim_cur else { exit(6) }
            // Through the expansion rssh and the helper use: a refused pattern leaves the limits as they were.
            var budget = ExpansionBudget(directories: 5)
            let expansion = FileSystemExpansion(homeDirectory: [0x2F], limitsResources: true)
            guard (try? expansion.glob(Array("/*/*/*".utf8), budget: &budget)) == nil, budget.exhausted != nil else {
                exit(7)
            }
            let afterRefusal = limits()
            guard afterRefusal.0.rlim_cur == before.0.rlim_cur, afterRefusal.1.rlim_cur == before.1.rlim_cur else {
                exit(8)
            }
            exit(0)
        }
    }
}
