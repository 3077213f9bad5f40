import CLMDB

/// A handle to a named database inside an environment. Handles are opened once and never closed;
/// they stay valid for the environment's lifetime and can be shared across threads.
public struct Database: Sendable, Hashable {
    let dbi: MDB_dbi
}

/// Options for opening a named database (`mdb_dbi_open` flags).
public struct DatabaseFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Create the database if it does not exist (write transactions only).
    public static let create = DatabaseFlags(rawValue: UInt32(MDB_CREATE))
    /// Allow several sorted values per key.
    public static let duplicateSort = DatabaseFlags(rawValue: UInt32(MDB_DUPSORT))
    /// With `duplicateSort`: every value of the database has the same size.
    public static let duplicateFixed = DatabaseFlags(rawValue: UInt32(MDB_DUPFIXED))
}

/// Options for a single put (`mdb_put` flags).
public struct WriteFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The key is greater than every key in the database: append without searching.
    public static let append = WriteFlags(rawValue: UInt32(MDB_APPEND))
    /// The value is greater than every value of its key (duplicate-sorted databases).
    public static let appendDuplicate = WriteFlags(rawValue: UInt32(MDB_APPENDDUP))
    /// Fail with `LMDBError.keyExists` instead of overwriting.
    public static let noOverwrite = WriteFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    /// Fail with `LMDBError.keyExists` if the exact key/value pair exists (duplicate-sorted databases).
    public static let noDuplicateData = WriteFlags(rawValue: UInt32(MDB_NODUPDATA))
}

/// Size figures of one database (`mdb_stat`).
public struct DatabaseStatistics: Sendable, Equatable {
    /// Number of entries (for duplicate-sorted databases: of key/value pairs).
    public let entries: Int
    /// Depth of the B+tree.
    public let depth: Int
    /// Pages in use: branch, leaf and overflow.
    public let pages: Int
}
