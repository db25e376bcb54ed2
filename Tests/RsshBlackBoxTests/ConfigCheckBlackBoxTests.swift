import Foundation
import Testing

/// `rsshctl config check FILE` says what `rssh -v` says about the same file: the same diagnostics and
/// policies, and errors exactly when `rssh -v` reports them (issue 19).
@Suite(.serialized, .enabled(if: BlackBox.available && BlackBox.rsshctl != nil, "set by `make blackbox`"))
struct ConfigCheckBlackBoxTests {
    init() throws {
        try BlackBox.prepare()
    }

    /// The lines between the first starting with `start` and the next starting with `end` (both exclusive).
    func section(_ text: String, from start: String, to end: String) -> [Substring] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.firstIndex(where: { $0.hasPrefix(start) }) else { return [] }
        let rest = lines[(first + 1)...]
        return Array(rest.prefix { !$0.hasPrefix(end) })
    }

    @Test func everyConfigFileAndCorpusConfigGetsRsshVsVerdict() throws {
        defer { BlackBox.removeConfig() }
        let fixture = try #require(BlackBox.fixture)
        let rsshctl = try #require(BlackBox.rsshctl)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        // Every file in Config/ (the example rssh.conf, and files that are not one, which both must refuse alike).
        var files: [String] = []
        let manager = FileManager.default
        let config = root.appendingPathComponent("Config").path
        for name in (manager.subpaths(atPath: config) ?? []).sorted() {
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: config + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append("Config/" + name)
            }
        }
        #expect(files.contains("Config/rssh.conf"))
        let corpus = root.appendingPathComponent("Tests/Fuzz/corpus/config").path
        for name in try FileManager.default.contentsOfDirectory(atPath: corpus).sorted() {
            files.append("Tests/Fuzz/corpus/config/" + name)
        }
        #expect(files.count > 5)
        for file in files {
            // The bytes as they are (a corpus file need not be UTF-8).
            let bytes = try Data(contentsOf: root.appendingPathComponent(file))
            try BlackBox.writeConfig("")
            try bytes.write(to: URL(fileURLWithPath: fixture + "/rssh.conf"))
            let rssh = try BlackBox.run(["-v"])
            let check = try BlackBox.run(["config", "check", fixture + "/rssh.conf"], executable: rsshctl)
            let fromRssh = section(rssh.stdout, from: "Configuration check", to: "  sftp-server runs with")
            let verdict = fixture + "/rssh.conf: " + (check.status == 0 ? "OK" : "errors")
            let fromCheck = section(check.stdout, from: "Configuration check of", to: verdict)
            #expect(!fromRssh.isEmpty && fromRssh == fromCheck, "\(file)")
            #expect((rssh.status == 1) == (check.status == 1), "\(file): rssh -v \(rssh.status), check \(check.status)")
        }
    }
}
