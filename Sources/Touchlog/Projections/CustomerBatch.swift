/// Events gathered in position order and folded customer by customer.
///
/// A whole-log fold is bound by memory latency, not arithmetic: consecutive events belong to
/// random customers, so each one misses the cache on its customer's state (the table slot, the
/// profile, its arrays). Gathering many events first and folding each customer's together pays
/// those misses once per customer and batch instead of once per event. Each customer's events
/// keep their position order, so snapshots and anything else that depends on it come out the same.
///
/// Holds copies of the records' projected part (`RecordCodec.projectedPrefix`) with an empty JSON
/// block, so the log's read transaction can end before the batch is folded.
struct CustomerBatch {
    private struct Entry {
        /// FNV-1a of the subject: events of one customer share it (two customers sharing one are
        /// only folded interleaved, in position order, which is still right).
        let customer: UInt64
        let offset: Int
        let length: Int
        let position: UInt64
    }

    private var bytes: [UInt8] = []
    private var entries: [Entry] = []
    /// The records again, in customer order (see `foldByCustomer`).
    private var gathered: [UInt8] = []
    /// Bytes gathered before `isFull` says so.
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    var isFull: Bool { bytes.count >= capacity }

    /// Adds a record read from the log at `position` (its checksum checked): its projected part,
    /// and an empty JSON block.
    mutating func append(record: UnsafeRawBufferPointer, position: UInt64) throws(TouchlogError) {
        let projected = try RecordCodec.projectedPrefix(of: record, position: position)
        let offset = bytes.count
        bytes.append(contentsOf: projected)
        bytes.append(contentsOf: [0, 0, 0, 0])
        entries.append(Entry(customer: Self.customerHash(RecordCodec.subjectBytes(of: projected)), offset: offset, length: bytes.count - offset, position: position))
    }

    /// Calls `body` with every event, decoded for projection, each customer's together and in the
    /// order they were added; then empties the batch.
    mutating func foldByCustomer(_ body: (StoredEvent) throws -> Void) throws {
        entries.sort { $0.customer != $1.customer ? $0.customer < $1.customer : $0.offset < $1.offset }
        // Copy the records into customer order first: the copies' cache misses overlap (no copy
        // waits for another), where the fold would wait for each record in turn.
        gathered.removeAll(keepingCapacity: true)
        gathered.reserveCapacity(bytes.count)
        bytes.withUnsafeBytes { buffer in
            for entry in entries { gathered.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[entry.offset..<(entry.offset + entry.length)])) }
        }
        try gathered.withUnsafeBytes { buffer in
            var offset = 0
            for entry in entries {
                let record = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + entry.length)])
                offset += entry.length
                try body(try RecordCodec.decodeProjected(record, position: entry.position))
            }
        }
        bytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    /// FNV-1a (64 bits) of a subject's bytes: what whole-log folds split customers by.
    static func customerHash(_ subject: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in subject { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
