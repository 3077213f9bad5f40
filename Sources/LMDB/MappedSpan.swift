/// The address range covered by values read from the memory map, for
/// `Environment.releaseMappedPages(_:)`.
public struct MappedSpan: Sendable {
    public private(set) var low = UInt.max
    public private(set) var high: UInt = 0

    public init() {}

    /// Widens the span to cover `value`.
    @inline(__always)
    public mutating func include(_ value: UnsafeRawBufferPointer) {
        guard let base = value.baseAddress else { return }
        let start = UInt(bitPattern: base)
        low = min(low, start)
        high = max(high, start + UInt(value.count))
    }
}
