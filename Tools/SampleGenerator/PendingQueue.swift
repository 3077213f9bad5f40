/// Events held back for later delivery (late arrivals and re-sends), as a binary min-heap ordered
/// by arrival time, then by the order they were queued.
struct PendingQueue {
    struct Entry {
        let arrival: Int64
        let order: UInt64
        let bytes: [UInt8]

        @inline(__always)
        func precedes(_ other: Entry) -> Bool {
            arrival < other.arrival || (arrival == other.arrival && order < other.order)
        }
    }

    private var heap: [Entry] = []
    private var nextOrder: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    /// Arrival time of the next entry, or `Int64.max` when empty.
    var nextArrival: Int64 { heap.first?.arrival ?? Int64.max }

    mutating func push(arrival: Int64, bytes: [UInt8]) {
        heap.append(Entry(arrival: arrival, order: nextOrder, bytes: bytes))
        nextOrder += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var child = left
            if left + 1 < count && heap[left + 1].precedes(heap[left]) { child = left + 1 }
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            parent = child
        }
        return top
    }
}
