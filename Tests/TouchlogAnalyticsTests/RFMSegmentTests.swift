import Foundation
import Testing
import TouchlogAnalytics

@Suite("RFM segment map")
struct RFMSegmentTests {
    /// The map as documented, rows R = 5 down to 1, columns F = 1…5.
    static let documented: [[RFMSegment]] = [
        [.new, .potentialLoyalist, .potentialLoyalist, .champions, .champions],
        [.promising, .potentialLoyalist, .potentialLoyalist, .loyal, .loyal],
        [.aboutToSleep, .aboutToSleep, .needAttention, .loyal, .loyal],
        [.hibernating, .hibernating, .atRisk, .atRisk, .cantLose],
        [.lost, .lost, .atRisk, .atRisk, .cantLose],
    ]

    @Test("Every (R, F) pair lies in exactly one segment's rectangle, the one the map gives")
    func partition() {
        for r in 1...5 {
            for f in 1...5 {
                let containing = RFMSegment.allCases.filter { $0.recencyScores.contains(r) && $0.frequencyScores.contains(f) }
                #expect(containing.count == 1, "R \(r) F \(f) lies in \(containing)")
                #expect(containing.first == RFMSegment(recencyScore: r, frequencyScore: f), "R \(r) F \(f)")
                #expect(Self.documented[5 - r][f - 1] == RFMSegment(recencyScore: r, frequencyScore: f), "R \(r) F \(f)")
            }
        }
        let cells = RFMSegment.allCases.map { $0.recencyScores.count * $0.frequencyScores.count }
        #expect(cells.reduce(0, +) == 25)
        #expect(cells.allSatisfy { $0 > 0 }, "every segment is reachable")
    }

    @Test("Scores outside 1…5 are clamped")
    func clamping() {
        #expect(RFMSegment(recencyScore: 9, frequencyScore: 0) == .new)
        #expect(RFMSegment(recencyScore: -3, frequencyScore: 12) == .cantLose)
        #expect(RFMScore(recency: 4, frequency: 5, monetary: 1).segment == .loyal)
    }

    @Test("Raw values are the display names")
    func names() {
        #expect(RFMSegment.allCases.map(\.rawValue) == [
            "Champions", "Loyal", "Potential loyalist", "New", "Promising", "Need attention",
            "About to sleep", "At risk", "Can't lose", "Hibernating", "Lost",
        ])
    }

    @Test("The table in the doc comment and in the README is the map", arguments: ["RFMSegment.swift", "README.md"])
    func documentationTable(file: String) throws {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/TouchlogAnalytics/\(file)")
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows: [Int: [RFMSegment]] = [:]
        for line in text.split(separator: "\n") {
            var trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("///") { trimmed = String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces) }
            guard trimmed.hasPrefix("|") else { continue }
            let cells = trimmed.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 6, let r = Int(cells[0]), (1...5).contains(r) else { continue }
            let segments = cells.dropFirst().compactMap(RFMSegment.init(rawValue:))
            #expect(segments.count == 5, "\(file): row R \(r) names \(cells.dropFirst())")
            #expect(rows[r] == nil, "\(file): row R \(r) appears twice")
            rows[r] = segments
        }
        #expect(rows.count == 5, "\(file): found rows \(rows.keys.sorted())")
        for r in 1...5 {
            #expect(rows[r] == (1...5).map { RFMSegment(recencyScore: r, frequencyScore: $0) }, "\(file): row R \(r)")
        }
    }
}
