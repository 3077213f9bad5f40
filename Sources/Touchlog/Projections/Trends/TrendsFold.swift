/// The fold behind the satisfaction trends: per-event counter deltas by (day, dimension, value),
/// plus the state of each complaint, which resolution times need.
///
/// A complaint's resolution time is its earliest `resolved` time minus its earliest `opened` time
/// (0 if resolved before opened), counted on the day of the resolution, overall and for the channel
/// of the resolving event. Either event may arrive first: when the pair changes, the fold takes
/// the old contribution back and adds the new one, so the counters never depend on arrival order.
///
/// Used three ways: inline (the projector loads the complaint states a batch touches and adds the
/// deltas to the stored counters), by rebuilds and replays (everything in memory), and for the
/// region and segment breakdowns, where `group` maps each customer to the row they count in.
struct TrendsFold: Sendable {
    /// Counter deltas by day, dimension and value.
    var deltas: [TrendCell: TrendCounters] = [:]
    /// Complaint states by complaint key (`ComplaintState.key`), as loaded or updated.
    var complaints: [ByteKey: ComplaintState] = [:]
    /// When set, events count in the rows of `dimension` for the value `group` returns (no
    /// overall or channel rows); events of customers it maps to `nil` are skipped.
    let grouping: (dimension: TrendDimension, group: @Sendable (String) -> String?)?

    init(grouping: (dimension: TrendDimension, group: @Sendable (String) -> String?)? = nil) {
        self.grouping = grouping
    }

    /// Adds another fold of other customers' events (complaint states are per customer, so disjoint).
    mutating func merge(_ other: TrendsFold) {
        for (key, delta) in other.deltas { deltas[key, default: TrendCounters()].add(delta) }
        complaints.merge(other.complaints) { mine, _ in mine }
    }

    /// Folds one event; `loadComplaint` supplies the stored state of a complaint not yet in memory.
    mutating func fold(_ event: TouchEvent, loadComplaint: ([UInt8]) throws -> ComplaintState? = { _ in nil }) rethrows {
        guard let (counters, channel) = TrendCounters.of(event) else { return }
        let customerRow: (TrendDimension, String)
        if let grouping {
            guard let group = grouping.group(event.subject) else { return }
            customerRow = (grouping.dimension, group)
        } else {
            customerRow = (.overall, "")
        }
        let day = Int32(Timestamp.day(of: event.time))
        deltas[TrendCell(day: day, dimension: customerRow.0, value: customerRow.1), default: TrendCounters()].add(counters)
        if grouping == nil, let channel {
            deltas[TrendCell(day: day, dimension: .channel, value: channel), default: TrendCounters()].add(counters)
        }
        guard case .complaint(let complaint) = event.payload else { return }
        let key = ByteKey(ComplaintState.key(subject: event.subject, complaintId: complaint.complaintId))
        let before = try complaints[key] ?? loadComplaint(key.bytes) ?? ComplaintState()
        var after = before
        after.add(complaint.status, at: event.time.microseconds, channel: complaint.channel ?? "")
        guard after != before else { return }
        complaints[key] = after
        if let old = before.resolution { count(old, sign: -1, customerRow: customerRow) }
        if let new = after.resolution { count(new, sign: 1, customerRow: customerRow) }
    }

    /// Adds (or takes back) a resolution in the customer's row and, without a grouping, in the row
    /// of the resolving channel.
    private mutating func count(
        _ resolution: (day: Int32, channel: String, micros: Int64), sign: Int64, customerRow: (TrendDimension, String)
    ) {
        func add(to cell: TrendCell) {
            deltas[cell, default: TrendCounters()].resolutions &+= sign
            deltas[cell, default: TrendCounters()].resolutionMicros &+= sign &* resolution.micros
        }
        add(to: TrendCell(day: resolution.day, dimension: customerRow.0, value: customerRow.1))
        if grouping == nil && !resolution.channel.isEmpty {
            add(to: TrendCell(day: resolution.day, dimension: .channel, value: resolution.channel))
        }
    }
}

/// One row of the trends view: a day, a dimension and its value ("" overall). Values compare and
/// hash by their UTF-8 bytes, as the view's keys do: two spellings of one text (a precomposed
/// "é" and "e" with a combining accent) are two rows, whichever arrives first.
struct TrendCell: Hashable, Sendable {
    let day: Int32
    let dimension: TrendDimension
    let value: String

    static func == (a: TrendCell, b: TrendCell) -> Bool {
        a.day == b.day && a.dimension == b.dimension && JSONObject.sameUTF8(a.value, b.value)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(day)
        hasher.combine(dimension)
        JSONObject.hashUTF8(value, into: &hasher)
    }

    /// The view's key (`TrendKey.encode`).
    var key: [UInt8] { TrendKey.encode(day: day, dimension: dimension, value: value) }
}

/// What the trends keep of one complaint: its earliest opening and resolution.
struct ComplaintState: Equatable, Sendable {
    var opened: Int64?
    var resolved: Int64?
    /// The channel of the earliest resolving event ("" for none; the larger name on a tie).
    var resolvedChannel = ""

    /// The key of a complaint among the trends entries: a prefix no day row can have (the day
    /// `Int32.max`, dimension 0xFF), the subject's length and bytes, then the complaint id.
    static func key(subject: String, complaintId: String) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        withUnsafeBytes(of: UInt32(subject.utf8.count).bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: subject.utf8)
        bytes.append(contentsOf: complaintId.utf8)
        return bytes
    }

    /// Whether stored trends bytes under `key` are a complaint state rather than a day row.
    static func isKey(_ key: UnsafeRawBufferPointer) -> Bool {
        key.count >= 9 && key[0] == 0xFF && key[1] == 0xFF && key[2] == 0xFF && key[3] == 0xFF && key[4] == 0xFF
    }

    mutating func add(_ status: Complaint.Status, at time: Int64, channel: String) {
        switch status {
        case .opened:
            opened = min(opened ?? time, time)
        case .resolved:
            if let resolved, resolved < time { return }
            if resolved == time, !resolvedChannel.utf8.lexicographicallyPrecedes(channel.utf8) { return }
            resolved = time
            resolvedChannel = channel
        }
    }

    /// The day, channel and duration (µs, at least 0) of the resolution, once both ends are known.
    var resolution: (day: Int32, channel: String, micros: Int64)? {
        guard let opened, let resolved else { return nil }
        return (Int32(Timestamp.day(of: Timestamp(microseconds: resolved))), resolvedChannel, max(0, resolved - opened))
    }

    init() {}

    init(bytes sealed: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer) throws {
        guard let bytes = SealedEntry.open(sealed, key: key), bytes.count >= 1 else {
            throw TouchlogError(.corruption, "a trends complaint entry is damaged; run `touchlog rebuild trends`")
        }
        let flags = bytes[0]
        var offset = 1
        func next() throws -> Int64 {
            guard offset + 8 <= bytes.count else { throw TouchlogError(.corruption, "a trends complaint entry is damaged") }
            defer { offset += 8 }
            return Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self))
        }
        if flags & 1 != 0 { opened = try next() }
        if flags & 2 != 0 { resolved = try next() }
        resolvedChannel = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset...]), as: UTF8.self)
    }

    /// The stored form under `key`.
    func encoded(key: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: 17 + resolvedChannel.utf8.count)
        writer.write(UInt8((opened == nil ? 0 : 1) | (resolved == nil ? 0 : 2)))
        if let opened { writer.write(opened) }
        if let resolved { writer.write(resolved) }
        var bytes = writer.bytes
        bytes.append(contentsOf: resolvedChannel.utf8)
        return SealedEntry.seal(bytes, key: key)
    }
}
