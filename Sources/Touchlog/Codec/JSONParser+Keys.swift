extension JSONParser.Reader {
    /// A cheap summary of a key's UTF-8 bytes: its length and its first and last eight
    /// bytes. Different prints mean different keys; equal prints mean equal keys when the
    /// key is at most 16 bytes long, and need confirming otherwise.
    struct KeyPrint: Equatable {
        let count: Int
        let head: UInt64
        let tail: UInt64

        init(_ bytes: UnsafeRawPointer, count: Int) {
            self.count = count
            if count >= 8 {
                head = bytes.loadUnaligned(as: UInt64.self)
                tail = bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            } else {
                var head: UInt64 = 0
                for k in 0..<count {
                    head |= UInt64(bytes.load(fromByteOffset: k, as: UInt8.self)) << (8 * k)
                }
                self.head = head
                tail = 0
            }
        }

        var isExact: Bool { count <= 16 }
    }

    /// The print of the string `parseString` returned last.
    func lastStringPrint() -> KeyPrint {
        if lastStringStart >= 0 {
            return KeyPrint(base + lastStringStart, count: lastStringCount)
        }
        return scratch.withUnsafeBytes { KeyPrint($0.baseAddress!, count: $0.count) }
    }

    /// Duplicate-key detection for one object. Objects in events are small, and prints
    /// compare in a few instructions, so it scans the prints of the keys seen so far; from
    /// `linearLimit` keys on it uses a hash set of the keys' bytes, so that a hostile
    /// object with many keys costs O(n), not O(n²).
    struct KeySet {
        static var linearLimit: Int { 32 }
        /// `KeyPrint` is trivial, so unlike other collectors this one needs no `discard()`.
        var prints: InlineCollector<KeyPrint>
        var hashed: Set<UTF8Key>? = nil

        /// Whether `key` equals, byte for byte, the key of one of `members` (the keys this
        /// set has seen, in order); if not, remembers it.
        mutating func containsOrInsert(_ key: String, print: KeyPrint, members: borrowing InlineCollector<JSONMember>) -> Bool {
            if hashed == nil {
                if prints.count < Self.linearLimit {
                    for index in 0..<prints.count where prints[index] == print {
                        if print.isExact || JSONObject.sameUTF8(members[index].key, key) { return true }
                    }
                    prints.append(print)
                    return false
                }
                var keys = Set<UTF8Key>(minimumCapacity: 2 * Self.linearLimit)
                for index in 0..<members.count { keys.insert(UTF8Key(key: members[index].key)) }
                hashed = keys
            }
            return !hashed!.insert(UTF8Key(key: key)).inserted
        }
    }

    /// A string hashed and compared by its UTF-8 bytes (no Unicode normalization).
    struct UTF8Key: Hashable {
        let key: String
        static func == (a: UTF8Key, b: UTF8Key) -> Bool { JSONObject.sameUTF8(a.key, b.key) }
        func hash(into hasher: inout Hasher) {
            for byte in key.utf8 { hasher.combine(byte) }
        }
    }
}
