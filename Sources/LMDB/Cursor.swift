import CLMDB

/// One key/value pair seen through a cursor; the buffers are valid only inside the transaction.
public struct Entry {
    public let key: UnsafeRawBufferPointer
    public let value: UnsafeRawBufferPointer
}

/// A cursor over one database, valid only inside `Transaction.withCursor`.
/// Every move returns the entry it lands on, or `nil` when there is none.
public struct Cursor {
    let handle: OpaquePointer
    let state: TransactionState?

    public func first() throws(LMDBError) -> Entry? { try move(MDB_FIRST) }
    public func last() throws(LMDBError) -> Entry? { try move(MDB_LAST) }
    public func next() throws(LMDBError) -> Entry? { try move(MDB_NEXT) }
    public func previous() throws(LMDBError) -> Entry? { try move(MDB_PREV) }
    /// The next value of the current key (duplicate-sorted databases).
    public func nextDuplicate() throws(LMDBError) -> Entry? { try move(MDB_NEXT_DUP) }
    /// The previous value of the current key (duplicate-sorted databases).
    public func previousDuplicate() throws(LMDBError) -> Entry? { try move(MDB_PREV_DUP) }
    /// The first entry of the next key (duplicate-sorted databases).
    public func nextKey() throws(LMDBError) -> Entry? { try move(MDB_NEXT_NODUP) }
    /// The last value of the current key (duplicate-sorted databases).
    public func lastDuplicate() throws(LMDBError) -> Entry? { try moveFetchingKey(MDB_LAST_DUP) }

    /// The entry with exactly this key.
    public func seek(_ key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        try move(MDB_SET_KEY, key: key)
    }

    /// The first entry whose key is greater than or equal to `key`.
    public func seek(atOrAfter key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        try move(MDB_SET_RANGE, key: key)
    }

    /// The first value ≥ `value` under exactly `key` (duplicate-sorted databases).
    public func seek(_ key: UnsafeRawBufferPointer, valueAtOrAfter value: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        try moveFetchingKey(MDB_GET_BOTH_RANGE, key: key, value: value)
    }

    /// The number of values of the current key (duplicate-sorted databases).
    public func duplicateCount() throws(LMDBError) -> Int {
        var count = 0
        try check(mdb_cursor_count(handle, &count), "mdb_cursor_count")
        return count
    }

    /// Stores `value` under `key` and leaves the cursor there. Puts in key order are cheaper through
    /// a cursor than through `Transaction.put`: a key on the cursor's page is found without a search
    /// from the root.
    public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws(LMDBError) {
        var k = MDB_val(buffer: key)
        var v = MDB_val(buffer: value)
        try checkWrite(mdb_cursor_put(handle, &k, &v, 0), "mdb_cursor_put", state: state)
    }

    /// Deletes the entry under `key`, if any.
    ///
    /// - Returns: whether something was deleted.
    @discardableResult
    public func delete(_ key: UnsafeRawBufferPointer) throws(LMDBError) -> Bool {
        guard try seek(key) != nil else { return false }
        try checkWrite(mdb_cursor_del(handle, 0), "mdb_cursor_del", state: state)
        return true
    }

    /// A move after which LMDB sets only the value (`MDB_LAST_DUP` leaves the key empty,
    /// `MDB_GET_BOTH_RANGE` leaves the caller's buffer): reads the stored key at the new position.
    private func moveFetchingKey(
        _ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil, value: UnsafeRawBufferPointer? = nil
    ) throws(LMDBError) -> Entry? {
        guard try move(op, key: key, value: value) != nil else { return nil }
        return try move(MDB_GET_CURRENT)
    }

    private func move(
        _ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil, value: UnsafeRawBufferPointer? = nil
    ) throws(LMDBError) -> Entry? {
        var k = key.map(MDB_val.init(buffer:)) ?? MDB_val()
        var v = value.map(MDB_val.init(buffer:)) ?? MDB_val()
        let code = mdb_cursor_get(handle, &k, &v, op)
        if code == MDB_NOTFOUND { return nil }
        try check(code, "mdb_cursor_get")
        return Entry(key: k.buffer, value: v.buffer)
    }
}
