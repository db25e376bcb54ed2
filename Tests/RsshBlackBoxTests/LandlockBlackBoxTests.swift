import Foundation
import Testing

/// Landlock as the Embedded build applies it, on this machine's kernel, and the fail-closed path on a
/// kernel without Landlock (simulated by the black-box build's compiled-in switch file).
@Suite(.serialized, .enabled(if: BlackBox.available && BlackBox.probe != nil, "set by `make blackbox`"))
struct LandlockBlackBoxTests {
    /// The session's ruleset, applied to a process that then tries what a landlocked program must not do.
    @Test func theSessionRulesetConfinesToHome() throws {
        let manager = FileManager.default
        let home = "/var/tmp/rssh-landlock-home.\(getpid())"
        let outside = "/var/tmp/rssh-landlock-outside.\(getpid())"
        defer {
            try? manager.removeItem(atPath: home)
            try? manager.removeItem(atPath: outside)
        }
        try manager.createDirectory(atPath: home, withIntermediateDirectories: false)
        try "secret\n".write(toFile: outside, atomically: false, encoding: .utf8)
        try "#!/bin/sh\necho EXECUTED\n".write(toFile: home + "/x.sh", atomically: false, encoding: .utf8)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: home + "/x.sh")
        try manager.createSymbolicLink(atPath: home + "/outside-link", withDestinationPath: outside)
        // A listening port the ruleset must keep the program from reaching.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(bound == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        #expect(listen(listener, 1) == 0)
        let port = String(UInt16(bigEndian: address.sin_port))
        let result = try BlackBox.run(["--landlock-selftest", home, outside, port], executable: BlackBox.probe)
        let lines = Set(result.stdout.split(separator: "\n").map(String.init))
        let abi = lines.first { $0.hasPrefix("abi=") }.flatMap { Int($0.dropFirst(4)) } ?? 0
        try #require(abi >= 2, "this test needs a kernel with Landlock ABI 2 or later: \(result.stdout)")
        for allowed in ["mkdir-home", "create-home", "rename-across-home", "read-etc-passwd"] {
            #expect(lines.contains(allowed + "=ok"), "\(allowed): \(result.stdout)")
        }
        var denied = ["read-outside", "write-tmp", "list-root", "read-through-symlink", "exec-home"]
        if abi >= 4 { denied.append("tcp-connect") }
        for name in denied {
            #expect(lines.contains(name + "=errno \(EACCES)"), "\(name): \(result.stdout)")
        }
        #expect(!result.stdout.contains("EXECUTED"))
    }

    /// A landlocked user on a kernel without Landlock is refused, and nothing runs.
    @Test func noLandlockMeansNoSession() throws {
        guard let fixture = BlackBox.fixture else { return }
        try BlackBox.prepare()
        let user = String(cString: getpwuid(getuid()).pointee.pw_name)
        try BlackBox.writeConfig("user = \(user):022:00011::landlock\n")
        _ = FileManager.default.createFile(atPath: fixture + "/no-landlock", contents: Data())
        defer { try? FileManager.default.removeItem(atPath: fixture + "/no-landlock") }
        let result = try BlackBox.run(["-c", "scp -t ."])
        #expect(result.status == 1)
        #expect(result.values("ran").isEmpty)
        #expect(result.stderr.contains("confinement is configured but not available"), "\(result.stderr)")
        let report = try BlackBox.run(["-v"])
        #expect(report.stdout.contains("Landlock is not available on this kernel"))
        #expect(report.stdout.contains("REFUSED until the kernel has Landlock"))
        #expect(report.status != 0)
    }
}
