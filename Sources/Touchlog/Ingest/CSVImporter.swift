/// How the columns of a CSV file become touch events; read from a JSON mapping file.
///
/// ```json
/// {
///   "source": "import/crm-surveys",
///   "customer": "customer_id", "customerPrefix": "crm-",
///   "time": "answered_at", "timeFormat": "rfc3339",
///   "type": "touch.survey",
///   "id": "response_id",
///   "data": {
///     "surveyId": {"value": "q3-2025"},
///     "metric": {"column": "metric"},
///     "score": {"column": "score", "as": "integer"},
///     "comment": "comment"
///   }
/// }
/// ```
///
/// - `customer`, `time`: column names (required). `timeFormat`: `rfc3339` (default), `date`
///   (`YYYY-MM-DD`, midnight UTC), `yyyymmdd` or `unix` (seconds since 1970).
/// - `type` a fixed event type, or `typeColumn` (plus an optional `types` table from column values
///   to event types) for files that mix several kinds of touch.
/// - `id`: a column with a unique row id, made into the event id `<prefix><value>`. Without one, the
///   id is the XXH64 of the row's bytes and its ordinal among identical rows, so re-importing the
///   same file stores nothing twice (but an edited row is a new event).
/// - `data`: the event's data fields. Each is a column name, `{"column": …, "as": "string" |
///   "number" | "integer" | "boolean"}` or `{"value": constant}`. Dotted names (`attributes.region`)
///   build nested objects. An empty cell leaves its field out (for `customer.profile_updated`,
///   `"as": "null-if-empty"` sends `null`, which removes the attribute).
/// - `delimiter` (default `,`), `header` (default `true`; without a header, columns are named
///   `1`, `2`, …).
///
/// Each row is then validated like any appended event: a bad row is rejected with its line, field
/// and rule.
public struct CSVMapping: Sendable, Decodable {
    public enum Conversion: String, Sendable, Decodable {
        case string, number, integer, boolean, nullIfEmpty = "null-if-empty"
    }

    /// One data field: a column (with a conversion) or a constant.
    public enum Field: Sendable, Decodable {
        case column(String, Conversion)
        case constant(JSONValueBox)

        public init(from decoder: any Decoder) throws {
            if let name = try? decoder.singleValueContainer().decode(String.self) {
                self = .column(name, .string)
                return
            }
            let container = try decoder.container(keyedBy: Keys.self)
            if let column = try container.decodeIfPresent(String.self, forKey: .column) {
                self = .column(column, try container.decodeIfPresent(Conversion.self, forKey: .as) ?? .string)
            } else if container.contains(.value) {
                self = .constant(try container.decode(JSONValueBox.self, forKey: .value))
            } else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a field needs \"column\" or \"value\""))
            }
        }

        enum Keys: String, CodingKey { case column, `as`, value }
    }

    public enum TimeFormat: String, Sendable, Decodable { case rfc3339, date, yyyymmdd, unix }

    public var source = "import/csv"
    public var customer: String
    public var customerPrefix = ""
    public var time: String
    public var timeFormat = TimeFormat.rfc3339
    public var type: String?
    public var typeColumn: String?
    public var types: [String: String] = [:]
    public var id: String?
    public var idPrefix = ""
    public var data: [String: Field] = [:]
    public var delimiter = ","
    public var header = true

    enum CodingKeys: String, CodingKey {
        case source, customer, customerPrefix, time, timeFormat, type, typeColumn, types, id, idPrefix, data, delimiter, header
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? source
        customer = try c.decode(String.self, forKey: .customer)
        customerPrefix = try c.decodeIfPresent(String.self, forKey: .customerPrefix) ?? ""
        time = try c.decode(String.self, forKey: .time)
        timeFormat = try c.decodeIfPresent(TimeFormat.self, forKey: .timeFormat) ?? .rfc3339
        type = try c.decodeIfPresent(String.self, forKey: .type)
        typeColumn = try c.decodeIfPresent(String.self, forKey: .typeColumn)
        types = try c.decodeIfPresent([String: String].self, forKey: .types) ?? [:]
        id = try c.decodeIfPresent(String.self, forKey: .id)
        idPrefix = try c.decodeIfPresent(String.self, forKey: .idPrefix) ?? ""
        data = try c.decodeIfPresent([String: Field].self, forKey: .data) ?? [:]
        delimiter = try c.decodeIfPresent(String.self, forKey: .delimiter) ?? ","
        header = try c.decodeIfPresent(Bool.self, forKey: .header) ?? true
        guard (type == nil) != (typeColumn == nil) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "give exactly one of \"type\" and \"typeColumn\""))
        }
        guard delimiter.utf8.count == 1, delimiter != "\"" else {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.delimiter], debugDescription: "the delimiter must be one byte, not a quote"))
        }
    }
}

/// A JSON value read from a mapping file (a constant field).
public struct JSONValueBox: Sendable, Decodable {
    public let value: JSONValue

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let flag = try? container.decode(Bool.self) {
            value = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            value = .number(number)
        } else if let text = try? container.decode(String.self) {
            value = .string(text)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a constant must be a string, number, boolean or null"))
        }
    }
}

/// Turns the rows of a CSV file into CloudEvent JSON lines by a `CSVMapping`, with stable ids.
public struct CSVImporter {
    public let mapping: CSVMapping
    private var columns: [String: Int] = [:]
    private var seenHeader = false
    private var identicalRows: [UInt64: Int] = [:]

    public init(mapping: CSVMapping) {
        self.mapping = mapping
    }

    /// The CloudEvent JSON for one line, `nil` for the header or a blank line.
    ///
    /// - Throws: `ValidationFailure` naming the column and the rule.
    public mutating func event(fromLine bytes: UnsafeRawBufferPointer) throws(ValidationFailure) -> [UInt8]? {
        var line = Array(bytes)
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
        let cells = try Self.split(line, delimiter: mapping.delimiter.utf8.first!)
        if mapping.header && !seenHeader {
            seenHeader = true
            for (index, name) in cells.enumerated() { columns[name.trimmingSpaces] = index }
            for name in requiredColumns where columns[name] == nil {
                throw ValidationFailure(path: "", rule: "the header has no column \(name) (columns: \(cells.joined(separator: ", ")))")
            }
            return nil
        }
        func cell(_ name: String) throws(ValidationFailure) -> String {
            guard let index = mapping.header ? columns[name] : Int(name).map({ $0 - 1 }), index >= 0 else {
                throw ValidationFailure(path: name, rule: "no such column")
            }
            guard index < cells.count else { throw ValidationFailure(path: name, rule: "the row has only \(cells.count) cells") }
            return cells[index]
        }
        let subject = try cell(mapping.customer)
        guard !subject.isEmpty else { throw ValidationFailure(path: mapping.customer, rule: "the customer is empty") }
        let time = try Self.time(try cell(mapping.time), format: mapping.timeFormat, column: mapping.time)
        let type: String
        if let fixed = mapping.type {
            type = fixed
        } else {
            let value = try cell(mapping.typeColumn!)
            type = mapping.types[value] ?? value
        }
        let id: String
        if let idColumn = mapping.id {
            let value = try cell(idColumn)
            guard !value.isEmpty else { throw ValidationFailure(path: idColumn, rule: "the id is empty") }
            id = mapping.idPrefix + value
        } else {
            let hash = XXHash64.hash(line)
            let ordinal = identicalRows[hash, default: 0] + 1
            identicalRows[hash] = ordinal
            id = mapping.idPrefix + "row-" + String(hash, radix: 16) + "-\(ordinal)"
        }
        var data = JSONObject()
        for name in mapping.data.keys.sorted() {
            let value: JSONValue
            switch mapping.data[name]! {
            case .constant(let box): value = box.value
            case .column(let column, let conversion):
                let text = try cell(column)
                guard let converted = try Self.convert(text, conversion, column: column) else { continue }
                value = converted
            }
            Self.insert(value, at: name.split(separator: ".").map(String.init), into: &data)
        }
        let event = JSONValue.object(JSONObject(members: [
            JSONMember(key: "specversion", value: .string("1.0")),
            JSONMember(key: "id", value: .string(id)),
            JSONMember(key: "source", value: .string(mapping.source)),
            JSONMember(key: "type", value: .string(type)),
            JSONMember(key: "subject", value: .string(mapping.customerPrefix + subject)),
            JSONMember(key: "time", value: .string(time)),
            JSONMember(key: "data", value: .object(data)),
        ]))
        return Array(event.serialized().utf8)
    }

    private var requiredColumns: [String] {
        var names = [mapping.customer, mapping.time]
        if let typeColumn = mapping.typeColumn { names.append(typeColumn) }
        if let id = mapping.id { names.append(id) }
        for field in mapping.data.values { if case .column(let name, _) = field { names.append(name) } }
        return names
    }

    /// Splits one RFC 4180 line: quoted cells may hold delimiters and doubled quotes; cells are
    /// not trimmed. Line breaks inside quotes are not supported (each line is one row).
    static func split(_ line: [UInt8], delimiter: UInt8) throws(ValidationFailure) -> [String] {
        var cells: [String] = []
        var current: [UInt8] = []
        var index = 0
        var quoted = false
        var wasQuoted = false
        while index < line.count {
            let byte = line[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < line.count && line[index + 1] == UInt8(ascii: "\"") {
                        current.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(byte)
                }
            } else if byte == delimiter {
                cells.append(String(decoding: current, as: UTF8.self))
                current = []
                wasQuoted = false
            } else if byte == UInt8(ascii: "\"") && current.isEmpty && !wasQuoted {
                quoted = true
                wasQuoted = true
            } else {
                current.append(byte)
            }
            index += 1
        }
        if quoted { throw ValidationFailure(path: "", rule: "a quoted cell is not closed on its line (line breaks inside quotes are not supported)") }
        cells.append(String(decoding: current, as: UTF8.self))
        return cells
    }

    static func time(_ text: String, format: CSVMapping.TimeFormat, column: String) throws(ValidationFailure) -> String {
        let trimmed = text.trimmingSpaces
        let timestamp: Timestamp?
        switch format {
        case .rfc3339: timestamp = Timestamp(rfc3339: trimmed)
        case .date: timestamp = trimmed.utf8.count == 10 ? Timestamp(dateOrDateTime: trimmed) : nil
        case .yyyymmdd:
            let digits = Array(trimmed)
            timestamp = digits.count == 8 && digits.allSatisfy(\.isNumber)
                ? Timestamp(dateOrDateTime: "\(String(digits[0..<4]))-\(String(digits[4..<6]))-\(String(digits[6..<8]))") : nil
        case .unix:
            timestamp = Double(trimmed).flatMap { $0.isFinite && abs($0) < 1e11 ? Timestamp(microseconds: Int64(($0 * 1_000_000).rounded())) : nil }
        }
        guard let timestamp else { throw ValidationFailure(path: column, rule: "must be a time in the \(format.rawValue) format, not \"\(text)\"") }
        return timestamp.rfc3339
    }

    static func convert(_ text: String, _ conversion: CSVMapping.Conversion, column: String) throws(ValidationFailure) -> JSONValue? {
        let trimmed = text.trimmingSpaces
        if trimmed.isEmpty { return conversion == .nullIfEmpty ? .null : nil }
        switch conversion {
        case .string, .nullIfEmpty: return .string(text)
        case .number:
            guard let number = Double(trimmed), number.isFinite else { throw ValidationFailure(path: column, rule: "must be a number, not \"\(text)\"") }
            return .number(number)
        case .integer:
            guard let number = Int(trimmed) else { throw ValidationFailure(path: column, rule: "must be a whole number, not \"\(text)\"") }
            return .number(Double(number))
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: throw ValidationFailure(path: column, rule: "must be true/false, yes/no or 1/0, not \"\(text)\"")
            }
        }
    }

    /// Puts `value` at a dotted path, creating the objects on the way.
    static func insert(_ value: JSONValue, at path: [String], into object: inout JSONObject) {
        guard let first = path.first else { return }
        if path.count == 1 {
            object.members.append(JSONMember(key: first, value: value))
            return
        }
        var nested = JSONObject()
        if let index = object.members.firstIndex(where: { $0.key == first }), case .object(let existing) = object.members[index].value {
            nested = existing
            object.members.remove(at: index)
        }
        insert(value, at: Array(path.dropFirst()), into: &nested)
        object.members.append(JSONMember(key: first, value: .object(nested)))
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
