/// The `profile` view: one `CustomerProfile` per customer, keyed by subject.
public struct ProfileProjector: Projector {
    public let name = "profile"
    public let version: UInt32 = 2

    public init() {}

    public func apply(_ event: StoredEvent, to view: ViewStore) throws {
        try apply([event], to: view)
    }

    /// Decodes each customer's profile once per batch, folds all their events, encodes it once.
    public func apply(_ events: [StoredEvent], to view: ViewStore) throws {
        var profiles: [String: CustomerProfile] = [:]
        for event in events {
            let subject = event.event.subject
            if profiles[subject] == nil {
                profiles[subject] = try view.get(Array(subject.utf8)).map { try CustomerProfile(encoded: $0) } ?? CustomerProfile()
            }
            profiles[subject]!.apply(event.event, position: event.position)
        }
        for (subject, profile) in profiles { try view.put(Array(subject.utf8), profile.encoded) }
    }

    public func makeRebuildFolder() -> (any ViewFolder)? { ProfileFolder() }
}

/// The profiles of a rebuild's share of customers in memory, written after each pass.
struct ProfileFolder: ViewFolder {
    var profiles: [String: CustomerProfile] = [:]

    mutating func fold(_ event: StoredEvent) throws {
        profiles[event.event.subject, default: CustomerProfile()].apply(event.event, position: event.position)
    }

    mutating func merge(_ other: any ViewFolder) {
        guard let other = other as? ProfileFolder else { return }
        profiles.merge(other.profiles) { mine, _ in mine }  // disjoint customers
    }

    func writeFinal(to view: ViewStore) throws { try write(to: view) }

    mutating func dropFinal() { profiles = [:] }

    func write(to view: ViewStore) throws {
        for (subject, profile) in profiles { try view.put(Array(subject.utf8), profile.encoded) }
    }
}
