import Foundation
import Logging
import ServiceLifecycle
import Touchlog
import TouchlogServer

/// A server on a fresh temporary database, running in-process on a free loopback port.
final class TestServer: Sendable {
    static let readKey = "read-key-0001"
    static let appendKey = "append-key-0002"
    static let adminKey = "admin-key-0003"
    static let bothKey = "read-append-key-0004"

    /// Keys for each scope, as a keys file would list them.
    static let keys: APIKeys = {
        let text = [
            APIKeys.line(forKey: readKey, scopes: [.read], name: "reader"),
            APIKeys.line(forKey: appendKey, scopes: [.append], name: "writer"),
            APIKeys.line(forKey: adminKey, scopes: [.admin], name: "admin"),
            APIKeys.line(forKey: bothKey, scopes: [.read, .append], name: "both"),
        ].joined(separator: "\n")
        return try! APIKeys(text: text)
    }()

    let port: Int
    let log: EventLog
    let directory: String
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    private init(port: Int, log: EventLog, directory: String, group: ServiceGroup, running: Task<Void, any Error>) {
        self.port = port
        self.log = log
        self.directory = directory
        self.group = group
        self.running = running
    }

    /// Starts a server; `configure` adjusts limits.
    static func start(authenticated: Bool = true, _ configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchlog-server-\(UUID().uuidString)").path
        let log = try EventLog(path: directory, options: EventLog.Options(create: true))
        var configuration = ServerConfiguration(keys: authenticated ? keys : nil)
        configuration.port = 0
        configure(&configuration)
        var logger = Logger(label: "touchlog.test")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = try TouchlogServer.application(log: log, configuration: configuration, logger: logger) { port in
            portContinuation.yield(port)
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], logger: logger))
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HTTPTestClient.Failure(description: "the server did not start") }
        return TestServer(port: port, log: log, directory: directory, group: group, running: running)
    }

    /// Shuts the server down gracefully and deletes its database.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
        try? FileManager.default.removeItem(atPath: directory)
    }

    func request(
        _ method: String, _ path: String, key: String? = TestServer.bothKey, headers: [(String, String)] = [], body: [UInt8] = []
    ) async throws -> HTTPTestClient.Response {
        var all = headers
        if let key { all.append(("X-API-Key", key)) }
        return try await HTTPTestClient.send(port: port, method, path, headers: all, body: body)
    }

    func get(_ path: String, key: String? = TestServer.bothKey) async throws -> HTTPTestClient.Response {
        try await request("GET", path, key: key)
    }

    func post(
        _ path: String = "/v1/events", contentType: String, _ body: String, key: String? = TestServer.bothKey
    ) async throws -> HTTPTestClient.Response {
        try await request("POST", path, key: key, headers: [("Content-Type", contentType)], body: Array(body.utf8))
    }
}

/// Runs `body` against a fresh server, stopping it afterwards whatever happens.
func withServer(
    authenticated: Bool = true, _ configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (TestServer) async throws -> Void
) async throws {
    let server = try await TestServer.start(authenticated: authenticated, configure)
    do {
        try await body(server)
    } catch {
        try await server.stop()
        throw error
    }
    try await server.stop()
}

/// Valid events for the tests.
enum Events {
    static func purchase(_ id: String, customer: String = "cust-1", amount: Double = 10, day: Int = 1) -> String {
        let dd = day < 10 ? "0\(day)" : "\(day)"
        return #"{"specversion":"1.0","id":"\#(id)","source":"test/pos","type":"touch.purchase","subject":"\#(customer)","time":"2025-03-\#(dd)T10:00:00Z","data":{"orderId":"o-\#(id)","amount":\#(amount),"currency":"EUR","channel":"store"}}"#
    }

    static func survey(_ id: String, customer: String = "cust-1", score: Int) -> String {
        #"{"specversion":"1.0","id":"\#(id)","source":"test/survey","type":"touch.survey","subject":"\#(customer)","time":"2025-03-02T10:00:00Z","data":{"surveyId":"s-\#(id)","metric":"nps","score":\#(score)}}"#
    }

    /// A batch body: a JSON array of the events.
    static func batch(_ events: [String]) -> String { "[" + events.joined(separator: ",") + "]" }
}
