/// The `trends` view: satisfaction counters per UTC day, overall and by channel, that reports
/// roll up into days, ISO weeks and months. Every counter is an exact integer sum, so the view
/// does not depend on arrival order (see `TrendsFold`, which also keeps complaint states for
/// resolution times).
///
/// Key: day (4 bytes, order-preserving), dimension (1 byte: 0 overall, 1 channel), dimension value
/// (UTF-8); complaint states sort after every day (`ComplaintState.key`). Channels: a complaint's
/// `channel`, a mention's `platform`; surveys carry no channel and count in the overall rows only.
/// A row whose counters all cancel out (a resolution taken back) is removed, so that every order
/// of the same events leaves the same keys.
public struct TrendsProjector: Projector {
    public let name = "trends"
    /// 4 since channel values are rows by their bytes (`TrendCell`): views of version 3 are rebuilt.
    public let version: UInt32 = 4

    public init() {}

    public func apply(_ event: StoredEvent, to view: ViewStore) throws {
        try apply([event], to: view)
    }

    public func apply(_ events: [StoredEvent], to view: ViewStore) throws {
        var fold = TrendsFold()
        for event in events {
            try fold.fold(event.event) { key in try key.withUnsafeBytes { raw in try view.get(key).map { try ComplaintState(bytes: $0, key: raw) } } }
        }
        // The states this batch touched; one an event left unchanged is written back as it was.
        for (key, state) in fold.complaints { try view.put(key.bytes, state.encoded(key: key.bytes)) }
        for (cell, delta) in fold.deltas {
            let key = cell.key
            var counters = try key.withUnsafeBytes { raw in try view.get(key).map { try TrendCounters(bytes: $0, key: raw) } } ?? TrendCounters()
            counters.add(delta)
            if counters == TrendCounters() { try view.delete(key) } else { try view.put(key, counters.encoded(key: key)) }
        }
    }

    public func makeRebuildFolder() -> (any ViewFolder)? { TrendsFolder() }
}

/// The trends view in memory during a rebuild: the counters are written once at the end; the
/// complaint states, which belong to one customer each, with their group of customers.
struct TrendsFolder: ViewFolder {
    var fold = TrendsFold()
    /// The complaint states of the group just folded, encoded by `prepareFinal`.
    private var finalComplaints: [(key: [UInt8], value: [UInt8])] = []

    mutating func fold(_ event: StoredEvent) throws { try fold.fold(event.event) }

    mutating func prepareFinal() {
        finalComplaints.reserveCapacity(finalComplaints.count + fold.complaints.count)
        for (key, state) in fold.complaints { finalComplaints.append((key.bytes, state.encoded(key: key.bytes))) }
        fold.complaints = [:]
    }

    mutating func merge(_ other: any ViewFolder) {
        guard let other = other as? TrendsFolder else { return }
        fold.merge(other.fold)
        finalComplaints += other.finalComplaints
    }

    func writeFinal(to view: ViewStore) throws {
        for (key, value) in finalComplaints { try view.put(key, value) }
    }

    mutating func dropFinal() { finalComplaints = [] }

    func write(to view: ViewStore) throws {
        for (key, state) in fold.complaints { try view.put(key.bytes, state.encoded(key: key.bytes)) }
        for (cell, counters) in fold.deltas where counters != TrendCounters() { let key = cell.key
            try view.put(key, counters.encoded(key: key))
        }
    }
}

/// The dimensions trends are broken down by. The view keeps overall and channel rows; region (the
/// customer's `region` attribute) and segment (their RFM segment) are evaluated at the horizon
/// asked for, by a pass over the log.
public enum TrendDimension: String, Sendable, CaseIterable {
    case overall, channel, region, segment

    /// The byte that stands for the dimension in the view's keys.
    var code: UInt8 { UInt8(Self.allCases.firstIndex(of: self)!) }

    init?(code: UInt8) {
        guard Int(code) < Self.allCases.count else { return nil }
        self = Self.allCases[Int(code)]
    }
}

enum TrendKey {
    static func encode(day: Int32, dimension: TrendDimension, value: String) -> [UInt8] {
        var bytes = withUnsafeBytes(of: (UInt32(bitPattern: day) ^ 0x8000_0000).bigEndian) { Array($0) }
        bytes.append(dimension.code)
        bytes.append(contentsOf: value.utf8)
        return bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> (day: Int32, dimension: TrendDimension, value: String)? {
        guard bytes.count >= 5, let dimension = TrendDimension(code: bytes[4]) else { return nil }
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
    /// Complaints whose resolution counts on this day (see `TrendsFold`).
    public var resolutions: Int64 = 0
    /// Σ their resolution times, µs.
    public var resolutionMicros: Int64 = 0

    static let fieldCount = 16

    public init() {}

    init(bytes sealed: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer) throws {
        guard let bytes = SealedEntry.open(sealed, key: key), bytes.count == Self.fieldCount * 8 else {
            throw TouchlogError(.corruption, "a trends entry is damaged; run `touchlog rebuild trends`")
        }
        var fields = (0..<Self.fieldCount).map { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
        self.init()
        withFields { $0 = fields.removeFirst() }
    }

    /// The stored form under `key`.
    func encoded(key: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: Self.fieldCount * 8)
        var copy = self
        copy.withFields { writer.write($0) }
        return SealedEntry.seal(writer.bytes, key: key)
    }

    /// Visits every counter in a fixed order (the stored order).
    private mutating func withFields(_ body: (inout Int64) -> Void) {
        body(&surveys); body(&npsAnswers); body(&promoters); body(&detractors)
        body(&csatAnswers); body(&csatSum); body(&csatSatisfied); body(&cesAnswers); body(&cesSum)
        body(&complaintsOpened); body(&complaintsResolved); body(&mentions); body(&sentimentCount); body(&sentimentMicros)
        body(&resolutions); body(&resolutionMicros)
    }

    /// Adds every counter of `other` (each field of `withFields`; written out, as this is the hot path).
    mutating func add(_ other: TrendCounters) {
        surveys &+= other.surveys; npsAnswers &+= other.npsAnswers; promoters &+= other.promoters
        detractors &+= other.detractors; csatAnswers &+= other.csatAnswers; csatSum &+= other.csatSum
        csatSatisfied &+= other.csatSatisfied; cesAnswers &+= other.cesAnswers; cesSum &+= other.cesSum
        complaintsOpened &+= other.complaintsOpened; complaintsResolved &+= other.complaintsResolved
        mentions &+= other.mentions; sentimentCount &+= other.sentimentCount; sentimentMicros &+= other.sentimentMicros
        resolutions &+= other.resolutions; resolutionMicros &+= other.resolutionMicros
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
