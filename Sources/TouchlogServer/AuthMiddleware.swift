import HTTPTypes
import Hummingbird

/// Checks the API key (`Authorization: Bearer KEY` or `X-API-Key: KEY`) and its scope: 401
/// without a valid key, 403 without the scope. `/healthz` and `/openapi.json` are open. With no
/// keys (the server started with `--insecure-no-auth`) every request passes.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let keys: APIKeys?

    /// The scope a request needs, or `nil` for open routes.
    static func requiredScope(method: HTTPRequest.Method, path: String) -> Scope? {
        switch path {
        case "/healthz", "/openapi.json": nil
        case "/metrics": .admin
        case "/v1/events" where method == .post: .append
        default: .read
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let keys, let scope = Self.requiredScope(method: request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        guard let presented = Self.presentedKey(request.headers) else {
            throw Problem(
                .unauthorized, "an API key is required: send it as Authorization: Bearer KEY or X-API-Key: KEY",
                headers: [.wwwAuthenticate: "Bearer realm=\"touchlog\""]
            )
        }
        guard let entry = keys.entry(forKey: presented) else {
            throw Problem(.unauthorized, "the API key is not valid", headers: [.wwwAuthenticate: "Bearer realm=\"touchlog\", error=\"invalid_token\""])
        }
        guard entry.allows(scope) else {
            throw Problem(.forbidden, "the API key \(entry.name) lacks the \(scope.rawValue) scope")
        }
        var context = context
        context.key = entry
        return try await next(request, context)
    }

    private static func presentedKey(_ headers: HTTPFields) -> String? {
        if let key = headers[.apiKey], !key.isEmpty { return key }
        guard let authorization = headers[.authorization] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].split(separator: " ").first.map(String.init)
    }
}
