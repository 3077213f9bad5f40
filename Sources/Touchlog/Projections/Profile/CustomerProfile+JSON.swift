/// Renderings of a `CustomerProfile`: a JSON object for `--json` and HTTP, aligned lines for the terminal.
extension CustomerProfile {
    /// The view as one compact JSON object. Every key is always present (`null` when a value is
    /// undefined, for example an average without orders); money has 2 decimals, means 3, shares 4;
    /// times are RFC 3339 UTC; maps are sorted by key.
    /// ```
    /// {"customer":"cust-1","firstSeen":"…","lastSeen":"…",
    ///  "attributes":{"city":"Lyon","vip":true},
    ///  "events":{"total":20,"byType":{"touch.purchase":3,…all six…},"byChannel":{"online":2,"store":2}},
    ///  "purchases":{"orders":3,"spend":180.5,"discount":10,"averageOrderValue":60.17,
    ///               "firstPurchase":"…","lastPurchase":"…","distinctDays":2,"cycleDays":10,
    ///               "discountShare":0.0525,"topCategories":[{"category":"books","spend":90}]},
    ///  "surveys":{"count":7,"latestNps":9,"latestNpsAt":"…","npsCount":2,
    ///             "csatMean":4.5,"csatCount":2,"cesMean":2.667,"cesCount":3},
    ///  "complaints":{"total":2,"open":1,"meanResolutionHours":26.5},
    ///  "mentions":{"count":3,"meanSentiment":0.125,"totalReach":150},
    ///  "visits":{"count":3,"durationSeconds":420}}
    /// ```
    public func jsonText(customer: String) -> String { jsonValue(customer: customer).serialized() }

    /// The view as a `JSONValue` (what `jsonText` serialises), for embedding in larger documents.
    public func jsonValue(customer: String) -> JSONValue {
        let latest = latestNPS
        return Render.object([
            ("customer", .string(customer)),
            ("firstSeen", Render.time(firstSeen)),
            ("lastSeen", Render.time(lastSeen)),
            ("attributes", Render.object(attributes.map { ($0.name, Render.json($0.value)) })),
            ("events", Render.object([
                ("total", Render.count(eventCount)),
                ("byType", Render.object(EventType.allCases.map { ($0.name, Render.count(count(of: $0))) })),
                ("byChannel", Render.object(channels.map { ($0.channel, Render.count($0.count)) })),
            ])),
            ("purchases", Render.object([
                ("orders", Render.count(orders)),
                ("spend", Render.money(micros: purchases.amount)),
                ("discount", Render.money(micros: purchases.discount)),
                ("averageOrderValue", Render.number(averageOrderValue, 2)),
                ("firstPurchase", Render.time(firstPurchase)),
                ("lastPurchase", Render.time(lastPurchase)),
                ("distinctDays", Render.count(purchases.days.count)),
                ("cycleDays", Render.number(purchaseCycleDays, 3)),
                ("discountShare", Render.number(discountShare, 4)),
                ("topCategories", .array(topCategoryMicros().map {
                    Render.object([("category", .string($0.key.text)), ("spend", Render.money(micros: $0.value))])
                })),
            ])),
            ("surveys", Render.object([
                ("count", Render.count(surveyCount)),
                ("latestNps", latest.map { Render.count($0.score) } ?? .null),
                ("latestNpsAt", Render.time(latest?.time)),
                ("npsCount", Render.count(npsCount)),
                ("csatMean", Render.number(csatMean, 3)),
                ("csatCount", Render.count(csatCount)),
                ("cesMean", Render.number(cesMean, 3)),
                ("cesCount", Render.count(cesCount)),
            ])),
            ("complaints", Render.object([
                ("total", Render.count(complaintsTotal)),
                ("open", Render.count(complaintsOpen)),
                ("meanResolutionHours", Render.number(meanResolutionHours, 3)),
            ])),
            ("mentions", Render.object([
                ("count", Render.count(mentionCount)),
                ("meanSentiment", Render.number(meanSentiment, 3)),
                ("totalReach", Render.count(totalReach)),
            ])),
            ("visits", Render.object([
                ("count", Render.count(visitCount)),
                ("durationSeconds", Render.number(visitDurationSeconds, 3)),
            ])),
        ])
    }

    /// The view as aligned `label  value` lines for the terminal; undefined values show as `—`.
    public func textLines(customer: String) -> [String] {
        var rows: [(String, String)] = [("Customer", customer)]
        rows.append(("First seen", firstSeen?.rfc3339 ?? "—"))
        rows.append(("Last seen", lastSeen?.rfc3339 ?? "—"))
        let byType = EventType.allCases.filter { count(of: $0) > 0 }.map { "\(Self.shortName($0)) \(count(of: $0))" }
        rows.append(("Events", byType.isEmpty ? "0" : "\(eventCount) (\(byType.joined(separator: ", ")))"))
        rows.append(("Channels", Render.list(channels.map { "\($0.channel) \($0.count)" })))
        rows.append(("Orders", "\(orders)"))
        rows.append(("Spend", Render.fixed(spend, 2)))
        rows.append(("Average order", averageOrderValue.map { Render.fixed($0, 2) } ?? "—"))
        rows.append(("Discounts", Render.fixed(discountTotal, 2) + (discountShare.map { " (\(Render.fixed($0 * 100, 2))% of amount + discount)" } ?? "")))
        rows.append(("First purchase", firstPurchase?.rfc3339 ?? "—"))
        rows.append(("Last purchase", lastPurchase?.rfc3339 ?? "—"))
        rows.append(("Purchase cycle", purchaseCycleDays.map { "\(Render.fixed($0, 1)) days over \(purchases.days.count) distinct days" } ?? "—"))
        rows.append(("Top categories", Render.list(topCategoryMicros().map { "\($0.key.text) \(Render.fixed(Micros.double($0.value), 2))" })))
        rows.append(("Latest NPS", latestNPS.map { "\($0.score) at \($0.time.rfc3339) (\(npsCount) answers)" } ?? "—"))
        rows.append(("CSAT", csatMean.map { "\(Render.fixed($0, 2)) (\(csatCount) answers)" } ?? "—"))
        rows.append(("CES", cesMean.map { "\(Render.fixed($0, 2)) (\(cesCount) answers)" } ?? "—"))
        rows.append(("Surveys", "\(surveyCount)"))
        var complaintText = "\(complaintsTotal) total, \(complaintsOpen) open"
        if let hours = meanResolutionHours { complaintText += ", mean resolution \(Render.fixed(hours, 1)) h" }
        rows.append(("Complaints", complaintText))
        var mentionText = "\(mentionCount)"
        if let sentiment = meanSentiment { mentionText += ", mean sentiment \(Render.fixed(sentiment, 3))" }
        rows.append(("Mentions", mentionText + ", reach \(totalReach)"))
        rows.append(("Visits", "\(visitCount), \(Render.fixed(visitDurationSeconds, 0)) s in total"))
        let current = attributes
        rows.append(("Attributes", current.isEmpty ? "—" : ""))
        for (name, value) in current {
            let text: String
            switch value {
            case .string(let string): text = string
            case .number(let number): text = JSONValue.number(number).serialized()
            case .bool(let flag): text = flag ? "true" : "false"
            }
            rows.append(("  " + name, text))
        }
        let width = rows.reduce(0) { max($0, $1.0.count) } + 2
        return rows.map { label, value in
            value.isEmpty ? label : label + String(repeating: " ", count: width - label.count) + value
        }
    }

    private static func shortName(_ type: EventType) -> String {
        switch type {
        case .purchase: "purchase"
        case .survey: "survey"
        case .complaint: "complaint"
        case .socialMention: "mention"
        case .visit: "visit"
        case .profileUpdated: "profile update"
        }
    }

    /// The top 5 categories by spend (ties by name), in µ-units.
    private func topCategoryMicros() -> [(key: Key, value: Int128)] {
        Array(purchases.categories.sorted { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }.prefix(5))
    }
}

/// Small builders for the renderings.
private enum Render {
    static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(members: members.map { JSONMember(key: $0.0, value: $0.1) }))
    }

    static func time(_ timestamp: Timestamp?) -> JSONValue { timestamp.map { .string($0.rfc3339) } ?? .null }

    static func count(_ value: Int) -> JSONValue { .number(Double(value)) }

    static func json(_ value: AttributeValue) -> JSONValue {
        switch value {
        case .string(let string): .string(string)
        case .number(let number): .number(number)
        case .bool(let flag): .bool(flag)
        }
    }

    /// An exact µ-unit amount rounded to cents (half away from zero).
    static func money(micros: Int128) -> JSONValue {
        let (quotient, remainder) = micros.quotientAndRemainder(dividingBy: 10_000)
        let cents = quotient + (remainder >= 5_000 ? 1 : remainder <= -5_000 ? -1 : 0)
        return .number(Double(cents) / 100)
    }

    /// `value` rounded to `decimals` places, or `null`.
    static func number(_ value: Double?, _ decimals: Int) -> JSONValue {
        guard let value else { return .null }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded()
        return .number(scaled.isFinite ? scaled / scale : value)
    }

    /// `value` with exactly `decimals` places, for the terminal.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * Double(scale)).rounded()
        guard scaled.isFinite, scaled.magnitude < 0x1p62 else { return JSONValue.number(value).serialized() }
        let magnitude = UInt64(scaled.magnitude)
        var text = (scaled < 0 ? "-" : "") + String(magnitude / scale)
        if decimals > 0 {
            let fraction = String(magnitude % scale)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    static func list(_ items: [String]) -> String { items.isEmpty ? "—" : items.joined(separator: ", ") }
}
