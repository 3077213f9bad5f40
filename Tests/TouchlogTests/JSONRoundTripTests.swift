#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import Touchlog

/// Property tests over random values from a seeded generator. Each run uses a few fixed
/// seeds and one fresh seed; a failure names its seed. To replay one, run with
/// `TOUCHLOG_TEST_SEED=<seed> swift test --filter JSONRoundTripTests`.
@Suite("JSONValue: randomized round trips")
struct JSONRoundTripTests {
    static let seeds: [UInt64] = replaySeed.map { [$0] }
        ?? [1, 42, 0xDEAD_BEEF, 20_250_314, UInt64.random(in: 0...UInt64.max)]

    @Test(arguments: seeds)
    func serializeThenParseGivesTheSameValue(seed: UInt64) throws {
        var generator = JSONValueGenerator(seed: seed)
        for iteration in 0..<300 {
            let value = generator.value()
            let text = value.serialized()
            let parsed: JSONValue
            do {
                parsed = try JSONParser.parse(text)
            } catch {
                Issue.record("seed \(seed), iteration \(iteration): \(error) in \(text)")
                return
            }
            guard parsed == value else {
                Issue.record("seed \(seed), iteration \(iteration): round trip changed \(text) into \(parsed.serialized())")
                return
            }
        }
    }

    @Test(arguments: seeds)
    func canonicalBytesIgnoreMemberOrderAndAreAFixedPoint(seed: UInt64) throws {
        var generator = JSONValueGenerator(seed: seed)
        for iteration in 0..<300 {
            let value = generator.value()
            let canonical = value.canonicalBytes()
            let shuffled = generator.shuffledMembers(value)
            let context = "seed \(seed), iteration \(iteration): \(value.serialized())"
            guard shuffled.canonicalBytes() == canonical else {
                Issue.record("\(context): member order changed the canonical bytes")
                return
            }
            let reparsed = try JSONParser.parse(canonical)
            guard reparsed.canonicalBytes() == canonical else {
                Issue.record("\(context): canonical bytes are not a fixed point")
                return
            }
            // The canonical form is the value with keys sorted by UTF-16 code units,
            // checked against an independent, obviously correct sort.
            guard reparsed == Self.sortedByUTF16(value) else {
                Issue.record("\(context): canonical key order differs from a UTF-16 sort")
                return
            }
        }
    }

    /// Truncated and byte-mutated documents either parse or throw an error whose offset
    /// lies within the input; whatever parses survives a round trip. (Run under
    /// `--sanitize=address` to check the parser's pointer arithmetic.)
    @Test(arguments: seeds)
    func mutatedDocumentsFailCleanly(seed: UInt64) throws {
        var generator = JSONValueGenerator(seed: seed)
        let interesting: [UInt8] = Array(#"{}[]",:\u0123456789eE.-+ \n\tnulltruefalse"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF]
        for iteration in 0..<500 {
            var bytes = Array(generator.value().serialized().utf8)
            switch Int.random(in: 0..<3, using: &generator.random) {
            case 0 where !bytes.isEmpty:
                bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator.random))
            default:
                for _ in 0..<Int.random(in: 1...3, using: &generator.random) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator.random)] = interesting.randomElement(using: &generator.random)!
                }
            }
            do {
                let value = try JSONParser.parse(bytes)
                #expect(try JSONParser.parse(value.serialized()) == value, "seed \(seed), iteration \(iteration)")
            } catch {
                guard (0...bytes.count).contains(error.offset), error.message.contains("at byte \(error.offset)") else {
                    Issue.record("seed \(seed), iteration \(iteration): bad error \(error) for \(bytes)")
                    return
                }
            }
        }
    }

    static func sortedByUTF16(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let elements):
            return .array(elements.map(sortedByUTF16))
        case .object(let object):
            let members = object.members
                .sorted { Array($0.key.utf16).lexicographicallyPrecedes(Array($1.key.utf16)) }
                .map { JSONMember(key: $0.key, value: sortedByUTF16($0.value)) }
            return .object(JSONObject(members: members))
        case .number(let number) where number == 0:
            return .number(0)  // -0 is written as 0
        default:
            return value
        }
    }
}

/// Random JSON values with awkward strings (controls, quotes, backslashes, non-BMP,
/// U+E000–U+FFFF, combining marks) and numbers (integers, decimals, any finite double).
struct JSONValueGenerator {
    var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    mutating func value(depth: Int = 0) -> JSONValue {
        let kinds = depth >= 5 ? 4 : 6
        switch Int.random(in: 0..<kinds, using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(number())
        case 3: return .string(string())
        case 4:
            let (count, childDepth) = size(depth)
            return .array((0..<count).map { _ in value(depth: childDepth) })
        default:
            let (count, childDepth) = size(depth)
            var members: [JSONMember] = []
            for _ in 0..<count {
                let key = string()
                if members.contains(where: { Array($0.key.utf8) == Array(key.utf8) }) { continue }
                members.append(JSONMember(key: key, value: value(depth: childDepth)))
            }
            return .object(JSONObject(members: members))
        }
    }

    /// Mostly small containers; one in eight has up to 40 entries (past the parser's
    /// 16-entry inline buffers and 32-key linear duplicate scan) with shallow contents.
    mutating func size(_ depth: Int) -> (count: Int, childDepth: Int) {
        if random.next() % 8 == 0 {
            return (Int.random(in: 10...40, using: &random), max(depth + 1, 4))
        }
        return (Int.random(in: 0...6, using: &random), depth + 1)
    }

    mutating func number() -> Double {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return Double(Int.random(in: -1000...1000, using: &random))
        case 1: return Double(Int64.random(in: -(1 << 53)...(1 << 53), using: &random))
        case 2: return Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / 100
        case 3: return [0.0, -0.0, 0.1, 1e21, 1e-7, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e300, 123_456_789_012_345_683_968].randomElement(using: &random)!
        default:
            while true {
                let candidate = Double(bitPattern: random.next())
                if candidate.isFinite { return candidate }
            }
        }
    }

    mutating func string() -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...10, using: &random) {
            let value: UInt32
            switch Int.random(in: 0..<10, using: &random) {
            case 0: value = UInt32.random(in: 0...0x1F, using: &random)
            case 1: value = [0x22, 0x5C, 0x2F, 0x7F].randomElement(using: &random)!
            case 2: value = UInt32.random(in: 0x80...0x7FF, using: &random)
            case 3: value = UInt32.random(in: 0x800...0xD7FF, using: &random)
            case 4: value = UInt32.random(in: 0xE000...0xFFFF, using: &random)
            case 5: value = UInt32.random(in: 0x10000...0x10FFFF, using: &random)
            case 6: value = 0x301  // combining acute accent
            default: value = UInt32.random(in: 0x20...0x7E, using: &random)
            }
            scalars.append(Unicode.Scalar(value)!)
        }
        return String(scalars)
    }

    /// The same value with every object's members in a random order.
    mutating func shuffledMembers(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let elements):
            return .array(elements.map { shuffledMembers($0) })
        case .object(let object):
            let members = object.members.shuffled(using: &random)
                .map { JSONMember(key: $0.key, value: shuffledMembers($0.value)) }
            return .object(JSONObject(members: members))
        default:
            return value
        }
    }
}
