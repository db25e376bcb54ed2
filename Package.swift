// swift-tools-version:6.1
import Foundation
import PackageDescription

// The privileged binaries (rssh, rssh_chroot_helper) are Embedded Swift: no Swift runtime library, no
// runtime constructors reading SWIFT_* variables, C-like start-up. RsshCoreEmbedded is a symlink to
// RsshCore, so one source tree is compiled twice: in Embedded mode for those two, in normal mode for the
// tests, the fuzz targets and rsshctl.

/// The toolchain's Embedded libraries (String's Unicode tables), found from the `swift` being used.
let embeddedLibraryDirectory: String = {
    let triple = "x86_64-unknown-linux-gnu"
    var candidates: [String] = []
    for directory in (Context.environment["PATH"] ?? "").split(separator: ":") {
        candidates.append(String(directory) + "/../lib/swift/embedded/" + triple)
    }
    candidates += ["/opt/swift/usr", "/usr/share/swift/usr", "/usr/local/swift/usr", "/usr"].map {
        $0 + "/lib/swift/embedded/" + triple
    }
    let found = candidates.first {
        FileManager.default.fileExists(atPath: $0 + "/libswiftUnicodeDataTables.a")
    }
    return (found.map { URL(fileURLWithPath: $0).standardizedFileURL.path }) ?? "/opt/swift/usr/lib/swift/embedded/"
        + triple
}()

/// libaudit as a static archive for the privileged executables.
///
/// Loading and binding two shared libraries was a quarter of rssh's own start-up time (the .a file comes
/// with libaudit-dev). Only libaudit's netlink objects are linked: rssh lays its records out itself, so
/// neither libaudit's name tables nor libcap-ng are pulled in. Elsewhere, or without it, the shared library
/// is linked.
let staticAudit: [LinkerSetting] = {
    for directory in ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib"] {
        let archive = directory + "/libaudit.a"
        if FileManager.default.fileExists(atPath: archive) {
            return [.unsafeFlags([archive])]
        }
    }
    return [.linkedLibrary("audit")]
}()

/// Optimised for size (what runs with privileges should be small enough to read; start-up measured the
/// same as -O), each function in its own section so the linker drops what one executable does not use.
let embeddedSwift: [SwiftSetting] = [
    .enableExperimentalFeature("Embedded"), .unsafeFlags(["-wmo", "-Osize", "-Xfrontend", "-function-sections"]),
]

/// Full RELRO with immediate binding; the C code gets the stack protector (Swift code has it by default).
let hardenedLink: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "-z", "-Xlinker", "now", "-Xlinker", "-z", "-Xlinker", "relro"])
]

/// Embedded executables link String's Unicode tables and nothing else of Swift's.
let embeddedExecutableLink: [LinkerSetting] =
    hardenedLink + [
        .unsafeFlags(["-L", embeddedLibraryDirectory, "-Xlinker", "--gc-sections"]),
        .linkedLibrary("swiftUnicodeDataTables"),
    ]

let coreDependencies: [Target.Dependency] = ["CRsshShims", "CRsshBuildConfig", "CAudit", "CRsshLibc"]

let package = Package(
    name: "rssh",
    products: [
        .executable(name: "rssh", targets: ["rssh"]),
        .executable(name: "rssh_chroot_helper", targets: ["rssh_chroot_helper"]),
        .executable(name: "rssh_report", targets: ["rssh_report"]),
        .executable(name: "rsshctl", targets: ["rsshctl"]),
        .executable(name: "rssh-probe", targets: ["rssh-probe"]),
        .executable(name: "rssh-probe-embedded", targets: ["rssh-probe-embedded"]),
        .executable(name: "winscp-responder-probe", targets: ["winscp-responder-probe"]),
        .executable(name: "rsync-mode-gate", targets: ["rsync-mode-gate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .target(
            name: "CRsshShims",
            cSettings: [
                .define("_GNU_SOURCE"),
                .unsafeFlags(["-fstack-protector-strong", "-D_FORTIFY_SOURCE=2", "-ffunction-sections"]),
            ]
        ),
        .target(name: "CRsshBuildConfig", cSettings: [.unsafeFlags(["-fstack-protector-strong"])]),
        .target(name: "CRsshEmbeddedSupport", cSettings: [.unsafeFlags(["-fstack-protector-strong"])]),
        // No pkgConfig: it would add -laudit to every link, the privileged executables' too.
        .systemLibrary(name: "CAudit", providers: [.apt(["libaudit-dev"])]),
        .systemLibrary(name: "CRsshLibc"),
        .target(name: "RsshCore", dependencies: coreDependencies, linkerSettings: [.linkedLibrary("audit")]),
        .target(
            name: "RsshCoreEmbedded",
            dependencies: coreDependencies,
            swiftSettings: embeddedSwift,
            linkerSettings: staticAudit
        ),
        .target(name: "RsshJail", dependencies: ["RsshCore", "CRsshShims"]),
        .executableTarget(
            name: "rssh",
            dependencies: ["RsshCoreEmbedded", "CRsshEmbeddedSupport"],
            swiftSettings: embeddedSwift,
            linkerSettings: embeddedExecutableLink
        ),
        .executableTarget(
            name: "rssh_chroot_helper",
            dependencies: ["RsshCoreEmbedded", "CRsshEmbeddedSupport"],
            swiftSettings: embeddedSwift,
            linkerSettings: embeddedExecutableLink
        ),
        // What `rssh -v` runs: the report's code kept out of the session's image.
        .executableTarget(
            name: "rssh_report",
            dependencies: ["RsshCoreEmbedded", "CRsshEmbeddedSupport"],
            swiftSettings: embeddedSwift,
            linkerSettings: embeddedExecutableLink
        ),
        .executableTarget(
            name: "rsshctl",
            dependencies: ["RsshJail", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The same probe source in both modes (rssh-probe-embedded/main.swift is a symlink): make check
        // compares their outputs so the two compilations of RsshCore cannot drift apart.
        .executableTarget(
            name: "rssh-probe",
            dependencies: ["RsshCore", "CRsshShims"],
            path: "Tests/Probe/rssh-probe"
        ),
        .executableTarget(
            name: "rssh-probe-embedded",
            dependencies: ["RsshCoreEmbedded", "CRsshEmbeddedSupport", "CRsshShims"],
            path: "Tests/Probe/rssh-probe-embedded",
            swiftSettings: embeddedSwift + [.define("RSSH_EMBEDDED")],
            linkerSettings: embeddedExecutableLink
        ),
        // rssh's rsync decision in front of the real rsync, as an rsync -e program, for Tests/Modes/rsync_modes.py.
        .executableTarget(
            name: "rsync-mode-gate",
            dependencies: ["RsshCore", "CRsshShims"],
            path: "Tests/Probe/rsync-mode-gate"
        ),
        // The WinSCP responder alone, on stdin/stdout, for Tests/EndToEnd/winscp_replay.py.
        .executableTarget(
            name: "winscp-responder-probe",
            dependencies: ["RsshCore"],
            path: "Tests/Probe/winscp-responder-probe"
        ),
        .testTarget(name: "RsshCoreTests", dependencies: ["RsshCore", "RsshJail"]),
        .testTarget(name: "RsshBlackBoxTests", dependencies: ["RsshCore"]),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system && !target.name.hasPrefix("C") {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
