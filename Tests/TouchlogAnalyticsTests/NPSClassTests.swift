import Testing
import TouchlogAnalytics

@Suite("NPS classes")
struct NPSClassTests {
    @Test("0–6 detractor, 7–8 passive, 9–10 promoter")
    func classes() {
        let expected: [NPSClass] = Array(repeating: .detractor, count: 7) + [.passive, .passive, .promoter, .promoter]
        #expect((0...10).map(NPSClass.init(score:)) == expected)
        #expect(NPSClass(score: 11) == .promoter)
        #expect(NPSClass(score: -1) == .detractor)
        #expect(NPSClass.allCases.map(\.rawValue) == ["promoter", "passive", "detractor"])
    }

    @Test("Net Promoter Score: % promoters − % detractors")
    func netPromoterScore() {
        #expect(NPSClass.netPromoterScore(of: [10, 9, 8, 7, 6, 0]) == 0)
        #expect(NPSClass.netPromoterScore(of: [10, 10, 10, 0]) == 50)
        #expect(NPSClass.netPromoterScore(of: [3, 5]) == -100)
        #expect(NPSClass.netPromoterScore(of: [8]) == 0)
        #expect(NPSClass.netPromoterScore(of: []) == nil)
    }
}
