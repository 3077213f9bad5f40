extension JSONParser.Reader {
    /// Parses the string whose opening quote is at `i`; leaves `i` after the closing quote.
    ///
    /// Fast path: scan eight bytes at a time for a quote, a backslash, a control character
    /// or a non-ASCII byte; validate any UTF-8 sequence in place; if the string has no
    /// escapes, build it straight from the (already validated) input bytes.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let quote = i
        i += 1
        let start = i
        while true {
            while i &+ 8 <= end, !Self.needsAttention(base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                i &+= 8
            }
            guard i < end else { throw unterminatedString(at: quote) }
            let c = byte(i)
            if c == UInt8(ascii: "\"") {
                lastStringStart = start
                lastStringCount = i - start
                let string = String(decoding: UnsafeRawBufferPointer(start: base + start, count: i - start), as: UTF8.self)
                i += 1
                return string
            } else if c == UInt8(ascii: "\\") {
                return try parseEscapedString(quote: quote, start: start)
            } else if c < 0x20 {
                throw controlCharacter(at: i)
            } else if c >= 0x80 {
                try skipUTF8Sequence()
            } else {
                i += 1
            }
        }
    }

    /// Whether any of the eight bytes in `word` is `"`, `\`, below 0x20 or above 0x7F.
    @inline(__always)
    static func needsAttention(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        // Classic "has a zero byte" / "has a byte below n" tests (exact as to whether any
        // byte matches, which is all we need).
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl | word) & highs != 0
    }

    /// The slow path, entered at the first backslash: decodes into `scratch`.
    mutating func parseEscapedString(quote: Int, start: Int) throws(JSONSyntaxError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: i - start))
        while true {
            guard i < end else { throw unterminatedString(at: quote) }
            let c = byte(i)
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                lastStringStart = -1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(quote: quote)
            case 0..<0x20:
                throw controlCharacter(at: i)
            case 0x80...:
                let sequenceStart = i
                try skipUTF8Sequence()
                scratch.append(contentsOf: UnsafeRawBufferPointer(start: base + sequenceStart, count: i - sequenceStart))
            default:
                scratch.append(c)
                i += 1
            }
        }
    }

    /// Decodes the escape whose backslash is at `i` and appends its UTF-8 to `scratch`.
    mutating func parseEscape(quote: Int) throws(JSONSyntaxError) {
        let backslash = i
        guard i + 1 < end else { throw unterminatedString(at: quote) }
        let decoded: UInt8
        switch byte(i + 1) {
        case UInt8(ascii: "\""): decoded = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): decoded = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): decoded = UInt8(ascii: "/")
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"):
            let unit = try parseHex4(at: backslash + 2, quote: quote)
            i = backslash + 6
            var scalar = UInt32(unit)
            if (0xD800...0xDBFF).contains(unit) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard i + 1 < end, byte(i) == UInt8(ascii: "\\"), byte(i + 1) == UInt8(ascii: "u") else {
                    throw unpairedSurrogate(unit, at: backslash)
                }
                let low = try parseHex4(at: i + 2, quote: quote)
                guard (0xDC00...0xDFFF).contains(low) else { throw unpairedSurrogate(unit, at: backslash) }
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                i += 6
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw unpairedSurrogate(unit, at: backslash)
            }
            appendUTF8(scalar)
            return
        default:
            throw invalidEscape(at: backslash)
        }
        scratch.append(decoded)
        i += 2
    }

    /// Reads four hex digits at `offset`.
    func parseHex4(at offset: Int, quote: Int) throws(JSONSyntaxError) -> UInt16 {
        var value: UInt16 = 0
        for k in offset..<offset + 4 {
            guard k < end else { throw unterminatedString(at: quote) }
            let c = byte(k)
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default:
                throw syntaxError(at: offset - 2, "invalid \\u escape at byte \(offset - 2), expected 4 hex digits")
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Validates the multi-byte UTF-8 sequence whose lead byte (≥ 0x80) is at `i` and
    /// moves past it. Rejects stray continuation bytes, overlong forms, encoded surrogates,
    /// scalars above U+10FFFF and truncated sequences (Unicode Table 3-7).
    @inline(__always)
    mutating func skipUTF8Sequence() throws(JSONSyntaxError) {
        let length = try utf8SequenceLength(at: i)
        i &+= length
    }

    /// The length of the valid UTF-8 sequence starting at `offset`, or an error.
    func utf8SequenceLength(at offset: Int) throws(JSONSyntaxError) -> Int {
        let lead = byte(offset)
        if lead < 0x80 { return 1 }
        var secondLow: UInt8 = 0x80
        var secondHigh: UInt8 = 0xBF
        let continuationCount: Int
        switch lead {
        case 0xC2...0xDF: continuationCount = 1
        case 0xE0: continuationCount = 2; secondLow = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: continuationCount = 2
        case 0xED: continuationCount = 2; secondHigh = 0x9F
        case 0xF0: continuationCount = 3; secondLow = 0x90
        case 0xF1...0xF3: continuationCount = 3
        case 0xF4: continuationCount = 3; secondHigh = 0x8F
        default: throw invalidUTF8(at: offset)
        }
        guard offset + continuationCount < end else { throw invalidUTF8(at: offset) }
        let second = byte(offset + 1)
        guard second >= secondLow, second <= secondHigh else { throw invalidUTF8(at: offset) }
        if continuationCount >= 2 {
            guard byte(offset + 2) & 0xC0 == 0x80 else { throw invalidUTF8(at: offset) }
            if continuationCount == 3 {
                guard byte(offset + 3) & 0xC0 == 0x80 else { throw invalidUTF8(at: offset) }
            }
        }
        return continuationCount + 1
    }
}
