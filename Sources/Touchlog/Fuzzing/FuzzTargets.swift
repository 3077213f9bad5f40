/// The three places where untrusted bytes enter Touchlog, each with the checks one input must pass:
/// the libFuzzer harnesses under `Fuzz/` feed them random bytes (a trap, an out-of-bounds access
/// or a broken check is a crash the fuzzer reports), and `FuzzCorpusTests` replays the committed
/// corpus (`Tests/TouchlogTests/Fixtures/Fuzz/<target>/`) through the very same functions.
///
/// Invalid input is expected and fine: it must come back as an error value (`EventRejection`,
/// `JSONSyntaxError`, `RecordDamage`), never as a trap. What an input must not do is break one
/// of the properties checked here; each broken property is returned as a sentence.
///
/// Thread-safe: every call works on its own input (the NDJSON target uses its own temporary file).
package enum FuzzTargets {
    package enum Target: String, CaseIterable, Sendable {
        /// `touchlog append`'s input side: ``LineReader`` (NDJSON lines, or a JSON array batch
        /// through ``JSONArraySplitter``) and ``EventDecoder`` on every line or element.
        case ndjson
        /// ``JSONParser`` and ``EventValidator`` on one event's bytes, and the stored form of every
        /// event they accept.
        case validator
        /// ``RecordCodec`` on the bytes of one stored record, as read back from the log.
        case record
    }

    /// Runs one input through `target`.
    ///
    /// - Returns: the properties the input broke, as sentences; empty when all held.
    package static func run(_ target: Target, _ input: UnsafeRawBufferPointer) -> [String] {
        var problems = Problems()
        switch target {
        case .ndjson: checkNDJSON(input, &problems)
        case .validator: checkValidator(input, &problems)
        case .record: checkRecord(input, &problems)
        }
        return problems.list
    }

    /// Runs one input given as an array of bytes.
    package static func run(_ target: Target, _ input: [UInt8]) -> [String] {
        input.withUnsafeBytes { run(target, $0) }
    }

    /// The clock the future-skew rule is measured against: far ahead, so that only times after
    /// 2999 count as "in the future" and the rule itself is still exercised.
    static let now = Timestamp(microseconds: 32_472_144_000_000_000)  // 2999-01-01T00:00:00Z

    /// Collects broken properties.
    struct Problems {
        var list: [String] = []
        mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { list.append(message()) }
        }
    }

    /// What holds for every event the decoder accepts: it is stored, and read back, unchanged.
    static func checkAccepted(_ decoded: DecodedEvent, _ problems: inout Problems, context: String) {
        let record = RecordCodec.encode(decoded, recordedAt: now, previousOfCustomer: 7)
        record.withUnsafeBytes { bytes in
            do {
                let stored = try RecordCodec.decode(bytes, position: 1)
                problems.expect(stored.event == decoded.event, "\(context): the stored record decodes to a different event")
                problems.expect(stored.json == decoded.json, "\(context): the stored record lost the event's original JSON")
                problems.expect(stored.recordedAt == now, "\(context): the stored record lost its recording time")
                let header = try RecordCodec.header(of: bytes)
                problems.expect(header.previousOfCustomer == 7, "\(context): the stored record lost its customer chain link")
                problems.expect(header.type == decoded.event.type, "\(context): the stored record has another type")
            } catch {
                problems.list.append("\(context): the stored form of an accepted event does not decode: \(error)")
            }
        }
    }
}
