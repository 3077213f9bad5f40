// swift-tools-version: 6.1
import PackageDescription

/// Settings every target shares: Swift 6 mode plus the upcoming features STYLE.md asks for.
let sharedSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Touchlog",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Touchlog", targets: ["Touchlog"]),
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "TouchlogAnalytics", targets: ["TouchlogAnalytics"]),
        .executable(name: "touchlog", targets: ["TouchlogCLI"]),
        .executable(name: "touchlog-sample", targets: ["SampleGenerator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB"], swiftSettings: sharedSettings),
        .target(name: "TouchlogAnalytics", exclude: ["README.md"], swiftSettings: sharedSettings),
        .target(name: "Touchlog", dependencies: ["LMDB", "TouchlogAnalytics"], swiftSettings: sharedSettings),
        .executableTarget(
            name: "TouchlogCLI",
            dependencies: [
                "Touchlog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: sharedSettings
        ),
        .executableTarget(
            name: "SampleGenerator",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/SampleGenerator",
            swiftSettings: sharedSettings
        ),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB"], swiftSettings: sharedSettings),
        .testTarget(
            name: "TouchlogTests", dependencies: ["Touchlog", "TouchlogAnalytics"], exclude: ["Fixtures"], swiftSettings: sharedSettings
        ),
        .testTarget(
            name: "TouchlogAnalyticsTests", dependencies: ["TouchlogAnalytics"], exclude: ["Fixtures"], swiftSettings: sharedSettings
        ),
        .testTarget(
            name: "TouchlogCLITests",
            dependencies: ["TouchlogCLI", "Touchlog"],
            swiftSettings: sharedSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
