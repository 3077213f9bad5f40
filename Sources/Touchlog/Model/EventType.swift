/// The kinds of customer touch Touchlog records; the raw value is the stored type code.
public enum EventType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case purchase = 1
    case survey = 2
    case complaint = 3
    case socialMention = 4
    case visit = 5
    case profileUpdated = 6

    /// The CloudEvents `type` attribute, for example `touch.purchase`.
    public var name: String {
        switch self {
        case .purchase: "touch.purchase"
        case .survey: "touch.survey"
        case .complaint: "touch.complaint"
        case .socialMention: "touch.social_mention"
        case .visit: "touch.visit"
        case .profileUpdated: "customer.profile_updated"
        }
    }

    /// The `dataschema` URI of version 1 of this type's data.
    public var dataSchema: String {
        // Literals: every event's `dataschema` is checked against this.
        switch self {
        case .purchase: "urn:touchlog:schema:touch.purchase:1"
        case .survey: "urn:touchlog:schema:touch.survey:1"
        case .complaint: "urn:touchlog:schema:touch.complaint:1"
        case .socialMention: "urn:touchlog:schema:touch.social_mention:1"
        case .visit: "urn:touchlog:schema:touch.visit:1"
        case .profileUpdated: "urn:touchlog:schema:customer.profile_updated:1"
        }
    }

    public var description: String { name }

    /// The type named by a CloudEvents `type` attribute, or `nil` if Touchlog does not know it.
    public init?(name: String) {
        guard let match = EventType.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }
}
