import Foundation
import Synchronization
import Testing
import Touchlog

/// The built `touchlog serve` as a child process, killed while clients post events: after SIGKILL
/// and after SIGTERM, every event the server acknowledged is in the log.
@Suite(.serialized) struct ProcessTests {
    /// The directory holding the built products (next to the test bundle).
    static let productsDirectory: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        if url.lastPathComponent.hasSuffix(".xctest") { url = url.deletingLastPathComponent() }
        return url.path
    }()

    /// A running `touchlog serve` and its database.
    struct Child {
        let process: Process
        let port: Int
        let keysFile: String
        let key: String
    }

    static func startServer(db: String, directory: String) throws -> Child {
        let touchlog = productsDirectory + "/touchlog"
        let initialise = Process()
        initialise.executableURL = URL(fileURLWithPath: touchlog)
        initialise.arguments = ["init", "--db", db]
        initialise.standardOutput = FileHandle.nullDevice
        try initialise.run()
        initialise.waitUntilExit()

        let keysFile = directory + "/keys"
        let keyProcess = Process()
        keyProcess.executableURL = URL(fileURLWithPath: touchlog)
        keyProcess.arguments = ["keys", "add", keysFile, "--scopes", "read,append", "--name", "crash-test"]
        let keyOut = Pipe()
        keyProcess.standardOutput = keyOut
        try keyProcess.run()
        let key = String(decoding: keyOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        keyProcess.waitUntilExit()

        let process = Process()
        process.executableURL = URL(fileURLWithPath: touchlog)
        process.arguments = ["serve", "--db", db, "--keys", keysFile, "--port", "0", "--log-level", "warning"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line says where it listens.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw HTTPTestClient.Failure(description: "touchlog serve did not say where it listens: \(text)")
        }
        return Child(process: process, port: port, keysFile: keysFile, key: key)
    }

    /// Posts batches from `clients` concurrent clients until the server goes away; returns the ids
    /// it acknowledged (status 200).
    static func postUntilGone(port: Int, key: String, clients: Int, kill: @escaping @Sendable () -> Void) async -> [String] {
        let acknowledged = Acknowledged()
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var batch = 0
                    while true {
                        let ids = (0..<5).map { "c\(client)-b\(batch)-e\($0)" }
                        let body = Events.batch(ids.map { Events.purchase($0, customer: "cust-\(client)") })
                        guard let response = try? await HTTPTestClient.send(
                            port: port, "POST", "/v1/events",
                            headers: [("Content-Type", "application/cloudevents-batch+json"), ("X-API-Key", key)], body: Array(body.utf8)
                        ) else { return }
                        if response.status == 200 { acknowledged.ids.withLock { $0 += ids } }
                        batch += 1
                    }
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int.random(in: 600...1200)))
                kill()
            }
        }
        return acknowledged.ids.withLock { $0 }
    }

    /// The ids acknowledged so far, shared by the clients.
    final class Acknowledged: Sendable {
        let ids = Mutex<[String]>([])
    }

    static func check(db: String, acknowledged: [String]) throws {
        #expect(acknowledged.count > 0, "no batch was acknowledged before the kill")
        let log = try EventLog(path: db, options: .init(readOnly: true))
        #expect(try log.verify().isClean)
        var missing = 0
        for id in acknowledged where try log.position(source: "test/pos", id: id) == nil { missing += 1 }
        #expect(missing == 0, "\(missing) of \(acknowledged.count) acknowledged events are missing")
    }

    @Test(arguments: [SIGKILL, SIGTERM])
    func acknowledgedEventsSurviveTheSignal(_ signal: Int32) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchlog-serve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let db = directory + "/db"
        let child = try Self.startServer(db: db, directory: directory)
        let pid = child.process.processIdentifier
        let acknowledged = await Self.postUntilGone(port: child.port, key: child.key, clients: 8) { kill(pid, signal) }
        child.process.waitUntilExit()
        if signal == SIGTERM {
            #expect(child.process.terminationReason == .exit && child.process.terminationStatus == 0, "a graceful stop exits 0")
        }
        try Self.check(db: db, acknowledged: acknowledged)
    }
}
