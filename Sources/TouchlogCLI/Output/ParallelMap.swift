import Dispatch
import Foundation

extension RandomAccessCollection where Index == Int {
    /// `map(transform)` spread over the cores in contiguous chunks; the results keep the order.
    /// For rendering many independent rows (replay files, CSV tables).
    func parallelMap<T>(_ transform: (Element) -> T) -> [T] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunks = Swift.min(count, cores * 4)
        guard chunks > 1 else { return map(transform) }
        var parts = [[T]](repeating: [], count: chunks)
        parts.withUnsafeMutableBufferPointer { parts in
            let slots = UncheckedSlots(parts)
            let elements = UncheckedSlots(self)
            let (start, count) = (startIndex, self.count)
            withoutActuallyEscaping(transform) { transform in
                let work = UncheckedSlots(transform)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    // Each chunk reads its own range and writes only its own slot.
                    let range = (start + count * chunk / chunks)..<(start + count * (chunk + 1) / chunks)
                    slots.value[chunk] = elements.value[range].map(work.value)
                }
            }
        }
        return parts.flatMap { $0 }
    }
}

/// A value handed to `concurrentPerform`'s threads, which touch disjoint parts of it.
private struct UncheckedSlots<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
