import TouchlogAnalytics

/// The purchase (BG/NBD) and spend (Gamma-Gamma) models fitted on the customers' purchase
/// summaries as of a time, as stored in the database: refitting is an explicit command
/// (`touchlog model fit`), and every prediction says which fit it came from.
public struct FittedModel: Sendable, Equatable {
    /// The as-of time of the summaries the models were fitted on (the calibration end).
    public let asOf: Timestamp
    /// When the fit was made (wall clock).
    public let fittedAt: Timestamp
    /// The unit of recency, T and of the model's rates.
    public let period: PurchasePeriod
    public let purchases: BetaGeoModel
    /// Customers and total log-likelihood of the BG/NBD fit.
    public let purchaseCustomers: Int
    public let purchaseLogLikelihood: Double
    /// `nil` when there were no repeat customers with positive spend to fit it on.
    public let spend: GammaGammaModel?
    public let spendCustomers: Int
    public let spendLogLikelihood: Double

    public init(
        asOf: Timestamp, fittedAt: Timestamp, period: PurchasePeriod, purchases: BetaGeoModel, purchaseCustomers: Int,
        purchaseLogLikelihood: Double, spend: GammaGammaModel?, spendCustomers: Int, spendLogLikelihood: Double
    ) {
        self.asOf = asOf
        self.fittedAt = fittedAt
        self.period = period
        self.purchases = purchases
        self.purchaseCustomers = purchaseCustomers
        self.purchaseLogLikelihood = purchaseLogLikelihood
        self.spend = spend
        self.spendCustomers = spendCustomers
        self.spendLogLikelihood = spendLogLikelihood
    }
}

extension FittedModel {
    /// The `meta` key the model is stored under.
    static let key = Array("model.bgnbd".utf8)
    /// The record layout version: [version u8][period u8][asOf i64][fittedAt i64][customers u64]
    /// [r α a b LL f64][has spend u8][p q v LL f64][spend customers u64], little-endian.
    static let formatVersion: UInt8 = 1

    var encoded: [UInt8] {
        var w = ByteWriter(capacity: 128)
        w.write(Self.formatVersion)
        w.write(period.code)
        w.write(asOf.microseconds)
        w.write(fittedAt.microseconds)
        w.write(UInt64(purchaseCustomers))
        for value in [purchases.r, purchases.alpha, purchases.a, purchases.b, purchaseLogLikelihood] { w.write(value) }
        w.write(UInt8(spend == nil ? 0 : 1))
        for value in [spend?.p ?? 0, spend?.q ?? 0, spend?.v ?? 0, spendLogLikelihood] { w.write(value) }
        w.write(UInt64(spendCustomers))
        return w.bytes
    }

    init(encoded bytes: UnsafeRawBufferPointer) throws(TouchlogError) {
        var r = ByteReader(bytes)
        do {
            let version = try r.read(UInt8.self)
            guard version == Self.formatVersion else {
                throw TouchlogError(.incompatibleDatabase, "the stored model has format version \(version); this touchlog reads version \(Self.formatVersion) (refit with `touchlog model fit`)")
            }
            guard let period = PurchasePeriod(code: try r.read(UInt8.self)) else {
                throw TouchlogError(.corruption, "the stored model names an unknown period")
            }
            let asOf = Timestamp(microseconds: try r.read(Int64.self))
            let fittedAt = Timestamp(microseconds: try r.read(Int64.self))
            let customers = Int(try r.read(UInt64.self))
            let (pr, pAlpha, pa, pb, pLL) = (try r.readDouble(), try r.readDouble(), try r.readDouble(), try r.readDouble(), try r.readDouble())
            let hasSpend = try r.read(UInt8.self) == 1
            let (sp, sq, sv, sLL) = (try r.readDouble(), try r.readDouble(), try r.readDouble(), try r.readDouble())
            let spendCustomers = Int(try r.read(UInt64.self))
            guard r.isAtEnd else { throw TouchlogError(.corruption, "the stored model record has trailing bytes") }
            self.init(
                asOf: asOf, fittedAt: fittedAt, period: period,
                purchases: try BetaGeoModel(r: pr, alpha: pAlpha, a: pa, b: pb), purchaseCustomers: customers,
                purchaseLogLikelihood: pLL, spend: hasSpend ? try GammaGammaModel(p: sp, q: sq, v: sv) : nil,
                spendCustomers: spendCustomers, spendLogLikelihood: sLL)
        } catch let error as TouchlogError {
            throw error
        } catch {
            throw TouchlogError(.corruption, "the stored model record is damaged", cause: error)
        }
    }
}

extension PurchasePeriod {
    /// `day`, `week` (calendar weeks, Monday to Sunday) or `fractional-week` (days / 7).
    public var name: String {
        switch self {
        case .day: "day"
        case .calendarWeek: "week"
        case .fractionalWeek: "fractional-week"
        }
    }

    /// The period of a name given by ``name``.
    public init?(name: String) {
        guard let period = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = period
    }

    var code: UInt8 {
        switch self {
        case .day: 1
        case .calendarWeek: 2
        case .fractionalWeek: 3
        }
    }

    init?(code: UInt8) {
        guard let period = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = period
    }
}
