// swift-tools-version:6.1
import PackageDescription

/// Static Swift runtime (no libswift*.so to trust, no RUNPATH needed) and full RELRO.
///
/// The Makefile adds --disable-local-rpath so no $ORIGIN RUNPATH is written either.
let hardenedExecutable: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib", "-Xlinker", "-z", "-Xlinker", "now", "-Xlinker", "-z", "-Xlinker", "relro"])
]

let package = Package(
    name: "rssh",
    products: [
        .executable(name: "rssh", targets: ["rssh"]),
        .executable(name: "rssh_chroot_helper", targets: ["rssh_chroot_helper"]),
        .executable(name: "rsshctl", targets: ["rsshctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .target(name: "CRsshShims", cSettings: [.define("_GNU_SOURCE")]),
        .target(name: "CRsshBuildConfig"),
        .systemLibrary(name: "CAudit", pkgConfig: "audit", providers: [.apt(["libaudit-dev"])]),
        .target(name: "RsshCore", dependencies: ["CRsshShims", "CRsshBuildConfig", "CAudit"]),
        .target(name: "RsshJail", dependencies: ["RsshCore"]),
        .executableTarget(name: "rssh", dependencies: ["RsshCore"], linkerSettings: hardenedExecutable),
        .executableTarget(
            name: "rssh_chroot_helper",
            dependencies: ["RsshCore"],
            linkerSettings: hardenedExecutable
        ),
        .executableTarget(
            name: "rsshctl",
            dependencies: ["RsshJail", .product(name: "ArgumentParser", package: "swift-argument-parser")]
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
