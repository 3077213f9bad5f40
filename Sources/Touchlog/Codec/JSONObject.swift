#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON object: its members in document order.
///
/// Keys are unique in objects produced by ``JSONParser`` (a duplicate key is a syntax
/// error). When you build an object yourself, keeping keys unique is your job: the
/// subscript returns the first match and the serializers write every member.
public struct JSONObject: Sendable {
    /// The members in document order.
    public var members: [JSONMember]

    /// Creates an object from members; their keys must be unique.
    public init(members: [JSONMember] = []) {
        self.members = members
    }

    /// The value of the member named `key`, or `nil` if there is none.
    ///
    /// Keys match by their exact UTF-8 bytes (no Unicode normalization). A linear scan:
    /// objects in events are small.
    public subscript(key: String) -> JSONValue? {
        for member in members where Self.sameUTF8(member.key, key) {
            return member.value
        }
        return nil
    }

    /// Byte-wise string equality (no Unicode canonical equivalence).
    static func sameUTF8(_ a: String, _ b: String) -> Bool {
        // Most keys compared differ in length, which native strings store: that answers without
        // the call `==` makes for strings of different bits. `==` is then fast (identical bits,
        // or one memcmp for ASCII) and `false` there implies different bytes; only a `true`
        // needs confirming, since `==` also accepts canonically equivalent strings.
        guard a.utf8.count == b.utf8.count, a == b else { return false }
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0
            }
        }
    }

    /// Feeds a string's UTF-8 bytes to `hasher`: the hash that goes with `sameUTF8`.
    static func hashUTF8(_ text: String, into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension JSONObject: Equatable {
    /// Member-wise equality in document order; keys compare by UTF-8 bytes.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members == rhs.members
    }
}

/// One `"key": value` pair of a ``JSONObject``.
public struct JSONMember: Sendable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

extension JSONMember: Equatable {
    /// Keys compare by UTF-8 bytes, values with ``JSONValue``'s `==`.
    public static func == (lhs: JSONMember, rhs: JSONMember) -> Bool {
        JSONObject.sameUTF8(lhs.key, rhs.key) && lhs.value == rhs.value
    }
}
