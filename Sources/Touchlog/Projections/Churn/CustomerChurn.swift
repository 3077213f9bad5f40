import LMDB
import TouchlogAnalytics

/// A customer's churn flags as of a time, with reason codes, evidence and a risk score.
public struct CustomerChurn: Sendable {
    public let customer: String
    public let asOf: Timestamp
    public let flags: [ChurnFlag]
    /// The sum of the raised flags' weights, capped at 1.
    public let risk: Double

    /// The view as a JSON object.
    public func jsonText() -> String {
        let flagsJSON = flags.map {
            "{\"reason\":\(JSONValue.string($0.reason.rawValue).serialized()),\"evidence\":\(JSONValue.string($0.evidence).serialized())}"
        }
        return "{\"customer\":\(JSONValue.string(customer).serialized()),\"asOf\":\"\(asOf.rfc3339)\","
            + "\"risk\":\(JSONValue.number((risk * 1000).rounded() / 1000).serialized()),\"flags\":[\(flagsJSON.joined(separator: ","))]}"
    }

    /// The view as lines for a terminal.
    public func textLines() -> [String] {
        var lines = ["customer   \(customer)", "as of      \(asOf.rfc3339)", "risk       \((risk * 1000).rounded() / 1000)"]
        if flags.isEmpty { lines.append("flags      none") }
        for flag in flags { lines.append("flag       \(flag.reason.rawValue): \(flag.evidence)") }
        return lines
    }
}

extension EventLog {
    /// The churn flags of a customer as of `asOf`; see `churn(of:at:thresholds:)`.
    ///
    /// - Returns: `nil` if the customer has no events by then.
    public func churn(
        of subject: String, asOf: Timestamp = .now, thresholds: ChurnThresholds = ChurnThresholds()
    ) throws(TouchlogError) -> CustomerChurn? {
        try churn(of: subject, at: Horizon(asOf: asOf), thresholds: thresholds)
    }

    /// Every customer with at least one flag at `horizon` (optionally one given flag, a minimum
    /// risk), riskiest first (then by customer), at most `limit`. The present comes from the
    /// profile view in one snapshot: from the kept churn list when `thresholds` are the kept ones
    /// (see ``keepChurnThresholds(_:)``; only the listed customers are evaluated), else by
    /// evaluating every profile (``churnListFallbackReason(thresholds:)`` says why). Any other
    /// horizon comes from a replay of the log.
    public func churnList(
        at horizon: Horizon = .present, thresholds: ChurnThresholds = ChurnThresholds(), flag: ChurnFlag.Reason? = nil,
        minimumRisk: Double = 0, limit: Int = 100
    ) throws(TouchlogError) -> [CustomerChurn] {
        guard !horizon.isPresent else {
            return try churnList(presentAt: .now, thresholds: thresholds, flag: flag, minimumRisk: minimumRisk, limit: limit)
        }
        var flagged = try replay(at: horizon).churn(thresholds: thresholds).filter { $0.isListed(flag: flag, minimumRisk: minimumRisk) }
        flagged.sort { CustomerChurn.listOrder(($0.risk, $0.customer), ($1.risk, $1.customer)) }
        return Array(flagged.prefix(limit))
    }

    /// `churnList(at:…)` as of `asOf`.
    public func churnList(
        asOf: Timestamp, thresholds: ChurnThresholds = ChurnThresholds(), flag: ChurnFlag.Reason? = nil,
        minimumRisk: Double = 0, limit: Int = 100
    ) throws(TouchlogError) -> [CustomerChurn] {
        try churnList(at: Horizon(asOf: asOf), thresholds: thresholds, flag: flag, minimumRisk: minimumRisk, limit: limit)
    }

    static func churn(
        of subject: String, _ profile: CustomerProfile, asOf: Timestamp, thresholds: ChurnThresholds, model: FittedModel? = nil
    ) -> CustomerChurn {
        churnAndPrediction(of: subject, profile, asOf: asOf, thresholds: thresholds, model: model).churn
    }

    /// The churn flags, and the stored model's prediction they used (`nil` without a model or
    /// without purchases by the as-of day).
    static func churnAndPrediction(
        of subject: String, _ profile: CustomerProfile, asOf: Timestamp, thresholds: ChurnThresholds, model: FittedModel?
    ) -> (churn: CustomerChurn, prediction: ModelPrediction?) {
        let day = Timestamp.day(of: asOf)
        let spend = profile.spendByDay.filter { $0.day <= day }
        let prediction = model?.prediction(spend, asOfDay: day)
        let inputs = churnInputs(of: profile, asOf: asOf, purchases: spend, probabilityAlive: prediction?.probabilityAlive)
        let (flags, risk) = ChurnRules.evaluate(inputs, asOfDay: day, thresholds: thresholds)
        return (CustomerChurn(customer: subject, asOf: asOf, flags: flags, risk: risk), prediction)
    }

    /// What the churn rules look at for a customer as of `asOf`, given their purchases by then
    /// (`profile.spendByDay` up to the as-of day) and P(alive) from the stored model, if any.
    static func churnInputs(of profile: CustomerProfile, asOf: Timestamp, purchases spend: [DailySpend], probabilityAlive: Double?) -> ChurnInputs {
        var nps: (score: Int, day: Int)?
        if let latest = profile.latestNPS, latest.time <= asOf { nps = (latest.score, Timestamp.day(of: latest.time)) }
        return ChurnInputs(
            purchaseDays: spend.map(\.day), purchaseSpend: spend.map(\.spend), latestNPS: nps,
            openComplaintDays: profile.complaintsOpen(at: asOf).map(Timestamp.day(of:)), meanSentiment: profile.meanSentiment,
            probabilityAlive: probabilityAlive
        )
    }
}
