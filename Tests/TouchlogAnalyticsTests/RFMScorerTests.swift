import Testing
import TouchlogAnalytics

/// Quintile scores: score = min(5, 1 + ⌊5·w / (N − 1)⌋), w = population values strictly worse.
@Suite("RFM quintile scores")
struct RFMScorerTests {
    private func scorer(recency: [Double] = [], frequency: [Double] = [], monetary: [Double] = []) -> RFMScorer {
        RFMScorer(recencyDays: recency, frequency: frequency, monetary: monetary)
    }

    @Test("Ten distinct recencies: two customers per score, fewest days scoring 5")
    func tenDistinctRecencies() {
        // Days 1…10: w = number with more days = 10 − d; 1 + ⌊5w/9⌋ = 5,5,4,4,3,3,2,2,1,1.
        let rfm = scorer(recency: (1...10).map(Double.init))
        #expect((1...10).map { rfm.recencyScore(days: Double($0)) } == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1])
    }

    @Test("Ties: equal values score alike, at the lowest place they occupy")
    func ties() {
        // Frequencies 0×6, 1×2, 2, 5 (N = 10, N − 1 = 9):
        // 0: w = 0 → 1; 1: w = 6 → 1 + ⌊30/9⌋ = 4; 2: w = 8 → 1 + ⌊40/9⌋ = 5; 5: w = 9 → 6 → 5.
        let rfm = scorer(frequency: [0, 1, 0, 0, 2, 0, 5, 0, 1, 0])
        #expect([0, 1, 2, 5].map { rfm.frequencyScore($0) } == [1, 4, 5, 5])
        // Values outside the population are placed the same way.
        #expect(rfm.frequencyScore(-1) == 1)   // w = 0
        #expect(rfm.frequencyScore(0.5) == 4)  // w = 6
        #expect(rfm.frequencyScore(3) == 5)    // w = 9
        #expect(rfm.frequencyScore(100) == 5)  // w = 10 → clamped
        #expect(rfm.frequencyScore(-0.0) == rfm.frequencyScore(0))
    }

    @Test("Three customers: worst 1, middle 3, best 5")
    func threeCustomers() {
        // N − 1 = 2: w = 0 → 1, w = 1 → 1 + ⌊5/2⌋ = 3, w = 2 → 6 → 5.
        let rfm = scorer(recency: [30, 10, 20], monetary: [10, 20, 30])
        #expect([10, 20, 30].map { rfm.monetaryScore($0) } == [1, 3, 5])
        #expect([10, 20, 30].map { rfm.recencyScore(days: $0) } == [5, 3, 1])
    }

    @Test("A population of one: worse 1, equal 3, better 5; an empty population scores 3")
    func degeneratePopulations() {
        let one = scorer(recency: [7], frequency: [7], monetary: [7])
        #expect([6, 7, 8].map { one.frequencyScore($0) } == [1, 3, 5])
        #expect([6, 7, 8].map { one.monetaryScore($0) } == [1, 3, 5])
        #expect([6, 7, 8].map { one.recencyScore(days: $0) } == [5, 3, 1])
        #expect(one.score(recencyDays: 7, frequency: 7, monetary: 7) ==
            RFMScore(recency: 3, frequency: 3, monetary: 3, segment: .needAttention))
        let empty = scorer()
        #expect(empty.score(recencyDays: 0, frequency: 0, monetary: 0) ==
            RFMScore(recency: 3, frequency: 3, monetary: 3, segment: .needAttention))
    }

    @Test("NaN is left out of the population and scores 1")
    func notANumber() {
        // Population without NaN: [1, 2] (N − 1 = 1): 1 → 1, 2 → w = 1 → 6 → 5.
        let rfm = scorer(recency: [.nan, 1, 2], frequency: [1, .nan, 2], monetary: [.nan])
        #expect(rfm.frequencyScore(1) == 1)
        #expect(rfm.frequencyScore(2) == 5)
        #expect(rfm.recencyScore(days: 1) == 5)
        #expect(rfm.frequencyScore(.nan) == 1)
        #expect(rfm.recencyScore(days: .nan) == 1)
        #expect(rfm.monetaryScore(5) == 3)  // NaN only: an empty population
    }

    @Test("Five customers scored in full, with their segments")
    func fiveCustomers() {
        // Recency [2, 10, 30, 60, 90], frequency [3, 0, 1, 1, 0], monetary [50, 0, 20, 35, 0];
        // N − 1 = 4, score = 1 + ⌊5w/4⌋ capped at 5.
        let rfm = scorer(recency: [2, 10, 30, 60, 90], frequency: [3, 0, 1, 1, 0], monetary: [50, 0, 20, 35, 0])
        // R: 2 → w 4 → 5; F: 3 → w 4 → 5; M: 50 → w 4 → 5.
        #expect(rfm.score(recencyDays: 2, frequency: 3, monetary: 50) ==
            RFMScore(recency: 5, frequency: 5, monetary: 5, segment: .champions))
        // R: 10 → w 3 → 4; F: 0 → w 0 → 1; M: 0 → 1.
        #expect(rfm.score(recencyDays: 10, frequency: 0, monetary: 0) ==
            RFMScore(recency: 4, frequency: 1, monetary: 1, segment: .promising))
        // R: 30 → w 2 → 3; F: 1 → w 2 → 3; M: 20 → w 2 → 3.
        #expect(rfm.score(recencyDays: 30, frequency: 1, monetary: 20) ==
            RFMScore(recency: 3, frequency: 3, monetary: 3, segment: .needAttention))
        // R: 60 → w 1 → 2; F: 1 → 3; M: 35 → w 3 → 4.
        #expect(rfm.score(recencyDays: 60, frequency: 1, monetary: 35) ==
            RFMScore(recency: 2, frequency: 3, monetary: 4, segment: .atRisk))
        // R: 90 → w 0 → 1; F: 0 → 1; M: 0 → 1.
        #expect(rfm.score(recencyDays: 90, frequency: 0, monetary: 0) ==
            RFMScore(recency: 1, frequency: 1, monetary: 1, segment: .lost))
    }

    @Test("Distinct populations of 5k values: exactly k per score", arguments: [5, 10, 15, 100, 1_000])
    func equalQuintiles(size: Int) {
        let values = (0..<size).map { Double($0) * 1.5 - 7 }
        let rfm = scorer(recency: values, frequency: values, monetary: values)
        for score in 1...5 {
            #expect(values.count { rfm.frequencyScore($0) == score } == size / 5, "F \(score), N \(size)")
            #expect(values.count { rfm.recencyScore(days: $0) == score } == size / 5, "R \(score), N \(size)")
        }
    }

    @Test("Property: binary search equals a brute-force count, scores are monotone, ties score alike", arguments: propertySeeds)
    func properties(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for round in 0..<100 {
            let size = Int.random(in: 0...300, using: &rng)
            let spread = [3, 20, 1_000].randomElement(using: &rng)!  // small spreads make many ties
            func draw() -> Double { Double(Int.random(in: 0...spread, using: &rng)) / 2 }
            let recency = (0..<size).map { _ in draw() }
            let frequency = (0..<size).map { _ in draw() }
            let monetary = (0..<size).map { _ in draw() }
            let rfm = scorer(recency: recency, frequency: frequency, monetary: monetary)
            let context = "seed \(seed), round \(round), N \(size), spread \(spread)"

            // Queries: the population's own values and values between and beyond them, sorted.
            let queries = ((0..<50).map { _ in Double(Int.random(in: -2...(2 * spread + 2), using: &rng)) / 4 } + frequency).sorted()
            var previous: (r: Int, f: Int, m: Int)?
            for x in queries {
                let scores = (r: rfm.recencyScore(days: x), f: rfm.frequencyScore(x), m: rfm.monetaryScore(x))
                #expect(scores.r == reference(x, recency, higherIsBetter: false), "R(\(x)), \(context)")
                #expect(scores.f == reference(x, frequency, higherIsBetter: true), "F(\(x)), \(context)")
                #expect(scores.m == reference(x, monetary, higherIsBetter: true), "M(\(x)), \(context)")
                #expect((1...5).contains(scores.r) && (1...5).contains(scores.f) && (1...5).contains(scores.m), "\(context)")
                if let previous {
                    // x only grows: R never rises, F and M never fall.
                    #expect(scores.r <= previous.r, "R not monotone at \(x), \(context)")
                    #expect(scores.f >= previous.f, "F not monotone at \(x), \(context)")
                    #expect(scores.m >= previous.m, "M not monotone at \(x), \(context)")
                }
                previous = scores
            }

            // Customers with equal values get equal scores; the population's worst value scores 1.
            var byValue: [Double: Set<Int>] = [:]
            for value in frequency { byValue[value, default: []].insert(rfm.frequencyScore(value)) }
            #expect(byValue.values.allSatisfy { $0.count == 1 }, "\(context)")
            if size >= 2, let worst = frequency.min(), let oldest = recency.max() {
                #expect(rfm.frequencyScore(worst) == 1, "\(context)")
                #expect(rfm.recencyScore(days: oldest) == 1, "\(context)")
            }
        }
    }

    /// The documented rule, by counting.
    private func reference(_ x: Double, _ population: [Double], higherIsBetter: Bool) -> Int {
        let worse = population.count { higherIsBetter ? $0 < x : $0 > x }
        switch population.count {
        case 0: return 3
        case 1: return worse == 1 ? 5 : (population[0] == x ? 3 : 1)
        default: return min(5, 1 + 5 * worse / (population.count - 1))
        }
    }

    @Test("100,000 customers: sorted once, scored by binary search")
    func largePopulation() {
        var rng = SplitMix64(seed: 100_000)
        let size = 100_000
        let recency = (0..<size).map(Double.init).shuffled(using: &rng)
        let frequency = (0..<size).map { Double($0) / 7 }.shuffled(using: &rng)
        let monetary = (0..<size).map { Double($0) * 1.25 }.shuffled(using: &rng)
        let clock = ContinuousClock()
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 6), count: 3)
        let elapsed = clock.measure {
            let rfm = scorer(recency: recency, frequency: frequency, monetary: monetary)
            for index in 0..<size {
                let score = rfm.score(recencyDays: recency[index], frequency: frequency[index], monetary: monetary[index])
                counts[0][score.recency] += 1
                counts[1][score.frequency] += 1
                counts[2][score.monetary] += 1
            }
        }
        print("RFM: built and scored \(size) customers in \(elapsed)")
        for dimension in counts { #expect(Array(dimension[1...]) == [20_000, 20_000, 20_000, 20_000, 20_000]) }
    }
}
