import Hummingbird
import Touchlog
import TouchlogAnalytics

/// The read side: a customer's views and events, satisfaction trends and the churn list, each
/// rendered with the same `jsonText()` the CLI's `--json` prints.
struct ReadRoutes: Sendable {
    let log: EventLog
    let thresholds: ChurnThresholds

    func add(to router: Router<ServerContext>) {
        router.get("/v1/customers/{id}") { request, context in try profile(request, context) }
        router.get("/v1/customers/{id}/loyalty") { request, context in try loyalty(request, context) }
        router.get("/v1/customers/{id}/churn") { request, context in try churn(request, context) }
        router.get("/v1/customers/{id}/events") { request, context in try events(request, context) }
        router.get("/v1/trends/satisfaction") { request, _ in try trends(request) }
        router.get("/v1/churn") { request, _ in try await churnList(request) }
    }

    private func customer(_ context: ServerContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else { throw Problem(.badRequest, "a customer id is required") }
        return id
    }

    private func unknown(_ customer: String) -> Problem { Problem(.notFound, "no events for customer \(customer)") }

    private func profile(_ request: Request, _ context: ServerContext) throws -> Response {
        let customer = try customer(context)
        let horizon = try Query(request: request).horizon()
        let found = horizon.isPresent ? try log.profile(of: customer) : try log.profile(of: customer, at: horizon)
        guard let profile = found else { throw unknown(customer) }
        return .json(profile.jsonText(customer: customer))
    }

    private func loyalty(_ request: Request, _ context: ServerContext) throws -> Response {
        let customer = try customer(context)
        let horizon = try Query(request: request).horizon()
        guard let loyalty = try log.loyalty(of: customer, at: horizon) else { throw unknown(customer) }
        return .json(loyalty.jsonText())
    }

    private func churn(_ request: Request, _ context: ServerContext) throws -> Response {
        let customer = try customer(context)
        let horizon = try Query(request: request).horizon()
        guard let churn = try log.churn(of: customer, at: horizon, thresholds: thresholds) else { throw unknown(customer) }
        return .json(churn.jsonText())
    }

    /// A customer's events in order: `after` a position, at most `limit` (default 100, up to
    /// 1000); `next` is the position to pass as `after` for the following page, `null` at the end.
    private func events(_ request: Request, _ context: ServerContext) throws -> Response {
        let customer = try customer(context)
        let query = Query(request: request)
        let after = try query.integer("after", as: UInt64.self, in: 0...UInt64(Int64.max)) ?? 0
        let limit = try query.integer("limit", as: Int.self, in: 1...1000) ?? 100
        let page = try log.events(ofCustomer: customer, after: after, limit: limit + 1)
        // Only an empty page needs a second look to tell an unknown customer from the end.
        if page.isEmpty, try log.eventCount(ofCustomer: customer) == 0 { throw unknown(customer) }
        let items = page.prefix(limit).map(Self.eventJSON)
        let next = page.count > limit ? page[limit - 1].position : nil
        return .json(
            "{\"customer\":\(JSONValue.string(customer).serialized()),\"events\":[\(items.joined(separator: ","))],"
                + "\"next\":\(next.map { "\($0)" } ?? "null")}"
        )
    }

    /// A stored event as `touchlog events --json` prints it.
    static func eventJSON(_ stored: StoredEvent) -> String {
        "{\"position\":\(stored.position),\"recordedAt\":\"\(stored.recordedAt.rfc3339)\",\"event\":\(stored.jsonText)}"
    }

    private func trends(_ request: Request) throws -> Response {
        let query = Query(request: request)
        let bucket = try query.choice("bucket", as: TrendBucket.self) ?? .month
        let dimension = try query.choice("by", as: TrendDimension.self) ?? .overall
        let rows = try log.satisfactionTrends(
            bucket: bucket, by: dimension, from: try query.time("from"), to: try query.time("to"), at: try query.horizon()
        )
        return .json(
            "{\"bucket\":\"\(bucket.rawValue)\",\"by\":\"\(dimension.rawValue)\",\"rows\":[\(rows.map { $0.jsonText() }.joined(separator: ","))]}"
        )
    }


    /// Flagged customers, riskiest first (then by id), `limit` a page (default 50, up to 1000);
    /// `nextCursor` continues after the last one. Off the event loops; for now, reads the kept churn
    /// list when the server's thresholds are the kept ones (`touchlog churn keep`), else evaluates
    /// every profile.
    private func churnList(_ request: Request) async throws -> Response {
        let query = Query(request: request)
        let horizon = try query.horizon()
        let asOf = horizon.evaluationTime
        let flag = try query.choice("flag", as: ChurnFlag.Reason.self)
        let minScore = try query.number("minScore") ?? 0
        let limit = try query.integer("limit", as: Int.self, in: 1...1000) ?? 50
        let cursor = try query.string("cursor").map { text throws(Problem) in
            guard let cursor = ChurnCursor(text) else { throw Problem.badParameter("cursor", "is not a cursor this server gave out") }
            return cursor
        }
        let log = log, thresholds = thresholds
        let page = try await offloaded { () throws(Problem) -> [CustomerChurn] in
            do throws(TouchlogError) {
                let all = try log.churnList(at: horizon, thresholds: thresholds, flag: flag, minimumRisk: minScore, limit: .max)
                let rest = cursor.map { cursor in all.drop { !cursor.precedes($0) } } ?? all[...]
                return Array(rest.prefix(limit + 1))
            } catch {
                throw Problem(error)
            }
        }
        let next = page.count > limit ? ChurnCursor(page[limit - 1]).text : nil
        return .json(
            "{\"asOf\":\"\(asOf.rfc3339)\",\"customers\":[\(page.prefix(limit).map { $0.jsonText() }.joined(separator: ","))],"
                + "\"nextCursor\":\(next.map { JSONValue.string($0).serialized() } ?? "null")}"
        )
    }
}

/// Where a churn-list page ended: the last customer's rounded risk and id (the list's order).
struct ChurnCursor {
    let risk: Double
    let customer: String

    init(_ churn: CustomerChurn) {
        risk = churn.risk
        customer = churn.customer
    }

    init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":"), let risk = Double(text[..<colon]) else { return nil }
        self.risk = risk
        customer = String(text[text.index(after: colon)...])
    }

    var text: String { "\(risk):\(customer)" }

    /// Whether `churn` comes after this cursor in the list's order (risk down, then id up).
    func precedes(_ churn: CustomerChurn) -> Bool {
        churn.risk != risk ? churn.risk < risk : churn.customer > customer
    }
}
