/// Turns the CDNOW purchase logs (Fader, Hardie & Lee 2005; shipped with `lifetimes`) into
/// `touch.purchase` events. Both layouts are read: the master file (`customer date cds dollars`,
/// with a header line) and the 1-in-10 sample (`customer sample-index date cds dollars`).
///
/// Event ids are stable: `cdnow-<customer>-<yyyymmdd>-<n>`, n counting that customer's purchases
/// on that day in file order, so importing the same file twice stores nothing twice.
public struct CDNOWImporter {
    /// The CloudEvents `source` of imported events.
    public static let source = "import/cdnow"

    private var purchasesPerDay: [String: Int] = [:]

    public init() {}

    /// The CloudEvent JSON for one line, `nil` for the header or a blank line.
    ///
    /// - Throws: `ValidationFailure` naming the column and the rule.
    public mutating func event(fromLine line: String) throws(ValidationFailure) -> [UInt8]? {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        if fields.isEmpty || fields.first == "customer_id" { return nil }
        let customer: Substring, date: Substring, cds: Substring, dollars: Substring
        switch fields.count {
        case 4: (customer, date, cds, dollars) = (fields[0], fields[1], fields[2], fields[3])
        case 5: (customer, date, cds, dollars) = (fields[0], fields[2], fields[3], fields[4])
        default:
            throw ValidationFailure(path: "", rule: "expected 4 columns (customer date cds dollars) or 5 (customer sample date cds dollars), found \(fields.count)")
        }
        guard customer.allSatisfy(\.isNumber), customer.count <= 20 else {
            throw ValidationFailure(path: "customer_id", rule: "must be digits")
        }
        guard date.count == 8, let year = Int(date.prefix(4)), let month = Int(date.dropFirst(4).prefix(2)),
              let day = Int(date.suffix(2)), (1...12).contains(month), day >= 1,
              day <= Timestamp.daysIn(month: month, year: year), year >= 1
        else { throw ValidationFailure(path: "date", rule: "must be a date YYYYMMDD, not \(date)") }
        guard let quantity = Int(cds), quantity >= 0 else {
            throw ValidationFailure(path: "number_of_cds", rule: "must be a whole number ≥ 0, not \(cds)")
        }
        guard let amount = Double(dollars), amount.isFinite, amount >= 0 else {
            throw ValidationFailure(path: "dollar_value", rule: "must be a number ≥ 0, not \(dollars)")
        }
        let dayKey = "\(customer)-\(date)"
        let ordinal = purchasesPerDay[dayKey, default: 0] + 1
        purchasesPerDay[dayKey] = ordinal
        let id = "cdnow-\(dayKey)-\(ordinal)"
        let time = "\(date.prefix(4))-\(date.dropFirst(4).prefix(2))-\(date.suffix(2))T00:00:00Z"
        let items = quantity > 0
            ? #","items":[{"sku":"cd","category":"music","quantity":\#(quantity),"unitPrice":\#(JSONValue.number(amount / Double(quantity)).serialized())}]"#
            : ""
        let json = #"{"specversion":"1.0","id":"\#(id)","source":"\#(Self.source)","type":"touch.purchase","subject":"cdnow-\#(customer)","time":"\#(time)","dataschema":"urn:touchlog:schema:touch.purchase:1","data":{"orderId":"\#(id)","amount":\#(JSONValue.number(amount).serialized()),"currency":"USD"\#(items),"channel":"online"}}"#
        return Array(json.utf8)
    }
}
