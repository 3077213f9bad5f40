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
        let special: (UInt8) -> Bool = { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard text.utf8.contains(where: special) else { return text }
        var quoted: [UInt8] = [UInt8(ascii: "\"")]
        quoted.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            quoted.append(byte)
            if byte == UInt8(ascii: "\"") { quoted.append(byte) }
        }
        quoted.append(UInt8(ascii: "\""))
        return String(decoding: quoted, as: UTF8.self)
    }

    /// A header line and one line per object; the columns are the union of all objects' columns
    /// in order of first appearance.
    static func table(_ jsonObjects: [String]) -> String {
        let rows = jsonObjects.parallelMap(columns(of:))
        var header: [String] = []
        var column: [String: Int] = [:]
        for row in rows {
            for (name, _) in row where column[name] == nil {
                column[name] = header.count
                header.append(name)
            }
        }
        let lines = rows.parallelMap { row in
            var cells = [String](repeating: "", count: header.count)
            for (name, cell) in row.reversed() { cells[column[name]!] = cell }  // a repeated name: its first cell
            return cells.joined(separator: ",")
        }
        return ([header.map(field).joined(separator: ",")] + lines).joined(separator: "\n") + "\n"
    }
}
