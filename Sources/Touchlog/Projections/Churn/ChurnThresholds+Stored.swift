import TouchlogAnalytics

extension ChurnThresholds {
    /// The stored form (in `meta` and in the kept churn list's settings): every field in
    /// declaration order, little-endian (f64 or i64), then u32 n and n × (string, f64) weights
    /// ordered by the UTF-8 bytes of their names. Equal thresholds have equal bytes.
    var watchEncoded: [UInt8] {
        var writer = ByteWriter(capacity: 160)
        writer.write(overdueFactor)
        writer.write(Int64(overdueFloorDays))
        writer.write(Int64(detractorWithinDays))
        writer.write(Int64(openComplaintDays))
        writer.write(Int64(decliningWindowDays))
        writer.write(decliningFraction)
        writer.write(Int64(decliningMinimumPurchaseDays))
        writer.write(negativeSentimentThreshold)
        writer.write(lowPAliveThreshold)
        let names = weights.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        writer.write(UInt32(names.count))
        for name in names {
            writer.write(name)
            writer.write(weights[name]!)
        }
        return writer.bytes
    }

    init(watchEncoded bytes: UnsafeRawBufferPointer) throws(TouchlogError) {
        var reader = ByteReader(bytes)
        self.init()
        do {
            overdueFactor = try reader.readDouble()
            overdueFloorDays = Int(try reader.read(Int64.self))
            detractorWithinDays = Int(try reader.read(Int64.self))
            openComplaintDays = Int(try reader.read(Int64.self))
            decliningWindowDays = Int(try reader.read(Int64.self))
            decliningFraction = try reader.readDouble()
            decliningMinimumPurchaseDays = Int(try reader.read(Int64.self))
            negativeSentimentThreshold = try reader.readDouble()
            lowPAliveThreshold = try reader.readDouble()
            var weights: [String: Double] = [:]
            for _ in 0..<(try reader.read(UInt32.self)) {
                let name = try reader.readString()
                weights[name] = try reader.readDouble()
            }
            self.weights = weights
        } catch {
            throw TouchlogError(.corruption, "stored churn thresholds are damaged; set them again with `touchlog churn keep`")
        }
        guard reader.isAtEnd else { throw TouchlogError(.corruption, "stored churn thresholds have trailing bytes; set them again with `touchlog churn keep`") }
    }
}
