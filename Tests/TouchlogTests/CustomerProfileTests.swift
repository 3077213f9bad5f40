import Testing
import Touchlog

/// The `profile` view state: hand-checked histories, order independence over random shuffles, a
/// naive reference, the binary codec's round trip and robustness, and the renderings.
struct CustomerProfileTests {
    // MARK: Building events

    static func at(_ text: String) -> Timestamp {
        guard let time = Timestamp(rfc3339: text) else { preconditionFailure("bad test time \(text)") }
        return time
    }

    static func event(_ id: String, _ time: String, _ payload: Payload, source: String = "test/hand") -> TouchEvent {
        TouchEvent(id: id, source: source, subject: "cust-1", time: at(time), payload: payload)
    }

    static func purchase(_ id: String, _ time: String, amount: Double, items: [LineItem] = [], channel: Purchase.Channel? = nil, discount: Double? = nil) -> TouchEvent {
        event(id, time, .purchase(Purchase(orderId: "o-\(id)", amount: amount, currency: "EUR", items: items, channel: channel, discount: discount)))
    }

    static func survey(_ id: String, _ time: String, _ metric: Survey.Metric, _ score: Int, source: String = "test/hand") -> TouchEvent {
        event(id, time, .survey(Survey(surveyId: "s-\(id)", metric: metric, score: score)), source: source)
    }

    static func complaint(_ id: String, _ time: String, _ complaintId: String, _ status: Complaint.Status, channel: String? = nil) -> TouchEvent {
        event(id, time, .complaint(Complaint(complaintId: complaintId, status: status, channel: channel)))
    }

    static func update(_ id: String, _ time: String, _ attributes: [(name: String, value: AttributeValue?)], source: String = "test/hand") -> TouchEvent {
        event(id, time, .profileUpdated(ProfileUpdate(attributes: attributes)), source: source)
    }

    static func fold(_ events: [TouchEvent]) -> CustomerProfile {
        var profile = CustomerProfile()
        for (index, event) in events.enumerated() { profile.apply(event, position: UInt64(index + 1)) }
        return profile
    }

    static func decode(_ bytes: [UInt8]) throws -> CustomerProfile {
        try bytes.withUnsafeBytes { try CustomerProfile(encoded: $0) }
    }

    /// The tie key the view documents, computed here independently.
    static func tie(_ source: String, _ id: String) -> UInt64 {
        XXHash64.hash(Array(source.utf8) + [0xFF] + Array(id.utf8))
    }

    static func day(_ time: Timestamp) -> Int64 {
        let q = time.microseconds / 86_400_000_000
        return time.microseconds % 86_400_000_000 < 0 ? q - 1 : q
    }

    // MARK: Hand-checked history

    /// One customer's month, in a deliberately scrambled arrival order.
    static let history: [TouchEvent] = [
        purchase("p1", "2026-03-01T10:00:00Z", amount: 100, items: [
            LineItem(sku: "b1", category: "books", quantity: 2, unitPrice: 20),
            LineItem(sku: "m1", category: "music", quantity: 1, unitPrice: 60),
        ], channel: .online, discount: 10),
        update("u2", "2026-03-10T00:00:00Z", [("city", nil), ("region", .string("south"))]),
        survey("n1", "2026-03-05T12:00:00Z", .nps, 9),  // the latest NPS arrives first
        complaint("c1r", "2026-03-04T10:30:00Z", "c1", .resolved),
        purchase("p3", "2026-03-11T09:00:00Z", amount: 30.5, items: [
            LineItem(sku: "g1", category: "garden", quantity: 1, unitPrice: 30.5),
        ], channel: .online),
        update("u1", "2026-03-01T00:00:00Z", [("region", .string("north")), ("city", .string("Lyon")), ("vip", .bool(true))]),
        survey("n2", "2026-03-02T12:00:00Z", .nps, 3),
        survey("s1", "2026-03-03T00:00:00Z", .csat, 4),
        survey("s2", "2026-03-04T00:00:00Z", .csat, 5),
        survey("e1", "2026-03-06T00:00:00Z", .ces, 2),
        survey("e2", "2026-03-07T00:00:00Z", .ces, 3),
        survey("e3", "2026-03-08T00:00:00Z", .ces, 3),
        complaint("c1o", "2026-03-03T08:00:00Z", "c1", .opened, channel: "email"),
        complaint("c1o2", "2026-03-03T09:00:00Z", "c1", .opened),  // a later re-open: the earliest counts
        complaint("c2o", "2026-03-06T08:00:00Z", "c2", .opened),
        purchase("p2", "2026-03-01T18:00:00Z", amount: 50, items: [
            LineItem(sku: "b2", category: "books", quantity: 1, unitPrice: 50),
        ], channel: .store),
        event("m1", "2026-03-07T00:00:00Z", .socialMention(SocialMention(platform: "x", sentiment: 0.5, reach: 100))),
        event("m2", "2026-03-08T00:00:00Z", .socialMention(SocialMention(platform: "x", sentiment: -0.25, reach: 50))),
        event("m3", "2026-03-09T00:00:00Z", .socialMention(SocialMention(platform: "reddit"))),
        event("v1", "2026-03-02T00:00:00Z", .visit(Visit(channel: .web, durationSeconds: 120))),
        event("v2", "2026-03-03T00:00:00Z", .visit(Visit(channel: .store, location: "Lyon", durationSeconds: 300))),
        event("v3", "2026-03-04T00:00:00Z", .visit(Visit(channel: .call))),
        // An older update arriving after the newer removal of `city`: must not resurrect it.
        update("u3", "2026-03-05T00:00:00Z", [("city", .string("Paris")), ("ageBand", .string("25-34")), ("score", .number(3.5))]),
    ]

    static let historyJSON = #"{"customer":"cust-1","firstSeen":"2026-03-01T00:00:00Z","lastSeen":"2026-03-11T09:00:00Z","#
        + #""attributes":{"ageBand":"25-34","region":"south","score":3.5,"vip":true},"#
        + #""events":{"total":23,"byType":{"touch.purchase":3,"touch.survey":7,"touch.complaint":4,"touch.social_mention":3,"touch.visit":3,"customer.profile_updated":3},"#
        + #""byChannel":{"call":1,"email":1,"online":2,"store":2,"web":1}},"#
        + #""purchases":{"orders":3,"spend":180.5,"discount":10,"averageOrderValue":60.17,"firstPurchase":"2026-03-01T10:00:00Z","#
        + #""lastPurchase":"2026-03-11T09:00:00Z","distinctDays":2,"cycleDays":10,"discountShare":0.0525,"#
        + #""topCategories":[{"category":"books","spend":90},{"category":"music","spend":60},{"category":"garden","spend":30.5}]},"#
        + #""surveys":{"count":7,"latestNps":9,"latestNpsAt":"2026-03-05T12:00:00Z","npsCount":2,"csatMean":4.5,"csatCount":2,"cesMean":2.667,"cesCount":3},"#
        + #""complaints":{"total":2,"open":1,"meanResolutionHours":26.5},"#
        + #""mentions":{"count":3,"meanSentiment":0.125,"totalReach":150},"#
        + #""visits":{"count":3,"durationSeconds":420}}"#

    @Test func handCheckedHistory() {
        let profile = Self.fold(Self.history)
        #expect(profile.eventCount == 23)
        #expect(profile.firstSeen == Self.at("2026-03-01T00:00:00Z"))
        #expect(profile.lastSeen == Self.at("2026-03-11T09:00:00Z"))
        #expect(profile.count(of: .purchase) == 3)
        #expect(profile.count(of: .survey) == 7)
        #expect(profile.count(of: .complaint) == 4)
        #expect(profile.count(of: .socialMention) == 3)
        #expect(profile.count(of: .visit) == 3)
        #expect(profile.count(of: .profileUpdated) == 3)
        #expect(profile.channels.map(\.channel) == ["call", "email", "online", "store", "web"])
        #expect(profile.channels.map(\.count) == [1, 1, 2, 2, 1])

        // Purchases: 100 + 50 + 30.5 on 2026-03-01 (twice) and 2026-03-11.
        #expect(profile.orders == 3)
        #expect(profile.spend == 180.5)
        #expect(profile.discountTotal == 10)
        #expect(abs(profile.averageOrderValue! - 180.5 / 3) < 1e-12)
        #expect(profile.firstPurchase == Self.at("2026-03-01T10:00:00Z"))
        #expect(profile.lastPurchase == Self.at("2026-03-11T09:00:00Z"))
        #expect(profile.purchaseDays == [20513, 20523])
        #expect(profile.dailySpend.map(\.day) == [20513, 20523])
        #expect(profile.dailySpend.map(\.spend) == [150, 30.5])
        #expect(profile.purchaseCycleDays == 10)
        #expect(abs(profile.discountShare! - 10 / 190.5) < 1e-12)
        let top = profile.topCategories()
        #expect(top.map(\.category) == ["books", "music", "garden"])
        #expect(top.map(\.spend) == [90, 60, 30.5])

        // Surveys: the NPS of 03-05 wins over the one of 03-02 that arrived after it.
        #expect(profile.latestNPS?.score == 9)
        #expect(profile.latestNPS?.time == Self.at("2026-03-05T12:00:00Z"))
        #expect(profile.npsCount == 2)
        #expect(profile.csatMean == 4.5)
        #expect(profile.csatCount == 2)
        #expect(abs(profile.cesMean! - 8.0 / 3) < 1e-12)
        #expect(profile.cesCount == 3)
        #expect(profile.surveyCount == 7)

        // Complaints: c1 opened 03-03 08:00 (the 09:00 re-open does not count), resolved 03-04 10:30.
        #expect(profile.complaintsTotal == 2)
        #expect(profile.complaintsOpen == 1)
        #expect(profile.meanResolutionHours == 26.5)

        #expect(profile.mentionCount == 3)
        #expect(profile.meanSentiment == 0.125)
        #expect(profile.totalReach == 150)
        #expect(profile.visitCount == 3)
        #expect(profile.visitDurationSeconds == 420)

        // Attributes: city removed on 03-10 stays removed although "Paris" (03-05) arrived later.
        #expect(profile.attributes.map(\.name) == ["ageBand", "region", "score", "vip"])
        #expect(profile.attributes.map(\.value) == [.string("25-34"), .string("south"), .number(3.5), .bool(true)])
        #expect(profile.attribute("city") == nil)
        #expect(profile.attribute("region") == .string("south"))

        #expect(profile.jsonText(customer: "cust-1") == Self.historyJSON)
        #expect(profile == Self.fold(Self.history.reversed()))
        #expect(profile == Self.fold(Self.history.sorted { $0.time < $1.time }))
    }

    @Test func textLinesAreAligned() {
        let lines = Self.fold(Self.history).textLines(customer: "cust-1")
        #expect(lines.first == "Customer        cust-1")
        #expect(lines.contains("Spend           180.50"))
        #expect(lines.contains("Average order   60.17"))
        #expect(lines.contains("Purchase cycle  10.0 days over 2 distinct days"))
        #expect(lines.contains("Top categories  books 90.00, music 60.00, garden 30.50"))
        #expect(lines.contains("Latest NPS      9 at 2026-03-05T12:00:00Z (2 answers)"))
        #expect(lines.contains("Complaints      2 total, 1 open, mean resolution 26.5 h"))
        #expect(lines.contains("Mentions        3, mean sentiment 0.125, reach 150"))
        #expect(lines.contains("Attributes"))
        #expect(lines.suffix(4) == ["  ageBand       25-34", "  region        south", "  score         3.5", "  vip           true"])
        for line in lines where line != "Attributes" {
            let characters = Array(line)
            #expect(characters.count > 16 && characters[15] == " " && characters[16] != " ", "misaligned: \(line)")
        }

        let empty = CustomerProfile().textLines(customer: "nobody")
        #expect(empty.contains("Orders          0"))
        #expect(empty.contains("Average order   —"))
        #expect(empty.contains("Attributes      —"))
    }

    // MARK: Definitions, one at a time

    @Test func emptyProfileRendersNulls() throws {
        let empty = CustomerProfile()
        #expect(empty.isEmpty)
        #expect(empty.averageOrderValue == nil && empty.purchaseCycleDays == nil && empty.discountShare == nil)
        #expect(empty.latestNPS == nil && empty.csatMean == nil && empty.meanResolutionHours == nil && empty.meanSentiment == nil)
        let json = empty.jsonText(customer: "c")
        #expect(json.contains(#""firstSeen":null"#))
        #expect(json.contains(#""averageOrderValue":null,"firstPurchase":null,"lastPurchase":null,"distinctDays":0,"cycleDays":null,"discountShare":null,"topCategories":[]"#))
        #expect(json.contains(#""latestNps":null,"latestNpsAt":null"#))
        #expect(json.contains(#""attributes":{}"#))
        #expect(try Self.decode(empty.encoded) == empty)
        #expect(empty.encoded.count < 50)
    }

    @Test func customerIdAndStringsAreEscaped() throws {
        var profile = CustomerProfile()
        profile.apply(Self.update("u", "2026-01-01T00:00:00Z", [("note \"x\"", .string("line\nbreak \\ é"))]), position: 1)
        let json = profile.jsonText(customer: "a\"b\\c\u{1}")
        #expect(json.hasPrefix(#"{"customer":"a\"b\\c\u0001""#))
        #expect(json.contains(#""attributes":{"note \"x\"":"line\nbreak \\ é"}"#))
        let parsed = try JSONParser.parse(json)
        guard case .object(let object) = parsed else { Issue.record("not an object"); return }
        #expect(object["customer"] == .string("a\"b\\c\u{1}"))
    }

    @Test func purchaseCycleUsesDistinctUTCDaysWithFloorDivision() {
        // Days −1 (1969-12-31), 0 (twice) and 2: (2 − (−1)) / (3 − 1) = 1.5.
        let profile = Self.fold([
            Self.purchase("a", "1969-12-31T23:00:00Z", amount: 1),
            Self.purchase("b", "1970-01-01T01:00:00Z", amount: 1),
            Self.purchase("c", "1970-01-01T23:59:59Z", amount: 1),
            Self.purchase("d", "1970-01-03T00:00:00Z", amount: 1),
        ])
        #expect(profile.purchaseDays == [-1, 0, 2])
        #expect(profile.purchaseCycleDays == 1.5)
        let sameDay = Self.fold([Self.purchase("a", "2026-01-01T01:00:00Z", amount: 1), Self.purchase("b", "2026-01-01T22:00:00Z", amount: 1)])
        #expect(sameDay.purchaseDays.count == 1)
        #expect(sameDay.purchaseCycleDays == nil)
    }

    @Test func dailySpendSumsEachUTCDayExactly() {
        let events = [
            // Day −2 (1969-12-30), its last microsecond.
            Self.purchase("a", "1969-12-30T23:59:59.999999Z", amount: 7.25),
            // Day −1 (1969-12-31): three purchases, from its first to its last microsecond.
            Self.purchase("b", "1969-12-31T00:00:00Z", amount: 0.1),
            Self.purchase("c", "1969-12-31T12:00:00Z", amount: 0.2),
            Self.purchase("d", "1969-12-31T23:59:59.999999Z", amount: 0.3),
            // Day 0 (1970-01-01): a zero amount, a 12.5 with a discount (the discount is not spend).
            Self.purchase("e", "1970-01-01T00:00:00Z", amount: 0, discount: 5),
            Self.purchase("f", "1970-01-01T08:30:00+02:00", amount: 12.5),  // 06:30 UTC
            // 2026-03-01 (day 20513) in UTC although the local date is 03-02; and the same day in UTC.
            Self.purchase("g", "2026-03-02T01:00:00+03:00", amount: 19.99),
            Self.purchase("h", "2026-03-01T23:00:00Z", amount: 0.01),
            Self.purchase("i", "2026-03-01T00:00:00Z", amount: 1000.005),
            // Non-purchase events on other days add no day.
            Self.survey("s", "2026-03-05T00:00:00Z", .nps, 10),
            Self.event("v", "1970-01-02T00:00:00Z", .visit(Visit(channel: .web, durationSeconds: 60))),
        ]
        let profile = Self.fold(events)
        #expect(profile.dailySpend.map(\.day) == [-2, -1, 0, 20513])
        // 0.1 + 0.2 + 0.3 is 0.6000000000000001 in floating point; the exact µ-unit sum gives 0.6.
        #expect(profile.dailySpend.map(\.spend) == [7.25, 0.6, 12.5, 1020.005])
        #expect(profile.purchaseDays == [-2, -1, 0, 20513])
        #expect(profile.orders == 9)
        #expect(profile.spend == 1040.355)
        #expect(profile.discountTotal == 5)

        // Every arrival order of the one-day purchases, mixed with the rest, gives the same value.
        let dayMinusOne = Array(events[1...3])
        for first in 0..<3 {
            for second in 0..<3 where second != first {
                let third = 3 - first - second
                let order = [dayMinusOne[third]] + events.reversed().filter { !dayMinusOne.map(\.id).contains($0.id) }
                    + [dayMinusOne[first], dayMinusOne[second]]
                let other = Self.fold(order)
                #expect(other == profile)
                #expect(other.encoded == profile.encoded)
                #expect(other.dailySpend.map(\.spend) == profile.dailySpend.map(\.spend))
            }
        }

        // Round trip, and folding more into the decoded profile adds to the existing day.
        var decoded = try? Self.decode(profile.encoded)
        #expect(decoded == profile)
        decoded?.apply(Self.purchase("j", "1969-12-31T06:00:00Z", amount: 0.4), position: 0)
        #expect(decoded?.dailySpend.map(\.spend) == [7.25, 1, 12.5, 1020.005])
        #expect(decoded?.purchaseDays == [-2, -1, 0, 20513])

        // The JSON rendering does not list the days.
        #expect(!profile.jsonText(customer: "c").contains("dailySpend"))
        #expect(CustomerProfile().dailySpend.isEmpty)
    }

    @Test func topCategoriesKeepFiveByLargestSpendThenName() {
        let spends: [(String, Int, Double)] = [("a", 1, 10), ("b", 2, 5), ("c", 3, 10), ("d", 1, 5), ("e", 5, 1), ("f", 1, 1), ("g", 4, 5)]
        let items = spends.map { LineItem(sku: $0.0, category: $0.0, quantity: $0.1, unitPrice: $0.2) }
        let profile = Self.fold([Self.purchase("p", "2026-01-01T00:00:00Z", amount: 100, items: Array(items.prefix(4))),
                                 Self.purchase("q", "2026-01-02T00:00:00Z", amount: 100, items: Array(items.dropFirst(4)))])
        // a 10, b 10, c 30, d 5, e 5, f 1, g 20
        let top = profile.topCategories()
        #expect(top.map(\.category) == ["c", "g", "a", "b", "d"])
        #expect(top.map(\.spend) == [30, 20, 10, 10, 5])
        #expect(profile.categoryCount == 7)
        #expect(profile.topCategories(limit: 0).isEmpty)
        #expect(profile.jsonText(customer: "x").contains(#""topCategories":[{"category":"c","spend":30},{"category":"g","spend":20},{"category":"a","spend":10},{"category":"b","spend":10},{"category":"d","spend":5}]"#))
    }

    /// A purchase's items add to their categories exactly as if each were bought on its own,
    /// whether items of one category come together (which the fold adds up first) or apart.
    @Test func categorySpendIsTheSumOfItemsWhereverTheyStandInThePurchase() {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        let categories = ["books", "music", "\u{E9}", "e\u{301}", "garden", "garden\u{0}x"]
        for round in 0..<200 {
            var items: [LineItem] = []
            for _ in 0..<Int.random(in: 0...12, using: &rng) {
                // Half the time the same category as the item before, so runs are common.
                let category = items.last.map { Bool.random(using: &rng) ? $0.category : categories.randomElement(using: &rng)! }
                    ?? categories.randomElement(using: &rng)!
                items.append(LineItem(sku: "s", category: category, quantity: Int.random(in: 1...5, using: &rng),
                                      unitPrice: Double(Int.random(in: 0...99_999, using: &rng)) / 1000))
            }
            let at = "2026-01-01T00:00:00Z"
            let oneByOne = Self.fold(items.enumerated().map { Self.purchase("i\($0.offset)", at, amount: 1, items: [$0.element]) })
            for order in [items, items.shuffled(using: &rng)] {
                let together = Self.fold([Self.purchase("p", at, amount: 1, items: order)])
                let (got, expected) = (together.topCategories(limit: 99), oneByOne.topCategories(limit: 99))
                #expect(got.map(\.category) == expected.map(\.category) && got.map(\.spend) == expected.map(\.spend),
                        "seed \(seed) (TOUCHLOG_TEST_SEED=\(seed)), round \(round): \(got) against \(expected)")
            }
        }
    }

    @Test func discountShareAndMoneyRounding() {
        let profile = Self.fold([
            Self.purchase("p", "2026-01-01T00:00:00Z", amount: 0.1, discount: 0.2),
            Self.purchase("q", "2026-01-01T00:00:00Z", amount: 0.2),
            Self.purchase("r", "2026-01-01T00:00:00Z", amount: 0.005),
        ])
        // 0.1 + 0.2 + 0.005 = 0.305 exactly in µ-units (Double addition would give 0.30500000000000005).
        #expect(profile.spend == 0.305)
        #expect(profile.jsonText(customer: "x").contains(#""spend":0.31,"discount":0.2,"averageOrderValue":0.1,"#))
        #expect(abs(profile.discountShare! - 0.2 / 0.505) < 1e-12)
        #expect(Self.fold([Self.purchase("z", "2026-01-01T00:00:00Z", amount: 0)]).discountShare == nil)
    }

    @Test func latestNPSTiesBreakByContentNotArrival() {
        let a = Self.survey("x1", "2026-01-01T00:00:00Z", .nps, 2, source: "src/a")
        let b = Self.survey("x2", "2026-01-01T00:00:00Z", .nps, 8, source: "src/b")
        let winner = Self.tie("src/a", "x1") > Self.tie("src/b", "x2") ? 2 : 8
        #expect(CustomerProfile.tieKey(source: "src/a", id: "x1") == Self.tie("src/a", "x1"))
        #expect(Self.fold([a, b]).latestNPS?.score == winner)
        #expect(Self.fold([b, a]).latestNPS?.score == winner)
        #expect(Self.fold([a, b]) == Self.fold([b, a]))
        // The separator keeps ("ab", "c") and ("a", "bc") apart.
        #expect(CustomerProfile.tieKey(source: "ab", id: "c") != CustomerProfile.tieKey(source: "a", id: "bc"))
        for (source, id) in [("", ""), ("crm/profile", "ae5066ec8d79470c-long-enough-for-the-heap"), ("Köln", "日本")] {
            #expect(CustomerProfile.tieKey(source: source, id: id) == Self.tie(source, id))
        }
    }

    @Test func attributesLatestByEventTimeWithTombstones() {
        let set1 = Self.update("s1", "2026-01-01T00:00:00Z", [("city", .string("Lyon"))])
        let remove2 = Self.update("r2", "2026-01-02T00:00:00Z", [("city", nil)])
        let set3 = Self.update("s3", "2026-01-03T00:00:00Z", [("city", .string("Nice"))])
        #expect(Self.fold([remove2, set1]).attribute("city") == nil)
        #expect(Self.fold([set1, remove2]).attribute("city") == nil)
        #expect(Self.fold([remove2, set1]) == Self.fold([set1, remove2]))
        for order in [[set1, remove2, set3], [set3, remove2, set1], [remove2, set3, set1], [set1, set3, remove2]] {
            #expect(Self.fold(order).attribute("city") == .string("Nice"))
            #expect(Self.fold(order).attributes.map(\.name) == ["city"])
        }

        // Equal event times: the larger tie key wins, whichever arrives first.
        let p = Self.update("t1", "2026-01-05T00:00:00Z", [("tier", .string("gold"))], source: "crm")
        let q = Self.update("t2", "2026-01-05T00:00:00Z", [("tier", nil)], source: "crm")
        let expected: AttributeValue? = Self.tie("crm", "t1") > Self.tie("crm", "t2") ? .string("gold") : nil
        #expect(Self.fold([p, q]).attribute("tier") == expected)
        #expect(Self.fold([q, p]).attribute("tier") == expected)

        // Within one event a repeated name means its last occurrence.
        let repeated = Self.update("d", "2026-01-01T00:00:00Z", [("x", .number(1)), ("x", .number(2))])
        #expect(Self.fold([repeated]).attribute("x") == .number(2))

        // Names compare by bytes: "é" precomposed and decomposed are two attributes.
        let composed = Self.update("n1", "2026-01-01T00:00:00Z", [("\u{E9}", .bool(true))])
        let decomposed = Self.update("n2", "2026-01-01T00:00:00Z", [("e\u{301}", .bool(false))])
        #expect(Self.fold([composed, decomposed]).attributes.count == 2)
        #expect(Self.fold([composed, decomposed]).jsonText(customer: "c") == Self.fold([decomposed, composed]).jsonText(customer: "c"))
    }

    @Test func complaintEdgeCases() {
        let profile = Self.fold([
            Self.complaint("a", "2026-01-02T00:00:00Z", "only-resolved", .resolved),
            Self.complaint("b", "2026-01-05T00:00:00Z", "backwards", .opened),
            Self.complaint("c", "2026-01-04T00:00:00Z", "backwards", .resolved),
            Self.complaint("d", "2026-01-01T00:00:00Z", "quick", .opened),
            Self.complaint("e", "2026-01-01T03:00:00Z", "quick", .resolved),
            Self.complaint("f", "2026-01-01T05:00:00Z", "quick", .resolved),
        ])
        #expect(profile.complaintsTotal == 3)
        #expect(profile.complaintsOpen == 0)
        // backwards: resolved before opened → 0 h; quick: 3 h (earliest resolution).
        #expect(profile.meanResolutionHours == 1.5)
    }

    @Test func extremeInputsNeitherTrapNorBreakOrderIndependence() throws {
        let events = [
            Self.purchase("a", "2026-01-01T00:00:00Z", amount: .greatestFiniteMagnitude, items: [
                LineItem(sku: "x", category: "huge", quantity: .max, unitPrice: .greatestFiniteMagnitude),
            ], discount: 1e300),
            Self.purchase("b", "2026-01-01T00:00:00Z", amount: 9e12),
            Self.purchase("c", "0001-01-01T00:00:00Z", amount: 1),
            Self.purchase("d", "9999-12-31T23:59:59Z", amount: 1),
            Self.event("m", "2026-01-01T00:00:00Z", .socialMention(SocialMention(platform: "x", sentiment: -1, reach: .max))),
            Self.event("n", "2026-01-01T00:00:00Z", .socialMention(SocialMention(platform: "x", sentiment: 1, reach: .max))),
            Self.event("v", "2026-01-01T00:00:00Z", .visit(Visit(channel: .web, durationSeconds: .greatestFiniteMagnitude))),
        ]
        let profile = Self.fold(events)
        #expect(profile == Self.fold(events.reversed()))
        #expect(profile.spend > 9e12)
        #expect(profile.dailySpend.count == 3)
        #expect(profile.dailySpend.map(\.spend).reduce(0, +) == profile.spend)
        #expect(profile.totalReach == .max)
        #expect(profile.meanSentiment == 0)
        #expect(try Self.decode(profile.encoded) == profile)
        _ = profile.textLines(customer: "x")
        #expect(try JSONParser.parse(profile.jsonText(customer: "x")) != .null)
    }

    // MARK: Random histories

    // Some keys extend others, share their first 8 bytes or end in a NUL byte: byte order, not
    // length or a fixed-size prefix, decides between them.
    static let categories = ["books", "music", "garden", "toys", "food", "tools", "\u{E9}", "e\u{301}", "gardening", "gardening tools", "garden\u{0}x"]
    static let attributeNames = ["region", "city", "vip", "score", "ageBand", "\u{E9}", "e\u{301}", "scoreboard", "scoreboards", "score\u{0}", ""]
    static let words = ["north", "south", "Lyon", "Paris", "", "25-34", "\"quoted\"", "ü"]

    /// A random history of one customer, with many equal event times so that ties matter.
    static func randomHistory(count: Int, using rng: inout SeededRandom) -> [TouchEvent] {
        let base = at("2026-01-01T00:00:00Z").microseconds
        func money() -> Double {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: return 0.1
            case 1: return Double.random(in: 0...1000, using: &rng)
            default: return Double(Int.random(in: 0...50_000, using: &rng)) / 100
            }
        }
        return (0..<count).map { index in
            let time = Timestamp(microseconds: base + Int64.random(in: -2...25, using: &rng) * 86_400_000_000
                + Int64.random(in: 0...2, using: &rng) * 10_800_000_000)
            let source = ["src/a", "src/b", "crm"].randomElement(using: &rng)!
            let payload: Payload
            switch Int.random(in: 0..<6, using: &rng) {
            case 0:
                let items = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                    LineItem(sku: "s", category: categories.randomElement(using: &rng)!, quantity: Int.random(in: 1...5, using: &rng), unitPrice: money())
                }
                payload = .purchase(Purchase(
                    orderId: "o\(index)", amount: money(), currency: "EUR", items: items,
                    channel: Bool.random(using: &rng) ? Purchase.Channel.allCases.randomElement(using: &rng) : nil,
                    discount: Bool.random(using: &rng) ? money() : nil))
            case 1:
                let metric = Survey.Metric.allCases.randomElement(using: &rng)!
                payload = .survey(Survey(surveyId: "q", metric: metric, score: Int.random(in: metric.scores, using: &rng)))
            case 2:
                payload = .complaint(Complaint(
                    complaintId: "c\(Int.random(in: 0..<5, using: &rng))",
                    status: Bool.random(using: &rng) ? .opened : .resolved,
                    channel: ["email", "call", nil].randomElement(using: &rng)!))
            case 3:
                payload = .socialMention(SocialMention(
                    platform: "x",
                    sentiment: Bool.random(using: &rng) ? Double.random(in: -1...1, using: &rng) : nil,
                    reach: Bool.random(using: &rng) ? Int.random(in: 0...100_000, using: &rng) : nil))
            case 4:
                payload = .visit(Visit(channel: Visit.Channel.allCases.randomElement(using: &rng)!,
                                       durationSeconds: Bool.random(using: &rng) ? Double.random(in: 0...5000, using: &rng) : nil))
            default:
                let attributes: [(name: String, value: AttributeValue?)] = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                    let value: AttributeValue?
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: value = nil
                    case 1: value = .string(words.randomElement(using: &rng)!)
                    case 2: value = .number(Double(Int.random(in: -5...5, using: &rng)) / 2)
                    default: value = .bool(Bool.random(using: &rng))
                    }
                    return (attributeNames.randomElement(using: &rng)!, value)
                }
                payload = .profileUpdated(ProfileUpdate(attributes: attributes))
            }
            return TouchEvent(id: "e\(index)", source: source, subject: "cust-r", time: time, payload: payload)
        }
    }

    /// Bitwise equality of two daily spend lists.
    static func same(_ a: [(day: Int32, spend: Double)], _ b: [(day: Int32, spend: Double)]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.day == $1.day && $0.spend.bitPattern == $1.spend.bitPattern }
    }

    @Test func foldIsOrderIndependentAndRoundTrips() throws {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        for round in 0..<300 {
            let place = "seed \(seed) (TOUCHLOG_TEST_SEED=\(seed)), round \(round)"
            let events = Self.randomHistory(count: Int.random(in: 0...80, using: &rng), using: &rng)
            let profile = Self.fold(events)
            let bytes = profile.encoded
            let json = profile.jsonText(customer: "cust-r")
            let daily = profile.dailySpend
            for _ in 0..<5 {
                let shuffled = Self.fold(events.shuffled(using: &rng))
                guard shuffled == profile, shuffled.encoded == bytes, shuffled.jsonText(customer: "cust-r") == json,
                      Self.same(shuffled.dailySpend, daily)
                else {
                    Issue.record("\(place): a shuffled fold differs\n  in order: \(json)\n  shuffled: \(shuffled.jsonText(customer: "cust-r"))")
                    return
                }
            }
            let summary = try bytes.withUnsafeBytes { try ProfileSummary(encodedProfile: $0) }
            if let wrong = Self.figuresDiffering(summary, profile) {
                Issue.record("\(place): the summary read from the stored form differs in \(wrong)")
                return
            }
            let decoded = try Self.decode(bytes)
            guard decoded == profile, decoded.jsonText(customer: "cust-r") == json, Self.same(decoded.dailySpend, daily),
                  decoded.textLines(customer: "cust-r") == profile.textLines(customer: "cust-r")
            else {
                Issue.record("\(place): the decoded profile differs\n  folded:  \(json)\n  decoded: \(decoded.jsonText(customer: "cust-r"))")
                return
            }
            // Folding more events into a decoded profile equals folding everything at once.
            let more = Self.randomHistory(count: 5, using: &rng).map { event in
                TouchEvent(id: "more-" + event.id, source: event.source, subject: event.subject, time: event.time, payload: event.payload)
            }
            var continued = decoded
            for event in more { continued.apply(event, position: 0) }
            let all = Self.fold(more + events)
            guard continued == all, Self.same(continued.dailySpend, all.dailySpend) else {
                Issue.record("\(place): folding into a decoded profile differs from one fold")
                return
            }
            guard case .object = try JSONParser.parse(json) else {
                Issue.record("\(place): jsonText is not an object")
                return
            }
        }
    }

    /// The first of the summary's figures that differs from the profile's, or `nil`.
    static func figuresDiffering(_ summary: ProfileSummary, _ profile: CustomerProfile) -> String? {
        func same(_ a: Double?, _ b: Double?) -> Bool { a?.bitPattern == b?.bitPattern }
        let checks: [(String, Bool)] = [
            ("summary", summary == profile.summary), ("isEmpty", summary.isEmpty == profile.isEmpty),
            ("eventCount", summary.eventCount == profile.eventCount),
            ("counts", EventType.allCases.allSatisfy { summary.count(of: $0) == profile.count(of: $0) }),
            ("seen", summary.firstSeen == profile.firstSeen && summary.lastSeen == profile.lastSeen),
            ("orders", summary.orders == profile.orders), ("spend", same(summary.spend, profile.spend)),
            ("discount", same(summary.discountTotal, profile.discountTotal)),
            ("averageOrderValue", same(summary.averageOrderValue, profile.averageOrderValue)),
            ("purchases", summary.firstPurchase == profile.firstPurchase && summary.lastPurchase == profile.lastPurchase),
            ("purchaseDayCount", summary.purchaseDayCount == profile.purchaseDays.count),
            ("firstPurchaseDaySpend", same(summary.firstPurchaseDaySpend, profile.dailySpend.first?.spend ?? 0)),
            ("purchaseCycleDays", same(summary.purchaseCycleDays, profile.purchaseCycleDays)),
            ("discountShare", same(summary.discountShare, profile.discountShare)),
            ("surveys", summary.surveyCount == profile.surveyCount && summary.npsCount == profile.npsCount),
            ("latestNPS", summary.latestNPS?.score == profile.latestNPS?.score && summary.latestNPS?.time == profile.latestNPS?.time),
            ("csat", same(summary.csatMean, profile.csatMean) && summary.csatCount == profile.csatCount),
            ("ces", same(summary.cesMean, profile.cesMean) && summary.cesCount == profile.cesCount),
            ("complaints", summary.complaintsTotal == profile.complaintsTotal && summary.complaintsOpen == profile.complaintsOpen),
            ("meanResolutionHours", same(summary.meanResolutionHours, profile.meanResolutionHours)),
            ("mentions", summary.mentionCount == profile.mentionCount && summary.totalReach == profile.totalReach),
            ("meanSentiment", same(summary.meanSentiment, profile.meanSentiment)),
            ("visits", summary.visitCount == profile.visitCount && same(summary.visitDurationSeconds, profile.visitDurationSeconds)),
        ]
        return checks.first { !$0.1 }?.0
    }

    @Test func headlineFieldsMatchANaiveReference() {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        for round in 0..<300 {
            let events = Self.randomHistory(count: Int.random(in: 0...60, using: &rng), using: &rng)
            let profile = Self.fold(events.shuffled(using: &rng))
            var wrong: [String] = []
            func check(_ ok: Bool, _ field: String) { if !ok { wrong.append(field) } }

            var purchases: [Purchase] = []
            var purchaseTimes: [Timestamp] = []
            for event in events { if case .purchase(let p) = event.payload { purchases.append(p); purchaseTimes.append(event.time) } }
            check(profile.orders == purchases.count, "orders")
            let spend = purchases.reduce(0.0) { $0 + $1.amount }
            check(abs(profile.spend - spend) <= 1e-6 * Double(max(1, purchases.count)), "spend \(profile.spend) vs \(spend)")
            let days = Set(purchaseTimes.map(Self.day)).sorted()
            check(profile.purchaseDays.map(Int64.init) == days, "purchase days")
            let cycle = days.count < 2 ? nil : Double(days.last! - days.first!) / Double(days.count - 1)
            check(profile.purchaseCycleDays == cycle, "purchase cycle")
            check(profile.firstPurchase == purchaseTimes.min() && profile.lastPurchase == purchaseTimes.max(), "first/last purchase")

            // Daily spend: group the purchases by UTC day; exactly, as sums of amounts rounded to
            // µ-units, and approximately, as plain floating-point sums.
            var microsByDay: [Int64: Int64] = [:]
            var doubleByDay: [Int64: Double] = [:]
            var countByDay: [Int64: Int] = [:]
            for (purchase, time) in zip(purchases, purchaseTimes) {
                microsByDay[Self.day(time), default: 0] += Int64((purchase.amount * 1_000_000).rounded())
                doubleByDay[Self.day(time), default: 0] += purchase.amount
                countByDay[Self.day(time), default: 0] += 1
            }
            let daily = profile.dailySpend
            check(daily.map { Int64($0.day) } == days, "daily spend days")
            check(daily.map(\.spend) == days.map { Double(microsByDay[$0]!) / 1e6 }, "daily spend (exact)")
            check(daily.allSatisfy { abs($0.spend - doubleByDay[Int64($0.day)]!) <= 1e-6 * Double(countByDay[Int64($0.day)]!) },
                  "daily spend (floating point)")
            check(profile.purchaseDays == daily.map(\.day), "purchase days vs daily spend days")
            check(Double(microsByDay.values.reduce(0, +)) / 1e6 == profile.spend, "Σ daily spend vs spend")

            // Latest NPS: sort by (time, tie key) and take the last.
            let nps = events.compactMap { event -> (Timestamp, UInt64, Int)? in
                guard case .survey(let s) = event.payload, s.metric == .nps else { return nil }
                return (event.time, Self.tie(event.source, event.id), s.score)
            }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            check(profile.latestNPS?.score == nps.last?.2, "latest NPS")

            var csat: [Int] = []
            for event in events { if case .survey(let s) = event.payload, s.metric == .csat { csat.append(s.score) } }
            check(profile.csatMean == (csat.isEmpty ? nil : Double(csat.reduce(0, +)) / Double(csat.count)), "CSAT mean")

            // Complaints: distinct ids; open = no resolved event.
            var resolved: [String: Bool] = [:]
            for event in events {
                if case .complaint(let c) = event.payload { resolved[c.complaintId, default: false] = resolved[c.complaintId, default: false] || c.status == .resolved }
            }
            check(profile.complaintsTotal == resolved.count, "complaints total")
            check(profile.complaintsOpen == resolved.values.filter { !$0 }.count, "complaints open")

            // Attributes: replay the updates sorted by (time, tie key), last write wins, keys by bytes.
            var attributes: [[UInt8]: AttributeValue] = [:]
            let updates = events.filter { $0.type == .profileUpdated }.sorted {
                ($0.time, Self.tie($0.source, $0.id)) < ($1.time, Self.tie($1.source, $1.id))
            }
            for event in updates {
                guard case .profileUpdated(let update) = event.payload else { continue }
                for (name, value) in update.attributes { attributes[Array(name.utf8)] = value }
            }
            let folded = Dictionary(uniqueKeysWithValues: profile.attributes.map { (Array($0.name.utf8), $0.value) })
            check(folded == attributes, "attributes")
            check(profile.attributes.map { Array($0.name.utf8) } == attributes.keys.sorted { $0.lexicographicallyPrecedes($1) }, "attribute order")

            check(profile.mentionCount == events.filter { $0.type == .socialMention }.count, "mentions")
            check(profile.visitCount == events.filter { $0.type == .visit }.count, "visits")
            check(profile.eventCount == events.count, "event count")
            check(profile.firstSeen == events.map(\.time).min() && profile.lastSeen == events.map(\.time).max(), "first/last seen")
            if !wrong.isEmpty {
                Issue.record("seed \(seed) (TOUCHLOG_TEST_SEED=\(seed)), round \(round): \(wrong.joined(separator: ", ")) differ from the reference")
                return
            }
        }
    }

    // MARK: Codec robustness

    /// A profile that uses every part of the stored form.
    static func richProfile() -> CustomerProfile {
        var rng = SeededRandom(seed: 42)
        return fold(history + randomHistory(count: 60, using: &rng))
    }

    /// Recomputes both checksums after a deliberate change, to reach the structural checks: the
    /// head's over the head length and the head (as far as the bytes go), the body's over the rest.
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 11 else { return bytes }
        var bytes = bytes
        let headEnd = min(bytes.count, 11 + Int(bytes[9]) + 256 * Int(bytes[10]))
        func seal(_ range: Range<Int>, at offset: Int) {
            let checksum = UInt32(truncatingIfNeeded: XXHash64.hash(Array(bytes[range])))
            for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: checksum >> (8 * UInt32(i))) }
        }
        seal(9..<headEnd, at: 1)
        seal(headEnd..<bytes.count, at: 5)
        return bytes
    }

    static func isCorruption(_ bytes: [UInt8]) -> Bool {
        do {
            _ = try decode(bytes)
            return false
        } catch let error as TouchlogError {
            return error.code == .corruption
        } catch {
            return false
        }
    }

    @Test func everyTruncationThrows() {
        let bytes = Self.richProfile().encoded
        #expect(bytes.first == 3)
        var accepted: [Int] = []
        for length in 0..<bytes.count where !Self.isCorruption(Array(bytes.prefix(length))) { accepted.append(length) }
        #expect(accepted.isEmpty)
        // Even with a valid checksum, a truncated body is refused by the structure checks.
        var resealedAccepted: [Int] = []
        for length in 11..<bytes.count where !Self.isCorruption(Self.resealed(Array(bytes.prefix(length)))) { resealedAccepted.append(length) }
        #expect(resealedAccepted.isEmpty)
    }

    @Test func damagedBytesThrow() throws {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        let bytes = Self.richProfile().encoded
        #expect(try Self.decode(bytes) == Self.richProfile())
        var accepted: [Int] = []
        for _ in 0..<3000 {
            var damaged = bytes
            let index = Int.random(in: 0..<damaged.count, using: &rng)
            damaged[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            if Bool.random(using: &rng) { damaged[Int.random(in: 0..<damaged.count, using: &rng)] = .random(in: 0...255, using: &rng) }
            // The second write can put the flipped byte back (about 1 run in 100 did): no damage.
            if damaged != bytes, !Self.isCorruption(damaged) { accepted.append(index) }
        }
        #expect(accepted.isEmpty, "seed \(seed): damage at bytes \(accepted.prefix(10)) was accepted")
        #expect(Self.isCorruption(bytes + [0]))
        #expect(Self.isCorruption(Self.resealed(bytes + [0])))
        for version: UInt8 in [0, 1, 2, 4] {
            var other = bytes
            other[0] = version
            #expect(Self.isCorruption(Self.resealed(other)), "version \(version) was accepted")
        }
    }

    /// Keyed entries (channels, categories, complaint ids, attribute names) are stored in strictly
    /// ascending byte order: a duplicated or out-of-order key is damage, even with a valid checksum.
    @Test func keysOutOfOrderOrRepeatedAreRefused() throws {
        let keyed = Self.fold([
            Self.complaint("c1", "2026-01-01T00:00:00Z", "kaa", .opened, channel: "qaa"),
            Self.complaint("c2", "2026-01-02T00:00:00Z", "kbb", .opened, channel: "qbb"),
            Self.update("u1", "2026-01-03T00:00:00Z", [("zaa", .bool(true)), ("zbb", .bool(false))]),
        ])
        let bytes = keyed.encoded
        #expect(try Self.decode(bytes) == keyed)
        #expect(keyed.channels.map(\.channel) == ["qaa", "qbb"])
        for prefix in ["q", "k", "z"] {
            let first = Array((prefix + "aa").utf8), second = Array((prefix + "bb").utf8)
            guard let a = Self.range(of: first, in: bytes), let b = Self.range(of: second, in: bytes) else {
                Issue.record("no \(prefix)aa/\(prefix)bb in the stored form")
                continue
            }
            var swapped = bytes
            swapped.replaceSubrange(a, with: second)
            swapped.replaceSubrange(b, with: first)
            #expect(Self.isCorruption(Self.resealed(swapped)), "\(prefix): keys out of order were accepted")
            var repeated = bytes
            repeated.replaceSubrange(b, with: first)
            #expect(Self.isCorruption(Self.resealed(repeated)), "\(prefix): a repeated key was accepted")
            // Bytes in order that are not UTF-8: decoded leniently, both keys would be "\u{FFFD}aa".
            var invalid = bytes
            invalid.replaceSubrange(a, with: [0xC0] + Array("aa".utf8))
            invalid.replaceSubrange(b, with: [0xFF] + Array("aa".utf8))
            #expect(Self.isCorruption(Self.resealed(invalid)), "\(prefix): keys that are not UTF-8 were accepted")
        }
    }

    static func range(of needle: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle }.map { $0..<($0 + needle.count) }
    }

    // MARK: Hand-made stored forms

    /// A test-side writer of the stored form's primitives.
    struct Bytes {
        var bytes: [UInt8] = []

        mutating func varint(_ value: UInt128) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }

        mutating func zigzag(_ value: Int128) { varint(UInt128(bitPattern: (value << 1) ^ (value >> 127))) }

        func withVersion(_ version: UInt8) -> [UInt8] {
            var copy = bytes
            copy[0] = version
            return copy
        }
    }

    /// A sealed stored form (version 3) of a customer with only purchases: `orders` purchases (the
    /// number of days unless given), `days` as (day, Σ amount µ), and the purchase time range; the
    /// head's Σ amount, day count and first day's spend as given, else as the days make them.
    static func handMade(
        orders: Int? = nil, days: [(day: Int64, micros: Int128)], times: (first: Int64, last: Int64)?? = nil,
        gaps: [UInt64]? = nil, headAmount: Int128? = nil, headDayCount: Int? = nil, headFirstDay: Int128? = nil
    ) -> Bytes {
        let orders = orders ?? days.count
        let dayMicros: Int128 = 86_400_000_000
        let times = times ?? days.first.map { (Int64(Int128($0.day) * dayMicros), Int64(Int128(days.last!.day) * dayMicros + 1)) }
        var head = Bytes()
        head.varint(times == nil ? 0 : 3)
        if let times { head.zigzag(Int128(times.first)); head.zigzag(Int128(times.last)) }
        for type in 1...6 { head.varint(type == 1 ? UInt128(orders) : 0) }
        head.varint(UInt128(orders))
        // Σ amount as the sum of the days, wrapping (an overflowing sum is damage, refused anyway).
        head.zigzag(headAmount ?? days.reduce(Int128(0)) { $0 &+ $1.micros })
        head.zigzag(0)  // Σ discount
        if let times { head.zigzag(Int128(times.first)); head.zigzag(Int128(times.last)) }
        head.varint(UInt128(headDayCount ?? days.count))
        head.zigzag(headFirstDay ?? days.first?.micros ?? 0)
        for _ in 0..<5 { head.varint(0) }  // NPS count, Σ CSAT, CSAT count, Σ CES, CES count
        for _ in 0..<4 { head.varint(0) }  // complaints, open, resolved, Σ resolution
        for _ in 0..<6 { head.varint(0) }  // mentions, Σ sentiment, with sentiment, Σ reach, visits, Σ duration
        var w = Bytes()
        // Version, the two checksums (sealed below), the head length (u16 LE), the head.
        w.bytes = [3, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(head.bytes.count % 256), UInt8(head.bytes.count / 256)] + head.bytes
        w.varint(0)  // channels
        w.varint(UInt128(days.count))
        for (index, entry) in days.enumerated() {
            if index == 0 {
                w.zigzag(Int128(entry.day))
            } else {
                w.varint(UInt128(gaps?[index - 1] ?? UInt64(entry.day - days[index - 1].day)))
            }
            w.zigzag(entry.micros)
        }
        w.varint(0)  // categories
        w.varint(0)  // complaints
        w.varint(0)  // attributes
        w.bytes = resealed(w.bytes)
        return w
    }

    @Test func handMadeStoredFormsDecodeOrThrow() throws {
        // The documented layout: each day with its Σ amount µ; Σ amount is their sum.
        let valid = try Self.decode(Self.handMade(orders: 5, days: [(-3, 1_500_000), (0, -250_000), (20513, 150_000_000)]).bytes)
        #expect(valid.dailySpend.map(\.day) == [-3, 0, 20513])
        #expect(valid.dailySpend.map(\.spend) == [1.5, -0.25, 150])
        #expect(valid.purchaseDays == [-3, 0, 20513])
        #expect(valid.spend == 151.25)
        #expect(valid.orders == 5)
        #expect(try Self.decode(valid.encoded) == valid)
        // The same bytes as folding the equivalent purchases.
        let folded = Self.fold([
            Self.purchase("a", "1969-12-29T00:00:00Z", amount: 1.5),
            Self.purchase("b", "1970-01-01T00:00:00Z", amount: -0.25),
            Self.purchase("c", "2026-03-01T00:00:00Z", amount: 100),
            Self.purchase("d", "2026-03-01T00:00:00Z", amount: 50),
            Self.purchase("e", "2026-03-01T00:00:00.000001Z", amount: 0),
        ])
        #expect(Self.handMade(orders: 5, days: [(-3, 1_500_000), (0, -250_000), (20513, 150_000_000)]).bytes == folded.encoded)
        #expect(try Self.decode(Self.handMade(days: []).bytes) == CustomerProfile())

        // More days than orders.
        #expect(Self.isCorruption(Self.handMade(orders: 1, days: [(1, 1), (2, 1)]).bytes))
        // Days not strictly ascending (a zero gap), or beyond the Int32 range.
        #expect(Self.isCorruption(Self.handMade(days: [(1, 1), (2, 1)], gaps: [0]).bytes))
        #expect(Self.isCorruption(Self.handMade(days: [(Int64(Int32.max), 1), (Int64(Int32.max) + 1, 1)], times: .some((0, 0))).bytes))
        #expect(Self.isCorruption(Self.handMade(days: [(Int64(Int32.min) - 1, 1)], times: .some((0, 0))).bytes))
        // Purchase times that disagree with the first or last day, or are missing, or present without days.
        #expect(Self.isCorruption(Self.handMade(days: [(1, 1), (5, 1)], times: .some((86_400_000_000, 4 * 86_400_000_000))).bytes))
        #expect(Self.isCorruption(Self.handMade(days: [(1, 1), (5, 1)], times: .some((0, 5 * 86_400_000_000))).bytes))
        #expect(Self.isCorruption(Self.handMade(days: [(1, 1)], times: .some(nil)).bytes))
        #expect(Self.isCorruption(Self.handMade(orders: 1, days: [], times: .some((0, 0))).bytes))
        // Daily spends whose total leaves the Int128 range.
        #expect(Self.isCorruption(Self.handMade(days: [(1, .max), (2, 1)]).bytes))
        #expect(Self.isCorruption(Self.handMade(days: [(1, .min), (2, -1)]).bytes))
        // … while the extremes themselves are kept exactly.
        let extreme = try Self.decode(Self.handMade(days: [(1, .max), (2, .min)]).bytes)
        #expect(extreme.spend == -1e-6)
        #expect(try Self.decode(extreme.encoded) == extreme)
        // A head that disagrees with the body: Σ amount, the day count, the first day's spend.
        #expect(Self.isCorruption(Self.handMade(days: [(1, 5), (2, 7)], headAmount: 13).bytes))
        #expect(Self.isCorruption(Self.handMade(orders: 3, days: [(1, 5), (2, 7)], headDayCount: 3).bytes))
        #expect(Self.isCorruption(Self.handMade(days: [(1, 5), (2, 7)], headFirstDay: 7).bytes))
        // … which the summary alone, reading the head only, does not see.
        let headOnly = try Self.handMade(days: [(1, 5), (2, 7)], headAmount: 13).bytes.withUnsafeBytes { try ProfileSummary(encodedProfile: $0) }
        #expect(headOnly.spend == 13e-6)
        // Versions 1 and 2 are refused with a message that says why.
        for version: UInt8 in [1, 2] {
            do {
                _ = try Self.decode(Self.resealed(Self.handMade(days: [(1, 1)]).withVersion(version)))
                Issue.record("version \(version) was accepted")
            } catch let error as TouchlogError {
                #expect(error.code == .corruption)
                #expect(error.message.contains("format version \(version) is no longer read"))
            }
        }
    }

    /// Attribute numbers come from JSON, which has no NaN or infinity: a stored one is damage (a
    /// signalling NaN would not even come back bit for bit from a round trip).
    @Test func nonFiniteAttributeNumbersAreRefused() throws {
        let profile = Self.fold([Self.update("u1", "2026-01-03T00:00:00Z", [("score", .number(2.5))])])
        let bytes = profile.encoded
        #expect(try Self.decode(bytes) == profile)
        let stored = try #require(Self.range(of: withUnsafeBytes(of: (2.5).bitPattern.littleEndian) { Array($0) }, in: bytes))
        for bad in [Double.nan, .signalingNaN, .infinity, -.infinity] {
            var garbled = bytes
            garbled.replaceSubrange(stored, with: withUnsafeBytes(of: bad.bitPattern.littleEndian) { Array($0) })
            #expect(Self.isCorruption(Self.resealed(garbled)), "\(bad) was accepted")
        }
    }

    /// Garbled bodies with a valid checksum: decoding never traps; what it accepts round-trips.
    @Test func garbledBodiesNeverTrap() throws {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        let bytes = Self.richProfile().encoded
        var accepted = 0
        for trial in 0..<4000 {
            var garbled: [UInt8]
            if trial % 4 == 0 {
                let head = UInt8.random(in: 0...80, using: &rng)
                garbled = [3, 0, 0, 0, 0, 0, 0, 0, 0, head, 0] + (0..<Int.random(in: 0...120, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if trial % 8 == 0 { for i in 11..<garbled.count where Bool.random(using: &rng) { garbled[i] = UInt8.random(in: 0...3, using: &rng) } }
            } else {
                garbled = bytes
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    garbled[Int.random(in: 11..<garbled.count, using: &rng)] = .random(in: 0...255, using: &rng)
                }
            }
            garbled = Self.resealed(garbled)
            let summary = try? garbled.withUnsafeBytes { try ProfileSummary(encodedProfile: $0) }
            guard let profile = try? Self.decode(garbled) else { continue }
            accepted += 1
            #expect(summary == profile.summary, "seed \(seed), trial \(trial): a profile decoded, its summary differs")
            #expect(try Self.decode(profile.encoded) == profile, "seed \(seed), trial \(trial)")
            _ = profile.jsonText(customer: "x")
            _ = profile.textLines(customer: "x")
        }
        print("CustomerProfile garbled-body fuzz: \(accepted) of 4000 accepted (seed \(seed))")
    }

    @Test func encodingIsCompact() {
        let profile = Self.fold(Self.history)
        let size = profile.encoded.count
        print("CustomerProfile: hand history of \(Self.history.count) events encodes to \(size) bytes")
        #expect(size < 500)
    }
}
