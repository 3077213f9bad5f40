import TouchlogAnalytics

/// Everything the report shows, as plain values: the engine fills it, ``ReportRenderer`` turns it
/// into one HTML page. Optional parts that are missing are rendered as a labelled gap.
public struct ReportData: Sendable {
    /// The page title.
    public var title = "Customer report"
    /// The time the figures are evaluated at, as printed (e.g. `1997-09-30T00:00:00Z`).
    public var asOf: String
    /// Customers with any event by the as-of time.
    public var customers = 0
    /// Customers with a purchase by the as-of time.
    public var buyers = 0
    /// The currency label printed with amounts (amounts are not converted).
    public var currency = ""

    /// Revenue per calendar month, oldest first, with every month between the first and the last.
    public var monthlyRevenue: [MonthlyValue] = []
    /// The revenue forecast, or why there is none.
    public var revenueForecast: Result<Forecast, AnalysisError>?
    /// Satisfaction per month (overall), oldest first.
    public var satisfaction: [SatisfactionMonth] = []
    /// The NPS forecast over the months with answers, or why there is none.
    public var npsForecast: Result<Forecast, AnalysisError>?
    /// Months between the points of the NPS series and its forecast: 1 when answers come every
    /// month, 3 for quarterly survey waves (the median gap between months with answers).
    public var npsStep = 1
    /// Complaints opened per channel and month.
    public var complaintsByChannel: [ChannelMonth] = []
    /// Satisfaction by region, from each customer's latest answers (a snapshot, not a trend).
    public var regionSatisfaction: [RegionSatisfaction] = []
    /// Satisfaction counters per region and month (customers without a region under `(unknown)`).
    public var regionTrends: [RegionMonth] = []

    /// Customers and revenue by the profile attribute `region`.
    public var regions: Distribution?
    /// Customers and revenue by acquisition source.
    public var sources: Distribution?
    /// Revenue concentration among buyers, or why there is none.
    public var concentration: Result<RevenueConcentration, AnalysisError>?
    /// Buyers per RFM score pair: `rfmGrid[r − 1][f − 1]`, R and F 1–5.
    public var rfmGrid: [[Int]] = Array(repeating: Array(repeating: 0, count: 5), count: 5)
    /// Buyers and historical value per RFM segment.
    public var segments: [SegmentCount] = []
    /// Cohort retention by month of first purchase.
    public var cohorts: CohortRetention?
    /// The calibration/holdout fit of a CLV model, when one has been fitted.
    public var holdoutFit: HoldoutFit?
    /// Why there is no holdout fit although a model is fitted.
    public var holdoutNote: String?
    /// Customers per churn flag.
    public var churnFlags: [FlagCount] = []
    /// Customers with at least one churn flag.
    public var flaggedCustomers = 0
    /// The flagged customers to act on first.
    public var atRisk: [AtRiskCustomer] = []
    /// Sales by year and the largest year-over-year changes.
    public var yearOverYear: YearOverYear?
    /// Set when the later compared year is not complete, e.g. `through 06-30`.
    public var yearOverYearPartial: String?
    /// Parts of the report the data could not fill, explained (shown in a closing list).
    public var notes: [String] = []

    /// A report evaluated at `asOf`; fill in the rest.
    public init(asOf: String) { self.asOf = asOf }
}

/// One month's value of a series.
public struct MonthlyValue: Sendable, Equatable {
    public var month: CalendarMonth
    public var value: Double

    public init(month: CalendarMonth, value: Double) {
        self.month = month
        self.value = value
    }
}

/// One month of satisfaction figures.
public struct SatisfactionMonth: Sendable, Equatable {
    public var month: CalendarMonth
    /// % promoters − % detractors, or `nil` without NPS answers.
    public var nps: Double?
    public var npsAnswers: Int
    /// Mean CSAT (1–5), or `nil` without answers.
    public var csatMean: Double?
    public var complaintsOpened: Int
    public var complaintsResolved: Int

    public init(month: CalendarMonth, nps: Double?, npsAnswers: Int, csatMean: Double?, complaintsOpened: Int, complaintsResolved: Int) {
        self.month = month
        self.nps = nps
        self.npsAnswers = npsAnswers
        self.csatMean = csatMean
        self.complaintsOpened = complaintsOpened
        self.complaintsResolved = complaintsResolved
    }
}

/// Complaints opened in one channel and month.
public struct ChannelMonth: Sendable, Equatable {
    public var channel: String
    public var month: CalendarMonth
    public var complaintsOpened: Int

    public init(channel: String, month: CalendarMonth, complaintsOpened: Int) {
        self.channel = channel
        self.month = month
        self.complaintsOpened = complaintsOpened
    }
}

/// One region's satisfaction counters in one month.
public struct RegionMonth: Sendable, Equatable {
    public var region: String
    public var month: CalendarMonth
    public var promoters: Int
    public var detractors: Int
    public var npsAnswers: Int
    public var csatSum: Int
    public var csatAnswers: Int
    public var complaintsOpened: Int

    public init(
        region: String, month: CalendarMonth, promoters: Int, detractors: Int, npsAnswers: Int, csatSum: Int, csatAnswers: Int,
        complaintsOpened: Int
    ) {
        self.region = region
        self.month = month
        self.promoters = promoters
        self.detractors = detractors
        self.npsAnswers = npsAnswers
        self.csatSum = csatSum
        self.csatAnswers = csatAnswers
        self.complaintsOpened = complaintsOpened
    }

    /// % promoters − % detractors, or `nil` without answers.
    public var nps: Double? { npsAnswers == 0 ? nil : Double(promoters - detractors) * 100 / Double(npsAnswers) }
}

/// Satisfaction of the customers of one region, from each one's latest NPS answer, mean CSAT and
/// complaints.
public struct RegionSatisfaction: Sendable, Equatable {
    public var region: String
    public var customers: Int
    /// NPS over the customers' latest answers, or `nil` when none answered.
    public var nps: Double?
    /// Customers with an NPS answer.
    public var npsAnswers: Int
    /// Complaints per 100 customers.
    public var complaintsPer100: Double

    public init(region: String, customers: Int, nps: Double?, npsAnswers: Int, complaintsPer100: Double) {
        self.region = region
        self.customers = customers
        self.nps = nps
        self.npsAnswers = npsAnswers
        self.complaintsPer100 = complaintsPer100
    }
}

/// Buyers and their historical value in one RFM segment.
public struct SegmentCount: Sendable, Equatable {
    public var segment: RFMSegment
    public var customers: Int
    public var value: Double

    public init(segment: RFMSegment, customers: Int, value: Double) {
        self.segment = segment
        self.customers = customers
        self.value = value
    }
}

/// Predicted against actual repeat purchases in a holdout period, by the number of repeat
/// purchases in the calibration period (the standard check of a BG/NBD-type model).
public struct HoldoutFit: Sendable, Equatable {
    /// One group of customers with the same calibration frequency.
    public struct Row: Sendable, Equatable {
        /// Repeat purchases in the calibration period.
        public var calibrationPurchases: Int
        /// Whether the row stands for `calibrationPurchases` or more (labelled `7+`).
        public var orMore: Bool
        public var customers: Int
        /// Mean actual purchases per customer in the holdout period.
        public var actual: Double
        /// Mean predicted purchases per customer in the holdout period.
        public var predicted: Double

        public init(calibrationPurchases: Int, orMore: Bool = false, customers: Int, actual: Double, predicted: Double) {
            self.calibrationPurchases = calibrationPurchases
            self.orMore = orMore
            self.customers = customers
            self.actual = actual
            self.predicted = predicted
        }
    }

    /// The model, e.g. `BG/NBD`.
    public var model: String
    /// The calibration period, as printed (e.g. `1997-01-01 – 1997-09-30`).
    public var calibration: String
    /// The holdout period, as printed.
    public var holdout: String
    public var rows: [Row]

    public init(model: String, calibration: String, holdout: String, rows: [Row]) {
        self.model = model
        self.calibration = calibration
        self.holdout = holdout
        self.rows = rows
    }
}

/// Customers raising one churn flag.
public struct FlagCount: Sendable, Equatable {
    public var flag: String
    public var customers: Int

    public init(flag: String, customers: Int) {
        self.flag = flag
        self.customers = customers
    }
}

/// A flagged customer.
public struct AtRiskCustomer: Sendable, Equatable {
    public var customer: String
    /// The churn risk, 0–1.
    public var risk: Double
    public var flags: [String]
    /// Spend to date.
    public var historicalValue: Double
    /// Predicted value over the model's horizon, when a model is fitted.
    public var predictedValue: Double?

    public init(customer: String, risk: Double, flags: [String], historicalValue: Double, predictedValue: Double? = nil) {
        self.customer = customer
        self.risk = risk
        self.flags = flags
        self.historicalValue = historicalValue
        self.predictedValue = predictedValue
    }
}
