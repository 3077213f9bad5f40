/// The `profile` view: one `CustomerProfile` per customer, keyed by subject.
public struct ProfileProjector: Projector {
    public let name = "profile"
    public let version: UInt32 = 1

    public init() {}

    public func apply(_ event: StoredEvent, to view: ViewStore) throws {
        let key = Array(event.event.subject.utf8)
        var profile = try view.get(key).map { try CustomerProfile(encoded: $0) } ?? CustomerProfile()
        profile.apply(event.event, position: event.position)
        try view.put(key, profile.encoded)
    }
}
