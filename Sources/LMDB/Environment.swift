import CLMDB
import Dispatch
import Glibc
import Synchronization

/// An LMDB environment: one memory-mapped file holding named databases.
///
/// Rules (as in LMDB, made safe here):
/// - Open an environment once per process and path, and share the object.
/// - Transactions are closure-scoped: the `Transaction` and every buffer read through it are valid
///   only inside the closure. Do not `await` or nest transactions inside one.
/// - Write transactions are serialised by LMDB; read transactions never block writers and see a
///   consistent snapshot.
/// - When the map is full, `write` grows it (once no transaction of this process is open) and runs
///   the closure again, so a write closure must not change outside state before it returns.
public final class Environment: @unchecked Sendable {
    /// How an environment is opened.
    public struct Options: Sendable {
        /// Initial map size in bytes; the map grows by doubling when full.
        public var mapSize: Int = 256 << 20
        /// The map never grows beyond this many bytes.
        public var maxMapSize: Int = 1 << 40
        /// Maximum number of named databases.
        public var maxDatabases: UInt32 = 64
        /// Maximum number of simultaneous read transactions, across processes.
        public var maxReaders: UInt32 = 1024
        /// Open without write access; works while another process writes.
        public var readOnly = false
        /// Flush to disk at each commit (default). Without it a commit survives a process crash
        /// but not a power loss.
        public var durable = true

        public init() {}
    }

    let handle: OpaquePointer
    /// The directory holding `data.mdb` and `lock.mdb`.
    public let path: String
    /// Whether the environment was opened read-only.
    public let isReadOnly: Bool
    private let maxMapSize: Int
    private let resizeLock = ReaderWriterLock()
    /// Open `DetachedSnapshot`s, which hold no slot: changing the map size waits for them.
    private let detachedSnapshots = DispatchGroup()
    /// Reset read transactions waiting to be renewed (at most `idleReaderLimit`).
    private let idleReaders = Mutex<[IdleReader]>([])
    private static let idleReaderLimit = 64

    /// Opens (and, unless read-only, creates) the environment in directory `path`, which must exist.
    ///
    /// - Throws: `LMDBError` if LMDB cannot open it, for example `.invalid` for a file that is not LMDB.
    public init(path: String, options: Options = Options()) throws(LMDBError) {
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "mdb_env_create")
        guard let env else { throw LMDBError(code: ENOMEM, operation: "mdb_env_create") }
        do {
            try check(mdb_env_set_maxdbs(env, options.maxDatabases), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(env, options.maxReaders), "mdb_env_set_maxreaders")
            try check(mdb_env_set_mapsize(env, options.mapSize), "mdb_env_set_mapsize")
            var flags = UInt32(MDB_NOTLS)
            if options.readOnly { flags |= UInt32(MDB_RDONLY) }
            if !options.durable { flags |= UInt32(MDB_NOSYNC) }
            try check(mdb_env_open(env, path, flags, 0o644), "mdb_env_open(\(path))")
        } catch {
            mdb_env_close(env)
            throw error
        }
        handle = env
        self.path = path
        isReadOnly = options.readOnly
        maxMapSize = options.maxMapSize
        if !options.readOnly { _ = try? checkStaleReaders() }
    }

    deinit {
        idleReaders.withLock { idle in idle.forEach { mdb_txn_abort($0.handle) } }
        mdb_env_close(handle)
    }

    /// Runs `body` in a read-only transaction and returns its result.
    ///
    /// The transaction is reset afterwards and kept for the next read, which renews it: it keeps
    /// its reader slot, so a read neither allocates a transaction nor takes the lock file's mutex.
    /// A reset transaction holds no snapshot, so it keeps no old pages from being reused.
    public func read<R>(_ body: (Transaction) throws -> R) throws -> R {
        try withTransactionSlot {
            let txn = try beginRead()
            defer { endRead(txn) }
            return try body(Transaction(handle: txn, state: nil))
        }
    }

    /// Runs `body` in a read-only transaction begun while a write transaction of this process is
    /// open (on another thread), and which ends before that write does: it sees what the write
    /// transaction started from, since nothing can commit while the write holds LMDB's write lock.
    /// It does not take the process-local resize lock: the write holds it shared already, and
    /// taking it again could queue behind a resize that waits for the write, which waits for this.
    public func readBesideWrite<R>(_ body: (Transaction) throws -> R) throws -> R {
        let txn = try beginRead()
        defer { endRead(txn) }
        return try body(Transaction(handle: txn, state: nil))
    }

    /// Begins a read transaction that may outlive the write transaction of this process open on
    /// another thread (call it only inside one): like `readBesideWrite`, it sees what that write
    /// started from, and it may be handed to another thread and read there after the write has
    /// committed. Close it when done (`DetachedSnapshot.close`): growing the map waits for it.
    public func detachedSnapshot() throws(LMDBError) -> DetachedSnapshot {
        let txn = try beginRead()
        detachedSnapshots.enter()
        return DetachedSnapshot(txn: txn) { [self] in
            endRead(txn)
            detachedSnapshots.leave()
        }
    }

    /// Runs `body` in a write transaction and commits it; aborts it if `body` throws.
    ///
    /// If the map fills up (during `body` or at commit) the transaction is aborted, the map grows
    /// and `body` runs again in a new transaction. Reader slots left by dead processes are freed
    /// first, so that they do not keep old pages from being reused.
    public func write<R>(_ body: (Transaction) throws -> R) throws -> R {
        // A reader that died (killed, crashed) leaves its slot pinning the snapshot it read: no page
        // freed since could be reused, and the file would grow for as long as this writer runs.
        try checkStaleReaders()
        while true {
            let state = TransactionState()
            do {
                return try withTransactionSlot {
                    let txn = try begin(flags: 0, state: state)
                    let result: R
                    do {
                        result = try body(txn)
                    } catch {
                        mdb_txn_abort(txn.handle)
                        throw error
                    }
                    try checkWrite(mdb_txn_commit(txn.handle), "mdb_txn_commit", state: state)
                    return result
                }
            } catch {
                guard state.mapFull else { throw explainingShortWrite(error) }
                try growMap()
            }
        }
    }

    /// LMDB reports a write that the file system cut short as EIO (`mdb_page_flush`), which is
    /// what a full disk usually causes: when the file system has no room left, say so.
    private func explainingShortWrite(_ error: any Error) -> any Error {
        guard let error = error as? LMDBError, error.code == EIO else { return error }
        var info = statvfs()
        guard statvfs(path, &info) == 0, UInt64(info.f_bavail) * UInt64(info.f_frsize) < 1 << 20 else { return error }
        return LMDBError(code: ENOSPC, operation: "\(error.operation) (short write: the file system holding \(path) is full)")
    }

    /// Opens a named database, creating it if `flags` contains `.create`.
    ///
    /// - Returns: the handle, or `nil` if the database does not exist and was not to be created.
    public func openDatabase(_ name: String, flags: DatabaseFlags = []) throws -> Database? {
        if flags.contains(.create) {
            return try write { txn in try open(name, flags: flags, in: txn) }
        }
        // A handle opened in a read-only transaction survives only if that transaction commits.
        return try withTransactionSlot {
            let txn = try begin(flags: UInt32(MDB_RDONLY))
            let database: Database?
            do {
                database = try open(name, flags: flags, in: txn)
            } catch {
                mdb_txn_abort(txn.handle)
                throw error
            }
            try check(mdb_txn_commit(txn.handle), "mdb_txn_commit")
            return database
        }
    }

    private func open(_ name: String, flags: DatabaseFlags, in txn: Transaction) throws(LMDBError) -> Database? {
        var dbi = MDB_dbi()
        let code = mdb_dbi_open(txn.handle, name, flags.rawValue, &dbi)
        if code == MDB_NOTFOUND { return nil }
        try check(code, "mdb_dbi_open(\(name))")
        return Database(dbi: dbi)
    }

    /// Writes a consistent copy of the environment to the directory `destination` (which must exist
    /// and be empty) while writers go on. `compact` omits free pages.
    public func copy(to destination: String, compact: Bool = true) throws {
        try withTransactionSlot {
            try check(
                mdb_env_copy2(handle, destination, compact ? UInt32(MDB_CP_COMPACT) : 0),
                "mdb_env_copy2(\(destination))"
            )
        }
    }

    /// Flushes buffers to disk; needed only when opened with `durable = false`.
    public func sync() throws(LMDBError) {
        try check(mdb_env_sync(handle, 1), "mdb_env_sync")
    }

    /// Frees reader slots left by processes that died; returns how many were freed.
    @discardableResult
    public func checkStaleReaders() throws(LMDBError) -> Int {
        var dead: Int32 = 0
        try check(mdb_reader_check(handle, &dead), "mdb_reader_check")
        return Int(dead)
    }

    /// Unmaps the pages of the memory map from this process's resident set. The data stays in the
    /// page cache and on disk and is faulted back in on the next read, so this only keeps the
    /// resident size of long writers (bulk imports) from growing with the database. The map is
    /// read-only and shared, so no data can be lost.
    public func releaseMappedPages() {
        for (start, end) in mappedRanges() {
            guard let address = UnsafeMutableRawPointer(bitPattern: start) else { continue }
            madvise(address, Int(end - start), MADV_DONTNEED)
        }
    }

    /// Unmaps from this process's resident set the whole pages inside `span` (addresses of values
    /// read from the map), as `releaseMappedPages()` does for the whole map: for sequential readers
    /// that are done with a stretch of the file, without dropping the pages they still use. Only
    /// addresses inside the current map are released (a span from before a remap is ignored).
    public func releaseMappedPages(_ span: MappedSpan) {
        guard span.low < span.high else { return }
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        for (mapStart, mapEnd) in mappedRanges() {
            let start = (max(span.low, mapStart) + page - 1) / page * page, end = min(span.high, mapEnd) / page * page
            guard start < end, let address = UnsafeMutableRawPointer(bitPattern: start) else { continue }
            madvise(address, Int(end - start), MADV_DONTNEED)
        }
    }

    /// Where the data file is mapped in this process. LMDB does not expose it (its `me_mapaddr`
    /// is only set for fixed maps); /proc/self/maps does.
    private func mappedRanges() -> [(start: UInt, end: UInt)] {
        guard let maps = fopen("/proc/self/maps", "r") else { return [] }
        defer { fclose(maps) }
        guard let resolved = realpath(path, nil) else { return [] }
        let dataFile = String(cString: resolved) + "/data.mdb"
        free(resolved)
        var ranges: [(start: UInt, end: UInt)] = []
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, maps) > 0, let line {
            let text = String(cString: line).trimmingSuffix("\n")
            guard text.hasSuffix(" " + dataFile) else { continue }
            let range = text.prefix { $0 != " " }.split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16) else { continue }
            ranges.append((start, end))
        }
        return ranges
    }

    /// The current map size in bytes.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_mapsize
    }

    /// Bytes of the data file in use (last used page + 1, times the page size).
    public var usedBytes: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        var stat = MDB_stat()
        mdb_env_stat(handle, &stat)
        return (info.me_last_pgno + 1) * Int(stat.ms_psize)
    }

    /// The high-water mark of reader slots in the lock file, across processes (slots are reused, so
    /// this does not fall when readers finish).
    public var readersInUse: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return Int(info.me_numreaders)
    }

    // MARK: - Internals

    /// Holds the process-local slot that map resizing waits for; adopts a map grown by another process.
    private func withTransactionSlot<R>(_ body: () throws -> R) throws -> R {
        while true {
            do {
                return try resizeLock.withShared(body)
            } catch let error as LMDBError where error.code == MDB_MAP_RESIZED {
                try resizeLock.withExclusive { () throws(LMDBError) in
                    detachedSnapshots.wait()
                    try check(mdb_env_set_mapsize(handle, 0), "mdb_env_set_mapsize")
                }
            }
        }
    }

    private func beginRead() throws(LMDBError) -> OpaquePointer {
        if let idle = idleReaders.withLock({ $0.popLast() })?.handle {
            let code = mdb_txn_renew(idle)
            if code == MDB_SUCCESS { return idle }
            mdb_txn_abort(idle)
            try check(code, "mdb_txn_renew")
        }
        return try begin(flags: UInt32(MDB_RDONLY)).handle
    }

    private func endRead(_ txn: OpaquePointer) {
        mdb_txn_reset(txn)
        let kept = idleReaders.withLock { idle in
            guard idle.count < Self.idleReaderLimit else { return false }
            idle.append(IdleReader(handle: txn))
            return true
        }
        if !kept { mdb_txn_abort(txn) }
    }

    /// A reset read transaction: used by one thread at a time, handed over through `idleReaders`.
    private struct IdleReader: @unchecked Sendable {
        let handle: OpaquePointer
    }

    private func begin(flags: UInt32, state: TransactionState? = nil) throws(LMDBError) -> Transaction {
        var txn: OpaquePointer?
        var code = mdb_txn_begin(handle, nil, flags, &txn)
        // A full reader table may be full of slots left by dead processes.
        if code == MDB_READERS_FULL, try checkStaleReaders() > 0 { code = mdb_txn_begin(handle, nil, flags, &txn) }
        try check(code, "mdb_txn_begin")
        guard let txn else { throw LMDBError(code: ENOMEM, operation: "mdb_txn_begin") }
        return Transaction(handle: txn, state: state)
    }

    private func growMap() throws(LMDBError) {
        try resizeLock.withExclusive { () throws(LMDBError) in
            // No transaction can begin now, and a detached snapshot needs no lock to finish.
            detachedSnapshots.wait()
            let current = mapSize
            guard current < maxMapSize else { throw LMDBError(code: MDB_MAP_FULL, operation: "grow map") }
            let next = min(current * 2, maxMapSize)
            try check(mdb_env_set_mapsize(handle, next), "mdb_env_set_mapsize(\(next))")
        }
    }
}

/// A read transaction that may outlive the write transaction it was begun beside
/// (`Environment.detachedSnapshot`), used by one thread at a time.
public final class DetachedSnapshot: @unchecked Sendable {
    private let txn: OpaquePointer
    private var end: (() -> Void)?

    fileprivate init(txn: OpaquePointer, end: @escaping () -> Void) {
        self.txn = txn
        self.end = end
    }

    deinit { close() }

    /// Runs `body` in the snapshot. Not after `close`.
    public func read<R>(_ body: (Transaction) throws -> R) rethrows -> R {
        precondition(end != nil, "read of a closed snapshot")
        return try body(Transaction(handle: txn, state: nil))
    }

    /// Ends the transaction (once; later calls do nothing).
    public func close() {
        end?()
        end = nil
    }
}

/// What a write transaction learned that the environment must act on after it ends.
final class TransactionState {
    var mapFull = false
}

/// Like `check`, for a write: remembers a full map in `state` so that `Environment.write` can grow
/// it and retry.
func checkWrite(_ code: Int32, _ operation: @autoclosure () -> String, state: TransactionState?) throws(LMDBError) {
    if code == MDB_MAP_FULL { state?.mapFull = true }
    try check(code, operation())
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
