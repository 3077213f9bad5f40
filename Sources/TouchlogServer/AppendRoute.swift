import Hummingbird
import Touchlog

/// `POST /v1/events`: decodes and validates the request's events, hands the valid ones to the
/// group committer, and answers each event's outcome.
struct AppendRoute: Sendable {
    let committer: GroupCommitter
    let bodyDecoder: EventBodyDecoder
    let metrics: ServerMetrics
    /// Bodies larger than this are answered 413.
    let maxBodyBytes: Int

    func handle(_ request: Request, context: ServerContext) async throws -> Response {
        let partial = try Query(request: request).bool("partial") ?? false
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodyBytes {
            throw tooLarge()
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge()
        }
        let now = Timestamp.now
        let events = try bodyDecoder.decode(body: body, headers: request.headers, now: now)
        let inputs = events.inputs
        guard !inputs.isEmpty else { throw Problem(.badRequest, "the request holds no events") }

        var outcomes = inputs.map { input -> AppendOutcome in
            if case .failure(let rejection) = input { .rejected(rejection) } else { .notStored }
        }
        let valid = inputs.enumerated().compactMap { index, input -> (Int, DecodedEvent)? in
            if case .success(let event) = input { (index, event) } else { nil }
        }
        let decodeRejections = inputs.count - valid.count
        if decodeRejections > 0 { metrics.recordRejected(decodeRejections) }
        if !valid.isEmpty && (decodeRejections == 0 || partial) {
            let appended = try await committer.append(valid.map(\.1), partial: partial)
            for (offset, outcome) in appended.enumerated() {
                var outcome = outcome
                if case .rejected(var rejection) = outcome {
                    // The committer names events by their place in the shared transaction.
                    rejection.location = events.locations[valid[offset].0]
                    outcome = .rejected(rejection)
                }
                outcomes[valid[offset].0] = outcome
            }
        }
        return try Self.response(inputs: inputs, outcomes: outcomes, partial: partial)
    }

    private func tooLarge() -> Problem {
        Problem(.contentTooLarge, "the request body is over the limit of \(maxBodyBytes) bytes; split it into smaller requests")
    }

    /// 200 with every event's outcome when anything was stored or acknowledged; 422 problem
    /// details with the same list when nothing was, because of rejections.
    static func response(
        inputs: [Result<DecodedEvent, EventRejection>], outcomes: [AppendOutcome], partial: Bool
    ) throws -> Response {
        var stored = 0, duplicates = 0, rejected = 0, notStored = 0
        var list = "["
        list.reserveCapacity(outcomes.count * 72)
        for (index, outcome) in outcomes.enumerated() {
            let id: String?
            switch inputs[index] {
            case .success(let decoded): id = decoded.event.id
            case .failure(let rejection): id = rejection.id
            }
            if index > 0 { list += "," }
            list += "{\"index\":\(index),\"id\":"
            list += id.map { JSONValue.string($0).serialized() } ?? "null"
            switch outcome {
            case .stored(let position):
                stored += 1
                list += ",\"status\":\"stored\",\"position\":\(position)}"
            case .duplicate(let position):
                duplicates += 1
                list += ",\"status\":\"duplicate\",\"position\":\(position)}"
            case .rejected(let rejection):
                rejected += 1
                list += ",\"status\":\"rejected\",\"location\":" + JSONValue.string(rejection.location).serialized()
                    + ",\"path\":" + JSONValue.string(rejection.failure.path).serialized()
                    + ",\"rule\":" + JSONValue.string(rejection.failure.rule).serialized()
                if let position = rejection.conflictingPosition { list += ",\"conflictingPosition\":\(position)" }
                list += "}"
            case .notStored:
                notStored += 1
                list += ",\"status\":\"not_stored\"}"
            }
        }
        list += "]"
        let counts = "\"stored\":\(stored),\"duplicates\":\(duplicates),\"rejected\":\(rejected),\"notStored\":\(notStored)"
        if stored + duplicates == 0 && rejected > 0 {
            let detail = partial
                ? "every event was rejected"
                : "\(rejected) of \(outcomes.count) events were rejected, so none was stored (all-or-nothing; add ?partial=true to store the valid ones)"
            throw Problem(
                .unprocessableContent, detail, title: "Events rejected",
                extensions: [("stored", "\(stored)"), ("duplicates", "\(duplicates)"), ("rejected", "\(rejected)"),
                             ("notStored", "\(notStored)"), ("events", list)]
            )
        }
        return .json("{\(counts),\"events\":\(list)}")
    }
}
