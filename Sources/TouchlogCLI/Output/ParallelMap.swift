import Dispatch
import Foundation
import Touchlog

extension Array {
    /// `map(transform)` spread over the cores in contiguous chunks; the results keep the order.
    /// For rendering many independent rows (replay files, CSV tables).
    func parallelMap<T>(_ transform: (Element) -> T) -> [T] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunks = Swift.min(count, cores * 4)
        guard chunks > 1 else { return map(transform) }
        var parts = [[T]](repeating: [], count: chunks)
        parts.withUnsafeMutableBufferPointer { parts in
            withUnsafeBufferPointer { elements in
                withoutActuallyEscaping(transform) { transform in
                    // Each chunk reads its own range of `elements` and writes only its own slot of `parts`.
                    let shared = UncheckedSendable((parts: parts, elements: elements, transform: transform))
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        let (parts, elements, transform) = shared.value
                        let range = (elements.count * chunk / chunks)..<(elements.count * (chunk + 1) / chunks)
                        parts[chunk] = UnsafeBufferPointer(rebasing: elements[range]).map(transform)
                    }
                }
            }
        }
        return parts.flatMap { $0 }
    }
}
