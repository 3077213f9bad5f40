/// A validated customer touch: the CloudEvents attributes Touchlog keys on and the typed fields
/// that projections read. Free text (comments, mention texts, URLs) stays in the raw JSON only.
public struct TouchEvent: Sendable, Equatable {
    /// The CloudEvents `id`; unique per `source`.
    public var id: String {
        _read { yield fields.id }
        set { fields = Fields(id: newValue, source: source, subject: subject, time: time, payload: payload) }
    }
    /// The CloudEvents `source`, for example `pos/store-042`.
    public var source: String {
        _read { yield fields.source }
        set { fields = Fields(id: id, source: newValue, subject: subject, time: time, payload: payload) }
    }
    /// The customer id (CloudEvents `subject`).
    public var subject: String {
        _read { yield fields.subject }
        set { fields = Fields(id: id, source: source, subject: newValue, time: time, payload: payload) }
    }
    /// When the touch happened (event time, given by the source).
    public var time: Timestamp {
        get { fields.time }
        set { fields = Fields(id: id, source: source, subject: subject, time: newValue, payload: payload) }
    }
    /// The typed data.
    public var payload: Payload {
        _read { yield fields.payload }
        set { fields = Fields(id: id, source: source, subject: subject, time: time, payload: newValue) }
    }

    /// The fields, shared by every copy: an event is copied several times on its way from the
    /// decoder to the log and the views (batches, shares, folds), and a copy of one reference
    /// costs one retain where a copy of the fields cost one per string and array in them.
    /// Immutable; a setter replaces it.
    private var fields: Fields

    public init(id: String, source: String, subject: String, time: Timestamp, payload: Payload) {
        fields = Fields(id: id, source: source, subject: subject, time: time, payload: payload)
    }

    /// The event's type, implied by its payload.
    public var type: EventType { payload.type }

    public static func == (a: TouchEvent, b: TouchEvent) -> Bool {
        a.fields === b.fields
            || (a.id == b.id && a.source == b.source && a.subject == b.subject && a.time == b.time && a.payload == b.payload)
    }

    private final class Fields: Sendable {
        let id: String
        let source: String
        let subject: String
        let time: Timestamp
        let payload: Payload

        init(id: String, source: String, subject: String, time: Timestamp, payload: Payload) {
            self.id = id
            self.source = source
            self.subject = subject
            self.time = time
            self.payload = payload
        }
    }
}

extension TouchEvent: CustomReflectable {
    /// The fields, as a struct of them would show (in `print`, `dump` and test failures).
    public var customMirror: Mirror {
        Mirror(self, children: ["id": id, "source": source, "subject": subject, "time": time, "payload": payload], displayStyle: .struct)
    }
}

/// The typed data of a touch, one case per event type.
public enum Payload: Sendable, Equatable {
    case purchase(Purchase)
    case survey(Survey)
    case complaint(Complaint)
    case socialMention(SocialMention)
    case visit(Visit)
    case profileUpdated(ProfileUpdate)

    public var type: EventType {
        switch self {
        case .purchase: .purchase
        case .survey: .survey
        case .complaint: .complaint
        case .socialMention: .socialMention
        case .visit: .visit
        case .profileUpdated: .profileUpdated
        }
    }
}

/// `touch.purchase`: an order with its amount in major currency units.
public struct Purchase: Sendable, Equatable {
    public enum Channel: UInt8, Sendable, CaseIterable { case online = 1, store, app, phone, partner }

    public var orderId: String
    public var amount: Double
    /// ISO 4217 code, for example `EUR`.
    public var currency: String
    public var items: [LineItem]
    public var channel: Channel?
    public var discount: Double?

    public init(
        orderId: String, amount: Double, currency: String, items: [LineItem] = [],
        channel: Channel? = nil, discount: Double? = nil
    ) {
        self.orderId = orderId
        self.amount = amount
        self.currency = currency
        self.items = items
        self.channel = channel
        self.discount = discount
    }
}

/// One line of a purchase.
public struct LineItem: Sendable, Equatable {
    public var sku: String
    public var category: String
    public var quantity: Int
    public var unitPrice: Double

    public init(sku: String, category: String, quantity: Int, unitPrice: Double) {
        self.sku = sku
        self.category = category
        self.quantity = quantity
        self.unitPrice = unitPrice
    }
}

/// `touch.survey`: one answer to an NPS, CSAT or CES question.
public struct Survey: Sendable, Equatable {
    public enum Metric: UInt8, Sendable, CaseIterable {
        case nps = 1, csat, ces

        /// The valid score range of the metric.
        public var scores: ClosedRange<Int> {
            switch self {
            case .nps: 0...10
            case .csat: 1...5
            case .ces: 1...7
            }
        }
    }

    public var surveyId: String
    public var metric: Metric
    public var score: Int

    public init(surveyId: String, metric: Metric, score: Int) {
        self.surveyId = surveyId
        self.metric = metric
        self.score = score
    }
}

/// `touch.complaint`: a complaint opened or resolved; both carry the same `complaintId`.
public struct Complaint: Sendable, Equatable {
    public enum Status: UInt8, Sendable, CaseIterable { case opened = 1, resolved }
    public enum Severity: UInt8, Sendable, CaseIterable { case low = 1, medium, high }

    public var complaintId: String
    public var status: Status
    public var category: String?
    public var severity: Severity?
    public var channel: String?

    public init(
        complaintId: String, status: Status, category: String? = nil, severity: Severity? = nil,
        channel: String? = nil
    ) {
        self.complaintId = complaintId
        self.status = status
        self.category = category
        self.severity = severity
        self.channel = channel
    }
}

/// `touch.social_mention`: the customer mentioned the business on a platform.
public struct SocialMention: Sendable, Equatable {
    public var platform: String
    /// From −1 (negative) to 1 (positive).
    public var sentiment: Double?
    public var reach: Int?

    public init(platform: String, sentiment: Double? = nil, reach: Int? = nil) {
        self.platform = platform
        self.sentiment = sentiment
        self.reach = reach
    }
}

/// `touch.visit`: a visit to the web shop, a store, the app, or a call.
public struct Visit: Sendable, Equatable {
    public enum Channel: UInt8, Sendable, CaseIterable { case web = 1, store, app, call }

    public var channel: Channel
    public var location: String?
    public var durationSeconds: Double?

    public init(channel: Channel, location: String? = nil, durationSeconds: Double? = nil) {
        self.channel = channel
        self.location = location
        self.durationSeconds = durationSeconds
    }
}

/// `customer.profile_updated`: attributes set (or removed, when `nil`) at the event's time.
public struct ProfileUpdate: Sendable, Equatable {
    /// Attribute names with their new values, in document order; `nil` removes the attribute.
    public var attributes: [(name: String, value: AttributeValue?)]

    public init(attributes: [(name: String, value: AttributeValue?)]) { self.attributes = attributes }

    public static func == (a: ProfileUpdate, b: ProfileUpdate) -> Bool {
        a.attributes.elementsEqual(b.attributes) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// A profile attribute's value.
public enum AttributeValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
}

extension AttributeValue {
    /// The value as a label for grouping (a region, a source): the string itself, a number as
    /// JSON writes it, `true` or `false`.
    public var label: String {
        switch self {
        case .string(let text): text
        case .number(let number): JSONValue.number(number).serialized()
        case .bool(let flag): flag ? "true" : "false"
        }
    }
}

/// A closed set of JSON string values stored as a one-byte code.
public protocol JSONNamedCode: CaseIterable, RawRepresentable, Sendable where RawValue == UInt8 {
    /// The value as it appears in JSON.
    var jsonName: String { get }
}

extension JSONNamedCode {
    /// The case whose JSON name is `name`.
    public init?(jsonName name: String) {
        guard let match = Self.allCases.first(where: { $0.jsonName == name }) else { return nil }
        self = match
    }
}

extension Purchase.Channel: JSONNamedCode {
    public var jsonName: String {
        switch self {
        case .online: "online"
        case .store: "store"
        case .app: "app"
        case .phone: "phone"
        case .partner: "partner"
        }
    }
}

extension Survey.Metric: JSONNamedCode {
    public var jsonName: String {
        switch self {
        case .nps: "nps"
        case .csat: "csat"
        case .ces: "ces"
        }
    }
}

extension Complaint.Status: JSONNamedCode {
    public var jsonName: String {
        switch self {
        case .opened: "opened"
        case .resolved: "resolved"
        }
    }
}

extension Complaint.Severity: JSONNamedCode {
    public var jsonName: String {
        switch self {
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        }
    }
}

extension Visit.Channel: JSONNamedCode {
    public var jsonName: String {
        switch self {
        case .web: "web"
        case .store: "store"
        case .app: "app"
        case .call: "call"
        }
    }
}
