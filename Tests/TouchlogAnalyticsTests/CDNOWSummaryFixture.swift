import Foundation
import TouchlogAnalytics

/// The 2,357-customer CDNOW summary of Fader, Hardie & Lee (2005) as `lifetimes` 0.11.3 ships it
/// (`cdnow_customers_summary_with_transactions.csv`, MIT licence): x, t_x and T in weeks over the
/// 39-week calibration period, and the mean repeat spend `zbar`.
struct CDNOWSummaryFixture {
    struct Row {
        let id: Int
        let pattern: PurchasePattern
        let monetary: Double
    }

    let rows: [Row]

    static let shared: CDNOWSummaryFixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cdnow_customers_summary_with_transactions.csv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return CDNOWSummaryFixture(rows: []) }
        let rows = text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line -> Row? in
            let fields = line.split(separator: ",").map(String.init)
            guard fields.count == 5, let id = Int(fields[0]), let x = Int(fields[1]), let tx = Double(fields[2]),
                  let age = Double(fields[3]), let m = Double(fields[4]),
                  let pattern = try? PurchasePattern(frequency: x, recency: tx, age: age)
            else { return nil }
            return Row(id: id, pattern: pattern, monetary: m)
        }
        return CDNOWSummaryFixture(rows: rows)
    }()

    func row(_ id: Int) -> Row? { rows.first { $0.id == id } }
}

/// |a − b| ≤ tolerance · max(1, |b|).
func isClose(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(b))
}
