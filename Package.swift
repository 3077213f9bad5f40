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
        .library(name: "TouchlogReport", targets: ["TouchlogReport"]),
        .executable(name: "touchlog", targets: ["TouchlogCLI"]),
        .executable(name: "touchlog-sample", targets: ["SampleGenerator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB"], swiftSettings: sharedSettings),
        .target(name: "TouchlogAnalytics", exclude: ["README.md"], swiftSettings: sharedSettings),
        .target(name: "TouchlogReport", dependencies: ["TouchlogAnalytics"], swiftSettings: sharedSettings),
        .target(name: "Touchlog", dependencies: ["LMDB", "TouchlogAnalytics", "TouchlogReport"], swiftSettings: sharedSettings),
        .target(
            name: "TouchlogServer",
            dependencies: [
                "Touchlog",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: sharedSettings
        ),
        .executableTarget(
            name: "TouchlogCLI",
            dependencies: [
                "Touchlog",
                "TouchlogServer",
                "TouchlogReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
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
            name: "TouchlogTests", dependencies: ["Touchlog", "TouchlogAnalytics", "TouchlogReport", "LMDB"], exclude: ["Fixtures"],
            swiftSettings: sharedSettings
        ),
        .testTarget(
            name: "TouchlogAnalyticsTests", dependencies: ["TouchlogAnalytics"], exclude: ["Fixtures"], swiftSettings: sharedSettings
        ),
        .testTarget(name: "TouchlogReportTests", dependencies: ["TouchlogReport", "TouchlogAnalytics"], swiftSettings: sharedSettings),
        .testTarget(
            name: "TouchlogServerTests",
            dependencies: [
                "TouchlogServer", "Touchlog", "TouchlogAnalytics", "TouchlogCLI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSettings
        ),
        .testTarget(
            name: "TouchlogCLITests",
            dependencies: ["TouchlogCLI", "Touchlog"],
            swiftSettings: sharedSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
