/// The RFM segment of a customer, from the recency score R and the frequency score F (1–5 each;
/// the monetary score does not take part).
///
/// The map is the widely used RFM segment map (R and F quintiles; "Hibernating" there covers
/// R 1–2 & F 1–2, here split into Hibernating R 2 and Lost R 1). Every one of the 25 (R, F)
/// pairs belongs to exactly one segment, and every segment is one rectangle of scores:
///
/// | R \ F | 1 | 2 | 3 | 4 | 5 |
/// | --- | --- | --- | --- | --- | --- |
/// | 5 | New | Potential loyalist | Potential loyalist | Champions | Champions |
/// | 4 | Promising | Potential loyalist | Potential loyalist | Loyal | Loyal |
/// | 3 | About to sleep | About to sleep | Need attention | Loyal | Loyal |
/// | 2 | Hibernating | Hibernating | At risk | At risk | Can't lose |
/// | 1 | Lost | Lost | At risk | At risk | Can't lose |
public enum RFMSegment: String, Sendable, CaseIterable {
    /// R 5, F 4–5: bought recently and often.
    case champions = "Champions"
    /// R 3–4, F 4–5: buy often, a little less recently than champions.
    case loyal = "Loyal"
    /// R 4–5, F 2–3: recent customers with a few repeat purchases.
    case potentialLoyalist = "Potential loyalist"
    /// R 5, F 1: bought very recently, one purchase period only.
    case new = "New"
    /// R 4, F 1: bought recently, one purchase period only.
    case promising = "Promising"
    /// R 3, F 3: middling recency and frequency.
    case needAttention = "Need attention"
    /// R 3, F 1–2: middling recency, few purchases.
    case aboutToSleep = "About to sleep"
    /// R 1–2, F 3–4: bought fairly often, but not for a long time.
    case atRisk = "At risk"
    /// R 1–2, F 5: among the most frequent buyers, but not for a long time.
    case cantLose = "Can't lose"
    /// R 2, F 1–2: few purchases, long ago.
    case hibernating = "Hibernating"
    /// R 1, F 1–2: few purchases, longest ago.
    case lost = "Lost"

    /// The segment of a recency score and a frequency score, as in the table above.
    /// - Parameters:
    ///   - recencyScore: R, 1–5 (5 = most recent); values outside are clamped to 1...5.
    ///   - frequencyScore: F, 1–5 (5 = most frequent); values outside are clamped to 1...5.
    public init(recencyScore: Int, frequencyScore: Int) {
        let r = min(max(recencyScore, 1), 5)
        let f = min(max(frequencyScore, 1), 5)
        switch (r, f) {
        case (5, 4...5): self = .champions
        case (3...4, 4...5): self = .loyal
        case (4...5, 2...3): self = .potentialLoyalist
        case (5, 1): self = .new
        case (4, 1): self = .promising
        case (3, 3): self = .needAttention
        case (3, 1...2): self = .aboutToSleep
        case (1...2, 3...4): self = .atRisk
        case (1...2, 5): self = .cantLose
        case (2, 1...2): self = .hibernating
        default: self = .lost  // (1, 1...2)
        }
    }

    /// The recency scores (R) this segment covers.
    public var recencyScores: ClosedRange<Int> { region.recency }

    /// The frequency scores (F) this segment covers.
    public var frequencyScores: ClosedRange<Int> { region.frequency }

    /// The rectangle of (R, F) scores of the segment, as documented on each case.
    private var region: (recency: ClosedRange<Int>, frequency: ClosedRange<Int>) {
        switch self {
        case .champions: (5...5, 4...5)
        case .loyal: (3...4, 4...5)
        case .potentialLoyalist: (4...5, 2...3)
        case .new: (5...5, 1...1)
        case .promising: (4...4, 1...1)
        case .needAttention: (3...3, 3...3)
        case .aboutToSleep: (3...3, 1...2)
        case .atRisk: (1...2, 3...4)
        case .cantLose: (1...2, 5...5)
        case .hibernating: (2...2, 1...2)
        case .lost: (1...1, 1...2)
        }
    }
}
