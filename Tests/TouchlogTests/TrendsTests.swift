import Foundation
import Testing
import Touchlog

/// Satisfaction trends: hand-checked periods, and the same rows whatever the arrival order.
struct TrendsTests {
    static func complaint(_ id: String, _ status: String, _ time: String, channel: String) -> String {
        #"{"specversion":"1.0","id":"\#(id)","source":"crm","type":"touch.complaint","subject":"c","time":"\#(time)","data":{"complaintId":"k-\#(id)","status":"\#(status)","channel":"\#(channel)"}}"#
    }

    static let lines = [
        TestEvents.survey(id: "s1", subject: "a", time: "2025-03-03T10:00:00Z", score: 10),  // Monday, week 10
        TestEvents.survey(id: "s2", subject: "b", time: "2025-03-04T10:00:00Z", score: 9),
        TestEvents.survey(id: "s3", subject: "c", time: "2025-03-09T23:00:00Z", score: 3),  // Sunday, week 10
        TestEvents.survey(id: "s4", subject: "d", time: "2025-03-10T00:30:00Z", score: 8),  // Monday, week 11
        TestEvents.survey(id: "s5", subject: "a", time: "2025-04-01T10:00:00Z", score: 2),
        complaint("1", "opened", "2025-03-05T10:00:00Z", channel: "phone"),
        complaint("2", "opened", "2025-03-06T10:00:00Z", channel: "email"),
        complaint("1b", "resolved", "2025-04-02T10:00:00Z", channel: "phone"),
    ]

    @Test func periodsAreHandChecked() throws {
        try withTemporaryLog { log, _ in
            _ = try log.append(try Self.lines.map { try EventDecoder().decodeValid($0) })
            let months = try log.satisfactionTrends(bucket: .month)
            #expect(months.map(\.period) == ["2025-03", "2025-04"])
            // March: 4 NPS answers, 2 promoters, 1 detractor → +25; April: 1 detractor → −100.
            #expect(months[0].nps == 25 && months[1].nps == -100 && months[1].npsChange == -125)
            #expect(months[0].counters.complaintsOpened == 2 && months[1].counters.complaintsResolved == 1)
            let weeks = try log.satisfactionTrends(bucket: .week, to: Timestamp(rfc3339: "2025-03-31T00:00:00Z"))
            #expect(weeks.map(\.period) == ["2025-W10", "2025-W11"])
            #expect(weeks[0].counters.npsAnswers == 3 && weeks[1].counters.npsAnswers == 1)
            let days = try log.satisfactionTrends(bucket: .day, from: Timestamp(rfc3339: "2025-03-09T00:00:00Z"), to: Timestamp(rfc3339: "2025-03-11T00:00:00Z"))
            #expect(days.map(\.period) == ["2025-03-09", "2025-03-10"])
            let channels = try log.satisfactionTrends(bucket: .month, by: .channel)
            #expect(channels.map(\.group) == ["email", "phone", "phone"])
            #expect(channels.map(\.counters.complaintsOpened) == [1, 1, 0])
        }
    }

    @Test func arrivalOrderAndRebuildDoNotChangeTheRows() throws {
        let seed = testSeed()
        var rng = SeededRandom(seed: seed)
        let lines = (0..<600).map { TestEvents.random(index: $0, customers: 30, using: &rng) }
        try withTemporaryDirectory { directory in
            let a = try EventLog(path: directory + "/a.db", options: .init(create: true, durable: false))
            let b = try EventLog(path: directory + "/b.db", options: .init(create: true, durable: false))
            for start in stride(from: 0, to: lines.count, by: 50) {
                _ = try a.append(try lines[start..<min(start + 50, lines.count)].map { try EventDecoder().decodeValid($0) })
            }
            _ = try b.append(try lines.shuffled(using: &rng).map { try EventDecoder().decodeValid($0) })
            for bucket in TrendBucket.allCases {
                #expect(try a.satisfactionTrends(bucket: bucket) == b.satisfactionTrends(bucket: bucket), "seed \(seed) \(bucket)")
            }
            let before = try a.satisfactionTrends(bucket: .week, by: .channel)
            try a.rebuild(["trends"])
            #expect(try a.satisfactionTrends(bucket: .week, by: .channel) == before, "seed \(seed)")
        }
    }

    /// Two spellings of one channel name (a precomposed "é", and "e" with a combining accent)
    /// are two rows of the view, stored under their own bytes whichever arrives first: the
    /// view's entries are the same in both orders, inline and rebuilt.
    @Test func channelSpellingsAreRowsOfTheirOwnInEveryOrder() throws {
        let precomposed = Self.complaint("p", "opened", "2025-03-05T10:00:00Z", channel: "caf\u{E9}")
        let combining = Self.complaint("q", "opened", "2025-03-05T11:00:00Z", channel: "cafe\u{301}")
        try withTemporaryDirectory { directory in
            var entries: [[(key: [UInt8], value: [UInt8])]] = []
            for (name, order) in [("a", [precomposed, combining]), ("b", [combining, precomposed])] {
                let log = try EventLog(path: directory + "/\(name).db", options: .init(create: true, durable: false))
                for line in order { _ = try log.append([try EventDecoder().decodeValid(line)]) }
                entries.append(try log.viewEntries("trends"))
                try log.rebuild(["trends"])
                entries.append(try log.viewEntries("trends"))
            }
            let channelRows = entries[0].filter { $0.key.count > 5 && $0.key[4] == 1 }
            #expect(channelRows.map { Array($0.key.dropFirst(5)) } == [Array("cafe\u{301}".utf8), Array("caf\u{E9}".utf8)])
            for other in entries.dropFirst() {
                #expect(other.map(\.key) == entries[0].map(\.key) && other.map(\.value) == entries[0].map(\.value))
            }
        }
    }

    @Test func resolutionTimeIsHandCheckedWhateverArrivesFirst() throws {
        let events = [
            Self.complaint("r1", "resolved", "2025-03-06T22:00:00Z", channel: "email"),  // resolved before its opening arrives
            Self.complaint("o1", "opened", "2025-03-05T10:00:00Z", channel: "phone"),
        ].map { $0.replacingOccurrences(of: "k-r1", with: "k-1").replacingOccurrences(of: "k-o1", with: "k-1") }
        let earlierResolution = Self.complaint("r0", "resolved", "2025-03-06T10:00:00Z", channel: "chat").replacingOccurrences(of: "k-r0", with: "k-1")
        try withTemporaryLog { log, _ in
            _ = try log.append([try EventDecoder().decodeValid(events[0])])
            #expect(try log.satisfactionTrends(bucket: .day).allSatisfy { $0.meanResolutionHours == nil })
            _ = try log.append([try EventDecoder().decodeValid(events[1])])
            let day = try #require(try log.satisfactionTrends(bucket: .day).first { $0.period == "2025-03-06" })
            #expect(day.counters.resolutions == 1 && day.meanResolutionHours == 36)
            #expect(try log.satisfactionTrends(bucket: .day, by: .channel).first { $0.group == "email" && $0.period == "2025-03-06" }?.meanResolutionHours == 36)
            // A late, earlier resolution takes the first one back and counts instead (24 h, chat).
            _ = try log.append([try EventDecoder().decodeValid(earlierResolution)])
            let rows = try log.satisfactionTrends(bucket: .day, by: .channel)
            #expect(rows.first { $0.group == "chat" }?.meanResolutionHours == 24)
            #expect(rows.first { $0.group == "email" }?.meanResolutionHours == nil)
            #expect(try log.satisfactionTrends(bucket: .month).first?.meanResolutionHours == 24)
        }
    }

    /// The reference for resolutions and regions, folded naively from the plain list of events.
    static func reference(_ lines: [String]) throws -> (resolutions: [String: (count: Int64, micros: Int64)], regionSurveys: [String: Int64]) {
        var complaints: [String: (opened: Int64?, resolved: Int64?)] = [:]
        var hasRegion = Set<String>()
        var surveys: [(subject: String, month: String)] = []
        for line in lines {
            let event = try EventDecoder().decodeValid(line).event
            let month = String(event.time.rfc3339.prefix(7))
            switch event.payload {
            case .complaint(let complaint):
                let key = event.subject + "\u{0}" + complaint.complaintId
                let time = event.time.microseconds
                var entry = complaints[key] ?? (nil, nil)
                if complaint.status == .opened { entry.opened = min(entry.opened ?? time, time) } else { entry.resolved = min(entry.resolved ?? time, time) }
                complaints[key] = entry
            case .profileUpdated(let update) where update.attributes.contains { $0.0 == "region" }:
                hasRegion.insert(event.subject)
            case .survey:
                surveys.append((event.subject, month))
            default: break
            }
        }
        var resolutions: [String: (count: Int64, micros: Int64)] = [:]
        for (opened, resolved) in complaints.values {
            guard let opened, let resolved else { continue }
            let month = String(Timestamp(microseconds: resolved).rfc3339.prefix(7))
            resolutions[month, default: (0, 0)].count += 1
            resolutions[month, default: (0, 0)].micros += max(0, resolved - opened)
        }
        var regionSurveys: [String: Int64] = [:]
        for survey in surveys { regionSurveys[(hasRegion.contains(survey.subject) ? "north" : "(unknown)") + " " + survey.month, default: 0] += 1 }
        return (resolutions, regionSurveys)
    }

    @Test func resolutionsAndRegionsEqualANaiveReferenceInAnyOrder() throws {
        let seed = testSeed()
        let (lines, distinct) = ProjectionTests.stream(seed: seed, count: 800, customers: 20)
        let expected = try Self.reference(distinct)
        var rng = SeededRandom(seed: seed &+ 5)
        try withTemporaryDirectory { directory in
            let a = try EventLog(path: directory + "/a.db", options: .init(create: true, durable: false))
            try ProjectionTests.append(lines, to: a, seed: seed &+ 6)
            let b = try EventLog(path: directory + "/b.db", options: .init(create: true, durable: false))
            try ProjectionTests.append(lines.shuffled(using: &rng), to: b, seed: seed &+ 7)
            for log in [a, b] {
                for row in try log.satisfactionTrends(bucket: .month) {
                    let reference = expected.resolutions[row.period] ?? (0, 0)
                    #expect(row.counters.resolutions == reference.count && row.counters.resolutionMicros == reference.micros, "seed \(seed) \(row.period)")
                }
                let resolvedMonths = try log.satisfactionTrends(bucket: .month).filter { $0.counters.resolutions > 0 }.count
                #expect(resolvedMonths == expected.resolutions.count, "seed \(seed)")
                var regions: [String: Int64] = [:]
                for row in try log.satisfactionTrends(bucket: .month, by: .region) where row.counters.surveys > 0 {
                    regions[row.group + " " + row.period] = row.counters.surveys
                }
                #expect(regions == expected.regionSurveys, "seed \(seed)")
            }
            let before = try a.satisfactionTrends(bucket: .day, by: .channel)
            try a.rebuild(["trends"])
            #expect(try a.satisfactionTrends(bucket: .day, by: .channel) == before, "seed \(seed)")
        }
    }
}
