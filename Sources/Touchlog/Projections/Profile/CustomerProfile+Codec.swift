/// The stored form of a `CustomerProfile` (the value under the customer's key in the `profile` view).
///
/// Layout, format version 2: `u32` little-endian; `var` unsigned LEB128; `zz` zigzag LEB128 (64 or
/// 128 bits); `str` var byte count + UTF-8; maps are written sorted by key bytes, so equal profiles
/// have equal bytes.
/// ```
/// u8   format version (2)
/// u32  checksum: low 32 bits of XXH64 of every byte after it
/// var  presence bits: 1 event times, 2 purchase times, 4 latest NPS
/// [zz first seen, zz last seen]                     µs since the epoch, if bit 1
/// 6 × var  events per type (EventType raw values 1…6)
/// var n, n × (str channel, var count)
/// var orders, zz Σ discount µ                      (Σ amount is the sum of the daily spends)
/// [zz first purchase, zz last purchase]              if bit 2
/// var n, n × (day, zz Σ amount µ)                    distinct UTC purchase days with their spend:
///            the first day as zz, each next one as var gap ≥ 1 from the previous
/// var n, n × (str category, zz Σ quantity × unitPrice µ)
/// [zz time, u64 tie key, zz score]                  latest NPS, if bit 4
/// var NPS count, zz Σ CSAT, var CSAT count, zz Σ CES, var CES count
/// var n, n × (str complaint id, u8 bits 1 opened 2 resolved, [zz opened], [zz resolved])
/// var mentions, zz Σ sentiment µ, var with sentiment, zz Σ reach
/// var visits, zz Σ duration µs
/// var n, n × (str name, zz time, u64 tie key, u8 kind 0 removed 1 false 2 true 3 number 4 string,
///             [u64 IEEE 754 bits | str])
/// ```
/// Decoding checks the version, the checksum, every bound and every invariant (sorted, distinct
/// keys and days; no more purchase days than orders; purchase times present exactly when there are
/// purchase days, on the first and last of them; valid UTF-8; no trailing bytes) and throws
/// `TouchlogError(.corruption, …)`.
///
/// Version history: 1 kept the purchase days without their spend and Σ amount on its own; it is
/// refused (the `profile` view is rebuilt from the log, its projector version having changed too).
extension CustomerProfile {
    /// The first byte of the stored form.
    public static let formatVersion: UInt8 = 2

    private static let headerSize = 5

    /// The stored form (format version 2, see the layout above). Equal profiles encode to equal
    /// bytes. Costs O(size of the profile).
    public var encoded: [UInt8] {
        var w = Writer()
        w.bytes.append(Self.formatVersion)
        w.bytes.append(contentsOf: [0, 0, 0, 0])
        var presence: UInt64 = 0
        if seen != nil { presence |= 1 }
        if purchases.times != nil { presence |= 2 }
        if surveys.latestNPS != nil { presence |= 4 }
        w.varint(presence)
        if let seen { w.zigzag(seen.first); w.zigzag(seen.last) }
        for type in EventType.allCases { w.varint(typeCounts[type]) }
        w.varint(UInt64(channelCounts.count))
        for (key, count) in channelCounts {
            w.string(key.text)
            w.varint(count)
        }

        w.varint(purchases.orders)
        w.zigzag(purchases.discount)
        if let times = purchases.times { w.zigzag(times.first); w.zigzag(times.last) }
        w.varint(UInt64(purchases.days.count))
        var previous: Int32?
        for entry in purchases.days {
            if let previous { w.varint(UInt64(Int64(entry.day) - Int64(previous))) } else { w.zigzag(Int64(entry.day)) }
            w.zigzag(entry.amount)
            previous = entry.day
        }
        w.varint(UInt64(purchases.categories.count))
        for (key, spend) in purchases.categories {
            w.string(key.text)
            w.zigzag(spend)
        }

        if let nps = surveys.latestNPS {
            w.zigzag(nps.stamp.time)
            w.fixed(nps.stamp.tie)
            w.zigzag(nps.score)
        }
        w.varint(surveys.npsCount)
        w.zigzag(surveys.csat.sum)
        w.varint(surveys.csat.count)
        w.zigzag(surveys.ces.sum)
        w.varint(surveys.ces.count)

        w.varint(UInt64(complaints.count))
        for (key, times) in complaints {
            w.string(key.text)
            w.bytes.append((times.opened == nil ? 0 : 1) | (times.resolved == nil ? 0 : 2))
            if let opened = times.opened { w.zigzag(opened) }
            if let resolved = times.resolved { w.zigzag(resolved) }
        }

        w.varint(mentions.count)
        w.zigzag(mentions.sentiment)
        w.varint(mentions.sentimentCount)
        w.zigzag(mentions.reach)
        w.varint(visits.count)
        w.zigzag(visits.duration)

        w.varint(UInt64(attributeEntries.count))
        for (key, entry) in attributeEntries {
            w.string(key.text)
            w.zigzag(entry.stamp.time)
            w.fixed(entry.stamp.tie)
            switch entry.value {
            case nil: w.bytes.append(0)
            case .bool(let value)?: w.bytes.append(value ? 2 : 1)
            case .number(let value)?:
                w.bytes.append(3)
                w.fixed(value.bitPattern)
            case .string(let value)?:
                w.bytes.append(4)
                w.string(value)
            }
        }

        let checksum = w.bytes.withUnsafeBytes {
            UInt32(truncatingIfNeeded: XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0[Self.headerSize...])))
        }
        withUnsafeBytes(of: checksum.littleEndian) { raw in
            for i in 0..<4 { w.bytes[1 + i] = raw[i] }
        }
        return w.bytes
    }

    /// Decodes the stored form.
    /// - Throws: `TouchlogError` with code `.corruption` if the bytes are not a valid profile of a
    ///   known format version (truncated, damaged, trailing bytes); never traps on any input.
    public init(encoded bytes: UnsafeRawBufferPointer) throws(TouchlogError) {
        do {
            try self.init(checking: bytes)
        } catch {
            throw TouchlogError(.corruption, "the stored customer profile is damaged: \(error.reason) (at byte \(error.offset) of \(bytes.count))")
        }
    }

    private init(checking bytes: UnsafeRawBufferPointer) throws(Damage) {
        guard bytes.count >= Self.headerSize else { throw Damage("shorter than its header", at: 0) }
        guard bytes[0] == Self.formatVersion else {
            if bytes[0] == 1 {
                throw Damage("format version 1 is no longer read (it lacks the spend per purchase day); rebuild the profile view", at: 0)
            }
            throw Damage("unknown format version \(bytes[0]) (this build reads \(Self.formatVersion))", at: 0)
        }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 1, as: UInt32.self))
        let actual = UInt32(truncatingIfNeeded: XXHash64.hash(UnsafeRawBufferPointer(rebasing: bytes[Self.headerSize...])))
        guard stored == actual else { throw Damage("checksum mismatch", at: 1) }

        var r = Reader(bytes: bytes, offset: Self.headerSize)
        self.init()
        let presence = try r.varint()
        guard presence < 8 else { throw r.damage("unknown presence bits \(presence)") }
        if presence & 1 != 0 { seen = try r.timeRange() }
        for type in EventType.allCases { typeCounts[type] = try r.varint() }
        let channels = try r.count()
        channelCounts.reserveCapacity(channels)
        for _ in 0..<channels {
            let key = Key(try r.string())
            let count = try r.varint()
            guard channelCounts.appendInOrder(key, count) else { throw r.damage("channels not strictly ascending") }
        }

        purchases.orders = try r.varint()
        purchases.discount = try r.zigzag128()
        if presence & 2 != 0 { purchases.times = try r.timeRange() }
        let dayCount = try r.count()
        guard UInt64(dayCount) <= purchases.orders else { throw r.damage("\(dayCount) purchase days but \(purchases.orders) orders") }
        if dayCount > 0 {
            purchases.days.reserveCapacity(dayCount)
            var day = try r.zigzag64()
            guard let first = Int32(exactly: day) else { throw r.damage("purchase day out of range") }
            try purchases.addDecoded(DaySpend(day: first, amount: try r.zigzag128()), r)
            for _ in 1..<dayCount {
                let gap = try r.varint()
                guard gap >= 1, gap <= UInt64(UInt32.max), let next = Int32(exactly: day + Int64(gap)) else {
                    throw r.damage("purchase days not strictly ascending")
                }
                day += Int64(gap)
                try purchases.addDecoded(DaySpend(day: next, amount: try r.zigzag128()), r)
            }
        }
        if let times = purchases.times {
            guard let first = purchases.days.first, let last = purchases.days.last,
                  PurchaseTotals.day(of: times.first) == first.day, PurchaseTotals.day(of: times.last) == last.day
            else { throw r.damage("purchase times disagree with the purchase days") }
        } else {
            guard purchases.days.isEmpty else { throw r.damage("purchase days without purchase times") }
        }
        let categories = try r.count()
        purchases.categories.reserveCapacity(categories)
        for _ in 0..<categories {
            let key = Key(try r.string())
            let spend = try r.zigzag128()
            guard purchases.categories.appendInOrder(key, spend) else { throw r.damage("categories not strictly ascending") }
        }

        if presence & 4 != 0 {
            let stamp = Stamp(time: try r.zigzag64(), tie: try r.fixed())
            surveys.latestNPS = StampedScore(stamp: stamp, score: try r.zigzag64())
        }
        surveys.npsCount = try r.varint()
        surveys.csat.sum = try r.zigzag128()
        surveys.csat.count = try r.varint()
        surveys.ces.sum = try r.zigzag128()
        surveys.ces.count = try r.varint()

        let complaintCount = try r.count()
        complaints.reserveCapacity(complaintCount)
        for _ in 0..<complaintCount {
            let key = Key(try r.string())
            let bits = try r.byte()
            guard bits >= 1, bits <= 3 else { throw r.damage("invalid complaint bits \(bits)") }
            var times = ComplaintTimes()
            if bits & 1 != 0 { times.opened = try r.zigzag64() }
            if bits & 2 != 0 { times.resolved = try r.zigzag64() }
            guard complaints.appendInOrder(key, times) else { throw r.damage("complaint ids not strictly ascending") }
        }

        mentions.count = try r.varint()
        mentions.sentiment = try r.zigzag128()
        mentions.sentimentCount = try r.varint()
        mentions.reach = try r.zigzag128()
        visits.count = try r.varint()
        visits.duration = try r.zigzag128()

        let attributeCount = try r.count()
        attributeEntries.reserveCapacity(attributeCount)
        for _ in 0..<attributeCount {
            let key = Key(try r.string())
            let stamp = Stamp(time: try r.zigzag64(), tie: try r.fixed())
            let value: AttributeValue?
            switch try r.byte() {
            case 0: value = nil
            case 1: value = .bool(false)
            case 2: value = .bool(true)
            case 3: value = .number(Double(bitPattern: try r.fixed()))
            case 4: value = .string(try r.string())
            case let kind: throw r.damage("unknown attribute kind \(kind)")
            }
            let entry = AttributeEntry(stamp: stamp, value: value)
            guard attributeEntries.appendInOrder(key, entry) else { throw r.damage("attribute names not strictly ascending") }
        }
        guard r.offset == bytes.count else { throw r.damage("\(bytes.count - r.offset) trailing bytes") }
    }
}

extension CustomerProfile.PurchaseTotals {
    /// Appends a decoded day (after the previous one) and adds its spend to Σ amount, refusing a
    /// sum beyond the Int128 range (only damaged bytes can hold one).
    fileprivate mutating func addDecoded(_ entry: CustomerProfile.DaySpend, _ r: CustomerProfile.Reader) throws(CustomerProfile.Damage) {
        let (sum, overflow) = amount.addingReportingOverflow(entry.amount)
        guard !overflow else { throw r.damage("total spend out of range") }
        amount = sum
        days.append(entry)
    }
}

extension CustomerProfile {
    /// Why stored profile bytes were refused, and where.
    fileprivate struct Damage: Error {
        let reason: String
        let offset: Int

        init(_ reason: String, at offset: Int) {
            self.reason = reason
            self.offset = offset
        }
    }

    /// Appends LEB128 varints, zigzag integers, fixed 64-bit words and length-prefixed strings.
    fileprivate struct Writer {
        var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(256) }

        mutating func varint(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }

        mutating func varint128(_ value: UInt128) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }

        mutating func zigzag(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

        mutating func zigzag(_ value: Int128) { varint128(UInt128(bitPattern: (value << 1) ^ (value >> 127))) }

        mutating func fixed(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }

        mutating func string(_ value: String) {
            varint(UInt64(value.utf8.count))
            bytes.append(contentsOf: value.utf8)
        }
    }

    /// Reads what `Writer` wrote, checking every bound.
    fileprivate struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset: Int

        init(bytes: UnsafeRawBufferPointer, offset: Int) {
            self.bytes = bytes
            self.offset = offset
        }

        func damage(_ reason: String) -> Damage { Damage(reason, at: offset) }

        mutating func byte() throws(Damage) -> UInt8 {
            guard offset < bytes.count else { throw damage("truncated") }
            defer { offset += 1 }
            return bytes[offset]
        }

        /// A varint of at most 63 bits, read without a check per byte when ten bytes remain (no
        /// value can then run past the end); `nil`, reading nothing, otherwise.
        private mutating func quickVarint() -> UInt64? {
            guard bytes.count - offset >= 10 else { return nil }
            var value: UInt64 = 0
            var shift: UInt64 = 0
            var index = offset
            while shift < 63 {
                let b = bytes[index]
                index += 1
                value |= UInt64(b & 0x7F) << shift
                if b < 0x80 {
                    offset = index
                    return value
                }
                shift += 7
            }
            return nil
        }

        mutating func varint() throws(Damage) -> UInt64 {
            if let value = quickVarint() { return value }
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64, shift < 63 || b <= 1 else { throw damage("varint too long") }
                value |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return value }
                shift += 7
            }
        }

        mutating func varint128() throws(Damage) -> UInt128 {
            // The first 63 bits in 64-bit arithmetic (nearly every stored value fits), the rest in 128.
            if let value = quickVarint() { return UInt128(value) }
            var low: UInt64 = 0
            var shift = 0
            while shift < 63 {
                let b = try byte()
                low |= UInt64(b & 0x7F) << UInt64(shift)
                if b < 0x80 { return UInt128(low) }
                shift += 7
            }
            var value = UInt128(low)
            while true {
                let b = try byte()
                guard shift < 126 || (shift == 126 && b <= 3) else { throw damage("varint too long") }
                value |= UInt128(b & 0x7F) << UInt128(shift)
                if b < 0x80 { return value }
                shift += 7
            }
        }

        mutating func zigzag64() throws(Damage) -> Int64 {
            let raw = try varint()
            return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
        }

        mutating func zigzag128() throws(Damage) -> Int128 {
            let raw = try varint128()
            return Int128(bitPattern: raw >> 1) ^ -Int128(bitPattern: raw & 1)
        }

        mutating func timeRange() throws(Damage) -> TimeRange {
            let first = try zigzag64()
            let last = try zigzag64()
            guard first <= last else { throw damage("time range ends before it starts") }
            return TimeRange(first: first, last: last)
        }

        mutating func fixed() throws(Damage) -> UInt64 {
            guard bytes.count - offset >= 8 else { throw damage("truncated") }
            defer { offset += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }

        /// An element count, bounded by the bytes left (every element takes at least one byte).
        mutating func count() throws(Damage) -> Int {
            let value = try varint()
            guard value <= UInt64(bytes.count - offset) else { throw damage("count \(value) exceeds the bytes left") }
            return Int(value)
        }

        mutating func string() throws(Damage) -> String {
            let length = try count()
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
            // The checksum already vouches for these bytes, which were valid UTF-8 when encoded;
            // the validating initializer's generic path cost 8% of a profile read.
            offset += length
            return String(decoding: slice, as: UTF8.self)
        }
    }
}
