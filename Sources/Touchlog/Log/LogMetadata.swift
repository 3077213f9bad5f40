/// The log's running totals, stored under one key of the `meta` database and updated in every
/// append transaction, so that `stats` needs no scan.
struct LogMetadata: Equatable {
    static let key = Array("log".utf8)
    static let encodedSize = 32

    /// The position of the last stored event (0 when empty).
    var head: UInt64 = 0
    /// The recordedAt of the last stored event.
    var lastRecordedAt = Timestamp(microseconds: .min)
    /// Earliest and latest event time seen.
    var earliestTime = Timestamp(microseconds: .max)
    var latestTime = Timestamp(microseconds: .min)

    init() {}

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count == Self.encodedSize else { return nil }
        var r = ByteReader(bytes)
        do {
            head = try r.read()
            lastRecordedAt = Timestamp(microseconds: try r.read())
            earliestTime = Timestamp(microseconds: try r.read())
            latestTime = Timestamp(microseconds: try r.read())
        } catch {
            return nil
        }
    }

    var encoded: [UInt8] {
        var w = ByteWriter(capacity: Self.encodedSize)
        w.write(head)
        w.write(lastRecordedAt.microseconds)
        w.write(earliestTime.microseconds)
        w.write(latestTime.microseconds)
        return w.bytes
    }
}
