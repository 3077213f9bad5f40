/// A JSON value as defined by RFC 8259.
///
/// Produced by ``JSONParser`` and written by ``canonicalBytes()`` / ``serialized()``.
/// Numbers are IEEE 754 doubles (what RFC 8259 calls interoperable numbers), so
/// integers beyond ±2^53 lose precision exactly as they would in JavaScript.
///
/// Equality is exact rather than Unicode-aware: strings and keys compare by their UTF-8
/// bytes (Swift's `String ==` would treat "é" and "e\u{301}" as equal, while their
/// canonical bytes differ), numbers compare with `==` (so `0` equals `-0`, which both
/// print as `0`), and objects compare member by member in document order. Two equal
/// values therefore always have equal ``canonicalBytes()``.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case let (.bool(a), .bool(b)):
            return a == b
        case let (.number(a), .number(b)):
            return a == b
        case let (.string(a), .string(b)):
            return JSONObject.sameUTF8(a, b)
        case let (.array(a), .array(b)):
            return a == b
        case let (.object(a), .object(b)):
            return a == b
        default:
            return false
        }
    }
}
