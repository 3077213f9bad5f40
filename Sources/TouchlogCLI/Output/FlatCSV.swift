import Foundation
import Touchlog

/// Flattens JSON objects into CSV columns named by their dotted paths (`rfm.segment`,
/// `complaints.open`), for `--csv` output and replay files. Arrays become one JSON-text cell.
enum FlatCSV {
    /// The (column, cell) pairs of a JSON object.
    static func columns(of json: String) -> [(String, String)] {
        guard case .object(let object)? = try? JSONParser.parse(json) else { return [] }
        var columns: [(String, String)] = []
        flatten(object, prefix: "", into: &columns)
        return columns
    }

    private static func flatten(_ object: JSONObject, prefix: String, into columns: inout [(String, String)]) {
        for member in object.members {
            let name = prefix + member.key
            switch member.value {
            case .object(let nested): flatten(nested, prefix: name + ".", into: &columns)
            case .string(let text): columns.append((name, field(text)))
            case .null: columns.append((name, ""))
            default: columns.append((name, field(member.value.serialized())))
            }
        }
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A header line and one line per object; the columns are the union of all objects' columns
    /// in order of first appearance.
    static func table(_ jsonObjects: [String]) -> String {
        let rows = jsonObjects.map(columns(of:))
        var header: [String] = []
        var known = Set<String>()
        for row in rows { for (name, _) in row where known.insert(name).inserted { header.append(name) } }
        var lines = [header.map(field).joined(separator: ",")]
        for row in rows {
            let cells = Dictionary(row, uniquingKeysWith: { first, _ in first })
            lines.append(header.map { cells[$0] ?? "" }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
