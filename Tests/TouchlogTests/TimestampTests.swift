import Testing
import Touchlog

struct TimestampTests {
    static let valid: [(String, Int64)] = [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2026-03-01T10:15:00Z", Int64(1_772_360_100) * 1_000_000),
        ("2026-03-01T12:15:00+02:00", Int64(1_772_360_100) * 1_000_000),
        ("2026-03-01t10:15:00.5z", Int64(1_772_360_100) * 1_000_000 + 500_000),
        ("1969-12-31T23:59:59.999999Z", Int64(-1)),
        ("2024-02-29T00:00:00-00:00", Int64(1_709_164_800) * 1_000_000),
        ("2026-03-01T10:15:00.123456789Z", Int64(1_772_360_100) * 1_000_000 + 123_456),
    ]

    @Test(arguments: valid)
    func parsesRFC3339(_ text: String, _ microseconds: Int64) {
        #expect(Timestamp(rfc3339: text)?.microseconds == microseconds)
    }

    @Test(arguments: [
        "", "2026-03-01", "2026-03-01T10:15:00", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
        "2026-03-01T24:00:00Z", "2026-03-01T10:60:00Z", "2026-03-01T10:15:60Z", "2026-03-01T10:15:00.Z",
        "2026-03-01T10:15:00+2:00", "2026-03-01T10:15:00Z ", "0000-01-01T00:00:00Z", "2026-03-01T10:15:00.1234567890Z",
    ])
    func rejectsInvalidDateTimes(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func formatsAndRoundTrips() {
        var rng = SeededRandom(seed: testSeed())
        for _ in 0..<2000 {
            let value = Timestamp(microseconds: Int64.random(in: -2_000_000_000_000_000...4_000_000_000_000_000, using: &rng))
            #expect(Timestamp(rfc3339: value.rfc3339) == value, "\(value.microseconds) → \(value.rfc3339)")
        }
        #expect(Timestamp(microseconds: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(microseconds: 1_500_000).rfc3339 == "1970-01-01T00:00:01.500000Z")
        #expect(Timestamp(dateOrDateTime: "1997-09-30") == Timestamp(rfc3339: "1997-09-30T00:00:00Z"))
    }
}

struct XXHash64Tests {
    static let vectors: [(String, UInt64)] = [
        ("", UInt64(0xEF46_DB37_51D8_E999)),
        ("a", UInt64(0xD24E_C4F1_A98C_6E5B)),
        ("abc", UInt64(0x44BC_2CF5_AD77_0999)),
        ("Nobody inspects the spammish repetition", UInt64(0xFBCE_A83C_8A37_8BF1)),
    ]

    @Test(arguments: vectors)
    func matchesReferenceVectors(_ text: String, _ expected: UInt64) {
        #expect(XXHash64.hash(Array(text.utf8)) == expected)
    }
}
