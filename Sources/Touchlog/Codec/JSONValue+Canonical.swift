extension JSONValue {
    /// The RFC 8785 (JCS) canonical form: object members sorted by the UTF-16 code units
    /// of their keys, no whitespace, minimal string escaping, numbers as ECMAScript prints
    /// them (integers below 2^53 as plain digits, `-0` as `0`).
    ///
    /// Semantically equal documents (any key order, whitespace, `1.0` vs `1`, escaped vs
    /// literal characters) yield identical bytes. Strings are not Unicode-normalized.
    /// Non-finite numbers, which only hand-built values can hold, are written as `null`.
    public func canonicalBytes() -> [UInt8] {
        var output: [UInt8] = []
        write(canonicalInto: &output)
        return output
    }

    /// Appends the canonical form (see ``canonicalBytes()``) to `output`.
    public func write(canonicalInto output: inout [UInt8]) {
        switch self {
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            let members = object.members
            // Sort indexes, not members: no retain/release traffic while sorting.
            var order = Array(members.indices)
            if members.count <= 16 {
                for i in order.indices.dropFirst() {
                    var j = i
                    while j > 0 && JSONWriter.utf16Precedes(members[order[i]].key, members[order[j - 1]].key) { j -= 1 }
                    if j != i { order.insert(order.remove(at: i), at: j) }
                }
            } else {
                order.sort { JSONWriter.utf16Precedes(members[$0].key, members[$1].key) }
            }
            for (index, memberIndex) in order.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(members[memberIndex].key, to: &output)
                output.append(UInt8(ascii: ":"))
                members[memberIndex].value.write(canonicalInto: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(canonicalInto: &output)
            }
            output.append(UInt8(ascii: "]"))
        default:
            writeScalar(into: &output)
        }
    }

    /// Compact JSON text in document order, with the same escaping and number format as
    /// the canonical form; for output meant to be read back or shown.
    public func serialized() -> String {
        var output: [UInt8] = []
        write(compactInto: &output)
        return String(decoding: output, as: UTF8.self)
    }

    func write(compactInto output: inout [UInt8]) {
        switch self {
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.write(compactInto: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(compactInto: &output)
            }
            output.append(UInt8(ascii: "]"))
        default:
            writeScalar(into: &output)
        }
    }

    private func writeScalar(into output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .number(let value): JSONWriter.appendNumber(value, to: &output)
        case .string(let value): JSONWriter.appendString(value, to: &output)
        case .array, .object: preconditionFailure("containers are written by the callers")
        }
    }
}
