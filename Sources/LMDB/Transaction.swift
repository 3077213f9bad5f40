import CLMDB

/// A read or write transaction. Valid only inside the closure that received it; so are the
/// buffers it returns.
public struct Transaction {
    let handle: OpaquePointer
    let state: TransactionState?

    /// The id of the snapshot a read transaction sees (of the transaction itself, for a write):
    /// two read transactions with the same id see the same data.
    public var snapshotID: Int { mdb_txn_id(handle) }

    /// The value stored under `key`, or `nil` if there is none.
    public func get(_ database: Database, key: UnsafeRawBufferPointer) throws(LMDBError) -> UnsafeRawBufferPointer? {
        var k = MDB_val(buffer: key)
        var v = MDB_val()
        let code = mdb_get(handle, database.dbi, &k, &v)
        if code == MDB_NOTFOUND { return nil }
        try check(code, "mdb_get")
        return v.buffer
    }

    /// Stores `value` under `key`.
    public func put(
        _ database: Database, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: WriteFlags = []
    ) throws(LMDBError) {
        var k = MDB_val(buffer: key)
        var v = MDB_val(buffer: value)
        try checkWrite(mdb_put(handle, database.dbi, &k, &v, flags.rawValue), "mdb_put", state: state)
    }

    /// Reserves `count` bytes under `key` and lets `fill` write them in place, saving a copy.
    public func put(
        _ database: Database, key: UnsafeRawBufferPointer, reserving count: Int, flags: WriteFlags = [],
        fill: (UnsafeMutableRawBufferPointer) -> Void
    ) throws(LMDBError) {
        var k = MDB_val(buffer: key)
        var v = MDB_val(mv_size: count, mv_data: nil)
        try checkWrite(mdb_put(handle, database.dbi, &k, &v, flags.rawValue | UInt32(MDB_RESERVE)), "mdb_put", state: state)
        fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: count))
    }

    /// Deletes `key` (or, in a duplicate-sorted database, only the pair `key`/`value` when given).
    ///
    /// - Returns: whether something was deleted.
    @discardableResult
    public func delete(
        _ database: Database, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer? = nil
    ) throws(LMDBError) -> Bool {
        var k = MDB_val(buffer: key)
        let code: Int32
        if let value {
            var v = MDB_val(buffer: value)
            code = mdb_del(handle, database.dbi, &k, &v)
        } else {
            code = mdb_del(handle, database.dbi, &k, nil)
        }
        if code == MDB_NOTFOUND { return false }
        try checkWrite(code, "mdb_del", state: state)
        return true
    }

    /// Deletes every entry of the database, keeping the database itself.
    public func removeAll(_ database: Database) throws(LMDBError) {
        try checkWrite(mdb_drop(handle, database.dbi, 0), "mdb_drop", state: state)
    }

    /// Entry count and tree size of a database.
    public func statistics(_ database: Database) throws(LMDBError) -> DatabaseStatistics {
        var stat = MDB_stat()
        try check(mdb_stat(handle, database.dbi, &stat), "mdb_stat")
        return DatabaseStatistics(
            entries: stat.ms_entries, depth: Int(stat.ms_depth),
            pages: stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages
        )
    }

    /// Runs `body` with a cursor over `database`, closed when `body` returns.
    public func withCursor<R>(_ database: Database, _ body: (Cursor) throws -> R) throws -> R {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, database.dbi, &cursor), "mdb_cursor_open")
        guard let cursor else { throw LMDBError(code: 12, operation: "mdb_cursor_open") }
        defer { mdb_cursor_close(cursor) }
        return try body(Cursor(handle: cursor, state: state))
    }
}

extension Transaction {
    /// `get` with a key given as an array of bytes.
    public func get(_ database: Database, key: [UInt8]) throws -> UnsafeRawBufferPointer? {
        try key.withUnsafeBytes { try get(database, key: $0) }
    }

    /// `put` with key and value given as arrays of bytes.
    public func put(_ database: Database, key: [UInt8], value: [UInt8], flags: WriteFlags = []) throws {
        try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try put(database, key: k, value: v, flags: flags) } }
    }
}

extension MDB_val {
    init(buffer: UnsafeRawBufferPointer) {
        self.init(mv_size: buffer.count, mv_data: UnsafeMutableRawPointer(mutating: buffer.baseAddress))
    }

    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: mv_data, count: mv_size) }
}
