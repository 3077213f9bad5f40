/// Error construction, kept out of line so that the hot paths stay small.
extension JSONParser.Reader {
    @inline(never)
    func syntaxError(at offset: Int, _ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset, message: message)
    }

    /// `unexpected character 'x' at byte N, expected …`, or `unexpected end of input …`,
    /// or `invalid UTF-8 …` when the byte there does not start a valid sequence.
    @inline(never)
    func unexpected(at offset: Int, expected: String) -> JSONSyntaxError {
        guard offset < end else {
            return syntaxError(at: offset, "unexpected end of input at byte \(offset), expected \(expected)")
        }
        let lead = byte(offset)
        if lead >= 0x80 {
            let length: Int
            do {
                length = try utf8SequenceLength(at: offset)
            } catch {
                return error
            }
            let scalar = decodeScalar(at: offset, length: length)
            if scalar == 0xFEFF && offset == 0 {
                return syntaxError(at: 0, "unexpected byte order mark at byte 0, expected \(expected)")
            }
            return syntaxError(at: offset, "unexpected character \(Self.describe(scalar)) at byte \(offset), expected \(expected)")
        }
        return syntaxError(at: offset, "unexpected character \(Self.describe(UInt32(lead))) at byte \(offset), expected \(expected)")
    }

    @inline(never)
    func unterminatedString(at quote: Int) -> JSONSyntaxError {
        syntaxError(at: quote, "unterminated string at byte \(quote)")
    }

    @inline(never)
    func controlCharacter(at offset: Int) -> JSONSyntaxError {
        syntaxError(at: offset, "unescaped control character \(Self.describe(UInt32(byte(offset)))) in string at byte \(offset)")
    }

    @inline(never)
    func invalidUTF8(at offset: Int) -> JSONSyntaxError {
        syntaxError(at: offset, "invalid UTF-8 at byte \(offset)")
    }

    /// The backslash is at `offset`; describes what follows it.
    @inline(never)
    func invalidEscape(at offset: Int) -> JSONSyntaxError {
        let next = byte(offset + 1)
        if next >= 0x20 && next < 0x7F {
            return syntaxError(at: offset, "invalid escape '\\\(Character(Unicode.Scalar(next)))' at byte \(offset)")
        }
        if next >= 0x80 {
            do {
                let length = try utf8SequenceLength(at: offset + 1)
                let scalar = decodeScalar(at: offset + 1, length: length)
                return syntaxError(at: offset, "invalid escape at byte \(offset): backslash followed by \(Self.describe(scalar))")
            } catch {
                return error
            }
        }
        return syntaxError(at: offset, "invalid escape at byte \(offset): backslash followed by \(Self.describe(UInt32(next)))")
    }

    @inline(never)
    func unpairedSurrogate(_ unit: UInt16, at offset: Int) -> JSONSyntaxError {
        let hex = String(unit, radix: 16)
        return syntaxError(at: offset, "unpaired surrogate \\u\(hex) at byte \(offset)")
    }

    @inline(never)
    func tooDeep(at offset: Int) -> JSONSyntaxError {
        syntaxError(at: offset, "nesting deeper than \(JSONParser.maximumDepth) levels at byte \(offset)")
    }

    /// Decodes a sequence already validated by `utf8SequenceLength`.
    func decodeScalar(at offset: Int, length: Int) -> UInt32 {
        let lead = UInt32(byte(offset))
        var scalar: UInt32
        switch length {
        case 1: return lead
        case 2: scalar = lead & 0x1F
        case 3: scalar = lead & 0x0F
        default: scalar = lead & 0x07
        }
        for k in 1..<length {
            scalar = scalar << 6 | UInt32(byte(offset + k) & 0x3F)
        }
        return scalar
    }

    /// `'x'` for printable ASCII (`"'"` for the quote itself), `U+00E9` otherwise.
    static func describe(_ scalar: UInt32) -> String {
        if scalar == 0x27 { return "\"'\"" }
        if scalar >= 0x21 && scalar < 0x7F {
            return "'\(Character(Unicode.Scalar(UInt8(scalar))))'"
        }
        let hex = String(scalar, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// A key as it would appear in JSON, shortened if long, for messages.
    static func quoted(_ key: String) -> String {
        var bytes: [UInt8] = []
        JSONWriter.appendString(key, to: &bytes)
        if bytes.count > 66 {
            var cut = 64
            while cut > 1, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
            bytes.removeSubrange(cut...)
            bytes.append(contentsOf: "…\"".utf8)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
