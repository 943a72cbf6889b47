// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "policy-gate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "policy-gate", targets: ["policy-gate"]),
        .library(name: "PolicyEngine", targets: ["PolicyEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
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
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "PolicyEngine",
            dependencies: [
                "CLibGit2",
                "CPCRE2",
                "CZlib",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]
        ),
        .executableTarget(
            name: "policy-gate",
            dependencies: [
                "PolicyEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "PolicyEngineTests",
            dependencies: ["PolicyEngine", "TestSupport"],
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
