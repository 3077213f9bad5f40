import Foundation

/// Follows `GET /v1/stream` over a raw socket and parses server-sent events as they arrive.
final class SSETestClient: @unchecked Sendable {
    struct Message: Equatable {
        let id: String?
        let data: String
    }

    let status: Int
    let headers: [String: String]
    private let socket: Int32
    private var chunks = ChunkedDecoder()
    private var text = ""

    /// Opens the stream; `lastEventID` is sent as `Last-Event-ID`.
    init(port: Int, path: String, key: String?, lastEventID: String? = nil) async throws {
        var headers: [(String, String)] = [("Accept", "text/event-stream")]
        if let key { headers.append(("X-API-Key", key)) }
        if let lastEventID { headers.append(("Last-Event-ID", lastEventID)) }
        let request = HTTPTestClient.requestBytes("GET", path, headers: headers, body: [])
        let (socket, status, responseHeaders, rest) = try await HTTPTestClient.onThread {
            let socket = try HTTPTestClient.connect(port: port, timeoutSeconds: 10)
            try HTTPTestClient.write(socket, request)
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while HTTPTestClient.headEnd(received) == nil {
                let count = read(socket, &buffer, buffer.count)
                guard count > 0 else { throw HTTPTestClient.Failure(description: "stream closed before its head") }
                received += buffer[0..<count]
            }
            let end = HTTPTestClient.headEnd(received)!
            let (status, headers) = try HTTPTestClient.parseHead(Array(received[..<end]))
            return (socket, status, headers, Array(received[(end + 4)...]))
        }
        self.socket = socket
        self.status = status
        self.headers = responseHeaders
        text += String(decoding: try chunks.feed(rest), as: UTF8.self)
    }

    deinit { close(socket) }

    /// Reads until `count` messages arrived (or the stream ended, or 10 s without data).
    func messages(_ count: Int) async throws -> [Message] {
        var result: [Message] = []
        while result.count < count {
            if let message = takeMessage() {
                result.append(message)
                continue
            }
            let bytes = try await readMore()
            guard !bytes.isEmpty else { break }
            text += String(decoding: try chunks.feed(bytes), as: UTF8.self)
        }
        return result
    }

    /// Whether the server ended the stream within 10 s.
    func ended() async throws -> Bool {
        while true {
            if chunks.finished { return true }
            let bytes = try await readMore()
            if bytes.isEmpty { return true }
            _ = try chunks.feed(bytes)
        }
    }

    private func readMore() async throws -> [UInt8] {
        let socket = socket
        return try await HTTPTestClient.onThread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = read(socket, &buffer, buffer.count)
            if count < 0 { throw HTTPTestClient.Failure(description: "stream read timed out or failed: errno \(errno)") }
            return Array(buffer[0..<count])
        }
    }

    /// The next complete message in the text read so far; comments are skipped.
    private func takeMessage() -> Message? {
        while let range = text.range(of: "\n\n") {
            let block = text[..<range.lowerBound]
            text.removeSubrange(..<range.upperBound)
            var id: String?
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            if !data.isEmpty { return Message(id: id, data: data.joined(separator: "\n")) }
        }
        return nil
    }
}
