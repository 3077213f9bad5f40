import HTTPTypes
import Hummingbird
import Logging
import Touchlog

/// Answers every failure as problem details, tags every response with the request id
/// (`X-Request-Id`), and logs each request once (method, path, status; never headers, so keys
/// stay out of logs).
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let problem as Problem {
            response = try problem.response(from: request, context: context)
        } catch let error as TouchlogError {
            response = try Problem(error).response(from: request, context: context)
        } catch let error as HTTPError {
            let detail = error.body ?? (error.status == .notFound ? "no such resource: \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            response = try Problem(error.status, detail, headers: error.headers).response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            response = try Problem(error.status, error.status.reasonPhrase).response(from: request, context: context)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            response = try Problem(.internalServerError, "the server failed: \(error)").response(from: request, context: context)
        }
        response.headers[.requestID] = context.id
        let level: Logger.Level = response.status.code >= 500 ? .error : .info
        context.logger.log(
            level: level, "\(request.method) \(request.uri.path)",
            metadata: ["status": "\(response.status.code)", "route": "\(context.endpointPath ?? "-")"]
        )
        return response
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`: the id this server gave the request, also in its log lines.
    static let requestID = HTTPField.Name("X-Request-Id")!
    /// `X-API-Key`: an API key, the alternative to `Authorization: Bearer`.
    static let apiKey = HTTPField.Name("X-API-Key")!
    /// `Last-Event-ID`: where a reconnecting SSE client left off.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
