import Hummingbird
import Touchlog

/// Reads query parameters, answering 400 with the parameter's name and rule when one cannot be read.
struct Query {
    let request: Request

    private func text(_ name: String) -> String? { request.uri.queryParameters.get(name) }

    func string(_ name: String) -> String? { text(name) }

    func integer<T: FixedWidthInteger>(_ name: String, as type: T.Type = T.self, in range: ClosedRange<T>) throws(Problem) -> T? {
        guard let text = text(name) else { return nil }
        guard let value = T(text), range.contains(value) else {
            throw Problem.badParameter(name, "must be an integer from \(range.lowerBound) to \(range.upperBound), not \(text)")
        }
        return value
    }

    func number(_ name: String) throws(Problem) -> Double? {
        guard let text = text(name) else { return nil }
        guard let value = Double(text), value.isFinite else { throw Problem.badParameter(name, "must be a number, not \(text)") }
        return value
    }

    func bool(_ name: String) throws(Problem) -> Bool? {
        guard let text = text(name) else { return nil }
        switch text {
        case "true", "1", "": return true
        case "false", "0": return false
        default: throw Problem.badParameter(name, "must be true or false, not \(text)")
        }
    }

    func time(_ name: String) throws(Problem) -> Timestamp? {
        guard let text = text(name) else { return nil }
        guard let time = Timestamp(dateOrDateTime: text) else {
            throw Problem.badParameter(name, "must be a date (2025-03-01) or an RFC 3339 time, not \(text)")
        }
        return time
    }

    func choice<T: RawRepresentable<String> & CaseIterable>(_ name: String, as type: T.Type) throws(Problem) -> T? {
        guard let text = text(name) else { return nil }
        guard let value = T(rawValue: text) else {
            throw Problem.badParameter(name, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not \(text)")
        }
        return value
    }

    /// The point in time to read at: `asOf` (event time), `knownAt` (recorded time) and
    /// `position`, as the CLI's options; a date is the end of that day. None given: the present.
    func horizon() throws(Problem) -> Horizon {
        var horizon = Horizon(position: try integer("position", as: UInt64.self, in: 0...UInt64(Int64.max)))
        for (name, keyPath) in [("asOf", \Horizon.asOf), ("knownAt", \Horizon.knownAt)] {
            guard let text = text(name) else { continue }
            guard let time = Timestamp(endOfDateOrDateTime: text) else {
                throw Problem.badParameter(name, "must be a date (2025-03-01) or an RFC 3339 time, not \(text)")
            }
            horizon[keyPath: keyPath] = time
        }
        return horizon
    }
}

extension Response {
    /// A JSON response from already-encoded text.
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
