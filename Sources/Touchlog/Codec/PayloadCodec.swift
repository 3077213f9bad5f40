/// The compact binary form of each payload type inside a stored record (format version 1).
/// Optional values are a presence byte (0 or 1) followed by the value when present; enumerations
/// are their `UInt8` raw value.
enum PayloadCodec {
    static func encode(_ payload: Payload) -> ByteWriter {
        var w = ByteWriter(capacity: 96)
        encode(payload, into: &w)
        return w
    }

    /// Appends the compact form of `payload` to `w`.
    static func encode(_ payload: Payload, into w: inout ByteWriter) {
        switch payload {
        case .purchase(let p):
            w.write(p.orderId)
            w.write(p.amount)
            w.write(p.currency)
            w.write(p.channel?.rawValue ?? 0)
            w.writeOptional(p.discount) { $0.write($1) }
            w.write(UInt16(p.items.count))
            for item in p.items {
                w.write(item.sku)
                w.write(item.category)
                w.write(Int64(item.quantity))
                w.write(item.unitPrice)
            }
        case .survey(let s):
            w.write(s.surveyId)
            w.write(s.metric.rawValue)
            w.write(Int16(s.score))
        case .complaint(let c):
            w.write(c.complaintId)
            w.write(c.status.rawValue)
            w.write(c.severity?.rawValue ?? 0)
            w.writeOptional(c.category) { $0.write($1) }
            w.writeOptional(c.channel) { $0.write($1) }
        case .socialMention(let m):
            w.write(m.platform)
            w.writeOptional(m.sentiment) { $0.write($1) }
            w.writeOptional(m.reach) { $0.write(Int64($1)) }
        case .visit(let v):
            w.write(v.channel.rawValue)
            w.writeOptional(v.location) { $0.write($1) }
            w.writeOptional(v.durationSeconds) { $0.write($1) }
        case .profileUpdated(let u):
            w.write(UInt16(u.attributes.count))
            for (name, value) in u.attributes {
                w.write(name)
                switch value {
                case nil: w.write(UInt8(0))
                case .string(let text)?: w.write(UInt8(1)); w.write(text)
                case .number(let number)?: w.write(UInt8(2)); w.write(number)
                case .bool(let flag)?: w.write(UInt8(3)); w.write(UInt8(flag ? 1 : 0))
                }
            }
        }
    }

    static func decode(_ type: EventType, from r: inout ByteReader) throws -> Payload {
        switch type {
        case .purchase:
            let orderId = try r.readString()
            let amount = try r.readDouble()
            let currency = try r.readString()
            let channel = try r.readEnum(Purchase.Channel.self)
            let discount = try r.readOptional { try $0.readDouble() }
            let count = Int(try r.read(UInt16.self))
            var items: [LineItem] = []
            items.reserveCapacity(count)
            for _ in 0..<count {
                items.append(LineItem(
                    sku: try r.readString(), category: try r.readString(),
                    quantity: Int(try r.read(Int64.self)), unitPrice: try r.readDouble()
                ))
            }
            return .purchase(Purchase(
                orderId: orderId, amount: amount, currency: currency, items: items, channel: channel, discount: discount
            ))
        case .survey:
            let surveyId = try r.readString()
            guard let metric = try r.readEnum(Survey.Metric.self) else { throw RecordDamage(reason: "survey without metric") }
            return .survey(Survey(surveyId: surveyId, metric: metric, score: Int(try r.read(Int16.self))))
        case .complaint:
            let complaintId = try r.readString()
            guard let status = try r.readEnum(Complaint.Status.self) else { throw RecordDamage(reason: "complaint without status") }
            let severity = try r.readEnum(Complaint.Severity.self)
            return .complaint(Complaint(
                complaintId: complaintId, status: status,
                category: try r.readOptional { try $0.readString() }, severity: severity,
                channel: try r.readOptional { try $0.readString() }
            ))
        case .socialMention:
            return .socialMention(SocialMention(
                platform: try r.readString(),
                sentiment: try r.readOptional { try $0.readDouble() },
                reach: try r.readOptional { Int(try $0.read(Int64.self)) }
            ))
        case .visit:
            guard let channel = try r.readEnum(Visit.Channel.self) else { throw RecordDamage(reason: "visit without channel") }
            return .visit(Visit(
                channel: channel, location: try r.readOptional { try $0.readString() },
                durationSeconds: try r.readOptional { try $0.readDouble() }
            ))
        case .profileUpdated:
            let count = Int(try r.read(UInt16.self))
            var attributes: [(name: String, value: AttributeValue?)] = []
            attributes.reserveCapacity(count)
            for _ in 0..<count {
                let name = try r.readString()
                switch try r.read(UInt8.self) {
                case 0: attributes.append((name, nil))
                case 1: attributes.append((name, .string(try r.readString())))
                case 2: attributes.append((name, .number(try r.readDouble())))
                case 3: attributes.append((name, .bool(try r.read(UInt8.self) != 0)))
                case let tag: throw RecordDamage(reason: "unknown attribute tag \(tag)")
                }
            }
            return .profileUpdated(ProfileUpdate(attributes: attributes))
        }
    }
}

extension ByteWriter {
    mutating func writeOptional<T>(_ value: T?, _ body: (inout ByteWriter, T) -> Void) {
        if let value {
            write(UInt8(1))
            body(&self, value)
        } else {
            write(UInt8(0))
        }
    }
}

extension ByteReader {
    mutating func readOptional<T>(_ body: (inout ByteReader) throws -> T) throws -> T? {
        switch try read(UInt8.self) {
        case 0: return nil
        case 1: return try body(&self)
        case let flag: throw RecordDamage(reason: "bad presence flag \(flag)")
        }
    }

    /// An enumeration stored as its raw value, 0 meaning absent.
    mutating func readEnum<T: RawRepresentable>(_: T.Type) throws -> T? where T.RawValue == UInt8 {
        let raw = try read(UInt8.self)
        if raw == 0 { return nil }
        guard let value = T(rawValue: raw) else { throw RecordDamage(reason: "unknown \(T.self) code \(raw)") }
        return value
    }
}
