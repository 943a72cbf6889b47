// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "policy-gate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "policy-gate", targets: ["policy-gate"]),
        .executable(name: "policy-gate-hook", targets: ["policy-gate-hook"]),
        .library(name: "PolicyEngine", targets: ["PolicyEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // Whole pack entries of known size inflate about twice as fast as with zlib.
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // prctl is variadic, which Swift cannot call: a fixed-signature wrapper for the agent runner.
        .systemLibrary(name: "CProcessControl"),
        .target(
            name: "PolicyEngine",
            dependencies: [
                "CLibGit2",
                "CPCRE2",
                "CZlib",
                "CDeflate",
                "CProcessControl",
                "HookClient",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]
        ),
        // The live hook's client under the runner: Glibc only, so a call costs little more than a process start.
        .target(name: "HookClient"),
        .executableTarget(name: "policy-gate-hook", dependencies: ["HookClient"]),
        .executableTarget(
            name: "policy-gate",
            dependencies: [
                "PolicyEngine",
                "HookClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "PolicyEngineTests",
            dependencies: ["PolicyEngine", "HookClient", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "PolicyGateTests",
            dependencies: ["PolicyEngine", "TestSupport", .product(name: "Yams", package: "Yams"),
                           .product(name: "FlyingFox", package: "FlyingFox"), .product(name: "FlyingSocks", package: "FlyingFox"),
                           .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
