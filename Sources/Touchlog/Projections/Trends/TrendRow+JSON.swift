extension TrendRow {
    /// The row as a JSON object, as `touchlog trends satisfaction --json` prints it and the server
    /// answers it: rates with one decimal, means with three, `null` where there is no answer.
    public func jsonText() -> String {
        let c = counters
        func number(_ value: Double?, _ digits: Int = 1) -> String { value.map { Self.fixed($0, digits: digits) } ?? "null" }
        return "{\"period\":\"\(period)\",\"group\":\(JSONValue.string(group).serialized()),\"surveys\":\(c.surveys),"
            + "\"npsAnswers\":\(c.npsAnswers),\"nps\":\(number(nps)),\"npsChange\":\(number(npsChange)),"
            + "\"csatMean\":\(number(csatMean, 3)),\"csatSatisfiedPercent\":\(number(csatSatisfiedShare)),"
            + "\"cesMean\":\(number(cesMean, 3)),\"complaintsOpened\":\(c.complaintsOpened),"
            + "\"complaintsResolved\":\(c.complaintsResolved),\"mentions\":\(c.mentions),\"meanSentiment\":\(number(meanSentiment, 3))}"
    }

    /// `value` with exactly `digits` decimals (like `%.Nf`, ties to even).
    static func fixed(_ value: Double, digits: Int) -> String {
        let scale = (0..<digits).reduce(1.0) { value, _ in value * 10 }
        let scaled = (value * scale).rounded(.toNearestOrEven)
        guard scaled.magnitude < 9e15 else { return "\(value)" }
        let units = Int64(scaled.magnitude)
        let divisor = Int64(scale)
        var text = "\(units / divisor)"
        if digits > 0 {
            let fraction = String(units % divisor)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return scaled < 0 ? "-" + text : text
    }
}
