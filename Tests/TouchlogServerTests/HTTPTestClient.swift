import Dispatch
import Foundation
import Touchlog

/// A minimal HTTP/1.1 client over a raw loopback socket, so that the tests speak real HTTP to
/// the server without another dependency. Blocking socket calls run on threads of their own,
/// never on the Swift concurrency pool or Dispatch's pool that the server shares.
enum HTTPTestClient {
    struct Response {
        let status: Int
        /// Header names lowercased.
        let headers: [String: String]
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        func json() throws -> JSONValue { try JSONParser.parse(body) }

        /// The member `name` of the JSON object body.
        func member(_ name: String) throws -> JSONValue? {
            guard case .object(let object) = try json() else { return nil }
            return object[name]
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends one request (`Connection: close`) and reads the whole response.
    static func send(
        port: Int, _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) async throws -> Response {
        try await onThread {
            let socket = try connect(port: port, timeoutSeconds: 30)
            defer { close(socket) }
            try write(socket, requestBytes(method, path, headers: headers, body: body))
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(socket, &buffer, buffer.count)
                if count < 0 { throw Failure(description: "read failed: errno \(errno)") }
                if count == 0 { break }
                received += buffer[0..<count]
            }
            return try parse(received)
        }
    }

    /// The bytes of a request.
    static func requestBytes(_ method: String, _ path: String, headers: [(String, String)], body: [UInt8]) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        return Array((head + "\r\n").utf8) + body
    }

    static func onThread<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result(catching: body)) }.start()
        }
    }

    static func connect(port: Int, timeoutSeconds: Int) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw Failure(description: "connect to port \(port) failed: errno \(errno)")
        }
        return socket
    }

    static func write(_ socket: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(socket, $0.baseAddress, $0.count) }
            guard written > 0 else { throw Failure(description: "write failed: errno \(errno)") }
            offset += written
        }
    }

    /// Splits a complete response into status, headers and (de-chunked) body.
    static func parse(_ bytes: [UInt8]) throws -> Response {
        guard let split = headEnd(bytes) else { throw Failure(description: "no complete response head in \(bytes.count) bytes") }
        let (status, headers) = try parseHead(Array(bytes[..<split]))
        var body = Array(bytes[(split + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var decoder = ChunkedDecoder()
            body = try decoder.feed(body)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// The offset of the blank line ending the head.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    static func parseHead(_ head: [UInt8]) throws -> (Int, [String: String]) {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers)
    }
}

/// Decodes `Transfer-Encoding: chunked` incrementally.
struct ChunkedDecoder {
    private var pending: [UInt8] = []
    private(set) var finished = false

    /// Feeds raw bytes; returns the payload bytes they completed.
    mutating func feed(_ bytes: [UInt8]) throws -> [UInt8] {
        pending += bytes
        var output: [UInt8] = []
        while !finished {
            guard let lineEnd = pending.indices.dropLast().first(where: { pending[$0] == 13 && pending[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: pending[..<lineEnd], as: UTF8.self).split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw HTTPTestClient.Failure(description: "bad chunk size \(sizeText)")
            }
            if size == 0 {
                finished = true
                break
            }
            let start = lineEnd + 2
            guard pending.count >= start + size + 2 else { break }
            output += pending[start..<(start + size)]
            pending.removeFirst(start + size + 2)
        }
        return output
    }
}
