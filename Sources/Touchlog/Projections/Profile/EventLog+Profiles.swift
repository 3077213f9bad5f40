import LMDB

extension EventLog {
    /// Calls `body` with every customer's id and profile, ordered by id (UTF-8 bytes), all from
    /// one snapshot of the profile view. For whole-base analyses; `body` must not use the log.
    ///
    /// - Throws: `TouchlogError` when the profile view is out of date, damaged or unreadable.
    public func forEachProfile(_ body: (String, CustomerProfile) -> Void) throws(TouchlogError) {
        try withView("profile") { txn, database in try Self.forEachProfile(in: txn, database, body) }
    }

    /// Calls `body` with every customer's profile in the profile view `database` in the snapshot
    /// `txn`. Subjects sort after the regions whose keys start with 0x00 (the kept churn list, the
    /// history snapshots); the open history blocks beside them are skipped.
    static func forEachProfile(in txn: Transaction, _ database: Database, _ body: (String, CustomerProfile) throws -> Void) throws {
        try txn.withCursor(database) { cursor in
            var entry = try [UInt8(1)].withUnsafeBytes { try cursor.seek(atOrAfter: $0) }
            while let current = entry {
                entry = try cursor.next()
                if current.key.contains(0) { continue }
                try body(String(decoding: current.key, as: UTF8.self), try CustomerProfile(encoded: current.value))
            }
        }
    }

    /// Calls `body` with every customer's profile at `horizon`, ordered by id: from the profile
    /// view for the present, else from a replay of the log (only what counted then).
    public func forEachProfile(at horizon: Horizon, _ body: (String, CustomerProfile) -> Void) throws(TouchlogError) {
        guard !horizon.isPresent else { return try forEachProfile(body) }
        let profiles = try replay(at: horizon).profiles
        for subject in profiles.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) { body(subject, profiles[subject]!) }
    }
}
