import Foundation
import Testing
import Touchlog

/// Runs the built executables as child processes, as a user would.
enum CLI {
    /// The directory holding the built products (next to the test bundle).
    static let productsDirectory: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        if url.lastPathComponent.hasSuffix(".xctest") { url = url.deletingLastPathComponent() }
        return url.path
    }()

    static var touchlog: String { productsDirectory + "/touchlog" }
    static var sample: String { productsDirectory + "/touchlog-sample" }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs a command to completion.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self)
        )
    }

    /// Runs `touchlog` with arguments.
    @discardableResult
    static func touchlog(_ arguments: String..., stdin: Data? = nil) throws -> Result {
        try run(touchlog, arguments, stdin: stdin)
    }
}

func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("touchlog-cli-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// The (source, id) keys of an NDJSON file's lines, in order.
func eventKeys(ofNDJSON path: String) throws -> [(source: String, id: String)] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        guard case .object(let object) = try JSONParser.parse(String(line)),
              case .string(let source)? = object["source"], case .string(let id)? = object["id"]
        else { throw TouchlogError(.invalidArgument, "sample line without source/id") }
        return (source, id)
    }
}
