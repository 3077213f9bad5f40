/// Reads the members of one JSON object against the contract, producing `ValidationFailure`s with
/// full field paths.
struct FieldReader {
    let object: JSONObject
    /// The path of the object itself, empty at the top level.
    let path: String

    func path(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Rejects any member whose name is not in `allowed`.
    func rejectUnknown(allowed: [String]) throws(ValidationFailure) {
        for member in object.members where !allowed.contains(member.key) {
            throw ValidationFailure(path: path(of: member.key), rule: "unknown field")
        }
    }

    func value(_ key: String, required: Bool) throws(ValidationFailure) -> JSONValue? {
        switch object[key] {
        case nil where required: throw ValidationFailure(path: path(of: key), rule: "required")
        case let value: return value
        }
    }

    func string(_ key: String, min: Int = 1, max: Int = 256) throws(ValidationFailure) -> String {
        guard let value = try optionalString(key, min: min, max: max) else {
            throw ValidationFailure(path: path(of: key), rule: "required")
        }
        return value
    }

    func optionalString(_ key: String, min: Int = 1, max: Int = 256) throws(ValidationFailure) -> String? {
        guard let value = object[key] else { return nil }
        guard case .string(let text) = value else {
            throw ValidationFailure(path: path(of: key), rule: "must be a string")
        }
        // UTF-8 bytes bound the character count from above, so most strings need no count.
        let bytes = text.utf8.count
        let length = bytes <= max ? bytes : text.unicodeScalars.count
        if min > 0 && bytes == 0 {
            throw ValidationFailure(path: path(of: key), rule: "must not be empty")
        }
        if length > max {
            throw ValidationFailure(path: path(of: key), rule: "must be at most \(max) characters")
        }
        return text
    }

    func number(_ key: String, in range: ClosedRange<Double>? = nil) throws(ValidationFailure) -> Double {
        guard let value = try optionalNumber(key, in: range) else {
            throw ValidationFailure(path: path(of: key), rule: "required")
        }
        return value
    }

    func optionalNumber(_ key: String, in range: ClosedRange<Double>? = nil) throws(ValidationFailure) -> Double? {
        guard let value = object[key] else { return nil }
        guard case .number(let number) = value else {
            throw ValidationFailure(path: path(of: key), rule: "must be a number")
        }
        if let range, !range.contains(number) {
            throw ValidationFailure(path: path(of: key), rule: rangeRule(range))
        }
        return number
    }

    func optionalInteger(_ key: String, in range: ClosedRange<Int>) throws(ValidationFailure) -> Int? {
        guard let value = object[key] else { return nil }
        guard case .number(let number) = value, number.rounded(.towardZero) == number else {
            throw ValidationFailure(path: path(of: key), rule: "must be an integer")
        }
        guard abs(number) <= 9_007_199_254_740_991 else {
            throw ValidationFailure(path: path(of: key), rule: "must be an integer of at most 9007199254740991")
        }
        guard number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
            throw ValidationFailure(path: path(of: key), rule: rangeRule(range))
        }
        return Int(number)
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(ValidationFailure) -> Int {
        guard let value = try optionalInteger(key, in: range) else {
            throw ValidationFailure(path: path(of: key), rule: "required")
        }
        return value
    }

    func choice<T: JSONNamedCode>(_ key: String, as type: T.Type) throws(ValidationFailure) -> T {
        guard let value = try optionalChoice(key, as: type) else {
            throw ValidationFailure(path: path(of: key), rule: "required")
        }
        return value
    }

    func optionalChoice<T: JSONNamedCode>(_ key: String, as type: T.Type) throws(ValidationFailure) -> T? {
        guard let value = object[key] else { return nil }
        guard case .string(let text) = value, let choice = T(jsonName: text) else {
            let names = T.allCases.map(\.jsonName)
            throw ValidationFailure(path: path(of: key), rule: "must be one of \(names.joined(separator: ", "))")
        }
        return choice
    }

    private func rangeRule(_ range: ClosedRange<Int>) -> String {
        rangeRule(Double(range.lowerBound)...Double(range.upperBound))
    }

    private func rangeRule(_ range: ClosedRange<Double>) -> String {
        func text(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x) }
        if range.upperBound >= Double(Int.max) {
            return "must be ≥ \(text(range.lowerBound))"
        }
        return "must be from \(text(range.lowerBound)) to \(text(range.upperBound))"
    }
}
