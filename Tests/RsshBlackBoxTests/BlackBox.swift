import Foundation

/// Runs the black-box build of `rssh`, whose compiled-in paths point into a fixture folder of stub programs.
///
/// The stubs print their argv, umask and environment and exit 7, so a test sees exactly what rssh executed.
enum BlackBox {
    static let binary = ProcessInfo.processInfo.environment["RSSH_BLACKBOX_BINARY"]
    static let fixture = ProcessInfo.processInfo.environment["RSSH_BLACKBOX_FIXTURE"]
    /// The black-box build of the real chroot helper (not the fixture's stub).
    static let helper = ProcessInfo.processInfo.environment["RSSH_BLACKBOX_HELPER"]
    /// The black-box build of the Embedded probe (its `--landlock-selftest` mode).
    static let probe = ProcessInfo.processInfo.environment["RSSH_BLACKBOX_PROBE"]
    /// rsshctl (a normal build), for `rsshctl config check`.
    static let rsshctl = ProcessInfo.processInfo.environment["RSSH_BLACKBOX_RSSHCTL"]
    static var available: Bool { binary != nil && fixture != nil }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// The lines a stub printed with `prefix=`.
        func values(_ prefix: String) -> [String] {
            stdout.split(separator: "\n").filter { $0.hasPrefix(prefix + "=") }.map {
                String($0.dropFirst(prefix.count + 1))
            }
        }
    }

    static let programs = ["sftp-server", "scp", "rsync", "cvs", "rdist", "rdistd", "svnserve"]

    static let stub = """
        #!/bin/sh
        echo "ran=$0"
        for a in "$@"; do printf 'arg=%s\\n' "$a"; done
        echo "umask=$(umask)"
        echo "cwd=$(pwd)"
        echo "nnp=$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/self/status)"
        echo "limits=cpu $(ulimit -t) as $(ulimit -v)"
        env | LC_ALL=C sort | sed 's/^/env=/'
        exit 7

        """

    /// Lays out the fixture: stub programs and a stub chroot helper.
    static func prepare() throws {
        guard let fixture else { return }
        let manager = FileManager.default
        try manager.createDirectory(atPath: fixture + "/bin", withIntermediateDirectories: true)
        for program in programs + ["../rssh_chroot_helper"] {
            let path = fixture + "/bin/" + program
            try stub.write(toFile: path, atomically: true, encoding: .utf8)
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
    }

    /// Writes the config file with `mode`.
    static func writeConfig(_ text: String, mode: Int = 0o644) throws {
        guard let fixture else { return }
        let path = fixture + "/rssh.conf"
        try? FileManager.default.removeItem(atPath: path)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static func removeConfig() {
        guard let fixture else { return }
        try? FileManager.default.removeItem(atPath: fixture + "/rssh.conf")
    }

    /// Runs rssh (or `executable`) with `arguments` and a hostile environment, in `directory`.
    static func run(
        _ arguments: [String],
        directory: String? = nil,
        extraEnvironment: [String: String] = [:],
        executable: String? = nil
    ) throws -> Result {
        guard let path = executable ?? binary else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var environment = [
            "PATH": "/tmp/evil:/usr/bin:/bin",
            "HOME": "/tmp/not-home",
            "LD_LIBRARY_PATH": "/nonexistent",
            "BASH_ENV": "/tmp/evil",
            "SSH_CONNECTION": "198.51.100.7 40000 198.51.100.1 22",
            "LANG": "C.UTF-8",
        ]
        environment.merge(extraEnvironment) { $1 }
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self)
        )
    }
}
