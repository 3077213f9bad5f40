/// Collects one simulated day of events, then writes them in arrival order.
///
/// Events are rendered straight into a day arena as they are generated. At the end of the day the
/// on-time ones are sorted by event time and merged with the held-back events (late arrivals and
/// re-sends) whose arrival falls in that day. Memory is one day of events plus the held-back ones.
struct EventSink: ~Copyable {
    struct Stats {
        var lines = 0
        var late = 0
        var resends = 0
        var byType = [Int](repeating: 0, count: EventType.allCases.count)
    }

    private struct Record {
        let time: Int64
        let tie: UInt64
        let start: Int32
        let end: Int32
    }

    /// The event being written: data fields go here, between ``begin`` and ``end``.
    var buffer = ByteBuffer(capacity: 4 << 20)
    private(set) var stats = Stats()

    private var records: [Record] = []
    private var pending = PendingQueue()
    private var output: OutputFile
    private let timeline: Timeline
    private let idKey: UInt64
    private let subjectWidth: Int
    private let lateRate: Double
    private let resendRate: Double

    private var eventStart = 0
    private var eventTime: Int64 = 0
    private var eventTie: UInt64 = 0
    private var firstField = true

    init(output: consuming OutputFile, timeline: Timeline, seed: UInt64, customers: Int, lateRate: Double, resendRate: Double) {
        self.output = output
        self.timeline = timeline
        self.idKey = SplitMix64.mix(seed ^ 0x1D5_0F_E7E7)
        var width = 7
        var limit = 10_000_000
        while customers >= limit {
            width += 1
            limit *= 10
        }
        self.subjectWidth = width
        self.lateRate = lateRate
        self.resendRate = resendRate
        records.reserveCapacity(1 << 14)
    }

    /// A 64-bit bijection of (customer, sequence), keyed by the seed: unique ids that look random.
    @inline(__always)
    private func eventID(customer: Int, seq: UInt32) -> UInt64 {
        var x = (UInt64(customer) << 24 | UInt64(seq)) ^ idKey
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }

    /// Writes a customer number as `cust-0000123` content (no quotes).
    @inline(__always)
    mutating func appendSubject(customer: Int) {
        buffer.append("cust-")
        buffer.append(int: customer, width: subjectWidth)
    }

    /// Starts an event: writes the envelope up to the opening brace of `data`.
    @inline(__always)
    mutating func begin(_ type: EventType, source: [UInt8], customer: Int, seq: UInt32, time: Int64) {
        eventStart = buffer.count
        eventTime = time
        eventTie = UInt64(customer) << 24 | UInt64(seq)
        firstField = true
        stats.byType[type.rawValue] += 1
        buffer.append("{\"specversion\":\"1.0\",\"id\":\"")
        buffer.append(hex: eventID(customer: customer, seq: seq))
        buffer.append("\",\"source\":\"")
        buffer.append(source)
        buffer.append("\",\"type\":\"")
        buffer.append(type.name)
        buffer.append("\",\"subject\":\"")
        appendSubject(customer: customer)
        buffer.append("\",\"time\":\"")
        appendTime(time)
        buffer.append("\",\"dataschema\":\"urn:touchlog:schema:")
        buffer.append(type.name)
        buffer.append(":1\",\"data\":{")
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for a time in the window.
    @inline(__always)
    private mutating func appendTime(_ time: Int64) {
        let day = Int(time / Timeline.secondsPerDay)
        let second = Int(time - Int64(day) * Timeline.secondsPerDay)
        let offset = day * 11
        timeline.datePrefixes.withUnsafeBufferPointer { prefixes in
            buffer.append(UnsafeBufferPointer(rebasing: prefixes[offset..<(offset + 11)]))
        }
        buffer.append(twoDigits: second / 3600)
        buffer.append(byte: UInt8(ascii: ":"))
        buffer.append(twoDigits: second / 60 % 60)
        buffer.append(byte: UInt8(ascii: ":"))
        buffer.append(twoDigits: second % 60)
        buffer.append(byte: UInt8(ascii: "Z"))
    }

    /// Writes `"name":` (with a leading comma after the first field of an object).
    @inline(__always)
    mutating func key(_ name: StaticString) {
        if firstField {
            firstField = false
            buffer.append(byte: UInt8(ascii: "\""))
        } else {
            buffer.append(",\"")
        }
        buffer.append(name)
        buffer.append("\":")
    }

    /// Starts a nested object or array element: the next ``key(_:)`` writes no comma.
    @inline(__always)
    mutating func resetFirstField() {
        firstField = true
    }

    /// Marks the next key as not first (after writing a nested value by hand).
    @inline(__always)
    mutating func markFieldWritten() {
        firstField = false
    }

    /// Finishes the event and decides, with the customer's generator, whether it arrives late
    /// and whether it will be sent twice.
    @inline(__always)
    mutating func end(rng: inout Xoshiro256) {
        buffer.append("}}\n")
        var arrival = eventTime
        let isLate = rng.chance(lateRate)
        let isResent = rng.chance(resendRate)
        if isLate || isResent {
            let bytes = buffer.copy(eventStart..<buffer.count)
            if isLate {
                // 1-30 days late, mostly a few days.
                let extra = min(29 * Timeline.secondsPerDay, Int64(rng.exponential(mean: 3.5 * 86_400)))
                arrival = eventTime + Timeline.secondsPerDay + extra
                pending.push(arrival: arrival, bytes: bytes)
                buffer.truncate(to: eventStart)
                stats.late += 1
            }
            if isResent {
                // The same bytes again, a little later (one second to a few hours).
                let again = arrival + 1 + min(6 * 3600, Int64(rng.exponential(mean: 1_200)))
                pending.push(arrival: again, bytes: bytes)
                stats.resends += 1
            }
        }
        if !isLate {
            records.append(Record(time: eventTime, tie: eventTie, start: Int32(eventStart), end: Int32(buffer.count)))
        }
    }

    /// Writes the day ending at `dayEnd`: its on-time events in event-time order merged with the
    /// held-back events that arrive before `dayEnd`.
    mutating func flushDay(until dayEnd: Int64) throws(OutputError) {
        records.sort { $0.time < $1.time || ($0.time == $1.time && $0.tie < $1.tie) }
        for record in records {
            while pending.nextArrival < record.time, let entry = pending.pop() {
                try output.write(entry.bytes)
                stats.lines += 1
            }
            try output.write(buffer.unsafeBytes(Int(record.start)..<Int(record.end)))
            stats.lines += 1
        }
        while pending.nextArrival < dayEnd, let entry = pending.pop() {
            try output.write(entry.bytes)
            stats.lines += 1
        }
        records.removeAll(keepingCapacity: true)
        buffer.removeAll()
    }

    /// Writes everything still held back (arrivals after the window) and closes the output.
    mutating func finish() throws(OutputError) {
        while let entry = pending.pop() {
            try output.write(entry.bytes)
            stats.lines += 1
        }
        try output.close()
    }
}
