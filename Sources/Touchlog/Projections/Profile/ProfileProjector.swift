/// The `profile` view: one `CustomerProfile` per customer, keyed by subject, and beside it the
/// customer's history snapshots (see `ProfileHistory`), which answer questions about the past, and
/// the kept churn list (see `ChurnWatch`), which answers `churn list` without evaluating everyone.
public struct ProfileProjector: Projector {
    public let name = "profile"
    public let version: UInt32 = 8
    /// A customer's every `snapshotInterval`-th event leaves a snapshot of their profile.
    public let snapshotInterval: Int

    /// - Parameter snapshotInterval: events of a customer between history snapshots (at least 1).
    ///   Smaller answers past horizons faster and stores more.
    public init(snapshotInterval: Int = 64) {
        self.snapshotInterval = max(1, snapshotInterval)
    }

    public func apply(_ event: StoredEvent, to view: ViewStore) throws {
        try apply([event], to: view)
    }

    /// Folds each customer's events of the batch together, in position order: decodes their
    /// profile once, folds, encodes it once, and updates their kept churn list entry with it.
    /// One customer is in memory at a time, and customers are taken in key order, so that reads
    /// of the kept churn list find each entry near the one before.
    public func apply(_ events: [StoredEvent], to view: ViewStore) throws {
        guard !events.isEmpty else { return }
        // Each customer's events as a chain: the index of their first, and after each event the
        // index of their next one (-1 after the last). Built backwards, so each chain runs forwards.
        var firstEvent: [String: Int] = [:]
        firstEvent.reserveCapacity(events.count)
        var nextEvent = [Int](repeating: -1, count: events.count)
        for index in events.indices.reversed() {
            let subject = events[index].event.subject
            if let next = firstEvent.updateValue(index, forKey: subject) { nextEvent[index] = next }
        }
        let settings = try ChurnWatch.settings(of: view)
        // A profile and its open block are neighbours, read through one cursor; the kept churn
        // list entries are in a region of their own, read through another.
        try view.readingNearby { profiles in
            try view.readingNearby { churnList in
                for (subject, first) in firstEvent.sorted(by: { $0.key < $1.key }) {
                    try fold(subject, events: events, from: first, next: nextEvent, profiles: profiles, churnList: churnList, settings: settings)
                }
            }
        }
    }

    /// Folds one customer's events (`first`, then along `next`) into their profile.
    private func fold(
        _ subject: String, events: [StoredEvent], from first: Int, next nextEvent: [Int],
        profiles: ViewStore, churnList: ViewStore, settings: ChurnWatch.Settings
    ) throws {
        let profile = try profiles.get(Array(subject.utf8)).map { try CustomerProfile(encoded: $0) } ?? CustomerProfile()
        let openKey = ProfileHistory.openBlockKey(subject)
        let storedOpenBlock = try openKey.withUnsafeBytes { key in try profiles.get(openKey).map { try ProfileHistory.decodeOpenBlock($0, key: key) } }
        var customer = ProfileFolder.Customer(profile: profile, history: ProfileHistoryTracker(blockEarliest: storedOpenBlock))
        // A new customer's kept entry is written whatever their events; others' only when an
        // event concerns it.
        var concernsChurn = profile.isEmpty
        var index = first
        while index >= 0 {
            if CustomerProfile.concernsChurnRules(events[index].event) { concernsChurn = true }
            if let snapshot = ProfileFolder.fold(events[index], into: &customer, snapshotInterval: snapshotInterval) {
                try profiles.put(snapshot.key, snapshot.value)
            }
            index = nextEvent[index]
        }
        try profiles.put(Array(subject.utf8), customer.profile.encoded)
        try ProfileFolder.writeOpenBlock(customer.history, of: subject, replacing: storedOpenBlock, to: profiles)
        if concernsChurn {
            try ChurnWatch.replace(of: subject, with: customer.profile, settings: settings, in: churnList)
        }
    }

    public func makeRebuildFolder() -> (any ViewFolder)? { ProfileFolder(snapshotInterval: snapshotInterval) }

    /// Profiles, snapshots and kept churn list entries are each one customer's; the kept list's
    /// settings are the same whoever writes them.
    public var foldsCustomersApart: Bool { true }
}

/// The profiles of a rebuild's share of customers in memory, written after each group of
/// customers; with a snapshot interval, also their history snapshots (as the appends would have
/// left them) and their kept churn list entries.
struct ProfileFolder: ViewFolder {
    /// A customer's profile and where their open history block stands.
    struct Customer {
        var profile = CustomerProfile()
        var history = ProfileHistoryTracker()
    }

    typealias Entry = (key: [UInt8], value: [UInt8])

    private var customers: [String: Customer] = [:]
    /// Events between history snapshots, or `nil` to keep no history (replays).
    let snapshotInterval: Int?
    private var snapshots: [Entry] = []
    /// What the kept churn list is computed with (read by `begin`).
    private var churnSettings: ChurnWatch.Settings?
    /// Encoded by `prepareFinal`, each sorted by key: the entries under the customers' subjects
    /// (profiles, open blocks), and those in the regions that start with 0x00 (kept churn list
    /// entries, history snapshots).
    private var prepared: (own: [Entry], regions: [Entry]) = ([], [])

    init(snapshotInterval: Int? = nil) {
        self.snapshotInterval = snapshotInterval
    }

    /// The profiles folded so far, by subject.
    var profiles: [String: CustomerProfile] { customers.mapValues(\.profile) }

    mutating func begin(in view: ViewStore) throws {
        churnSettings = try ChurnWatch.settings(of: view)
    }

    mutating func fold(_ event: StoredEvent) throws {
        if let snapshot = Self.fold(event, into: &customers[event.event.subject, default: Customer()], snapshotInterval: snapshotInterval) {
            snapshots.append(snapshot)
        }
    }

    /// Folds into one customer (one dictionary lookup); returns the snapshot the event completed.
    static func fold(_ event: StoredEvent, into customer: inout Customer, snapshotInterval: Int?) -> (key: [UInt8], value: [UInt8])? {
        customer.profile.apply(event.event, position: event.position)
        guard let snapshotInterval else { return nil }
        // Read apart from the history's mutation, which would otherwise copy the whole profile.
        let eventCount = customer.profile.eventCount
        guard let blockEarliest = customer.history.note(event.event.time, eventCount: eventCount, interval: snapshotInterval) else { return nil }
        return ProfileHistory.snapshot(of: customer.profile, subject: event.event.subject, position: event.position, blockEarliest: blockEarliest)
    }

    mutating func prepareFinal() {
        var own: [Entry] = [], regions = snapshots
        own.reserveCapacity(2 * customers.count)
        regions.reserveCapacity(snapshots.count + customers.count)
        for (subject, customer) in customers {
            own.append((Array(subject.utf8), customer.profile.encoded))
            if snapshotInterval != nil, let earliest = customer.history.blockEarliest {
                let key = ProfileHistory.openBlockKey(subject)
                own.append((key, ProfileHistory.encodeOpenBlock(earliest: earliest, key: key)))
            }
            if let churnSettings, let watch = ChurnWatch(customer.profile, settings: churnSettings) {
                regions.append(watch.entry(of: subject))
            }
        }
        own.sort { KeyOrder.precedes($0.key, $1.key) }
        regions.sort { KeyOrder.precedes($0.key, $1.key) }
        prepared = (Self.merged(prepared.own, own), Self.merged(prepared.regions, regions))
        customers = [:]
        snapshots = []
    }

    mutating func merge(_ other: any ViewFolder) {
        guard let other = other as? ProfileFolder else { return }
        customers.merge(other.customers) { mine, _ in mine }  // disjoint customers
        snapshots += other.snapshots
        prepared = (Self.merged(prepared.own, other.prepared.own), Self.merged(prepared.regions, other.prepared.regions))
    }

    /// Two lists sorted by key, as one.
    private static func merged(_ a: [Entry], _ b: [Entry]) -> [Entry] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var result: [Entry] = []
        result.reserveCapacity(a.count + b.count)
        var (i, j) = (0, 0)
        while i < a.count, j < b.count {
            if KeyOrder.precedes(a[i].key, b[j].key) { result.append(a[i]); i += 1 } else { result.append(b[j]); j += 1 }
        }
        result += a[i...]
        result += b[j...]
        return result
    }

    /// Writes what `prepareFinal` encoded: the customers' own entries in key order after every
    /// key in the view (groups come in subject order), their entries in the 0x00 regions among
    /// others.
    func writeFinal(to view: ViewStore) throws {
        for entry in prepared.own { try view.append(entry.key, entry.value) }
        for entry in prepared.regions { try view.put(entry.key, entry.value) }
    }

    mutating func dropFinal() {
        prepared = ([], [])
    }

    func write(to view: ViewStore) throws {
        var rest = self
        rest.prepareFinal()
        try rest.writeFinal(to: view)
    }

    /// Stores a customer's open block unless the stored one (`stored`, its earliest event time) is
    /// the same, or removes the stored one once a snapshot closed it.
    static func writeOpenBlock(_ history: ProfileHistoryTracker, of subject: String, replacing stored: Int64?, to view: ViewStore) throws {
        guard history.blockEarliest != stored else { return }  // most batches: the block goes on
        if let earliest = history.blockEarliest {
            let key = ProfileHistory.openBlockKey(subject)
            try view.put(key, ProfileHistory.encodeOpenBlock(earliest: earliest, key: key))
        } else if stored != nil {
            try view.delete(ProfileHistory.openBlockKey(subject))
        }
    }
}
