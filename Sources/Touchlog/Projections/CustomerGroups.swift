import LMDB

/// The customers of the log split into groups of neighbouring subjects, each small enough for a
/// rebuild's memory budget: a rebuild holds one group's views in memory at a time.
struct CustomerGroups {
    /// The first subject of each group after the first, as UTF-8, ascending, end to end:
    /// boundary `i` ends at `boundaryEnds[i]`. Flat, so that finding a group touches two buffers
    /// (the rebuild's scan asks once per event, on every core).
    private var boundaryBytes: [UInt8] = []
    private var boundaryEnds: [Int] = []
    /// The events the customer index counts in each group.
    let eventCounts: [UInt64]

    /// The number of groups (at least 1).
    var count: Int { boundaryEnds.count + 1 }

    /// Groups `customers` (in subject order) so that each group's events, at `bytesPerEvent`,
    /// take at most `budget` bytes (a customer with more events gets a group of their own).
    init(_ customers: [EventLog.IndexedCustomer], budget: UInt64, bytesPerEvent: UInt64) {
        var counts: [UInt64] = [0]
        for customer in customers {
            if counts[counts.count - 1] > 0, (counts[counts.count - 1] &+ customer.eventCount) &* bytesPerEvent > budget {
                boundaryBytes.append(contentsOf: customer.subject.utf8)
                boundaryEnds.append(boundaryBytes.count)
                counts.append(0)
            }
            counts[counts.count - 1] &+= customer.eventCount
        }
        eventCounts = counts
    }

    /// The same groups in buffers of their own, for one worker thread: threads that read shared
    /// buffers for every event contend on their reference counts.
    func ownCopy() -> CustomerGroups {
        var copy = self
        copy.boundaryBytes = boundaryBytes.withUnsafeBufferPointer { Array($0) }
        copy.boundaryEnds = boundaryEnds.withUnsafeBufferPointer { Array($0) }
        return copy
    }

    /// The group of the customer with UTF-8 id `subject`: every subject has one, whether or not
    /// the customer index lists it.
    func group(ofSubject subject: UnsafeRawBufferPointer) -> Int {
        boundaryBytes.withUnsafeBytes { bytes in
            boundaryEnds.withUnsafeBufferPointer { ends in
                var low = 0
                var high = ends.count
                while low < high {  // the number of boundaries at or below `subject`
                    let middle = (low + high) / 2
                    let start = middle == 0 ? 0 : ends[middle - 1]
                    let boundary = UnsafeRawBufferPointer(rebasing: bytes[start..<ends[middle]])
                    if KeyOrder.order(boundary, subject) <= 0 { low = middle + 1 } else { high = middle }
                }
                return low
            }
        }
    }
}

extension EventLog {
    /// A customer in the customer index: their subject and how many events they have.
    struct IndexedCustomer {
        let subject: String
        let eventCount: UInt64
    }

    /// Every customer in the customer index, in subject order.
    func indexedCustomers() throws(TouchlogError) -> [IndexedCustomer] {
        try withSnapshot("reading the customer index") { txn in
            var found: [IndexedCustomer] = []
            try txn.withCursor(customers) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    let subject = String(decoding: current.key, as: UTF8.self)
                    found.append(IndexedCustomer(subject: subject, eventCount: try CustomerState(current.value).eventCount))
                    entry = try cursor.next()
                }
            }
            return found
        }
    }
}
