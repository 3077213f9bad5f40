import Hummingbird
import Touchlog

/// An error answered as RFC 9457 problem details (`application/problem+json`): a status, a short
/// title, a detail a person can act on, and optional extension members.
public struct Problem: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let title: String
    public let detail: String
    /// Extra members, already encoded as JSON values, in order.
    let extensions: [(name: String, json: String)]
    /// Extra response headers, such as `WWW-Authenticate`.
    let headers: HTTPFields

    init(
        _ status: HTTPResponse.Status, _ detail: String, title: String? = nil,
        extensions: [(name: String, json: String)] = [], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.extensions = extensions
        self.headers = headers
    }

    /// The problem's JSON object.
    func jsonText(instance: String?) -> String {
        var members = [
            "\"type\":\"about:blank\"",
            "\"title\":\(JSONValue.string(title).serialized())",
            "\"status\":\(status.code)",
            "\"detail\":\(JSONValue.string(detail).serialized())",
        ]
        if let instance { members.append("\"instance\":\(JSONValue.string(instance).serialized())") }
        members += extensions.map { "\(JSONValue.string($0.name).serialized()):\($0.json)" }
        return "{" + members.joined(separator: ",") + "}"
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(
            status: status, headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: jsonText(instance: request.uri.path)))
        )
    }
}

extension Problem {
    /// The problem for an engine error: 404 for unknown records, 400 for bad arguments, 503 for a
    /// view that needs a rebuild, 500 otherwise (the message says what failed).
    init(_ error: TouchlogError) {
        switch error.code {
        case .notFound: self.init(.notFound, error.message)
        case .invalidArgument: self.init(.badRequest, error.message)
        case .viewOutOfDate: self.init(.serviceUnavailable, error.message)
        case .databaseMissing, .incompatibleDatabase, .corruption, .storage, .io:
            self.init(.internalServerError, error.description)
        }
    }

    /// 400 for a query parameter that cannot be read.
    static func badParameter(_ name: String, _ rule: String) -> Problem {
        Problem(.badRequest, "query parameter \(name): \(rule)", extensions: [("parameter", JSONValue.string(name).serialized())])
    }
}
