#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import Touchlog

@Suite("JSONParser: numbers")
struct JSONNumberTests {
    @Test(arguments: [
        ("0", 0.0),
        ("-0", -0.0),
        ("-0.0", -0.0),
        ("0e-5", 0.0),
        ("0.000", 0.0),
        ("1", 1),
        ("-12", -12),
        ("11.77", 11.77),
        ("0.1", 0.1),
        ("-0.5e1", -5),
        ("123.456e-2", 1.23456),
        ("1E2", 100),
        ("1e+2", 100),
        ("1e-2", 0.01),
        ("0.000001", 0.000001),
        ("1e308", 1e308),
        ("1.7976931348623157e308", Double.greatestFiniteMagnitude),
        ("-1.7976931348623157e308", -Double.greatestFiniteMagnitude),
        ("2.2250738585072014e-308", Double.leastNormalMagnitude),
        ("5e-324", Double.leastNonzeroMagnitude),
        ("4.9406564584124654e-324", Double.leastNonzeroMagnitude),
        ("2.4703282292062328e-324", Double.leastNonzeroMagnitude),
        ("2.4703282292062327e-324", 0),  // below half the smallest subnormal
        ("1e-400", 0),
        ("-1e-400", -0.0),
        ("9007199254740992", 9_007_199_254_740_992),
        ("9007199254740993", 9_007_199_254_740_992),  // ties to even
        ("-9007199254740993", -9_007_199_254_740_992),
        ("12345678901234567890", 12_345_678_901_234_567_168),
        ("123456789012345678901234567890", 123_456_789_012_345_677_877_719_597_056),
        ("1e22", 1e22),
        ("1e23", 1e23),
        ("0.30000000000000004", 0.30000000000000004),
        ("3.141592653589793238462643383279", Double.pi),
        ("1.00000000000000000000000000001", 1),
        ("100000000000000000000000000000000000000000e-40", 10),
    ])
    func parsesToTheNearestDouble(text: String, expected: Double) throws {
        guard case .number(let value) = try JSONParser.parse(text) else {
            Issue.record("not a number")
            return
        }
        #expect(value.bitPattern == expected.bitPattern, "\(text) → \(value), expected \(expected)")
    }

    @Test func largeExponentsWithZeroMantissaAreZero() throws {
        #expect(try JSONParser.parse("0e99999999999") == .number(0))
        #expect(try JSONParser.parse("[1e-99999999999]") == [0])
        #expect(jsonParseError("1e99999999999")?.message == "number 1e99999999999 out of range at byte 0")
    }

    /// Random decimals, short and long, must come out bit-for-bit as `strtod` reads them.
    @Test func agreesWithStrtod() throws {
        let seed = testSeed()  // TOUCHLOG_TEST_SEED=<seed> replays
        var random = SeededRandom(seed: seed)
        var mismatches: [String] = []
        for _ in 0..<20_000 {
            let text = randomNumberText(&random)
            let expected = text.withCString { strtod($0, nil) }
            guard expected.isFinite else {
                #expect(jsonParseError(text) != nil, "seed \(seed): \(text) should be out of range")
                continue
            }
            guard case .number(let value) = try JSONParser.parse(text) else {
                Issue.record("seed \(seed): \(text) is not a number")
                continue
            }
            if value.bitPattern != expected.bitPattern {
                mismatches.append("\(text): got \(value), strtod gives \(expected)")
            }
        }
        #expect(mismatches.isEmpty, "seed \(seed): \(mismatches.prefix(10))")
    }

    private func randomNumberText(_ random: inout SeededRandom) -> String {
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(random.next() % 10)) })
        }
        var text = random.next() % 2 == 0 ? "" : "-"
        let integerDigits = Int(random.next() % 22)
        if integerDigits == 0 {
            text += "0"
        } else {
            text += String(1 + random.next() % 9) + digits(integerDigits - 1)
        }
        if random.next() % 2 == 0 {
            text += "." + digits(1 + Int(random.next() % 24))
        }
        if random.next() % 3 == 0 {
            let exponent = Int(random.next() % 700) - 350
            text += (random.next() % 2 == 0 ? "e" : "E") + String(exponent)
        }
        return text
    }
}
