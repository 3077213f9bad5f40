#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension JSONParser.Reader {
    /// Parses the number starting at `i` (a `-` or a digit) and leaves `i` after it.
    ///
    /// Grammar: `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`. The value is the
    /// `Double` nearest to the decimal, as `strtod` computes it: when the significant
    /// digits fit in 2^53 and the power of ten is at most 10^22, both are exact doubles
    /// and one multiplication or division rounds correctly (Clinger's fast path); other
    /// numbers go to `strtod` itself.
    mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = i
        let negative = byte(i) == UInt8(ascii: "-")
        if negative { i += 1 }

        var mantissa: UInt64 = 0
        var significantDigits = 0  // counted from the first non-zero digit
        var exponent = 0  // power of ten applied to `mantissa`

        guard i < end else { throw unexpected(at: i, expected: "a digit") }
        let first = byte(i)
        if first == UInt8(ascii: "0") {
            i += 1
            if i < end, Self.isDigit(byte(i)) {
                throw syntaxError(at: start, "leading zero in number at byte \(start)")
            }
        } else if Self.isDigit(first) {
            while i < end, Self.isDigit(byte(i)) {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(byte(i) &- UInt8(ascii: "0"))
                } else {
                    exponent += 1
                }
                significantDigits += 1
                i += 1
            }
        } else {
            throw unexpected(at: i, expected: "a digit")
        }

        if i < end, byte(i) == UInt8(ascii: ".") {
            i += 1
            guard i < end, Self.isDigit(byte(i)) else { throw unexpected(at: i, expected: "a digit after '.'") }
            while i < end, Self.isDigit(byte(i)) {
                let digit = byte(i) &- UInt8(ascii: "0")
                if significantDigits == 0 && digit == 0 {
                    exponent -= 1  // a leading zero of the fraction
                } else {
                    if significantDigits < 19 {
                        mantissa = mantissa &* 10 &+ UInt64(digit)
                        exponent -= 1
                    }
                    significantDigits += 1
                }
                i += 1
            }
        }

        if i < end, byte(i) | 0x20 == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < end, byte(i) == UInt8(ascii: "-") || byte(i) == UInt8(ascii: "+") {
                exponentNegative = byte(i) == UInt8(ascii: "-")
                i += 1
            }
            guard i < end, Self.isDigit(byte(i)) else { throw unexpected(at: i, expected: "a digit in the exponent") }
            var explicit = 0
            while i < end, Self.isDigit(byte(i)) {
                if explicit < 100_000_000 {
                    explicit = explicit * 10 + Int(byte(i) &- UInt8(ascii: "0"))
                }
                i += 1
            }
            exponent += exponentNegative ? -explicit : explicit
        }

        if mantissa == 0 {
            return negative ? -0.0 : 0.0
        }
        if significantDigits <= 19, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            let magnitude = Double(mantissa)
            let value = exponent < 0
                ? magnitude / Self.powersOfTen[-exponent]
                : magnitude * Self.powersOfTen[exponent]
            return negative ? -value : value
        }
        return try parseNumberWithStrtod(from: start)
    }

    /// Converts the already validated number in `start..<i` with `strtod` in the C locale.
    func parseNumberWithStrtod(from start: Int) throws(JSONSyntaxError) -> Double {
        let length = i - start
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: base + start, byteCount: length)
            buffer[length] = 0
            let previous = uselocale(Self.cLocale)
            defer { uselocale(previous) }
            return strtod(buffer.baseAddress!, nil)
        }
        guard value.isFinite else {
            var text = String(decoding: UnsafeRawBufferPointer(start: base + start, count: min(length, 40)), as: UTF8.self)
            if length > 40 { text += "…" }
            throw syntaxError(at: start, "number \(text) out of range at byte \(start)")
        }
        return value
    }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool {
        c &- UInt8(ascii: "0") < 10
    }

    /// 10^0 … 10^22: every one is exactly representable as a `Double`.
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The "C" locale, so that `strtod` reads `.` as the decimal point whatever
    /// `setlocale` the host process has called. Installed per thread with `uselocale`;
    /// `nil` (out of memory at start-up) leaves the thread's locale as it is.
    nonisolated(unsafe) static let cLocale: locale_t? = {
        #if canImport(Glibc)
        let mask = Int32(1) << LC_NUMERIC
        #else
        let mask = LC_NUMERIC_MASK
        #endif
        return newlocale(mask, "C", nil)
    }()
}
