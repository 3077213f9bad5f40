/// The stored form of a `CustomerProfile` (the value under the customer's key in the `profile` view).
///
/// Layout, format version 3: `u16`, `u32` little-endian; `var` unsigned LEB128; `zz` zigzag LEB128
/// (64 or 128 bits); `str` var byte count + UTF-8; maps are written sorted by key bytes, so equal
/// profiles have equal bytes. The *head* holds the `ProfileSummary` under a checksum of its own, so
/// that the summary is read without the body.
/// ```
/// u8   format version (3)
/// u32  head checksum: low 32 bits of XXH64 of the head length and the head
/// u32  body checksum: low 32 bits of XXH64 of the body (every byte after the head)
/// u16  head length
/// head:
/// var  presence bits: 1 event times, 2 purchase times, 4 latest NPS
/// [zz first seen, zz last seen]                     µs since the epoch, if bit 1
/// 6 × var  events per type (EventType raw values 1…6)
/// var orders, zz Σ amount µ, zz Σ discount µ
/// [zz first purchase, zz last purchase]              if bit 2
/// var distinct purchase days, zz Σ amount of the first of them µ
/// [zz time, u64 tie key, zz score]                  latest NPS, if bit 4
/// var NPS count, zz Σ CSAT, var CSAT count, zz Σ CES, var CES count
/// var complaints, var open, var resolved, zz Σ resolution time µs (of the resolved)
/// var mentions, zz Σ sentiment µ, var with sentiment, zz Σ reach
/// var visits, zz Σ duration µs
/// body:
/// var n, n × (str channel, var count)
/// var n, n × (day, zz Σ amount µ)                    distinct UTC purchase days with their spend:
///            the first day as zz, each next one as var gap ≥ 1 from the previous
/// var n, n × (str category, zz Σ quantity × unitPrice µ)
/// var n, n × (str complaint id, u8 bits 1 opened 2 resolved, [zz opened], [zz resolved])
/// var n, n × (str name, zz time, u64 tie key, u8 kind 0 removed 1 false 2 true 3 number 4 string,
///             [u64 IEEE 754 bits | str])
/// ```
/// Decoding checks the version, the checksums, every bound and every invariant (sorted, distinct
/// keys and days; no more purchase days than orders; purchase times present exactly when there are
/// purchase days, on the first and last of them; the head's figures equal to the body's; valid
/// UTF-8; no trailing bytes) and throws `TouchlogError(.corruption, …)`. Reading the summary alone
/// checks the head's checksum and its own invariants.
///
/// Version history: 1 kept the purchase days without their spend and Σ amount on its own; 2 had
/// no head (one checksum over everything, the summary's figures spread among the keyed parts).
/// Both are refused (the `profile` view is rebuilt from the log, its projector version having
/// changed too).
extension CustomerProfile {
    /// The first byte of the stored form.
    public static let formatVersion: UInt8 = 3

    /// Version, the two checksums, the head length.
    fileprivate static let fixedHeaderSize = 11

    /// The stored form (format version 3, see the layout above). Equal profiles encode to equal
    /// bytes. Costs O(size of the profile).
    public var encoded: [UInt8] {
        let capacity = encodedSizeBound
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            var w = Writer(buffer)
            encode(into: &w)
            count = w.count
        }
    }

    /// At least the size of the stored form: each varint counted at its longest.
    private var encodedSizeBound: Int {
        var size = Self.fixedHeaderSize + 10 + 20 + 6 * 10  // header, presence, event times, counts per type
        size += 10 + 19 + 19 + 20 + 10 + 19  // purchase figures
        size += 28 + 10 + 19 + 10 + 19 + 10  // latest NPS, survey counts and sums
        size += 10 + 10 + 10 + 19  // complaint figures
        size += 10 + 19 + 10 + 19 + 10 + 19  // mentions, visits
        size += 10 + channelCounts.entries.reduce(0) { $0 + 20 + $1.key.text.utf8.count }
        size += 10 + purchases.days.count * 29
        size += 10 + purchases.categories.entries.reduce(0) { $0 + 29 + $1.key.text.utf8.count }
        size += 10 + complaints.entries.reduce(0) { $0 + 31 + $1.key.text.utf8.count }
        size += 10 + attributeEntries.entries.reduce(0) { total, entry in
            guard case .string(let text)? = entry.value.value else { return total + 47 + entry.key.text.utf8.count }
            return total + 47 + entry.key.text.utf8.count + text.utf8.count
        }
        return size
    }

    private func encode(into w: inout Writer) {
        w.byte(Self.formatVersion)
        w.fixed32(0)  // the checksums and the head length, patched below
        w.fixed32(0)
        w.fixed16(0)
        summary.encodeHead(into: &w)
        let headEnd = w.count
        w.patchLength(headEnd - Self.fixedHeaderSize, at: 9)
        w.patchChecksum(of: 9..<headEnd, at: 1)

        w.varint(UInt64(channelCounts.count))
        for (key, count) in channelCounts {
            w.string(key.text)
            w.varint(count)
        }
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
        w.varint(UInt64(complaints.count))
        for (key, times) in complaints {
            w.string(key.text)
            w.byte((times.opened == nil ? 0 : 1) | (times.resolved == nil ? 0 : 2))
            if let opened = times.opened { w.zigzag(opened) }
            if let resolved = times.resolved { w.zigzag(resolved) }
        }
        w.varint(UInt64(attributeEntries.count))
        for (key, entry) in attributeEntries {
            w.string(key.text)
            w.zigzag(entry.stamp.time)
            w.fixed(entry.stamp.tie)
            switch entry.value {
            case nil: w.byte(0)
            case .bool(let value)?: w.byte(value ? 2 : 1)
            case .number(let value)?:
                w.byte(3)
                w.fixed(value.bitPattern)
            case .string(let value)?:
                w.byte(4)
                w.string(value)
            }
        }
        w.patchChecksum(of: headEnd..<w.count, at: 5)
    }

    /// Decodes the stored form.
    /// - Throws: `TouchlogError` with code `.corruption` if the bytes are not a valid profile of a
    ///   known format version (truncated, damaged, trailing bytes); never traps on any input.
    public init(encoded bytes: UnsafeRawBufferPointer) throws(TouchlogError) {
        do {
            try self.init(checking: bytes)
        } catch {
            throw error.touchlogError(bytes.count)
        }
    }

    private init(checking bytes: UnsafeRawBufferPointer) throws(Damage) {
        var r = try ProfileSummary.headReader(bytes)
        let head = try ProfileSummary(reading: &r)
        r.end = bytes.count  // the body runs to the end
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 5, as: UInt32.self))
        let actual = UInt32(truncatingIfNeeded: XXHash64.hash(UnsafeRawBufferPointer(rebasing: bytes[r.offset...])))
        guard stored == actual else { throw Damage("body checksum mismatch", at: 5) }

        self.init()
        // The head's own figures; those that follow from the body are checked against it below.
        seen = head.seen
        typeCounts = head.typeCounts
        purchases.orders = head.purchases.orders
        purchases.discount = head.purchases.discount
        purchases.times = head.purchases.times
        surveys = head.surveys
        mentions = head.mentions
        visits = head.visits

        let channels = try r.count()
        channelCounts.reserveCapacity(channels)
        var previous: UnsafeRawBufferPointer?
        for _ in 0..<channels {
            let key = try r.key(after: &previous, "channels")
            channelCounts.append(afterLast: key, try r.varint())
        }

        let dayCount = try r.count()
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
        if let times = purchases.times, let first = purchases.days.first, let last = purchases.days.last {
            guard PurchaseTotals.day(of: times.first) == first.day, PurchaseTotals.day(of: times.last) == last.day else {
                throw r.damage("purchase times disagree with the purchase days")
            }
        }
        let categories = try r.count()
        purchases.categories.reserveCapacity(categories)
        previous = nil
        for _ in 0..<categories {
            let key = try r.key(after: &previous, "categories")
            purchases.categories.append(afterLast: key, try r.zigzag128())
        }

        let complaintCount = try r.count()
        complaints.reserveCapacity(complaintCount)
        previous = nil
        for _ in 0..<complaintCount {
            let key = try r.key(after: &previous, "complaint ids")
            let bits = try r.byte()
            guard bits >= 1, bits <= 3 else { throw r.damage("invalid complaint bits \(bits)") }
            var times = ComplaintTimes()
            if bits & 1 != 0 { times.opened = try r.zigzag64() }
            if bits & 2 != 0 { times.resolved = try r.zigzag64() }
            complaints.append(afterLast: key, times)
        }

        let attributeCount = try r.count()
        attributeEntries.reserveCapacity(attributeCount)
        previous = nil
        for _ in 0..<attributeCount {
            let key = try r.key(after: &previous, "attribute names")
            let stamp = Stamp(time: try r.zigzag64(), tie: try r.fixed())
            let value: AttributeValue?
            switch try r.byte() {
            case 0: value = nil
            case 1: value = .bool(false)
            case 2: value = .bool(true)
            case 3:
                // JSON numbers are finite (the parser refuses the rest); a NaN would not even
                // survive a round trip bit for bit.
                let number = Double(bitPattern: try r.fixed())
                guard number.isFinite else { throw r.damage("an attribute's number is not finite") }
                value = .number(number)
            case 4: value = .string(try r.string())
            case let kind: throw r.damage("unknown attribute kind \(kind)")
            }
            let entry = AttributeEntry(stamp: stamp, value: value)
            attributeEntries.append(afterLast: key, entry)
        }
        guard r.offset == bytes.count else { throw r.damage("\(bytes.count - r.offset) trailing bytes") }
        guard summary == head else { throw Damage("the head's figures disagree with the body", at: Self.fixedHeaderSize) }
    }
}

extension ProfileSummary {
    /// Reads the summary from a profile's stored form (see `CustomerProfile+Codec.swift`): the
    /// head only, checked by its own checksum. Allocates nothing.
    /// - Throws: `TouchlogError` with code `.corruption` if the head is damaged or of an unknown
    ///   format version; never traps on any input.
    public init(encodedProfile bytes: UnsafeRawBufferPointer) throws(TouchlogError) {
        do {
            var r = try Self.headReader(bytes)
            try self.init(reading: &r)
        } catch {
            throw error.touchlogError(bytes.count)
        }
    }

    /// A reader over the head of a stored profile whose version and head checksum were checked.
    fileprivate static func headReader(_ bytes: UnsafeRawBufferPointer) throws(CustomerProfile.Damage) -> CustomerProfile.Reader {
        let headerSize = CustomerProfile.fixedHeaderSize
        guard bytes.count >= 1 else { throw CustomerProfile.Damage("empty", at: 0) }
        guard bytes[0] == CustomerProfile.formatVersion else {
            if bytes[0] == 1 || bytes[0] == 2 {
                throw CustomerProfile.Damage("format version \(bytes[0]) is no longer read; rebuild the profile view", at: 0)
            }
            throw CustomerProfile.Damage("unknown format version \(bytes[0]) (this build reads \(CustomerProfile.formatVersion))", at: 0)
        }
        guard bytes.count >= headerSize else { throw CustomerProfile.Damage("shorter than its header", at: 0) }
        let headEnd = headerSize + Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 9, as: UInt16.self)))
        guard headEnd <= bytes.count else { throw CustomerProfile.Damage("head longer than the stored form", at: 9) }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 1, as: UInt32.self))
        let actual = UInt32(truncatingIfNeeded: XXHash64.hash(UnsafeRawBufferPointer(rebasing: bytes[9..<headEnd])))
        guard stored == actual else { throw CustomerProfile.Damage("head checksum mismatch", at: 1) }
        return CustomerProfile.Reader(bytes: bytes, offset: headerSize, end: headEnd)
    }

    /// Reads the head's fields up to its end (`r.end`), checking the invariants the head holds on
    /// its own; leaves `r` at the body.
    fileprivate init(reading r: inout CustomerProfile.Reader) throws(CustomerProfile.Damage) {
        self.init()
        let presence = try r.varint()
        guard presence < 8 else { throw r.damage("unknown presence bits \(presence)") }
        if presence & 1 != 0 { seen = try r.timeRange() }
        for type in EventType.allCases { typeCounts[type] = try r.varint() }
        purchases.orders = try r.varint()
        purchases.amount = try r.zigzag128()
        purchases.discount = try r.zigzag128()
        if presence & 2 != 0 { purchases.times = try r.timeRange() }
        purchases.dayCount = try r.varint()
        purchases.firstDayAmount = try r.zigzag128()
        guard purchases.dayCount <= purchases.orders else { throw r.damage("\(purchases.dayCount) purchase days but \(purchases.orders) orders") }
        guard (purchases.times != nil) == (purchases.dayCount > 0) else { throw r.damage("purchase times without purchase days, or days without times") }
        if presence & 4 != 0 {
            let stamp = CustomerProfile.Stamp(time: try r.zigzag64(), tie: try r.fixed())
            surveys.latestNPS = CustomerProfile.StampedScore(stamp: stamp, score: try r.zigzag64())
        }
        surveys.npsCount = try r.varint()
        surveys.csat.sum = try r.zigzag128()
        surveys.csat.count = try r.varint()
        surveys.ces.sum = try r.zigzag128()
        surveys.ces.count = try r.varint()
        complaints.total = try r.varint()
        complaints.open = try r.varint()
        complaints.resolved = try r.varint()
        complaints.resolutionMicros = try r.zigzag128()
        guard complaints.open <= complaints.total, complaints.resolved <= complaints.total - complaints.open else {
            throw r.damage("more open or resolved complaints than complaints")
        }
        mentions.count = try r.varint()
        mentions.sentiment = try r.zigzag128()
        mentions.sentimentCount = try r.varint()
        mentions.reach = try r.zigzag128()
        visits.count = try r.varint()
        visits.duration = try r.zigzag128()
        guard r.offset == r.end else { throw r.damage("the head ends at byte \(r.offset), its length says \(r.end)") }
    }

    /// Writes the head's fields (see the layout in `CustomerProfile+Codec.swift`).
    fileprivate func encodeHead(into w: inout CustomerProfile.Writer) {
        var presence: UInt64 = 0
        if seen != nil { presence |= 1 }
        if purchases.times != nil { presence |= 2 }
        if surveys.latestNPS != nil { presence |= 4 }
        w.varint(presence)
        if let seen { w.zigzag(seen.first); w.zigzag(seen.last) }
        for type in EventType.allCases { w.varint(typeCounts[type]) }
        w.varint(purchases.orders)
        w.zigzag(purchases.amount)
        w.zigzag(purchases.discount)
        if let times = purchases.times { w.zigzag(times.first); w.zigzag(times.last) }
        w.varint(purchases.dayCount)
        w.zigzag(purchases.firstDayAmount)
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
        w.varint(complaints.total)
        w.varint(complaints.open)
        w.varint(complaints.resolved)
        w.zigzag(complaints.resolutionMicros)
        w.varint(mentions.count)
        w.zigzag(mentions.sentiment)
        w.varint(mentions.sentimentCount)
        w.zigzag(mentions.reach)
        w.varint(visits.count)
        w.zigzag(visits.duration)
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

        /// The error a read reports, for stored bytes of `count` bytes.
        func touchlogError(_ count: Int) -> TouchlogError {
            TouchlogError(.corruption, "the stored customer profile is damaged: \(reason) (at byte \(offset) of \(count))")
        }
    }

    /// Writes LEB128 varints, zigzag integers, fixed words and length-prefixed strings into a
    /// buffer sized beforehand (`encodedSizeBound`); every write checks that it fits.
    fileprivate struct Writer {
        private let buffer: UnsafeMutableBufferPointer<UInt8>
        private(set) var count = 0

        init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

        @inline(__always) private func reserve(_ bytes: Int) {
            precondition(buffer.count - count >= bytes, "profile encoding overran its size bound")
        }

        mutating func byte(_ value: UInt8) {
            reserve(1)
            buffer[count] = value
            count += 1
        }

        mutating func varint(_ value: UInt64) {
            reserve(10)
            var value = value
            while value >= 0x80 {
                buffer[count] = UInt8(truncatingIfNeeded: value) | 0x80
                count += 1
                value >>= 7
            }
            buffer[count] = UInt8(value)
            count += 1
        }

        mutating func varint128(_ value: UInt128) {
            if value >> 64 == 0 { return varint(UInt64(truncatingIfNeeded: value)) }
            reserve(19)
            var value = value
            while value >= 0x80 {
                buffer[count] = UInt8(truncatingIfNeeded: value) | 0x80
                count += 1
                value >>= 7
            }
            buffer[count] = UInt8(value)
            count += 1
        }

        mutating func zigzag(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

        mutating func zigzag(_ value: Int128) { varint128(UInt128(bitPattern: (value << 1) ^ (value >> 127))) }

        mutating func fixed(_ value: UInt64) {
            reserve(8)
            UnsafeMutableRawPointer(buffer.baseAddress! + count).storeBytes(of: value.littleEndian, as: UInt64.self)
            count += 8
        }

        mutating func fixed32(_ value: UInt32) {
            reserve(4)
            UnsafeMutableRawPointer(buffer.baseAddress! + count).storeBytes(of: value.littleEndian, as: UInt32.self)
            count += 4
        }

        mutating func string(_ value: String) {
            var value = value
            value.withUTF8 { utf8 in
                varint(UInt64(utf8.count))
                reserve(utf8.count)
                guard let source = utf8.baseAddress else { return }
                (buffer.baseAddress! + count).update(from: source, count: utf8.count)
                count += utf8.count
            }
        }

        mutating func fixed16(_ value: UInt16) {
            reserve(2)
            UnsafeMutableRawPointer(buffer.baseAddress! + count).storeBytes(of: value.littleEndian, as: UInt16.self)
            count += 2
        }

        /// Stores `length` as the u16 at `offset`.
        func patchLength(_ length: Int, at offset: Int) {
            UnsafeMutableRawPointer(buffer.baseAddress! + offset).storeBytes(of: UInt16(length).littleEndian, as: UInt16.self)
        }

        /// Stores at `offset` the low 32 bits of the XXH64 of the bytes written in `range`.
        func patchChecksum(of range: Range<Int>, at offset: Int) {
            let checksum = UInt32(truncatingIfNeeded: XXHash64.hash(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[range]))))
            UnsafeMutableRawPointer(buffer.baseAddress! + offset).storeBytes(of: checksum.littleEndian, as: UInt32.self)
        }
    }

    /// Reads what `Writer` wrote, checking every bound.
    fileprivate struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset: Int
        /// Where reading stops: the head's end while reading the head, then the end of the bytes.
        var end: Int

        init(bytes: UnsafeRawBufferPointer, offset: Int, end: Int) {
            self.bytes = bytes
            self.offset = offset
            self.end = end
        }

        func damage(_ reason: String) -> Damage { Damage(reason, at: offset) }

        mutating func byte() throws(Damage) -> UInt8 {
            guard offset < end else { throw damage("truncated") }
            defer { offset += 1 }
            return bytes[offset]
        }

        /// A varint of at most 8 bytes (56 bits: every count, day, amount and time a profile
        /// normally holds), read from one 8-byte word when eight bytes remain: the first byte
        /// without its continuation bit ends it, and the 7-bit groups are packed with shifts.
        /// `nil`, reading nothing, otherwise.
        @inline(__always) private mutating func quickVarint() -> UInt64? {
            guard end - offset >= 8 else { return nil }
            let first = bytes[offset]
            if first < 0x80 {  // most counts and gaps
                offset += 1
                return UInt64(first)
            }
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let ends = ~word & 0x8080_8080_8080_8080
            guard ends != 0 else { return nil }
            let length = (ends.trailingZeroBitCount + 1) / 8
            var value = length == 8 ? word : word & ((1 << UInt64(length * 8)) - 1)
            value &= 0x7F7F_7F7F_7F7F_7F7F
            value = (value & 0x007F_007F_007F_007F) | ((value & 0x7F00_7F00_7F00_7F00) >> 1)
            value = (value & 0x0000_3FFF_0000_3FFF) | ((value & 0x3FFF_0000_3FFF_0000) >> 2)
            value = (value & 0x0000_0000_0FFF_FFFF) | ((value & 0x0FFF_FFFF_0000_0000) >> 4)
            offset += length
            return value
        }

        @inline(__always) mutating func varint() throws(Damage) -> UInt64 {
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

        @inline(__always) mutating func varint128() throws(Damage) -> UInt128 {
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

        @inline(__always) mutating func zigzag64() throws(Damage) -> Int64 {
            let raw = try varint()
            return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
        }

        @inline(__always) mutating func zigzag128() throws(Damage) -> Int128 {
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
            guard end - offset >= 8 else { throw damage("truncated") }
            defer { offset += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }

        /// An element count, bounded by the bytes left (every element takes at least one byte).
        mutating func count() throws(Damage) -> Int {
            let value = try varint()
            guard value <= UInt64(end - offset) else { throw damage("count \(value) exceeds the bytes left") }
            return Int(value)
        }

        /// A map key, checked to be valid UTF-8 (so that its bytes are the key's, and their order
        /// the keys' order) and to sort strictly after `previous` (the previous key's bytes in the
        /// input, `nil` for the first), which it then becomes.
        mutating func key(after previous: inout UnsafeRawBufferPointer?, _ what: String) throws(Damage) -> Key {
            let length = try count()
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
            let text: String
            if Self.isASCII(slice) {
                text = String(decoding: slice, as: UTF8.self)
            } else {
                guard let valid = String(validating: slice, as: UTF8.self) else { throw damage("\(what): invalid UTF-8") }
                text = valid
            }
            if let previous, KeyOrder.order(previous, slice) >= 0 { throw damage("\(what) not strictly ascending") }
            previous = slice
            offset += length
            return Key(text)
        }

        private static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
            var index = 0
            while index + 8 <= bytes.count {
                if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                index += 8
            }
            while index < bytes.count {
                if bytes[index] >= 0x80 { return false }
                index += 1
            }
            return true
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
