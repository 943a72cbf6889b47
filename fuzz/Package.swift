// swift-tools-version: 6.1
// libFuzzer targets for the gate's readers; not part of the normal build. Build and run with fuzz/run.sh.
import PackageDescription

let targets = ["FuzzDiff", "FuzzTranscript", "FuzzShell", "FuzzSettings", "FuzzPolicy", "FuzzGitleaks", "FuzzCIJob"]

let package = Package(
    name: "policy-gate-fuzz",
    platforms: [.macOS(.v13)],
    products: targets.map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(name: "policy-gate", path: "..")],
    targets: [.target(name: "CFuzzerDriver")] + targets.map { name in
        .executableTarget(name: name, dependencies: ["CFuzzerDriver", .product(name: "PolicyEngine", package: "policy-gate")])
    },
    swiftLanguageModes: [.v6]
)
