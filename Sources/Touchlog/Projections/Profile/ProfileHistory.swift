/// Snapshots of a customer's profile along their history, kept in the profile view beside the
/// current profile, so that a profile at a past horizon starts from a snapshot instead of folding
/// every event of the customer.
///
/// Every `interval`-th event of a customer (by position) leaves a snapshot: the profile of their
/// events up to that position, the latest event time among them, and the earliest event time of
/// the events since the previous snapshot (its *block*). The block's earliest time of the events
/// after the last snapshot is kept in an *open block* entry. Keys (subjects never contain control
/// characters, so these never collide with a customer's own key):
/// ```
/// subject 0x00                       open block:  u8 format (1), i64 earliest event time µs, u32 check
/// 0x00 'h' subject 0x00 u64be position
///                                    snapshot:    u8 format (1), i64 block's earliest event time µs,
///                                                 i64 latest event time µs, u32 check,
///                                                 profile (stored form, with its own checksum)
/// (little-endian; check: the low 32 bits of the XXH64 of the bytes before it, see `SealedEntry`)
/// ```
/// The open block sits beside the profile, as every batch that touches the customer reads and
/// may write both. The snapshots, written once and read only for past horizons, sit in a region
/// of their own: among the profiles they would fill the pages that every batch rewrites, and they
/// take more bytes than the profiles themselves.
/// Unlike the profiles, snapshots depend on arrival order (they are taken by position); a rebuild
/// writes the same ones as the appends did.
enum ProfileHistory {
    static let format: UInt8 = 1

    /// A snapshot as stored: where it was taken, what its block and prefix span, and the profile.
    struct Snapshot {
        let position: UInt64
        let blockEarliest: Int64
        let latest: Int64
        let profile: UnsafeRawBufferPointer
    }

    static func openBlockKey(_ subject: String) -> [UInt8] {
        var key = Array(subject.utf8)
        key.append(0)
        return key
    }

    /// The start of every snapshot key (the history region of the profile view).
    static let snapshotRegion: [UInt8] = [0, UInt8(ascii: "h")]

    /// What the keys of `subject`'s snapshots start with: `00 'h' subject 00`.
    static func snapshotPrefix(_ subject: String) -> [UInt8] {
        snapshotRegion + Array(subject.utf8) + [0]
    }

    static func snapshotKey(_ subject: String, position: UInt64) -> [UInt8] {
        var key = snapshotPrefix(subject)
        withUnsafeBytes(of: position.bigEndian) { key.append(contentsOf: $0) }
        return key
    }

    static func encodeOpenBlock(earliest: Int64, key: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(format)
        writer.write(earliest)
        return SealedEntry.seal(writer.bytes, key: key)
    }

    static func decodeOpenBlock(_ sealed: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer) throws(TouchlogError) -> Int64 {
        guard let bytes = SealedEntry.open(sealed, key: key) else { throw damaged("an open history block") }
        var reader = ByteReader(bytes)
        guard (try? reader.read(UInt8.self)) == format, let earliest = try? reader.read(Int64.self), reader.isAtEnd else {
            throw damaged("an open history block")
        }
        return earliest
    }

    /// The snapshot entry of `profile` (not empty) taken at `position`, closing the block that
    /// began at `blockEarliest`.
    static func snapshot(of profile: CustomerProfile, subject: String, position: UInt64, blockEarliest: Int64) -> (key: [UInt8], value: [UInt8]) {
        let key = snapshotKey(subject, position: position)
        let latest = profile.lastSeen?.microseconds ?? blockEarliest
        return (key, encodeSnapshot(blockEarliest: blockEarliest, latest: latest, profile: profile.encoded, key: key))
    }

    static func encodeSnapshot(blockEarliest: Int64, latest: Int64, profile: [UInt8], key: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(format)
        writer.write(blockEarliest)
        writer.write(latest)
        return SealedEntry.seal(writer.bytes, key: key) + profile
    }

    /// Reads a snapshot entry; the profile bytes are checked only when decoded.
    static func decodeSnapshot(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(TouchlogError) -> Snapshot {
        let headerSize = 1 + 8 + 8
        guard value.count >= headerSize + 4, let header = SealedEntry.open(UnsafeRawBufferPointer(rebasing: value[..<(headerSize + 4)]), key: key) else {
            throw damaged("a history snapshot")
        }
        var reader = ByteReader(header)
        guard key.count >= 9, (try? reader.read(UInt8.self)) == format,
              let blockEarliest = try? reader.read(Int64.self), let latest = try? reader.read(Int64.self)
        else { throw damaged("a history snapshot") }
        return Snapshot(
            position: UInt64(bigEndian: key.loadUnaligned(fromByteOffset: key.count - 8, as: UInt64.self)),
            blockEarliest: blockEarliest, latest: latest,
            profile: UnsafeRawBufferPointer(rebasing: value[(headerSize + 4)...])
        )
    }

    private static func damaged(_ what: String) -> TouchlogError {
        TouchlogError(.corruption, "\(what) in the profile view is damaged; run `touchlog rebuild profile`")
    }
}

/// Folds one customer's events in position order and says when a snapshot is due.
struct ProfileHistoryTracker {
    /// The earliest event time of the events since the last snapshot, or `nil` if there are none.
    var blockEarliest: Int64?

    /// Notes an event just folded into a profile that now holds `eventCount` events; returns the
    /// earliest event time of the block a snapshot is now due for, or `nil` if none is due.
    mutating func note(_ time: Timestamp, eventCount: Int, interval: Int) -> Int64? {
        let earliest = min(blockEarliest ?? time.microseconds, time.microseconds)
        guard eventCount % interval == 0 else {
            blockEarliest = earliest
            return nil
        }
        blockEarliest = nil
        return earliest
    }
}
