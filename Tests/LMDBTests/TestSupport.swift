#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import LMDB
import Testing

/// A failure of the test scaffolding itself (not of the code under test).
struct SetupError: Error, CustomStringConvertible {
    let description: String
}

/// An error a write closure throws on purpose to abort its transaction.
struct DeliberateAbort: Error {}

/// Runs `body` with a fresh directory made by `mkdtemp` under /tmp, removed afterwards with all it holds.
///
/// Environments opened inside `body` must not escape it, so that they are closed before the removal.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    var template = Array("/tmp/lmdbtests.XXXXXX".utf8CString)
    let path = try template.withUnsafeMutableBufferPointer { buffer -> String in
        guard let made = mkdtemp(buffer.baseAddress!) else {
            throw SetupError(description: "mkdtemp failed: errno \(errno)")
        }
        return String(cString: made)
    }
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Creates the directory `name` inside `parent` and returns its path.
func makeDirectory(_ name: String, in parent: String) throws -> String {
    let path = "\(parent)/\(name)"
    guard mkdir(path, 0o755) == 0 else { throw SetupError(description: "mkdir \(path): errno \(errno)") }
    return path
}

/// Options for a test environment: small by default so that tests stay fast, not durable because
/// no test simulates a power loss.
func options(
    mapSize: Int = 1 << 20, maxMapSize: Int = 1 << 40, readOnly: Bool = false, maxDatabases: UInt32 = 8
) -> Environment.Options {
    var options = Environment.Options()
    options.mapSize = mapSize
    options.maxMapSize = maxMapSize
    options.readOnly = readOnly
    options.maxDatabases = maxDatabases
    options.durable = false
    return options
}

// MARK: - Bytes

/// The UTF-8 bytes of `text`.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// `value` as 8 big-endian bytes, so that LMDB's byte order is numeric order.
func bigEndian(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }

/// Decodes 8 big-endian bytes.
func decodeBigEndian(_ buffer: UnsafeRawBufferPointer) -> UInt64 {
    precondition(buffer.count == 8, "expected 8 bytes, got \(buffer.count)")
    return UInt64(bigEndian: buffer.loadUnaligned(as: UInt64.self))
}

/// Decodes 8 big-endian bytes.
func decodeBigEndian(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { decodeBigEndian($0) } }

/// `count` pseudo-random bytes that depend on `seed` and on their position, to detect misplaced or
/// torn data. Written a word at a time, so that it stays cheap in debug builds.
func pattern(seed: UInt64, count: Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        let raw = UnsafeMutableRawBufferPointer(buffer)
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x2545_F491_4F6C_DD1D
        var offset = 0
        while offset < count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let word = state ^ (state >> 29)
            if count - offset >= 8 {
                raw.storeBytes(of: word, toByteOffset: offset, as: UInt64.self)
            } else {
                withUnsafeBytes(of: word) { for j in 0..<(count - offset) { raw[offset + j] = $0[j] } }
            }
            offset += 8
        }
        initialized = count
    }
}

/// Whether `buffer` holds exactly `expected` (memcmp: element-wise comparison is slow in debug builds).
func sameBytes(_ buffer: UnsafeRawBufferPointer?, _ expected: [UInt8]) -> Bool {
    guard let buffer, buffer.count == expected.count else { return false }
    if expected.isEmpty { return true }
    return expected.withUnsafeBytes { memcmp($0.baseAddress!, buffer.baseAddress!, expected.count) == 0 }
}

/// Sleeps briefly until `condition` holds, for at most 30 s.
func waitUntil(_ condition: () -> Bool) {
    let deadline = DispatchTime.now() + 30
    while !condition(), DispatchTime.now() < deadline { usleep(100) }
}

/// A key/value pair copied out of the map, safe to keep after the transaction.
struct Pair: Equatable, CustomStringConvertible {
    let key: [UInt8]
    let value: [UInt8]

    init(_ key: [UInt8], _ value: [UInt8]) {
        self.key = key
        self.value = value
    }

    init(_ entry: Entry) {
        self.init(Array(entry.key), Array(entry.value))
    }

    var description: String { "\(key) → \(value)" }
}

extension Transaction {
    /// The value under `key`, copied.
    func value(_ database: Database, _ key: [UInt8]) throws -> [UInt8]? {
        try get(database, key: key).map { Array($0) }
    }

    /// The value under the UTF-8 key `key`, decoded as UTF-8.
    func string(_ database: Database, _ key: String) throws -> String? {
        try get(database, key: bytes(key)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Stores the UTF-8 `value` under the UTF-8 `key`.
    func put(_ database: Database, _ key: String, _ value: String, flags: WriteFlags = []) throws {
        try put(database, key: bytes(key), value: bytes(value), flags: flags)
    }

    /// `delete` with arrays of bytes.
    @discardableResult
    func delete(_ database: Database, key: [UInt8], value: [UInt8]? = nil) throws -> Bool {
        try key.withUnsafeBytes { k in
            if let value {
                return try value.withUnsafeBytes { v in try delete(database, key: k, value: v) }
            }
            return try delete(database, key: k)
        }
    }

    /// Every pair of the database in order, read with a cursor.
    func allPairs(_ database: Database) throws -> [Pair] {
        try withCursor(database) { cursor throws in
            var pairs: [Pair] = []
            var entry = try cursor.first()
            while let current = entry {
                pairs.append(Pair(current))
                entry = try cursor.next()
            }
            return pairs
        }
    }
}

extension Cursor {
    /// `seek(_:)` with a key given as bytes; the result is copied.
    func seek(_ key: [UInt8]) throws -> Pair? {
        try key.withUnsafeBytes { try seek($0).map(Pair.init) }
    }

    /// `seek(atOrAfter:)` with a key given as bytes; the result is copied.
    func seek(atOrAfter key: [UInt8]) throws -> Pair? {
        try key.withUnsafeBytes { try seek(atOrAfter: $0).map(Pair.init) }
    }

    /// `seek(_:valueAtOrAfter:)` with key and value given as bytes; the result is copied.
    func seek(_ key: [UInt8], valueAtOrAfter value: [UInt8]) throws -> Pair? {
        try key.withUnsafeBytes { k in
            try value.withUnsafeBytes { v in try seek(k, valueAtOrAfter: v).map(Pair.init) }
        }
    }
}

// MARK: - Threads

/// Runs `body(index)` on `count` new threads at once and waits for all of them.
func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) throws {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.start()
    }
    guard group.wait(timeout: .now() + 60) == .success else {
        throw SetupError(description: "threads did not finish within 60 s")
    }
}

/// Starts `body` on a new thread; the returned group is left when it finishes.
func startThread(_ body: @escaping @Sendable () -> Void) -> DispatchGroup {
    let group = DispatchGroup()
    group.enter()
    Thread {
        body()
        group.leave()
    }.start()
    return group
}

/// Waits for a semaphore, failing instead of hanging forever.
func waitFor(_ semaphore: DispatchSemaphore, _ what: String) throws {
    guard semaphore.wait(timeout: .now() + 30) == .success else {
        throw SetupError(description: "timed out waiting for \(what)")
    }
}

/// Whether `error` is an `LMDBError` with the code of `expected`.
func isLMDBError(_ error: (any Error)?, _ expected: LMDBError) -> Bool {
    guard let error else { return false }
    return expected ~= error
}
