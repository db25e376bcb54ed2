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
        .executable(name: "rssh", targets: ["rssh"])
    ],
    targets: [
        .target(name: "CRsshShims", cSettings: [.define("_GNU_SOURCE")]),
        .target(name: "CRsshBuildConfig"),
        .target(name: "RsshCore", dependencies: ["CRsshShims", "CRsshBuildConfig"]),
        .executableTarget(name: "rssh", dependencies: ["RsshCore"], linkerSettings: hardenedExecutable),
        .testTarget(name: "RsshCoreTests", dependencies: ["RsshCore"]),
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
