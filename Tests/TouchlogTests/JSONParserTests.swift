import Testing
import Touchlog

@Suite("JSONParser: valid documents")
struct JSONParserValidTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let text: String
        let expected: JSONValue
        var testDescription: String { text }
    }

    @Test(arguments: [
        Case(text: "null", expected: .null),
        Case(text: "true", expected: .bool(true)),
        Case(text: "false", expected: .bool(false)),
        Case(text: "0", expected: .number(0)),
        Case(text: "-12", expected: .number(-12)),
        Case(text: "11.77", expected: .number(11.77)),
        Case(text: "\"\"", expected: .string("")),
        Case(text: "\"héllo wörld\"", expected: .string("héllo wörld")),
        Case(text: "[]", expected: .array([])),
        Case(text: "{}", expected: .object(JSONObject())),
        Case(text: " \t\r\n[ 1 , \"a\" , null ]\n ", expected: [1, "a", .null]),
        Case(text: "[[[]],[{}]]", expected: [[[]], [[:]]]),
        Case(
            text: #"{"b":1,"a":[true,false,null],"c":{"d":"e"}}"#,
            expected: ["b": 1, "a": [true, false, .null], "c": ["d": "e"]]
        ),
        Case(text: #"{ "k" : "v" , "n" : -0.5e1 }"#, expected: ["k": "v", "n": -5]),
        Case(text: #""a very long string that goes past the eight-byte fast path, twice or more""#,
             expected: "a very long string that goes past the eight-byte fast path, twice or more"),
    ])
    func parses(_ c: Case) throws {
        #expect(try JSONParser.parse(c.text) == c.expected)
        #expect(try JSONParser.parse(Array(c.text.utf8)) == c.expected)
    }

    @Test func keepsMemberOrderAndSubscriptFindsKeys() throws {
        let value = try JSONParser.parse(#"{"z":1,"a":2,"m":{"x":null}}"#)
        guard case .object(let object) = value else {
            Issue.record("not an object: \(value)")
            return
        }
        #expect(object.members.map(\.key) == ["z", "a", "m"])
        #expect(object["a"] == .number(2))
        #expect(object["m"] == ["x": .null])
        #expect(object["missing"] == nil)
    }

    @Test func parsesFromARawBufferThatIsASlice() throws {
        let bytes = Array("xx[1,2]yy".utf8)
        let value = try bytes.withUnsafeBytes { buffer in
            try JSONParser.parse(UnsafeRawBufferPointer(rebasing: buffer[2..<7]))
        }
        #expect(value == [1, 2])
    }

    @Test(arguments: [
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#""\u0041\u00e9\u00E9\u4e2d""#, "Aéé中"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uD83D\uDE00 tail""#, "😀 tail"),
        (#""\u0000""#, "\u{0}"),
        (#""\u001f\u007f""#, "\u{1F}\u{7F}"),
        (#""plain then \n escaped then more plain text""#, "plain then \n escaped then more plain text"),
        (#""é then \t""#, "é then \t"),
    ])
    func decodesEscapes(text: String, expected: String) throws {
        #expect(try JSONParser.parse(text) == .string(expected))
    }

    @Test func objectsNestedSixtyFourDeepParse() throws {
        let arrays = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONParser.parse(arrays)
        let objects = String(repeating: #"{"a":"#, count: 64) + "1" + String(repeating: "}", count: 64)
        _ = try JSONParser.parse(objects)
        let mixed = String(repeating: #"[{"a":"#, count: 32) + "1" + String(repeating: "}]", count: 32)
        _ = try JSONParser.parse(mixed)
    }

    @Test func largeObjectsStillDetectDuplicates() throws {
        let keys = (0..<200).map { #""k\#($0)":\#($0)"# }
        let ok = "{" + keys.joined(separator: ",") + "}"
        guard case .object(let object) = try JSONParser.parse(ok) else {
            Issue.record("not an object")
            return
        }
        #expect(object.members.count == 200)
        #expect(object["k199"] == .number(199))
        let duplicated = "{" + (keys + [#""k150":0"#]).joined(separator: ",") + "}"
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(duplicated) }
        let error = try #require(jsonParseError(duplicated))
        #expect(error.message.hasPrefix(#"duplicate key "k150" at byte "#))
    }

    @Test(arguments: [0, 1, 15, 16, 17, 31, 32, 33, 100, 1_000])
    func containersOfAnySizeKeepTheirEntries(count: Int) throws {
        let array = "[" + (0..<count).map(String.init).joined(separator: ",") + "]"
        #expect(try JSONParser.parse(array) == .array((0..<count).map { .number(Double($0)) }))
        let members = (0..<count).map { JSONMember(key: "key\($0)", value: .number(Double($0))) }
        let object = "{" + (0..<count).map { #""key\#($0)":\#($0)"# }.joined(separator: ",") + "}"
        #expect(try JSONParser.parse(object) == .object(JSONObject(members: members)))
        // Errors after the inline buffers spilled to the heap.
        guard count > 0 else { return }
        #expect(jsonParseError(String(array.dropLast()) + ",x]")?.offset == array.count)
        #expect(jsonParseError(String(object.dropLast()) + #","key0":1}"#)?.message == #"duplicate key "key0" at byte \#(object.count)"#)
    }

    @Test func longKeysThatShareTheirEndsAreDistinct() throws {
        // Same length, same first and last eight bytes: only the middle differs.
        let keys = (0..<40).map { "prefix__\($0 % 10)\($0 / 10)__suffix" }
        let object = "{" + keys.map { #""\#($0)":1"# }.joined(separator: ",") + "}"
        guard case .object(let parsed) = try JSONParser.parse(object) else {
            Issue.record("not an object")
            return
        }
        #expect(parsed.members.map(\.key) == keys)
        let duplicated = #"{"prefix__12__suffix":1,"prefix__21__suffix":2,"prefix__12__suffix":3}"#
        #expect(jsonParseError(duplicated)?.message == #"duplicate key "prefix__12__suffix" at byte 47"#)
    }

    @Test func errorOffsetsCountUTF8Bytes() {
        #expect(jsonParseError(#"{"clé":"é",}"#)?.message == "trailing comma at byte 12 before '}'")
    }

    @Test func keysThatAreOnlyCanonicallyEquivalentAreDistinct() throws {
        // "é" precomposed and decomposed: equal as Swift Strings, different bytes.
        let value = try JSONParser.parse("{\"\u{E9}\":1,\"e\u{301}\":2}")
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.members.count == 2)
        #expect(object["e\u{301}"] == .number(2))
        #expect(object["\u{E9}"] == .number(1))
        #expect(JSONValue.string("\u{E9}") != JSONValue.string("e\u{301}"))
    }
}

@Suite("JSONParser: invalid documents")
struct JSONParserInvalidTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let bytes: [UInt8]
        let offset: Int
        let message: String
        init(_ text: String, _ offset: Int, _ message: String) {
            self.bytes = Array(text.utf8)
            self.offset = offset
            self.message = message
        }
        init(bytes: [UInt8], _ offset: Int, _ message: String) {
            self.bytes = bytes
            self.offset = offset
            self.message = message
        }
        var testDescription: String { String(decoding: bytes, as: UTF8.self) + " → " + message }
    }

    static let cases: [Case] = [
        // Structure
        Case("", 0, "unexpected end of input at byte 0, expected a value"),
        Case("   ", 3, "unexpected end of input at byte 3, expected a value"),
        Case("{", 1, "unexpected end of input at byte 1, expected a string key or '}'"),
        Case("[", 1, "unexpected end of input at byte 1, expected a value"),
        Case("[1", 2, "unexpected end of input at byte 2, expected ',' or ']'"),
        Case(#"{"a":1"#, 6, "unexpected end of input at byte 6, expected ',' or '}'"),
        Case(#"{"a""#, 4, "unexpected end of input at byte 4, expected ':'"),
        Case("[1,]", 2, "trailing comma at byte 2 before ']'"),
        Case(#"{"a":1,}"#, 6, "trailing comma at byte 6 before '}'"),
        Case("[1 2]", 3, "unexpected character '2' at byte 3, expected ',' or ']'"),
        Case("[1,2}", 4, "unexpected character '}' at byte 4, expected ',' or ']'"),
        Case("[,1]", 1, "unexpected character ',' at byte 1, expected a value"),
        Case(#"{"a" 1}"#, 5, "unexpected character '1' at byte 5, expected ':'"),
        Case(#"{"a":1 "b":2}"#, 7, #"unexpected character '"' at byte 7, expected ',' or '}'"#),
        Case("{a:1}", 1, "unexpected character 'a' at byte 1, expected a string key or '}'"),
        Case(#"{"a":1,2:3}"#, 7, "unexpected character '2' at byte 7, expected a string key"),
        Case("{'a':1}", 1, #"unexpected character "'" at byte 1, expected a string key or '}'"#),
        Case("['a']", 1, #"unexpected character "'" at byte 1, expected a value"#),
        Case(#"{"a":}"#, 5, "unexpected character '}' at byte 5, expected a value"),
        Case("[1] x", 4, "trailing characters after the JSON value at byte 4"),
        Case("{} {}", 3, "trailing characters after the JSON value at byte 3"),
        Case("1 2", 2, "trailing characters after the JSON value at byte 2"),
        Case("// c\n1", 0, "unexpected character '/' at byte 0, expected a value"),
        Case("[1]/*x*/", 3, "trailing characters after the JSON value at byte 3"),
        // Literals
        Case("tru", 3, "unexpected end of input at byte 3, expected 'true'"),
        Case("falsy", 4, "unexpected character 'y' at byte 4, expected 'false'"),
        Case("nul", 3, "unexpected end of input at byte 3, expected 'null'"),
        Case("True", 0, "unexpected character 'T' at byte 0, expected a value"),
        Case("NaN", 0, "unexpected character 'N' at byte 0, expected a value"),
        Case("[Infinity]", 1, "unexpected character 'I' at byte 1, expected a value"),
        Case("-Infinity", 1, "unexpected character 'I' at byte 1, expected a digit"),
        Case("undefined", 0, "unexpected character 'u' at byte 0, expected a value"),
        // Numbers
        Case("01", 0, "leading zero in number at byte 0"),
        Case("-01", 0, "leading zero in number at byte 0"),
        Case("[00]", 1, "leading zero in number at byte 1"),
        Case("1.", 2, "unexpected end of input at byte 2, expected a digit after '.'"),
        Case("1.e3", 2, "unexpected character 'e' at byte 2, expected a digit after '.'"),
        Case(".5", 0, "unexpected character '.' at byte 0, expected a value"),
        Case("+1", 0, "unexpected character '+' at byte 0, expected a value"),
        Case("1e", 2, "unexpected end of input at byte 2, expected a digit in the exponent"),
        Case("1e+", 3, "unexpected end of input at byte 3, expected a digit in the exponent"),
        Case("1ex", 2, "unexpected character 'x' at byte 2, expected a digit in the exponent"),
        Case("-", 1, "unexpected end of input at byte 1, expected a digit"),
        Case("- 1", 1, "unexpected character U+0020 at byte 1, expected a digit"),
        Case("0x10", 1, "trailing characters after the JSON value at byte 1"),
        Case("1e309", 0, "number 1e309 out of range at byte 0"),
        Case("[-1e309]", 1, "number -1e309 out of range at byte 1"),
        Case("1" + String(repeating: "0", count: 309), 0, "number 1000000000000000000000000000000000000000… out of range at byte 0"),
        // Strings
        Case(#""abc"#, 0, "unterminated string at byte 0"),
        Case(#"["abc"#, 1, "unterminated string at byte 1"),
        Case(#""a\"#, 0, "unterminated string at byte 0"),
        Case(#""a\u12"#, 0, "unterminated string at byte 0"),
        Case(#""a\n"#, 0, "unterminated string at byte 0"),
        Case(#""\x""#, 1, #"invalid escape '\x' at byte 1"#),
        Case(#""\'""#, 1, #"invalid escape '\'' at byte 1"#),
        Case("\"\\\u{E9}\"", 1, "invalid escape at byte 1: backslash followed by U+00E9"),
        Case("\"\\\u{1}\"", 1, "invalid escape at byte 1: backslash followed by U+0001"),
        Case(#""\u12G4""#, 1, #"invalid \u escape at byte 1, expected 4 hex digits"#),
        Case(#""\U0041""#, 1, #"invalid escape '\U' at byte 1"#),
        Case(#""\ud800""#, 1, #"unpaired surrogate \ud800 at byte 1"#),
        Case(#""ab\udc00""#, 3, #"unpaired surrogate \udc00 at byte 3"#),
        Case(#""\ud800\u0041""#, 1, #"unpaired surrogate \ud800 at byte 1"#),
        Case(#""\ud800\n""#, 1, #"unpaired surrogate \ud800 at byte 1"#),
        Case(#""\ud800\ud800""#, 1, #"unpaired surrogate \ud800 at byte 1"#),
        Case("\"a\tb\"", 2, "unescaped control character U+0009 in string at byte 2"),
        Case("\"a\nb\"", 2, "unescaped control character U+000A in string at byte 2"),
        Case("\"\u{0}\"", 1, "unescaped control character U+0000 in string at byte 1"),
        Case("\"\\n\u{1F}\"", 3, "unescaped control character U+001F in string at byte 3"),
        // Duplicate keys (compared after unescaping)
        Case(#"{"amount":1,"amount":2}"#, 12, #"duplicate key "amount" at byte 12"#),
        Case(#"{"a":1,"\u0061":2}"#, 7, #"duplicate key "a" at byte 7"#),
        Case(#"{"x":{"a":1,"b":{},"a":[]}}"#, 19, #"duplicate key "a" at byte 19"#),
        Case(#"{"q\"":1,"q\"":2}"#, 9, #"duplicate key "q\"" at byte 9"#),
        // Nesting
        Case(String(repeating: "[", count: 65) + String(repeating: "]", count: 65), 64, "nesting deeper than 64 levels at byte 64"),
        Case(String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65), 320, "nesting deeper than 64 levels at byte 320"),
        Case(String(repeating: "[", count: 100_000), 64, "nesting deeper than 64 levels at byte 64"),
        // Characters outside strings
        Case("\u{FEFF}1", 0, "unexpected byte order mark at byte 0, expected a value"),
        Case("\u{E9}", 0, "unexpected character U+00E9 at byte 0, expected a value"),
        Case("[1,\u{A0}2]", 3, "unexpected character U+00A0 at byte 3, expected a value"),
        Case("[1,\u{1F600}]", 3, "unexpected character U+1F600 at byte 3, expected a value"),
    ]

    @Test(arguments: cases)
    func rejects(_ c: Case) {
        do {
            let value = try JSONParser.parse(c.bytes)
            Issue.record("parsed as \(value)")
        } catch {
            #expect(error.message == c.message)
            #expect(error.offset == c.offset)
            #expect(error.description == c.message)
        }
    }
}

@Suite("JSONParser: UTF-8")
struct JSONParserUTF8Tests {
    /// Bytes placed inside a string after `"ab`, so the bad sequence starts at byte 3.
    @Test(arguments: [
        [0x80],  // stray continuation byte
        [0xBF],
        [0xC0, 0xAF],  // overlong "/"
        [0xC1, 0xBF],  // overlong
        [0xE0, 0x80, 0xAF],  // overlong 3-byte
        [0xE0, 0x9F, 0xBF],  // overlong 3-byte (U+07FF)
        [0xF0, 0x80, 0x80, 0xAF],  // overlong 4-byte
        [0xF0, 0x8F, 0xBF, 0xBF],  // overlong 4-byte (U+FFFF)
        [0xED, 0xA0, 0x80],  // encoded surrogate U+D800
        [0xED, 0xBF, 0xBF],  // encoded surrogate U+DFFF
        [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80],  // CESU-8 style pair
        [0xF4, 0x90, 0x80, 0x80],  // U+110000
        [0xF5, 0x80, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80],
        [0xFE], [0xFF],
        [0xC3],  // truncated: next byte is the closing quote
        [0xE2, 0x82],  // truncated
        [0xF0, 0x9F, 0x98],  // truncated
        [0xE2, 0x28, 0xA1],  // bad second byte
        [0xE2, 0x82, 0x28],  // bad third byte
        [0xF0, 0x9F, 0x98, 0x28],  // bad fourth byte
    ] as [[UInt8]])
    func rejectsInvalidSequencesInStrings(_ bad: [UInt8]) {
        let plain = Array(#""ab"#.utf8) + bad + Array(#"cd""#.utf8)
        expectInvalidUTF8(plain, at: 3)
        // The same inside a key, and in a string that also has escapes (slow path).
        expectInvalidUTF8(Array(#"{"ab"#.utf8) + bad + Array(#"":1}"#.utf8), at: 4)
        expectInvalidUTF8(Array(#""\n"#.utf8) + bad + Array(#"x""#.utf8), at: 3)
        // And past the eight-byte fast path.
        expectInvalidUTF8(Array(#""0123456789abcdef"#.utf8) + bad + Array(#"""#.utf8), at: 17)
    }

    @Test func rejectsTruncatedSequenceAtEndOfInput() {
        expectInvalidUTF8(Array(#""ab"#.utf8) + [0xE2, 0x82], at: 3)
        expectInvalidUTF8(Array(#""ab"#.utf8) + [0xF0], at: 3)
    }

    @Test func rejectsInvalidUTF8OutsideStrings() {
        expectInvalidUTF8([0xFF], at: 0)
        expectInvalidUTF8(Array("[1,".utf8) + [0xC0, 0x80] + Array("]".utf8), at: 3)
        expectInvalidUTF8(Array("[1]".utf8) + [0x80], at: 3, orTrailing: true)
        expectInvalidUTF8(Array(#""\"#.utf8) + [0xC0, 0x80] + Array(#"""#.utf8), at: 2)
    }

    @Test(arguments: [0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF] as [UInt32])
    func acceptsBoundaryScalars(_ value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        let string = String(Character(scalar))
        #expect(try JSONParser.parse("\"\(string)\"") == .string(string))
        #expect(try JSONParser.parse("\"x\\n\(string)y\"") == .string("x\n\(string)y"))
        // The escaped form decodes to the same string.
        let escaped = string.utf16.map { unit in
            let hex = String(unit, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }.joined()
        #expect(try JSONParser.parse("\"\(escaped)\"") == .string(string))
    }

    private func expectInvalidUTF8(_ bytes: [UInt8], at offset: Int, orTrailing: Bool = false,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        let error = jsonParseError(bytes)
        if orTrailing, error?.message.hasPrefix("trailing characters") == true { return }
        #expect(error?.message == "invalid UTF-8 at byte \(offset)", sourceLocation: sourceLocation)
        #expect(error?.offset == offset, sourceLocation: sourceLocation)
    }
}

/// The error thrown for `bytes`, or nil when they parse.
func jsonParseError(_ bytes: [UInt8]) -> JSONSyntaxError? {
    do {
        _ = try JSONParser.parse(bytes)
        return nil
    } catch {
        return error
    }
}

func jsonParseError(_ text: String) -> JSONSyntaxError? {
    jsonParseError(Array(text.utf8))
}
