import Foundation
import Testing
import Touchlog

/// Every example next to the JSON Schemas goes through the Swift validator, which must reach the
/// outcome written beside it (`accept`, or `reject <field path>`); `Tools/check-schemas.py` holds
/// the schemas to the same expectations, so validator and schemas agree.
struct SchemaExamplesTests {
    struct Example: CustomTestStringConvertible, Sendable {
        let name: String
        let json: [UInt8]
        let expectation: String
        var testDescription: String { name }
    }

    static let examplesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schemas/examples")

    static let examples: [Example] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: examplesDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { file in
            let base = examplesDirectory.appendingPathComponent(String(file.dropLast(5)))
            guard let json = FileManager.default.contents(atPath: base.path + ".json"),
                  let expect = FileManager.default.contents(atPath: base.path + ".expect")
            else { return nil }
            let expectation = String(decoding: expect, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return Example(name: file, json: Array(json), expectation: expectation)
        }
    }()

    @Test func thereAreExamplesOfBothOutcomes() {
        #expect(Self.examples.count(where: { $0.expectation == "accept" }) >= 12)
        #expect(Self.examples.count(where: { $0.expectation.hasPrefix("reject ") }) >= 35)
    }

    /// Each type's `dataschema` is the one the schemas name (the examples hold four of the six).
    @Test func everyTypeNamesItsDataSchema() {
        for type in EventType.allCases {
            #expect(type.dataSchema == "urn:touchlog:schema:\(type.name):1")
        }
    }

    @Test(arguments: examples)
    func validatorAgreesWithExpectation(_ example: Example) throws {
        // A fixed clock far ahead, so that the examples' dates never count as "in the future".
        let now = Timestamp(rfc3339: "2999-01-01T00:00:00Z")!
        let decoder = EventDecoder()
        if example.expectation == "accept" {
            #expect(throws: Never.self) { _ = try decoder.decode(example.json, location: example.name, now: now) }
        } else {
            let path = String(example.expectation.dropFirst("reject ".count))
            do {
                _ = try decoder.decode(example.json, location: example.name, now: now)
                Issue.record("\(example.name) was accepted; expected a rejection at \(path)")
            } catch {
                #expect(error.failure.path == path, "\(example.name): \(error)")
            }
        }
    }
}
