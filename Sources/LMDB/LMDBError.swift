import CLMDB

/// An error returned by LMDB, with the C return code, the call that failed and LMDB's own text.
///
/// "Not found" is never an error at this boundary: lookups return `nil` instead.
public struct LMDBError: Error, Sendable, CustomStringConvertible {
    /// The LMDB or errno return code.
    public let code: Int32
    /// The C function that returned it, for example `mdb_put`.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// LMDB's explanation of the code (`mdb_strerror`).
    public var message: String { String(cString: mdb_strerror(code)) }

    public var description: String { "\(operation): \(message) (\(code))" }

    /// The map is full: the environment grows it and retries, so callers see this only if growth failed.
    public static let mapFull = LMDBError(code: MDB_MAP_FULL, operation: "")
    /// A key (or key/value pair) that had to be new already exists.
    public static let keyExists = LMDBError(code: MDB_KEYEXIST, operation: "")
    /// The reader lock table is full.
    public static let readersFull = LMDBError(code: MDB_READERS_FULL, operation: "")
    /// A page or record failed LMDB's own consistency checks.
    public static let corrupted = LMDBError(code: MDB_CORRUPTED, operation: "")
    /// The environment had a fatal error and must be reopened.
    public static let panic = LMDBError(code: MDB_PANIC, operation: "")
    /// The file is not an LMDB file (or has an incompatible version).
    public static let invalid = LMDBError(code: MDB_INVALID, operation: "")
    /// Another process grew the map beyond this environment's map size.
    public static let mapResized = LMDBError(code: MDB_MAP_RESIZED, operation: "")
    /// Too many named databases are open.
    public static let databasesFull = LMDBError(code: MDB_DBS_FULL, operation: "")
    /// A write transaction touched too many pages.
    public static let transactionFull = LMDBError(code: MDB_TXN_FULL, operation: "")
    /// The disk is full (errno `ENOSPC`).
    public static let noSpace = LMDBError(code: 28, operation: "")
    /// Access was denied, for example a write on a read-only environment (errno `EACCES`).
    public static let accessDenied = LMDBError(code: 13, operation: "")

    /// Whether two errors carry the same code, whatever call produced them.
    public static func ~= (pattern: LMDBError, error: any Error) -> Bool {
        (error as? LMDBError)?.code == pattern.code
    }
}

/// Converts an LMDB return code into a thrown error.
@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
    if code != 0 { throw LMDBError(code: code, operation: operation()) }
}
