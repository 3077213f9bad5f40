import Foundation
import Touchlog

/// Small helpers for writing JSON output by hand, escaping through the engine's JSON writer.
enum JSONText {
    /// A JSON string literal.
    static func string(_ text: String) -> String { JSONValue.string(text).serialized() }

    /// A JSON object from already-encoded member values, in the given order.
    static func object(_ members: KeyValuePairs<String, String>) -> String {
        "{" + members.map { "\(string($0.key)):\($0.value)" }.joined(separator: ",") + "}"
    }

    /// A timestamp as a JSON string, or `null`.
    static func time(_ timestamp: Timestamp?) -> String { timestamp.map { string($0.rfc3339) } ?? "null" }
}

/// Formats counts with thousands separators: 1,234,567.
func grouped(_ value: some BinaryInteger) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return value < 0 ? "-" + result : result
}

/// Formats a byte count: 1.5 GB, 340 MB, 12 KB.
func byteSize(_ bytes: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
}
