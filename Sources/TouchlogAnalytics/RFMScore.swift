/// A customer's RFM quintile scores (1–5, 5 best) and the segment they place the customer in.
public struct RFMScore: Sendable, Equatable {
    /// R: 5 for the most recent buyers, 1 for those whose last purchase is longest ago.
    public var recency: Int
    /// F: 5 for the most frequent buyers.
    public var frequency: Int
    /// M: 5 for the highest spenders.
    public var monetary: Int
    /// The segment of (R, F); see ``RFMSegment``.
    public var segment: RFMSegment

    /// Creates a score; the segment is given, not derived (``RFMScorer`` derives it).
    public init(recency: Int, frequency: Int, monetary: Int, segment: RFMSegment) {
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
        self.segment = segment
    }

    /// Creates a score from the three quintiles, with the segment of (R, F).
    public init(recency: Int, frequency: Int, monetary: Int) {
        self.init(
            recency: recency, frequency: frequency, monetary: monetary,
            segment: RFMSegment(recencyScore: recency, frequencyScore: frequency)
        )
    }
}
