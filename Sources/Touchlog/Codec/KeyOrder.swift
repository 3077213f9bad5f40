import Glibc

/// LMDB's default key order: bytes compared as unsigned, a prefix before what extends it.
enum KeyOrder {
    /// The three-way order of two byte strings: negative, zero or positive.
    static func order(_ l: UnsafeRawBufferPointer, _ r: UnsafeRawBufferPointer) -> Int {
        let shared = min(l.count, r.count)
        if shared > 0, let lb = l.baseAddress, let rb = r.baseAddress {
            let order = memcmp(lb, rb, shared)
            if order != 0 { return Int(order) }
        }
        return l.count - r.count
    }

    /// Whether `a` sorts before `b`: `a.lexicographicallyPrecedes(b)` in one `memcmp`, which
    /// matters where a batch's view writes or a rebuild group's entries are sorted by key.
    static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { a in b.withUnsafeBytes { b in order(a, b) < 0 } }
    }
}
