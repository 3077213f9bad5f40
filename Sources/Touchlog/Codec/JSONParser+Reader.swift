extension JSONParser {
    /// The parsing state: a cursor over the input bytes.
    ///
    /// Bytes are read with `load(fromByteOffset:as:)`, so the input need not be bound to
    /// `UInt8`; every read is preceded by an explicit `i < end` check.
    ///
    /// Each array or object collects its first 16 entries in a buffer from
    /// `withUnsafeTemporaryAllocation` (each under 1 KiB, which Swift always puts on the
    /// stack) and moves them into an exactly sized array when it closes: one allocation
    /// per container rather than one per growth step, and no spare capacity in the values
    /// returned. At the maximum depth this uses about 100 KB of thread stack.
    struct Reader {
        let base: UnsafeRawPointer
        let end: Int
        var i = 0
        /// Reused buffer for decoding strings that contain escapes.
        var scratch: [UInt8] = []
        /// Where the bytes of the last string parsed are: `lastStringCount` bytes of input
        /// from `lastStringStart`, or all of `scratch` when `lastStringStart` is -1.
        var lastStringStart = 0
        var lastStringCount = 0

        init(base: UnsafeRawPointer, end: Int) {
            self.base = base
            self.end = end
        }

        @inline(__always)
        func byte(_ offset: Int) -> UInt8 {
            base.load(fromByteOffset: offset, as: UInt8.self)
        }

        mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
            skipWhitespace()
            let value = try parseValue(depth: 0)
            skipWhitespace()
            if i != end {
                throw syntaxError(at: i, "trailing characters after the JSON value at byte \(i)")
            }
            return value
        }

        @inline(__always)
        mutating func skipWhitespace() {
            while i < end {
                switch byte(i) {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    i += 1
                default:
                    return
                }
            }
        }

        /// Parses the value starting at `i` (no leading whitespace). `depth` counts the
        /// arrays and objects that enclose it.
        mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard i < end else { throw unexpected(at: i, expected: "a value") }
            switch byte(i) {
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "{"):
                return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["):
                return try parseArray(depth: depth + 1)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try parseNumber())
            case UInt8(ascii: "t"):
                try parseLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try parseLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try parseLiteral("null")
                return .null
            default:
                throw unexpected(at: i, expected: "a value")
            }
        }

        mutating func parseLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
            let bytes = literal.utf8Start
            for k in 0..<literal.utf8CodeUnitCount {
                guard i + k < end, byte(i + k) == bytes[k] else {
                    throw unexpected(at: i + k, expected: "'\(literal)'")
                }
            }
            i += literal.utf8CodeUnitCount
        }

        mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            if depth > JSONParser.maximumDepth { throw tooDeep(at: i) }
            i += 1  // [
            skipWhitespace()
            if i < end, byte(i) == UInt8(ascii: "]") {
                i += 1
                return .array([])
            }
            return try withUnsafeTemporaryAllocation(of: JSONValue.self, capacity: 16) {
                (buffer) throws(JSONSyntaxError) -> JSONValue in
                var elements = InlineCollector(buffer)
                defer { elements.discard() }
                while true {
                    elements.append(try parseValue(depth: depth))
                    skipWhitespace()
                    guard i < end else { throw unexpected(at: i, expected: "',' or ']'") }
                    switch byte(i) {
                    case UInt8(ascii: ","):
                        let comma = i
                        i += 1
                        skipWhitespace()
                        if i < end, byte(i) == UInt8(ascii: "]") {
                            throw syntaxError(at: comma, "trailing comma at byte \(comma) before ']'")
                        }
                    case UInt8(ascii: "]"):
                        i += 1
                        return .array(elements.finish())
                    default:
                        throw unexpected(at: i, expected: "',' or ']'")
                    }
                }
            }
        }

        mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            if depth > JSONParser.maximumDepth { throw tooDeep(at: i) }
            i += 1  // {
            skipWhitespace()
            if i < end, byte(i) == UInt8(ascii: "}") {
                i += 1
                return .object(JSONObject())
            }
            return try withUnsafeTemporaryAllocation(of: JSONMember.self, capacity: 16) {
                (memberBuffer) throws(JSONSyntaxError) -> JSONValue in
                try withUnsafeTemporaryAllocation(of: KeyPrint.self, capacity: 16) {
                    (printBuffer) throws(JSONSyntaxError) -> JSONValue in
                    var members = InlineCollector(memberBuffer)
                    defer { members.discard() }
                    var keys = KeySet(prints: InlineCollector(printBuffer))
                    while true {
                        guard i < end, byte(i) == UInt8(ascii: "\"") else {
                            throw unexpected(at: i, expected: members.count == 0 ? "a string key or '}'" : "a string key")
                        }
                        let keyOffset = i
                        let key = try parseString()
                        if keys.containsOrInsert(key, print: lastStringPrint(), members: members) {
                            throw syntaxError(at: keyOffset, "duplicate key \(Self.quoted(key)) at byte \(keyOffset)")
                        }
                        skipWhitespace()
                        guard i < end, byte(i) == UInt8(ascii: ":") else { throw unexpected(at: i, expected: "':'") }
                        i += 1
                        skipWhitespace()
                        let value = try parseValue(depth: depth)
                        members.append(JSONMember(key: key, value: value))
                        skipWhitespace()
                        guard i < end else { throw unexpected(at: i, expected: "',' or '}'") }
                        switch byte(i) {
                        case UInt8(ascii: ","):
                            let comma = i
                            i += 1
                            skipWhitespace()
                            if i < end, byte(i) == UInt8(ascii: "}") {
                                throw syntaxError(at: comma, "trailing comma at byte \(comma) before '}'")
                            }
                        case UInt8(ascii: "}"):
                            i += 1
                            return .object(JSONObject(members: members.finish()))
                        default:
                            throw unexpected(at: i, expected: "',' or '}'")
                        }
                    }
                }
            }
        }
    }
}
