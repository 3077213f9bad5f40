import Testing
import Touchlog

@Suite("JSONValue: canonical form")
struct JSONCanonicalTests {
    private func canonical(_ text: String) throws -> String {
        String(decoding: try JSONParser.parse(text).canonicalBytes(), as: UTF8.self)
    }

    @Test(arguments: [
        ("0", "0"),
        ("-0", "0"),
        ("-0.0", "0"),
        ("12", "12"),
        ("-3", "-3"),
        ("1.0", "1"),
        ("1e2", "100"),
        ("11.77", "11.77"),
        ("0.1", "0.1"),
        ("-1.5", "-1.5"),
        ("1e21", "1e+21"),
        ("1e20", "100000000000000000000"),
        ("1e-7", "1e-7"),
        ("1.5e-7", "1.5e-7"),
        ("0.000001", "0.000001"),
        ("0.0000015", "0.0000015"),
        ("123456789012345680000", "123456789012345680000"),
        ("123456789012345678901", "123456789012345680000"),
        ("9007199254740991", "9007199254740991"),
        ("9007199254740992", "9007199254740992"),
        ("-9007199254740993", "-9007199254740992"),
        ("1e308", "1e+308"),
        ("5e-324", "5e-324"),
        ("123.456e-2", "1.23456"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"),
        ("4.35", "4.35"),
        ("1e23", "1e+23"),
        ("100.5", "100.5"),
    ])
    func formatsNumbersLikeECMAScript(text: String, expected: String) throws {
        #expect(try canonical(text) == expected)
        #expect(try JSONParser.parse(text).serialized() == expected)
    }

    /// RFC 8785 Appendix B: IEEE 754 bit patterns and their JCS text.
    @Test(arguments: [
        (0x0000_0000_0000_0000, "0"),
        (0x8000_0000_0000_0000, "0"),
        (0x0000_0000_0000_0001, "5e-324"),
        (0x8000_0000_0000_0001, "-5e-324"),
        (0x7FEF_FFFF_FFFF_FFFF, "1.7976931348623157e+308"),
        (0xFFEF_FFFF_FFFF_FFFF, "-1.7976931348623157e+308"),
        (0x4340_0000_0000_0000, "9007199254740992"),
        (0xC340_0000_0000_0000, "-9007199254740992"),
        (0x4430_0000_0000_0000, "295147905179352830000"),
        (0x44B5_2D02_C7E1_4AF5, "9.999999999999997e+22"),
        (0x44B5_2D02_C7E1_4AF6, "1e+23"),
        (0x44B5_2D02_C7E1_4AF7, "1.0000000000000001e+23"),
        (0x444B_1AE4_D6E2_EF4E, "999999999999999700000"),
        (0x444B_1AE4_D6E2_EF4F, "999999999999999900000"),
        (0x444B_1AE4_D6E2_EF50, "1e+21"),
        (0x3EB0_C6F7_A0B5_ED8C, "9.999999999999997e-7"),
        (0x3EB0_C6F7_A0B5_ED8D, "0.000001"),
        (0x41B3_DE43_5555_5553, "333333333.3333332"),
        (0x41B3_DE43_5555_5554, "333333333.33333325"),
        (0x41B3_DE43_5555_5555, "333333333.3333333"),
        (0x41B3_DE43_5555_5556, "333333333.3333334"),
        (0x41B3_DE43_5555_5557, "333333333.33333343"),
        (0xBECB_F647_612F_3696, "-0.0000033333333333333333"),
        (0x4314_3FF3_C1CB_0959, "1424953923781206.2"),
    ] as [(UInt64, String)])
    func matchesRFC8785NumberVectors(bits: UInt64, expected: String) throws {
        let value = JSONValue.number(Double(bitPattern: bits))
        #expect(String(decoding: value.canonicalBytes(), as: UTF8.self) == expected)
        // And the text reads back as the same double (except -0, which prints as 0).
        guard case .number(let back) = try JSONParser.parse(expected) else { return }
        #expect(back == Double(bitPattern: bits))
    }

    @Test func nonFiniteNumbersAreWrittenAsNull() {
        #expect(JSONValue.array([.number(.nan), .number(.infinity)]).serialized() == "[null,null]")
    }

    @Test(arguments: [
        (#""a\"b\\c/d""#, #""a\"b\\c/d""#),
        (#""\/""#, #""/""#),
        (#""\b\f\n\r\t""#, #""\b\f\n\r\t""#),
        (#""\u0000\u0001\u001f\u001F""#, #""\u0000\u0001\u001f\u001f""#),
        (#""\u007f\u0080\u00e9\u20ac""#, "\"\u{7F}\u{80}é€\""),
        (#""\ud83d\ude00""#, "\"😀\""),
        (#""\u2028\u2029""#, "\"\u{2028}\u{2029}\""),
        (#""<script>&'""#, #""<script>&'""#),
    ])
    func escapesStringsMinimally(text: String, expected: String) throws {
        #expect(try canonical(text) == expected)
        #expect(try JSONParser.parse(text).serialized() == expected)
    }

    @Test func sortsKeysByUTF16CodeUnits() throws {
        // RFC 8785 §3.2.3's example: "\u20ac" (€), "\r", "\ufb33", "1", "\ud83d\ude00", "\u0080", "\u00f6".
        let text = #"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"\u{F6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20AC}\":\"Euro Sign\",\"\u{1F600}\":\"Emoji: Grinning Face\",\"\u{FB33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(try canonical(text) == expected)
    }

    @Test func sortsNestedObjectsAndKeepsArrayOrder() throws {
        let text = #"{"b":[{"z":1,"a":2},3],"a":{"y":null,"x":true},"":0,"aa":1}"#
        #expect(try canonical(text) == #"{"":0,"a":{"x":true,"y":null},"aa":1,"b":[{"a":2,"z":1},3]}"#)
        // serialized() keeps document order.
        #expect(try JSONParser.parse(text).serialized() == text)
    }

    /// Semantically equal documents: key order, whitespace, number spelling, escapes.
    @Test(arguments: [
        (#"{"a":1,"b":[1.0,"x"]}"#, #" { "b" : [ 1 , "\u0078" ] , "a" : 1.00e0 } "#),
        (#"{"amount":11.77,"currency":"EUR"}"#, #"{"currency":"\u0045UR","amount":1177e-2}"#),
        (#"["é","😀","/"]"#, #"["\u00e9","\ud83d\ude00","\/"]"#),
        (#"{"n":-0}"#, #"{"n":0.0}"#),
        (#"{"n":100}"#, #"{"n":1E2}"#),
        (#"{"t":"\t"}"#, #"{"t":"\u0009"}"#),
        (#"{"nested":{"b":{"d":4,"c":3},"a":[{"y":2,"x":1}]}}"#,
         #"{"nested":{"a":[{"x":1,"y":2}],"b":{"c":3,"d":4}}}"#),
    ])
    func equalDocumentsHaveIdenticalCanonicalBytes(_ a: String, _ b: String) throws {
        let first = try JSONParser.parse(a).canonicalBytes()
        let second = try JSONParser.parse(b).canonicalBytes()
        #expect(first == second)
        // The canonical form is a fixed point.
        #expect(try JSONParser.parse(first).canonicalBytes() == first)
    }

    @Test func differentDocumentsHaveDifferentCanonicalBytes() throws {
        #expect(try canonical(#"{"a":1}"#) != canonical(#"{"a":"1"}"#))
        #expect(try canonical(#"["a","b"]"#) != canonical(#"["b","a"]"#))
        // No Unicode normalization (compare bytes: String's == would call these equal).
        #expect(try JSONParser.parse("\"\u{E9}\"").canonicalBytes() != JSONParser.parse("\"e\u{301}\"").canonicalBytes())
    }

    @Test func writeAppendsToExistingBytes() {
        var output = Array("prefix:".utf8)
        let value: JSONValue = ["b": 1, "a": [true, .null]]
        value.write(canonicalInto: &output)
        #expect(String(decoding: output, as: UTF8.self) == #"prefix:{"a":[true,null],"b":1}"#)
    }
}
