// swift-tools-version: 6.1
import PackageDescription

/// libFuzzer harnesses for the places where untrusted bytes enter Touchlog; build and run them
/// with `Tools/fuzz` (they need `-sanitize=fuzzer`, which provides `main`, so a plain
/// `swift build` of this package does not link). Each harness hands its input to
/// `FuzzTargets.run`, which the normal tests also use to replay the committed corpus.
/// SwiftPM names a path dependency after its directory, which differs between clones and worktrees.
let root = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "touchlog").lowercased()
let touchlog: Target.Dependency = .product(name: "Touchlog", package: root)
/// lld: the system's gold fails with an internal error on these sanitized objects.
let linkWithLLD: [LinkerSetting] = [.unsafeFlags(["-use-ld=lld"])]

let package = Package(
    name: "TouchlogFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(name: "FuzzNDJSON", dependencies: [touchlog, "FuzzSupport"], linkerSettings: linkWithLLD),
        .executableTarget(name: "FuzzValidator", dependencies: [touchlog, "FuzzSupport"], linkerSettings: linkWithLLD),
        .executableTarget(name: "FuzzRecord", dependencies: [touchlog, "FuzzSupport"], linkerSettings: linkWithLLD),
    ],
    swiftLanguageModes: [.v6]
)
