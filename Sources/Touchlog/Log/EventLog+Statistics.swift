import Glibc
import LMDB

/// Figures about a log, from its running totals (no scan).
public struct LogStatistics: Sendable, Equatable {
    /// Events stored (equal to the head position, since positions are gapless from 1).
    public var events: UInt64
    /// Distinct customers.
    public var customers: UInt64
    /// Earliest and latest event time, `nil` for an empty log.
    public var earliestEventTime: Timestamp?
    public var latestEventTime: Timestamp?
    /// The position of the last event.
    public var head: UInt64
    /// When the last event was recorded.
    public var lastRecordedAt: Timestamp?
    /// Size of the data file on disk.
    public var bytesOnDisk: Int
    /// Bytes of the data file in use.
    public var bytesUsed: Int
    /// The current map size (the file may grow up to it before the map grows).
    public var mapSize: Int
}

extension EventLog {
    /// The log's totals and sizes.
    public func statistics() throws(TouchlogError) -> LogStatistics {
        let (metadata, customerCount) = try withSnapshot("reading statistics") { txn in
            (try readMetadata(txn), try txn.statistics(customers).entries)
        }
        var info = stat()
        let onDisk = stat("\(path)/data.mdb", &info) == 0 ? Int(info.st_blocks) * 512 : 0
        let empty = metadata.head == 0
        return LogStatistics(
            events: metadata.head, customers: UInt64(customerCount),
            earliestEventTime: empty ? nil : metadata.earliestTime,
            latestEventTime: empty ? nil : metadata.latestTime,
            head: metadata.head, lastRecordedAt: empty ? nil : metadata.lastRecordedAt,
            bytesOnDisk: onDisk, bytesUsed: environment.usedBytes, mapSize: environment.mapSize
        )
    }

    /// Writes a consistent, compacted copy of the database into directory `destination` (created if
    /// missing; must be empty) while appends go on. The copy opens as a Touchlog database.
    public func backup(to destination: String) throws(TouchlogError) {
        var info = stat()
        if stat(destination, &info) != 0 {
            guard mkdir(destination, 0o755) == 0 else {
                throw TouchlogError(.io, "cannot create \(destination): \(String(cString: strerror(errno)))")
            }
        } else if access("\(destination)/data.mdb", F_OK) == 0 {
            throw TouchlogError(.invalidArgument, "\(destination) already holds a database; choose an empty directory")
        }
        do {
            try environment.copy(to: destination, compact: true)
        } catch {
            throw TouchlogError.storage(error, while: "backing up to \(destination)")
        }
    }
}

extension EventLog {
    /// Drops the database's memory-mapped pages from this process's resident set (they stay in the
    /// page cache). Bulk writers call it between batches so that their resident memory stays flat.
    public func releaseMappedPages() {
        environment.releaseMappedPages()
    }
}
