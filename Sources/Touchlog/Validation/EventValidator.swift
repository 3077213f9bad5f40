/// Checks a parsed CloudEvent against Touchlog's contract (`Schemas/`) and turns it into a
/// `TouchEvent`. The rules here and the JSON Schemas agree; a test runs the schema examples
/// through this validator.
public enum EventValidator {
    static let envelopeAttributes: [String] = [
        "specversion", "id", "source", "type", "subject", "time", "dataschema", "datacontenttype", "data",
    ]

    /// Validates one event.
    ///
    /// - Parameters:
    ///   - value: the parsed JSON of the event.
    ///   - latestAllowedTime: events whose `time` is later than this are rejected (clock skew guard).
    /// - Throws: `ValidationFailure` naming the first field that breaks the contract.
    public static func validate(_ value: JSONValue, latestAllowedTime: Timestamp) throws(ValidationFailure) -> TouchEvent {
        guard case .object(let object) = value else {
            throw ValidationFailure(path: "", rule: "an event must be a JSON object")
        }
        let envelope = FieldReader(object: object, path: "")
        let specVersion = try envelope.string("specversion")
        guard specVersion == "1.0" else { throw ValidationFailure(path: "specversion", rule: "must be \"1.0\"") }
        let id = try envelope.string("id", max: 256)
        let source = try envelope.string("source", max: 1024)
        let typeName = try envelope.string("type")
        guard let type = EventType(name: typeName) else {
            let known = EventType.allCases.map(\.name).joined(separator: ", ")
            throw ValidationFailure(path: "type", rule: "unknown type \"\(typeName)\" (known: \(known))")
        }
        let subject = try envelope.string("subject", max: 120)
        if subject.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw ValidationFailure(path: "subject", rule: "must not contain control characters")
        }
        let timeText = try envelope.string("time")
        guard let time = Timestamp(rfc3339: timeText) else {
            throw ValidationFailure(path: "time", rule: "must be an RFC 3339 date-time such as 2026-03-01T10:15:00Z")
        }
        if time > latestAllowedTime {
            throw ValidationFailure(path: "time", rule: "is in the future beyond the allowed clock skew (latest allowed \(latestAllowedTime))")
        }
        if let schema = try envelope.optionalString("dataschema", max: 1024), schema != type.dataSchema {
            throw ValidationFailure(path: "dataschema", rule: "must be \"\(type.dataSchema)\" for type \(type.name)")
        }
        if let contentType = try envelope.optionalString("datacontenttype"), contentType != "application/json" {
            throw ValidationFailure(path: "datacontenttype", rule: "must be \"application/json\"")
        }
        for member in object.members where !envelopeAttributes.contains(member.key) {
            try validateExtension(member)
        }
        guard let dataValue = try envelope.value("data", required: true) else {
            throw ValidationFailure(path: "data", rule: "required")
        }
        guard case .object(let dataObject) = dataValue else {
            throw ValidationFailure(path: "data", rule: "must be a JSON object")
        }
        let data = FieldReader(object: dataObject, path: "data")
        let payload: Payload = switch type {
        case .purchase: .purchase(try purchase(data))
        case .survey: .survey(try survey(data))
        case .complaint: .complaint(try complaint(data))
        case .socialMention: .socialMention(try socialMention(data))
        case .visit: .visit(try visit(data))
        case .profileUpdated: .profileUpdated(try profileUpdate(data))
        }
        return TouchEvent(id: id, source: source, subject: subject, time: time, payload: payload)
    }

    /// CloudEvents extension attributes: lower-case alphanumeric names of up to 20 characters with
    /// a string, number or boolean value.
    static func validateExtension(_ member: JSONMember) throws(ValidationFailure) {
        let name = member.key
        let validName = !name.isEmpty && name.utf8.count <= 20
            && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
        guard validName else {
            throw ValidationFailure(
                path: name, rule: "unknown attribute; extension attribute names are 1–20 lower-case letters or digits"
            )
        }
        switch member.value {
        case .string, .number, .bool: return
        default: throw ValidationFailure(path: name, rule: "an extension attribute must be a string, number or boolean")
        }
    }

    static func purchase(_ data: FieldReader) throws(ValidationFailure) -> Purchase {
        try data.rejectUnknown(allowed: ["orderId", "amount", "currency", "items", "channel", "discount"])
        let orderId = try data.string("orderId")
        let amount = try data.number("amount", in: 0...Double.greatestFiniteMagnitude)
        let currency = try data.string("currency")
        guard currency.utf8.count == 3, currency.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            throw ValidationFailure(path: "data.currency", rule: "must be an ISO 4217 code of three upper-case letters")
        }
        var items: [LineItem] = []
        if let itemsValue = data.object["items"] {
            guard case .array(let elements) = itemsValue else {
                throw ValidationFailure(path: "data.items", rule: "must be an array")
            }
            guard elements.count <= 1000 else {
                throw ValidationFailure(path: "data.items", rule: "must have at most 1000 items")
            }
            items.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                let itemPath = "data.items[\(index)]"
                guard case .object(let itemObject) = element else {
                    throw ValidationFailure(path: itemPath, rule: "must be a JSON object")
                }
                let item = FieldReader(object: itemObject, path: itemPath)
                try item.rejectUnknown(allowed: ["sku", "category", "quantity", "unitPrice"])
                items.append(LineItem(
                    sku: try item.string("sku"),
                    category: try item.string("category"),
                    quantity: try item.integer("quantity", in: 1...Int.max),
                    unitPrice: try item.number("unitPrice", in: 0...Double.greatestFiniteMagnitude)
                ))
            }
        }
        return Purchase(
            orderId: orderId, amount: amount, currency: currency, items: items,
            channel: try data.optionalChoice("channel", as: Purchase.Channel.self),
            discount: try data.optionalNumber("discount", in: 0...Double.greatestFiniteMagnitude)
        )
    }

    static func survey(_ data: FieldReader) throws(ValidationFailure) -> Survey {
        try data.rejectUnknown(allowed: ["surveyId", "metric", "score", "comment"])
        let surveyId = try data.string("surveyId")
        let metric = try data.choice("metric", as: Survey.Metric.self)
        let score = try data.integer("score", in: Int.min...Int.max)
        guard metric.scores.contains(score) else {
            throw ValidationFailure(
                path: "data.score",
                rule: "must be from \(metric.scores.lowerBound) to \(metric.scores.upperBound) for metric \(metric.jsonName)"
            )
        }
        _ = try data.optionalString("comment", min: 0, max: 4000)
        return Survey(surveyId: surveyId, metric: metric, score: score)
    }

    static func complaint(_ data: FieldReader) throws(ValidationFailure) -> Complaint {
        try data.rejectUnknown(allowed: ["complaintId", "status", "category", "severity", "channel"])
        return Complaint(
            complaintId: try data.string("complaintId"),
            status: try data.choice("status", as: Complaint.Status.self),
            category: try data.optionalString("category"),
            severity: try data.optionalChoice("severity", as: Complaint.Severity.self),
            channel: try data.optionalString("channel", max: 64)
        )
    }

    static func socialMention(_ data: FieldReader) throws(ValidationFailure) -> SocialMention {
        try data.rejectUnknown(allowed: ["platform", "text", "sentiment", "reach", "url"])
        let platform = try data.string("platform", max: 64)
        _ = try data.optionalString("text", min: 0, max: 4000)
        let sentiment = try data.optionalNumber("sentiment", in: -1...1)
        let reach = try data.optionalInteger("reach", in: 0...Int.max)
        _ = try data.optionalString("url", max: 2048)
        return SocialMention(platform: platform, sentiment: sentiment, reach: reach)
    }

    static func visit(_ data: FieldReader) throws(ValidationFailure) -> Visit {
        try data.rejectUnknown(allowed: ["channel", "location", "durationSeconds"])
        return Visit(
            channel: try data.choice("channel", as: Visit.Channel.self),
            location: try data.optionalString("location"),
            durationSeconds: try data.optionalNumber("durationSeconds", in: 0...Double.greatestFiniteMagnitude)
        )
    }

    static func profileUpdate(_ data: FieldReader) throws(ValidationFailure) -> ProfileUpdate {
        try data.rejectUnknown(allowed: ["attributes"])
        guard let value = try data.value("attributes", required: true) else {
            throw ValidationFailure(path: "data.attributes", rule: "required")
        }
        guard case .object(let object) = value else {
            throw ValidationFailure(path: "data.attributes", rule: "must be a JSON object")
        }
        guard (1...100).contains(object.members.count) else {
            throw ValidationFailure(path: "data.attributes", rule: "must have from 1 to 100 attributes")
        }
        var attributes: [(name: String, value: AttributeValue?)] = []
        attributes.reserveCapacity(object.members.count)
        for member in object.members {
            let path = "data.attributes.\(member.key)"
            guard (1...64).contains(member.key.unicodeScalars.count) else {
                throw ValidationFailure(path: path, rule: "attribute names must have from 1 to 64 characters")
            }
            switch member.value {
            case .null: attributes.append((member.key, nil))
            case .bool(let flag): attributes.append((member.key, .bool(flag)))
            case .number(let number): attributes.append((member.key, .number(number)))
            case .string(let text):
                guard text.unicodeScalars.count <= 256 else {
                    throw ValidationFailure(path: path, rule: "must be at most 256 characters")
                }
                attributes.append((member.key, .string(text)))
            case .array, .object:
                throw ValidationFailure(path: path, rule: "must be a string, number, boolean or null")
            }
        }
        return ProfileUpdate(attributes: attributes)
    }
}
