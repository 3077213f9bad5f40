import LMDB

/// The customers of the log split into groups of neighbouring subjects, each small enough for a
/// rebuild's memory budget: a rebuild holds one group's views in memory at a time.
struct CustomerGroups {
    /// The first subject of each group after the first, as UTF-8, ascending.
    let boundaries: [[UInt8]]
    /// The events the customer index counts in each group.
    let eventCounts: [UInt64]

    /// The number of groups (at least 1).
    var count: Int { boundaries.count + 1 }

    /// Groups `customers` (in subject order) so that each group's events, at `bytesPerEvent`,
    /// take at most `budget` bytes (a customer with more events gets a group of their own).
    init(_ customers: [EventLog.IndexedCustomer], budget: UInt64, bytesPerEvent: UInt64) {
        var boundaries: [[UInt8]] = []
        var counts: [UInt64] = [0]
        for customer in customers {
            if counts[counts.count - 1] > 0, (counts[counts.count - 1] &+ customer.eventCount) &* bytesPerEvent > budget {
                boundaries.append(Array(customer.subject.utf8))
                counts.append(0)
            }
            counts[counts.count - 1] &+= customer.eventCount
        }
        self.boundaries = boundaries
        eventCounts = counts
    }

    /// The group of the customer with UTF-8 id `subject`: every subject has one, whether or not
    /// the customer index lists it.
    func group(ofSubject subject: UnsafeRawBufferPointer) -> Int {
        var low = 0
        var high = boundaries.count
        while low < high {  // the number of boundaries at or below `subject`
            let middle = (low + high) / 2
            if boundaries[middle].withUnsafeBytes({ Self.precedesOrEqual($0, subject) }) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func precedesOrEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        KeyOrder.order(a, b) <= 0
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
