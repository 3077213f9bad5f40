import TouchlogAnalytics

/// One customer's loyalty as of a time, in the definitions of the CLV literature (as `lifetimes`
/// uses them, daily periods): frequency, recency, T and monetary from the purchase days up to the
/// as-of day, RFM quintile scores against every customer with a purchase by then, the RFM segment,
/// whether the customer is a repeat buyer, the class of the latest NPS answer, tenure and
/// historical value; and, when a model is stored (`touchlog model fit`), P(alive), expected
/// purchases and predicted value.
public struct CustomerLoyalty: Sendable {
    public let customer: String
    /// The time values that depend on "now" (recency, T, RFM recency, tenure) are evaluated at.
    public let asOf: Timestamp
    /// `nil` when the customer had bought nothing by `asOf`.
    public let summary: PurchaseSummary?
    public let rfm: RFMScore?
    /// The class of the latest NPS answer (by event time), if any.
    public let npsClass: NPSClass?
    public let latestNPS: Int?
    /// Days from first seen to `asOf`.
    public let tenureDays: Int?
    /// The stored model's prediction at `asOf`; `nil` without a model or a purchase by then.
    public internal(set) var prediction: ModelPrediction? = nil

    /// More than one distinct purchase day by `asOf`.
    public var isRepeatCustomer: Bool { (summary?.frequency ?? 0) > 0 }
    /// Total spend by `asOf`.
    public var historicalValue: Double { summary?.totalSpend ?? 0 }

    /// The view as a JSON object.
    public func jsonText() -> String {
        func number(_ value: Double?, _ digits: Int) -> String {
            guard let value, value.isFinite else { return "null" }
            let scale = Double((0..<digits).reduce(1) { value, _ in value * 10 })
            return JSONValue.number((value * scale).rounded() / scale).serialized()
        }
        func string(_ text: String?) -> String { text.map { JSONValue.string($0).serialized() } ?? "null" }
        let fields: [(String, String)] = [
            ("customer", string(customer)),
            ("asOf", string(asOf.rfc3339)),
            ("frequency", summary.map { "\($0.frequency)" } ?? "null"),
            ("recency", number(summary?.recency, 3)),
            ("T", number(summary?.age, 3)),
            ("monetary", number(summary?.monetary, 2)),
            ("daysSinceLastPurchase", summary.map { "\(Timestamp.day(of: asOf) - $0.lastDay)" } ?? "null"),
            ("rfm", rfm.map { "{\"recency\":\($0.recency),\"frequency\":\($0.frequency),\"monetary\":\($0.monetary),\"segment\":\(string($0.segment.rawValue))}" } ?? "null"),
            ("repeatCustomer", "\(isRepeatCustomer)"),
            ("latestNps", latestNPS.map { "\($0)" } ?? "null"),
            ("npsClass", string(npsClass?.rawValue)),
            ("tenureDays", tenureDays.map { "\($0)" } ?? "null"),
            ("historicalValue", number(historicalValue, 2)),
            ("pAlive", number(prediction?.probabilityAlive, 6)),
            ("expectedPurchases", number(prediction?.expectedPurchases, 6)),
            ("predictedValue", number(prediction?.lifetimeValue, 2)),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// The view as aligned lines for a terminal.
    public func textLines() -> [String] {
        func fixed(_ value: Double, _ digits: Int) -> String {
            let scale = Double((0..<digits).reduce(1) { value, _ in value * 10 })
            return "\((value * scale).rounded() / scale)"
        }
        var lines = ["customer            \(customer)", "as of               \(asOf.rfc3339)"]
        if let summary {
            lines += [
                "frequency           \(summary.frequency) repeat purchase days",
                "recency             \(fixed(summary.recency, 1)) days (first to last purchase)",
                "T                   \(fixed(summary.age, 1)) days (first purchase to as-of)",
                "monetary            \(fixed(summary.monetary, 2)) per repeat purchase day",
                "historical value    \(fixed(summary.totalSpend, 2))",
                "repeat customer     \(isRepeatCustomer ? "yes" : "no")",
            ]
        } else {
            lines.append("purchases           none by this time")
        }
        if let rfm {
            lines.append("RFM                 R\(rfm.recency) F\(rfm.frequency) M\(rfm.monetary) — \(rfm.segment.rawValue)")
        }
        lines.append("NPS                 \(latestNPS.map { "\($0) (\(npsClass?.rawValue ?? ""))" } ?? "-")")
        lines.append("tenure              \(tenureDays.map { "\($0) days" } ?? "-")")
        if let prediction {
            let months = prediction.horizonMonths
            lines += [
                "P(alive)            \(fixed(prediction.probabilityAlive, 4)) (model fitted as of \(prediction.modelAsOf.rfc3339))",
                "expected purchases  \(fixed(prediction.expectedPurchases, 3)) in the next \(months) months",
                "predicted value     \(prediction.lifetimeValue.map { fixed($0, 2) } ?? "-") over the next \(months) months (1% a month discount)",
            ]
        }
        return lines
    }
}

extension Timestamp {
    /// The UTC calendar day (days since 1970-01-01) of an instant.
    static func day(of time: Timestamp) -> Int {
        Int(time.microseconds.floorDivided(by: 86_400_000_000).quotient)
    }
}
