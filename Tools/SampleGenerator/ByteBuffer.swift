/// A growable byte buffer with the few JSON writing primitives the generator needs.
///
/// JSON text is written by hand (no encoder in the hot path): literals as `StaticString`,
/// numbers by integer digit loops, strings through ``appendJSONStringContent(_:)``.
struct ByteBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// A copy of the bytes.
    var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// A copy of the bytes in `range`.
    func copy(_ range: Range<Int>) -> [UInt8] {
        Array(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    /// The bytes in `range`, valid until the buffer is next changed.
    func unsafeBytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    mutating func removeAll() {
        count = 0
    }

    /// Drops everything from `newCount` on.
    mutating func truncate(to newCount: Int) {
        count = min(count, newCount)
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    @inline(never)
    private mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0 else { return }
        reserve(n)
        (base + count).update(from: bytes.baseAddress!, count: n)
        count += n
    }

    @inline(__always)
    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { append($0) }
    }

    @inline(__always)
    mutating func append(_ other: [UInt8]) {
        other.withUnsafeBufferPointer { append($0) }
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// Decimal digits of an integer.
    @inline(__always)
    mutating func append(int value: Int) {
        if value < 0 {
            append(byte: UInt8(ascii: "-"))
            append(int: value == Int.min ? Int.max : -value)
            return
        }
        if value < 10 {
            append(byte: UInt8(truncatingIfNeeded: 48 + value))
            return
        }
        var digits = 1
        var limit = 10
        while value >= limit && digits < 19 {
            digits += 1
            limit &*= 10
        }
        reserve(digits)
        var n = value
        var i = count + digits - 1
        while i >= count {
            base[i] = UInt8(truncatingIfNeeded: 48 + n % 10)
            n /= 10
            i -= 1
        }
        count += digits
    }

    /// A non-negative integer zero-padded to at least `width` digits.
    @inline(__always)
    mutating func append(int value: Int, width: Int) {
        var digits = 1
        var limit = 10
        while value >= limit && digits < 19 {
            digits += 1
            limit &*= 10
        }
        var pad = width - digits
        while pad > 0 {
            append(byte: UInt8(ascii: "0"))
            pad -= 1
        }
        append(int: value)
    }

    /// Two-digit zero-padded value 0...99.
    @inline(__always)
    mutating func append(twoDigits value: Int) {
        reserve(2)
        base[count] = UInt8(truncatingIfNeeded: 48 + value / 10)
        base[count + 1] = UInt8(truncatingIfNeeded: 48 + value % 10)
        count += 2
    }

    /// An amount in cents as a JSON number with exactly two decimals (`12.50`, `-0.35`).
    @inline(__always)
    mutating func append(cents: Int) {
        var c = cents
        if c < 0 {
            append(byte: UInt8(ascii: "-"))
            c = -c
        }
        append(int: c / 100)
        append(byte: UInt8(ascii: "."))
        append(twoDigits: c % 100)
    }

    /// 16 lower-case hex digits.
    @inline(__always)
    mutating func append(hex value: UInt64) {
        var shift: UInt64 = 60
        while true {
            let nibble = Int((value >> shift) & 0xF)
            append(byte: UInt8(truncatingIfNeeded: nibble < 10 ? 48 + nibble : 87 + nibble))
            if shift == 0 { break }
            shift -= 4
        }
    }

    /// The content of a JSON string (without the quotes) for `text`: `"` and `\` escaped,
    /// control characters as `\n`, `\t`, ... or `\u00XX`; everything else (UTF-8) verbatim.
    mutating func appendJSONStringContent(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0x00..<0x20:
                append("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                append(byte: hex[Int(byte >> 4)])
                append(byte: hex[Int(byte & 0xF)])
            default:
                append(byte: byte)
            }
        }
    }

    /// `text` as a complete JSON string literal (with quotes), escaped.
    static func jsonString(_ text: String) -> [UInt8] {
        var buffer = ByteBuffer(capacity: text.utf8.count + 2)
        buffer.append(byte: UInt8(ascii: "\""))
        buffer.appendJSONStringContent(text)
        buffer.append(byte: UInt8(ascii: "\""))
        return buffer.array
    }

    /// `text` escaped as the content of a JSON string (without quotes).
    static func jsonContent(_ text: String) -> [UInt8] {
        var buffer = ByteBuffer(capacity: text.utf8.count)
        buffer.appendJSONStringContent(text)
        return buffer.array
    }
}
