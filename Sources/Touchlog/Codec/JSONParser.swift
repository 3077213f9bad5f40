/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Accepts exactly one value with optional surrounding whitespace. Rejects trailing commas,
/// comments, `NaN`/`Infinity`, leading zeros, single quotes, unescaped control characters
/// in strings, lone surrogates (escaped or encoded), invalid UTF-8 anywhere (including a
/// byte order mark), numbers that overflow to ±infinity, duplicate keys in one object
/// (compared by UTF-8 bytes after unescaping) and nesting deeper than ``maximumDepth``.
///
/// Numbers are parsed to the nearest `Double`, exactly as C's `strtod` rounds them
/// (an exact fast path for short decimals, `strtod` in the C locale for the rest).
///
/// Stateless and thread-safe: every call works on its own input.
public enum JSONParser {
    /// The deepest nesting of arrays and objects accepted; `[[…]]` with 64 brackets parses,
    /// 65 is an error.
    public static let maximumDepth = 64

    /// Parses one JSON document from UTF-8 bytes.
    /// - Throws: ``JSONSyntaxError`` with the 0-based byte offset of the first problem.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONSyntaxError(offset: 0, message: "unexpected end of input at byte 0, expected a value")
        }
        var reader = Reader(base: base, end: bytes.count)
        return try reader.parseDocument()
    }

    /// Parses one JSON document from UTF-8 bytes.
    /// - Throws: ``JSONSyntaxError`` with the 0-based byte offset of the first problem.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) in try parse(buffer) }
        }
        return try result.get()
    }

    /// Parses one JSON document from a string (offsets in errors count its UTF-8 bytes).
    /// - Throws: ``JSONSyntaxError`` with the 0-based byte offset of the first problem.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONSyntaxError) in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }
}
