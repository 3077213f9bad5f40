/// The byte-level pieces of JSON output shared by the canonical and compact serializers.
enum JSONWriter {
    /// Appends `string` quoted, escaping only what JSON requires: `"`, `\` and the control
    /// characters U+0000–U+001F (as `\b \f \n \r \t`, else `\u00xx` in lowercase hex).
    /// Everything else, including U+007F and non-ASCII, is copied as UTF-8.
    static func appendString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscape(for: byte, to: &output)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(for byte: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }

    /// Appends `value` as ECMAScript's `Number.prototype.toString` would (RFC 8785 §3.2.2.3):
    /// integers below 2^53 as plain digits (`-0` as `0`), other values with the shortest
    /// digits that round-trip, in plain notation for 10^-7 < |x| < 10^21 and as `1.5e+21`,
    /// `1e-7` beyond. Non-finite values, which JSON cannot express, are written as `null`
    /// (what `JSON.stringify` does); the parser never produces them.
    static func appendNumber(_ value: Double, to output: inout [UInt8]) {
        guard value.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        if value == 0 {
            output.append(UInt8(ascii: "0"))
            return
        }
        if value.magnitude < 0x1p53, value.rounded(.towardZero) == value {
            appendInteger(Int64(value), to: &output)
            return
        }
        if value < 0 { output.append(UInt8(ascii: "-")) }
        let (digits, pointPosition) = shortestDigits(of: value.magnitude)
        appendECMAScriptNotation(digits: digits, n: pointPosition, to: &output)
    }

    private static func appendInteger(_ value: Int64, to output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var buffer: [UInt8] = []
        buffer.reserveCapacity(20)
        repeat {
            buffer.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        output.append(contentsOf: buffer.reversed())
    }

    /// The shortest round-trip decimal digits of a positive finite `value` (no leading or
    /// trailing zeros) and `n` such that value = 0.d1d2d3… × 10^n, taken from Swift's
    /// `description`, which prints the shortest digits closest to the value.
    static func shortestDigits(of value: Double) -> (digits: [UInt8], n: Int) {
        var digits: [UInt8] = []
        var integerDigitCount = 0
        var seenPoint = false
        var exponent = 0
        var exponentNegative = false
        var inExponent = false
        for byte in value.description.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inExponent {
                    exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
                } else {
                    digits.append(byte)
                    if !seenPoint { integerDigitCount += 1 }
                }
            case UInt8(ascii: "."): seenPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "-"): exponentNegative = true
            default: break  // "+"
            }
        }
        var n = integerDigitCount + (exponentNegative ? -exponent : exponent)
        let firstNonZero = digits.firstIndex { $0 != UInt8(ascii: "0") } ?? digits.count
        n -= firstNonZero
        digits.removeFirst(firstNonZero)
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, n)
    }

    /// ECMAScript Number::toString step 5 onwards, for digits s (k of them) and n with
    /// value = s × 10^(n−k).
    static func appendECMAScriptNotation(digits: [UInt8], n: Int, to output: inout [UInt8]) {
        let k = digits.count
        if k <= n && n <= 21 {
            output.append(contentsOf: digits)
            output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n - k))
        } else if 0 < n && n <= 21 {
            output.append(contentsOf: digits[..<n])
            output.append(UInt8(ascii: "."))
            output.append(contentsOf: digits[n...])
        } else if -6 < n && n <= 0 {
            output.append(contentsOf: "0.".utf8)
            output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -n))
            output.append(contentsOf: digits)
        } else {
            output.append(digits[0])
            if k > 1 {
                output.append(UInt8(ascii: "."))
                output.append(contentsOf: digits[1...])
            }
            output.append(UInt8(ascii: "e"))
            output.append(n - 1 < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            appendInteger(Int64((n - 1).magnitude), to: &output)
        }
    }

    /// Whether `a` sorts before `b` by UTF-16 code units, as RFC 8785 orders keys.
    ///
    /// Compares UTF-8 bytes, which order like Unicode scalars, and corrects the one case
    /// where UTF-16 differs: a supplementary scalar (a surrogate pair, D800–DBFF first)
    /// sorts before U+E000–U+FFFF in UTF-16 but after it in UTF-8.
    static func utf16Precedes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                var index = 0
                while index < common && x[index] == y[index] { index += 1 }
                if index == common { return x.count < y.count }
                // Equal prefixes mean that both bytes are lead bytes or both continuations.
                let p = x[index]
                let q = y[index]
                if p >= 0xF0 && (q == 0xEE || q == 0xEF) { return true }
                if q >= 0xF0 && (p == 0xEE || p == 0xEF) { return false }
                return p < q
            }
        }
    }
}
