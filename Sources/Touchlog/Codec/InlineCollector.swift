/// An append-only collection that keeps its first elements in a caller-provided buffer
/// (typically from `withUnsafeTemporaryAllocation`) and moves to a heap array only when
/// that fills up. The parser builds each array and object in one.
///
/// The owner must call `finish()` or `discard()` before the buffer goes away.
struct InlineCollector<Element> {
    private let inline: UnsafeMutableBufferPointer<Element>
    private var inlineCount = 0
    /// All the elements, once more than `inline.count` were appended.
    private var spilled: [Element]? = nil

    init(_ inline: UnsafeMutableBufferPointer<Element>) {
        self.inline = inline
    }

    var count: Int { spilled?.count ?? inlineCount }

    subscript(index: Int) -> Element {
        if let spilled { return spilled[index] }
        return inline[index]
    }

    @inline(__always)
    mutating func append(_ element: consuming Element) {
        if spilled == nil {
            if inlineCount < inline.count {
                (inline.baseAddress! + inlineCount).initialize(to: element)
                inlineCount += 1
                return
            }
            spilled = moveInlineElements(capacity: 4 * inline.count)
        }
        spilled!.append(element)
    }

    /// The elements, in an array with no spare capacity unless it spilled.
    mutating func finish() -> [Element] {
        if let all = spilled.take() { return all }
        return moveInlineElements(capacity: inlineCount)
    }

    /// Destroys the elements still in the inline buffer; a no-op after `finish()`.
    mutating func discard() {
        inline.baseAddress?.deinitialize(count: inlineCount)
        inlineCount = 0
        spilled = nil
    }

    private mutating func moveInlineElements(capacity: Int) -> [Element] {
        let count = inlineCount
        inlineCount = 0
        return [Element](unsafeUninitializedCapacity: capacity) { destination, initialized in
            if count > 0 {
                destination.baseAddress!.moveInitialize(from: inline.baseAddress!, count: count)
            }
            initialized = count
        }
    }
}
