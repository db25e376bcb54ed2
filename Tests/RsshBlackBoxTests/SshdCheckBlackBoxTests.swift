import Foundation
import Testing

/// `rssh -v`'s sshd check through the black-box build, whose compiled-in sshd and sshd_config are fixture
/// files: a stub sshd that prints canned `sshd -T` output (used as root) and a config file (read otherwise).
@Suite(.serialized, .enabled(if: BlackBox.available, "set by `make blackbox`"))
struct SshdCheckBlackBoxTests {
    init() throws {
        try BlackBox.prepare()
    }

    /// Lays out the stub sshd (printing `output`, or failing with `failure`) and the config file `config`.
    func layOut(config: String, output: String, failure: String? = nil) throws {
        let fixture = try #require(BlackBox.fixture)
        let body =
            failure.map { "echo \"\($0)\" >&2\nexit 255\n" }
            ?? "[ \"$1 $2 $3\" = \"-T -f \(fixture)/sshd_config\" ] || exit 9\ncat <<'EOF'\n\(output)EOF\n"
        try ("#!/bin/sh\n" + body).write(toFile: fixture + "/bin/sshd", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fixture + "/bin/sshd")
        try config.write(toFile: fixture + "/sshd_config", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: fixture + "/sshd_config")
    }

    func clean() {
        guard let fixture = BlackBox.fixture else { return }
        try? FileManager.default.removeItem(atPath: fixture + "/bin/sshd")
        try? FileManager.default.removeItem(atPath: fixture + "/sshd_config")
    }

    @Test func aForcedInternalSftpMakesRsshVExitTwo() throws {
        defer { clean() }
        let fixture = try #require(BlackBox.fixture)
        try BlackBox.writeConfig("allowsftp\n")
        try layOut(
            config: "Subsystem sftp \(fixture)/bin/sftp-server\nForceCommand internal-sftp\n",
            output: "subsystem sftp \(fixture)/bin/sftp-server\nforcecommand internal-sftp\npermittty no\n"
                + "permituserrc no\ndisableforwarding yes\n"
        )
        let result = try BlackBox.run(["-v"])
        #expect(result.status == 2, "\(result.stdout)")
        #expect(result.stdout.contains("BYPASS: ForceCommand internal-sftp: sshd serves SFTP itself"))
        #expect(result.stdout.contains("Result: configuration OK, but sshd bypasses or weakens rssh"))
    }

    @Test func noSshdConfigurationIsSaidAndLeavesTheStatusAlone() throws {
        clean()
        try BlackBox.writeConfig("allowsftp\n")
        let result = try BlackBox.run(["-v"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("  not checked: "))
    }
}
