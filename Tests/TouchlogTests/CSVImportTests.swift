import Foundation
import Testing
import Touchlog

/// `CSVImporter`: RFC 4180 cells, the mapping's conversions, stable ids and clear rejections.
struct CSVImportTests {
    static func mapping(_ json: String) throws -> CSVMapping {
        try JSONDecoder().decode(CSVMapping.self, from: Data(json.utf8))
    }

    static func events(_ csv: String, _ mapping: CSVMapping) throws -> [JSONValue] {
        var importer = CSVImporter(mapping: mapping)
        // Split bytes, not Characters: "\r\n" is one Character.
        return try Array(csv.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).compactMap { line in
            try Array(line).withUnsafeBytes { try importer.event(fromLine: $0) }.map { try JSONParser.parse($0) }
        }
    }

    static func data(_ event: JSONValue) -> JSONObject? {
        guard case .object(let object) = event, case .object(let data)? = object["data"] else { return nil }
        return data
    }

    @Test func quotedCellsTypesNestedFieldsAndTimeFormats() throws {
        let mapping = try Self.mapping(#"""
        {"customer": "who", "time": "day", "timeFormat": "yyyymmdd", "typeColumn": "kind",
         "types": {"attr": "customer.profile_updated"}, "idPrefix": "t-",
         "data": {"attributes.region": {"column": "region", "as": "null-if-empty"}, "attributes.vip": {"column": "vip", "as": "boolean"},
                  "attributes.note": "note"}}
        """#)
        let events = try Self.events("who;day;kind;region;vip;note\n".replacingOccurrences(of: ";", with: ",")
            + "7,20250301,attr,north,yes,\"a, \"\"quoted\"\" note\"\r\n"
            + "8,20250302,attr,,no,\n", mapping)
        #expect(events.count == 2, "\(events.map { $0.serialized() })")
        guard case .object(let first) = events[0] else { Issue.record("not an object"); return }
        #expect(first["type"] == .string("customer.profile_updated") && first["subject"] == .string("7"))
        #expect(first["time"] == .string("2025-03-01T00:00:00Z"))
        guard case .object(let attributes)? = Self.data(events[0])?["attributes"] else { Issue.record("no attributes"); return }
        #expect(attributes["region"] == .string("north") && attributes["vip"] == .bool(true) && attributes["note"] == .string(#"a, "quoted" note"#))
        guard case .object(let second)? = Self.data(events[1])?["attributes"] else { Issue.record("no attributes"); return }
        #expect(second["region"] == .null && second["vip"] == .bool(false) && second["note"] == nil)
        // Ids without an id column: the row's hash and its ordinal among identical rows, stable across runs.
        guard case .string(let id)? = { if case .object(let o) = events[0] { return o["id"] } else { return nil } }() else { Issue.record("no id"); return }
        #expect(id.hasPrefix("t-row-") && id.hasSuffix("-1"))
        #expect(try Self.events("who,day,kind,region,vip,note\n7,20250301,attr,north,yes,\"a, \"\"quoted\"\" note\"\r", mapping).first == events[0])
    }

    @Test func badRowsAndMappingsAreClearErrors() throws {
        #expect(throws: (any Error).self) { try Self.mapping(#"{"customer": "c", "time": "t"}"#) }  // no type
        #expect(throws: (any Error).self) { try Self.mapping(#"{"customer": "c", "time": "t", "type": "x", "typeColumn": "k"}"#) }
        let mapping = try Self.mapping(#"{"customer": "c", "time": "t", "timeFormat": "date", "type": "touch.survey", "data": {"score": {"column": "s", "as": "integer"}}}"#)
        func failure(_ csv: String) -> ValidationFailure? {
            do { _ = try Self.events(csv, mapping); return nil } catch let failure as ValidationFailure { return failure } catch { return nil }
        }
        #expect(failure("c,t\n1,2025-01-01")?.rule.contains("no column s") == true)
        #expect(failure("c,t,s\n1,2025-13-01,3")?.path == "t")
        #expect(failure("c,t,s\n1,2025-01-01,three")?.rule == #"must be a whole number, not "three""#)
        #expect(failure("c,t,s\n1,2025-01-01,\"3")?.rule.contains("not closed") == true)
        #expect(failure("c,t,s\n,2025-01-01,3")?.rule == "the customer is empty")
        #expect(failure("c,t,s\n1,2025-01-01")?.rule.contains("only 2 cells") == true)
    }

    @Test func importingTheExampleTwiceStoresItOnce() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Docs/examples")
        let mapping = try JSONDecoder().decode(CSVMapping.self, from: Data(contentsOf: directory.appendingPathComponent("surveys.mapping.json")))
        let csv = try String(contentsOf: directory.appendingPathComponent("surveys.csv"), encoding: .utf8)
        try withTemporaryLog { log, path in
            let file = path + ".csv"
            try csv.write(toFile: file, atomically: true, encoding: .utf8)
            for round in 0..<2 {
                var importer = CSVImporter(mapping: mapping)
                let descriptor = open(file, O_RDONLY)
                defer { close(descriptor) }
                let summary = try Ingestor(log: log, options: .init(partial: true)).ingest(
                    from: LineReader(fileDescriptor: descriptor),
                    transform: { (bytes) throws(ValidationFailure) -> [UInt8]? in try importer.event(fromLine: bytes) }
                )
                #expect(summary.stored == (round == 0 ? 3 : 0) && summary.duplicates == (round == 0 ? 0 : 3) && summary.rejected == 1)
            }
            let profile = try #require(try log.profile(of: "crm-42"))
            #expect(profile.latestNPS?.score == 9 && profile.cesMean == 3 && profile.surveyCount == 2)
        }
    }
}
