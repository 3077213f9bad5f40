/// The `trends` view: satisfaction counters per UTC day, overall and by channel, that reports
/// roll up into days, ISO weeks and months. Every counter is an exact integer sum, so the view
/// does not depend on arrival order.
///
/// Key: day (4 bytes, order-preserving), dimension (1 byte: 0 overall, 1 channel), dimension value
/// (UTF-8). Channels: a complaint's `channel`, a mention's `platform`; surveys carry no channel
/// and count in the overall rows only.
public struct TrendsProjector: Projector {
    public let name = "trends"
    public let version: UInt32 = 1

    public init() {}

    public func apply(_ event: StoredEvent, to view: ViewStore) throws {
        try apply([event], to: view)
    }

    public func apply(_ events: [StoredEvent], to view: ViewStore) throws {
        var deltas: [[UInt8]: TrendCounters] = [:]
        for event in events {
            guard let (counters, channel) = TrendCounters.of(event.event) else { continue }
            let day = Int32(Timestamp.day(of: event.event.time))
            deltas[TrendKey.encode(day: day, dimension: .overall, value: ""), default: TrendCounters()].add(counters)
            if let channel {
                deltas[TrendKey.encode(day: day, dimension: .channel, value: channel), default: TrendCounters()].add(counters)
            }
        }
        for (key, delta) in deltas {
            var counters = try view.get(key).map(TrendCounters.init(bytes:)) ?? TrendCounters()
            counters.add(delta)
            try view.put(key, counters.encoded)
        }
    }
}

/// The dimensions trends are kept by.
public enum TrendDimension: UInt8, Sendable, CaseIterable {
    case overall = 0, channel = 1
}

enum TrendKey {
    static func encode(day: Int32, dimension: TrendDimension, value: String) -> [UInt8] {
        var bytes = withUnsafeBytes(of: (UInt32(bitPattern: day) ^ 0x8000_0000).bigEndian) { Array($0) }
        bytes.append(dimension.rawValue)
        bytes.append(contentsOf: value.utf8)
        return bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> (day: Int32, dimension: TrendDimension, value: String)? {
        guard bytes.count >= 5, let dimension = TrendDimension(rawValue: bytes[4]) else { return nil }
        let raw = UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self)) ^ 0x8000_0000
        return (Int32(bitPattern: raw), dimension, String(decoding: UnsafeRawBufferPointer(rebasing: bytes[5...]), as: UTF8.self))
    }
}

/// Additive satisfaction counters of one day and dimension value.
public struct TrendCounters: Sendable, Equatable {
    public var surveys: Int64 = 0
    public var npsAnswers: Int64 = 0
    public var promoters: Int64 = 0
    public var detractors: Int64 = 0
    public var csatAnswers: Int64 = 0
    public var csatSum: Int64 = 0
    public var csatSatisfied: Int64 = 0
    public var cesAnswers: Int64 = 0
    public var cesSum: Int64 = 0
    public var complaintsOpened: Int64 = 0
    public var complaintsResolved: Int64 = 0
    public var mentions: Int64 = 0
    public var sentimentCount: Int64 = 0
    /// Σ sentiment in millionths.
    public var sentimentMicros: Int64 = 0

    static let fieldCount = 14

    public init() {}

    init(bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count == Self.fieldCount * 8 else { throw TouchlogError(.corruption, "a trends entry is damaged") }
        var fields = (0..<Self.fieldCount).map { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
        self.init()
        withFields { $0 = fields.removeFirst() }
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: Self.fieldCount * 8)
        var copy = self
        copy.withFields { writer.write($0) }
        return writer.bytes
    }

    /// Visits every counter in a fixed order (the stored order).
    private mutating func withFields(_ body: (inout Int64) -> Void) {
        body(&surveys); body(&npsAnswers); body(&promoters); body(&detractors)
        body(&csatAnswers); body(&csatSum); body(&csatSatisfied); body(&cesAnswers); body(&cesSum)
        body(&complaintsOpened); body(&complaintsResolved); body(&mentions); body(&sentimentCount); body(&sentimentMicros)
    }

    mutating func add(_ other: TrendCounters) {
        var values: [Int64] = []
        var copy = other
        copy.withFields { values.append($0) }
        var index = 0
        withFields { $0 &+= values[index]; index += 1 }
    }

    /// The counters one event contributes, and its channel, or `nil` for events trends ignore.
    static func of(_ event: TouchEvent) -> (TrendCounters, String?)? {
        var c = TrendCounters()
        switch event.payload {
        case .survey(let survey):
            c.surveys = 1
            switch survey.metric {
            case .nps:
                c.npsAnswers = 1
                if survey.score >= 9 { c.promoters = 1 } else if survey.score <= 6 { c.detractors = 1 }
            case .csat:
                c.csatAnswers = 1
                c.csatSum = Int64(survey.score)
                if survey.score >= 4 { c.csatSatisfied = 1 }
            case .ces:
                c.cesAnswers = 1
                c.cesSum = Int64(survey.score)
            }
            return (c, nil)
        case .complaint(let complaint):
            if complaint.status == .opened { c.complaintsOpened = 1 } else { c.complaintsResolved = 1 }
            return (c, complaint.channel)
        case .socialMention(let mention):
            c.mentions = 1
            if let sentiment = mention.sentiment {
                c.sentimentCount = 1
                c.sentimentMicros = Int64((sentiment * 1_000_000).rounded())
            }
            return (c, mention.platform)
        case .purchase, .visit, .profileUpdated:
            return nil
        }
    }
}
