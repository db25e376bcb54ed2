import Foundation
import Testing

/// The privileged binaries run no Swift runtime code before `main`: a full Swift runtime reads `SWIFT_*`
/// variables in its constructors (SWIFT_DEBUG_HELP=YES made the setuid helper print the runtime's help).
@Suite(.serialized, .enabled(if: BlackBox.available && BlackBox.helper != nil, "set by `make blackbox`"))
struct RuntimeEnvironmentBlackBoxTests {
    static let runtimeVariables = [
        "SWIFT_DEBUG_HELP": "YES", "SWIFT_DEBUG_ENABLE_METADATA_ALLOCATION_ITERATION": "YES",
        "SWIFT_BACKTRACE": "enable=yes,interactive=yes", "SWIFT_DETERMINISTIC_HASHING": "1", "SWIFT_ROOT": "/tmp/evil",
    ]

    @Test(arguments: ["rssh", "rssh_chroot_helper"])
    func runtimeVariablesAreNeverRead(_ name: String) throws {
        // No fixture change: the other black-box suite owns the shared config, and a refusal is all that is run.
        let executable = name == "rssh" ? BlackBox.binary : BlackBox.helper
        // As root the helper would get past its first check; run it as nobody, as an attacker would.
        let asNobody = getuid() == 0 && name == "rssh_chroot_helper"
        let result = try BlackBox.run(
            asNobody ? ["--reuid=65534", "--regid=65534", "--clear-groups", executable ?? "", "x"] : ["-c", "x"],
            extraEnvironment: Self.runtimeVariables,
            executable: asNobody ? "/usr/bin/setpriv" : executable
        )
        #expect(result.status == 1, "\(name) refuses and exits with its own status")
        for output in [result.stdout, result.stderr] {
            #expect(!output.contains("SWIFT_"), "\(name) printed runtime text: \(output.prefix(300))")
            #expect(!output.lowercased().contains("swift runtime"), "\(name) printed runtime text")
        }
        #expect(result.stderr.contains(name == "rssh" ? "This account is restricted by rssh." : "rssh_chroot_helper:"))
    }
}
