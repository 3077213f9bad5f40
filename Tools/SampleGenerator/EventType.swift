/// The six Touchlog event types, with the literal JSON fragments the envelope needs.
enum EventType: Int, CaseIterable {
    case purchase
    case survey
    case complaint
    case socialMention
    case visit
    case profileUpdated

    var name: StaticString {
        switch self {
        case .purchase: "touch.purchase"
        case .survey: "touch.survey"
        case .complaint: "touch.complaint"
        case .socialMention: "touch.social_mention"
        case .visit: "touch.visit"
        case .profileUpdated: "customer.profile_updated"
        }
    }
}
