import Foundation
import Testing

@testable import RsshCore

/// The rsync allow-list of each access mode, with the command lines the stock rsync client sends (captured
/// from rsync 3.5.0 through a logging `-e` program) and the third review's payloads.
struct RsyncModeTests {
    @Test(arguments: [
        // (mode, server command line, allowed)
        // Downloads, as the stock client sends them.
        ("readonly", "rsync --server --sender -logDtpre.iLsfxCIvu . src/", true),
        ("readonly", "rsync --server --sender -vlogDtprze.iLsfxCIvu . src/", true),
        ("readonly", "rsync --server --sender -lHogDtpAXre.iLsfxCIvu . src/", true),
        ("readonly", "rsync --server --sender -e.LsfxCIvu --inplace . src/", true),
        ("readonly", "rsync --server --sender -e.LsfxCIvu --append --append . src/", true),
        ("readonly", "rsync --server --sender -ce.LsfxCIvu --bwlimit=100 --timeout=9 . src/", true),
        ("readonly", "rsync --server --sender -de.LsfxCIvu --list-only . src/", true),
        ("readonly", "rsync --server --sender -e.LsfxCIvu --ignore-errors --numeric-ids . src/", true),
        ("readonly", "rsync --server --sender -e.LsfxCIvu -B1024 --checksum-seed=5 . src/", true),
        // F1: the sender deletes what it sent, under either name.
        ("readonly", "rsync --server --sender -e.LsfxCIvu --remove-source-files . src/", false),
        ("readonly", "rsync --server --sender -e.LsfxCIvu --remove-sent-files . victim.txt", false),
        ("readonly", "rsync --server --sender -e.LsfxCIvu --delete-missing-args . src/", false),
        // Nothing that only a receiver does, and no upload at all.
        ("readonly", "rsync --server -logDtpre.iLsfxCIvu . dst/", false),
        ("readonly", "rsync --server --sender -be.LsfxCIvu --suffix=.x . src/", false),
        ("readonly", "rsync --server --sender -e.LsfxCIvu --temp-dir /t . src/", false),
        ("readonly", "rsync --server --sender -e.LsfxCIvu --copy-devices . src/", false),
        // Uploads, as the stock client sends them with options a drop box can honour.
        ("uploadonly", "rsync --server -rtpe.iLsfxCIvu . dst/", true),
        ("uploadonly", "rsync --server -vrtpze.iLsfxCIvu . dst/", true),
        ("uploadonly", "rsync --server -e.LsfxCIvu --log-format=X --partial . dst/", true),
        ("uploadonly", "rsync --server -e.LsfxCIvu --log-format=%i . dst/", true),
        ("uploadonly", "rsync --server -oge.LsfxCIvu --usermap=\\*:a . dst/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --remove-source-files . dst/", true),
        ("uploadonly", "rsync --server -e.LsfxCIvu --mkpath --fsync --preallocate --stats . dst/", true),
        ("uploadonly", "rsync --server -Se.LsfxCIvu --inplace . dst/", true),
        // F2: basis files, block checksums, debug output, links, devices and specials.
        ("uploadonly", "rsync --server -e.LsfxCIvu -B1 --copy-dest /home/u/inbox --debug=DELTASUM3 . inbox2/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --compare-dest /etc . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --link-dest /etc . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --partial-dir .p . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --backup-dir bk . in/", false),
        ("uploadonly", "rsync --server -ye.LsfxCIvu . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu -B1 . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --debug=FUZZY2 . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --info=SKIP2 . in/", false),
        ("uploadonly", "rsync --server -ce.LsfxCIvu . in/", false),
        ("uploadonly", "rsync --server -vvvve.LsfxCIvu . in/", false),
        ("uploadonly", "rsync --server -vve.LsfxCIvu . in/", false),
        ("uploadonly", "rsync --server -rle.LsfxCIvu . in/", false),
        ("uploadonly", "rsync --server -rDe.LsfxCIvu . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --specials . in/", false),
        ("uploadonly", "rsync --server -rKe.LsfxCIvu . in/", false),
        ("uploadonly", "rsync --server -rHe.LsfxCIvu . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --append . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --no-W . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --temp-dir /tmp . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --files-from /etc/passwd . in/", false),
        ("uploadonly", "rsync --server -be.LsfxCIvu . in/", false),
        ("uploadonly", "rsync --server --sender -e.LsfxCIvu . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --list-only . in/", false),
        ("uploadonly", "rsync --server -e.LsfxCIvu --delete . in/", false),
        // Spellings of allowed options that clients never send stay refused in every mode.
        ("read-write", "rsync --server -e.LsfxCIvu --recursive . in/", false),
        ("read-write", "rsync --server -e.LsfxCIvu --del . in/", false),
        ("read-write", "rsync --server -e.LsfxCIvu --use-qsort . in/", false),
        ("read-write", "rsync --server -e.LsfxCIvu --remove-sent-files . in/", true),
        ("read-write", "rsync --server -e.LsfxCIvuZ . in/", false),
    ])
    func theModesAllowList(_ mode: String, _ command: String, _ allowed: Bool) {
        let options = mode == "read-write" ? "" : mode
        let shell = policyShell("user = alice:022:10000::\(options)\n")
        #expect((run(shell, command) != nil) == allowed, "\(mode): \(command)")
    }

    @Test func anUploadGetsWholeFilesAndKeepsWhatExists() {
        let shell = policyShell("user = alice:022:10000::uploadonly\n")
        #expect(
            words(run(shell, "rsync --server -rtpe.iLsfxCIvu . -- --ignore-existing")).prefix(4)
                == ["rsync", "--server", "--ignore-existing", "--whole-file"],
            "a file operand spelled like the option does not stand in for it"
        )
        #expect(
            words(run(shell, "rsync --server -e.LsfxCIvu --ignore-existing . in/")).filter {
                $0 == "--ignore-existing"
            }.count == 1
        )
    }

    @Test func everyOptionIsClassifiedOnceAndExplained() {
        #expect(RsyncOption.longOptions.count == RsyncOption.table.count, "a long name is listed twice")
        #expect(RsyncOption.flagsByLetter.count == RsyncOption.flags.count, "a letter is listed twice")
        for option in RsyncOption.table {
            #expect(option.modes.isEmpty == (option.refusal != nil), "--\(option.name)")
            // A mode never allows what read-write refuses: each is narrower.
            #expect(option.modes.isEmpty || option.modes.allows(.readWrite), "--\(option.name)")
        }
        for banned in RsyncOption.bannedPrefixes {
            let name = String(banned.dropFirst(2))
            #expect(RsyncOption.longOptions[name]?.modes.isEmpty ?? true, "\(banned) is allowed somewhere")
        }
    }

    @Test func rsshMinusVPrintsTheTableTheManPageRepeats() throws {
        let manPage = try String(contentsOfFile: sourceRoot + "/Man/rssh.conf.5", encoding: .utf8)
        for mode in [AccessMode.readOnly, .uploadOnly, .appendOnly] {
            let lines = RsyncOption.allowList(for: mode)
            #expect(manPage.contains(lines.joined(separator: "\n")), "rssh.conf(5) lacks the \(mode) table")
        }
        let config = ConfigParser.parse(
            Array(
                ("allowrsync\nuser = a:022:00001::readonly\nuser = b:022:00001::uploadonly\n"
                    + "user = c:022:00001::appendonly\n").utf8
            ),
            file: "rssh.conf"
        )
        let report = VersionReport(
            paths: debianPaths,
            configuration: .success(config),
            isExecutable: { _ in true },
            shellCanAudit: true,
            auditDaemonProblem: nil,
            sshd: nil,
            pathStatus: { _ in nil },
            landlockABI: 7
        ).render().text
        for mode in [AccessMode.readOnly, .uploadOnly, .appendOnly] {
            let lines = RsyncOption.allowList(for: mode).map { "  " + $0 }
            #expect(report.contains(lines.joined(separator: "\n")), "rssh -v lacks the \(mode) table")
        }
    }

    /// rsync's own option table, read out of the installed binary, and this one cover each other.
    ///
    /// Every name and letter in it is classified here, and nothing here is missing from it. A later rsync's new option fails this test
    /// (and is refused by rssh) until someone classifies it.
    @Test func theTableCoversRsyncsOwnOptionTable() throws {
        let rsync = "/usr/bin/rsync"
        try #require(FileManager.default.isExecutableFile(atPath: rsync), "rsync is not installed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.currentDirectoryURL = URL(fileURLWithPath: "/")  // not the process's (see RsyncLogParserTests)
        process.arguments = [sourceRoot + "/Tests/Tables/rsync_options.py", rsync]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let rows = String(decoding: output, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        try #require(rows.count > 200, "rsync's table looks truncated (\(rows.count) entries)")
        let names = Set(rows.map { $0[0] }.filter { !$0.isEmpty })
        let letters = Set(rows.compactMap { $0[1].utf8.first })
        for name in names { #expect(RsyncOption.longOptions[name] != nil, "rsync's --\(name) is not classified") }
        for option in RsyncOption.table { #expect(names.contains(option.name), "--\(option.name) is not rsync's") }
        for letter in letters {
            #expect(RsyncOption.flagsByLetter[letter] != nil, "rsync's -\(Character(Unicode.Scalar(letter)))")
        }
        for flag in RsyncOption.flags {
            #expect(letters.contains(flag.letter), "-\(Character(Unicode.Scalar(flag.letter))) is not rsync's")
        }
    }
}

/// The repository's root, from this file's path.
let sourceRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()
