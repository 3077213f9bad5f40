import Foundation

extension CustomerProfile {
    /// A small map from ``Key`` to values, kept sorted by the keys' UTF-8 bytes in one array.
    ///
    /// A profile holds a handful of keys per map (channels, categories, complaint ids, attribute
    /// names). For that size a binary search over one contiguous array beats hashing: no hash of
    /// the key on every fold and read, no table to size, and the entries are already in the order
    /// the stored form and the renderings need, so decoding a profile appends them without
    /// hashing or checking for duplicates, and encoding writes them without sorting.
    struct KeyedValues<Value: Equatable & Sendable>: Equatable, Sendable, Sequence {
        struct Entry: Equatable, Sendable {
            let key: Key
            var value: Value
        }

        private(set) var entries: [Entry] = []

        /// The number of keys.
        var count: Int { entries.count }

        /// The values, in key order.
        var values: LazyMapSequence<[Entry], Value> { entries.lazy.map(\.value) }

        func makeIterator() -> LazyMapSequence<[Entry], (key: Key, value: Value)>.Iterator {
            entries.lazy.map { (key: $0.key, value: $0.value) }.makeIterator()
        }

        /// The value of `key`, or `nil`; setting `nil` removes the key.
        subscript(key: Key) -> Value? {
            get {
                let (index, found) = search(key)
                return found ? entries[index].value : nil
            }
            set {
                let (index, found) = search(key)
                switch (newValue, found) {
                case (let value?, true): entries[index].value = value
                case (let value?, false): entries.insert(Entry(key: key, value: value), at: index)
                case (nil, true): entries.remove(at: index)
                case (nil, false): break
                }
            }
        }

        /// The value of `key`, inserting `defaultValue` first if the key is absent.
        subscript(key: Key, default defaultValue: @autoclosure () -> Value) -> Value {
            get { self[key] ?? defaultValue() }
            _modify {
                let (index, found) = search(key)
                if !found { entries.insert(Entry(key: key, value: defaultValue()), at: index) }
                yield &entries[index].value
            }
        }

        /// Appends an entry whose key the caller has checked to sort after every key present
        /// (decoding stored bytes).
        mutating func append(afterLast key: Key, _ value: Value) {
            entries.append(Entry(key: key, value: value))
        }

        mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

        /// The index of `key`, or where it would be inserted to keep the order.
        private func search(_ key: Key) -> (index: Int, found: Bool) {
            var low = 0
            var high = entries.count
            while low < high {
                let middle = (low + high) / 2
                let order = Key.order(entries[middle].key, key)
                if order == 0 { return (middle, true) }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            return (low, false)
        }
    }
}

extension CustomerProfile.Key {
    /// The three-way order of two keys by their UTF-8 bytes: negative, zero or positive.
    static func order(_ a: Self, _ b: Self) -> Int {
        // Keys are short: `withUTF8` reads a small string in place, without allocating.
        var left = a.text, right = b.text
        return left.withUTF8 { l in right.withUTF8 { r in KeyOrder.order(UnsafeRawBufferPointer(l), UnsafeRawBufferPointer(r)) } }
    }
}
