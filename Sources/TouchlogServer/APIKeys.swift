import Glibc
import Synchronization

/// What an API key may do. `admin` implies the others.
public enum Scope: String, Sendable, CaseIterable {
    /// Read views, events, the stream.
    case read
    /// Post events.
    case append
    /// Everything, and `/metrics`.
    case admin

    /// The scopes of a comma-separated list such as `read,append`.
    /// - Throws: the first name that is not a scope.
    public static func list(_ text: some StringProtocol) throws(UnknownScope) -> [Scope] {
        try text.split(separator: ",").map { name throws(UnknownScope) in
            guard let scope = Scope(rawValue: String(name)) else { throw UnknownScope(name: String(name)) }
            return scope
        }
    }

    /// A name in a scope list that is not a scope.
    public struct UnknownScope: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "unknown scope \(name) (scopes: read, append, admin)" }
    }
}

/// The API keys the server accepts, loaded from a keys file. Only SHA-256 hashes of the keys are
/// kept, in memory as on disk.
///
/// The keys file is text, one key a line: the key's SHA-256 in hex, its scopes separated by
/// commas, and an optional name (for logs), separated by spaces. `#` starts a comment.
/// ```
/// # sha256                                                          scopes        name
/// 6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b  read,append   ingest-pos
/// ```
/// `touchlog keys add FILE --scopes read,append --name ingest-pos` makes a key and appends its line.
public struct APIKeys: Sendable {
    /// One accepted key: its name and scopes.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let scopes: Set<Scope>

        /// Whether this key grants `scope`.
        public func allows(_ scope: Scope) -> Bool { scopes.contains(scope) || scopes.contains(.admin) }
    }

    private let entries: [String: Entry]
    /// Keys recently accepted, so that a busy client does not pay a SHA-256 per request. Bounded;
    /// holds only keys that were valid, so guesses are always hashed.
    private let recent = RecentKeys()

    /// The number of keys.
    public var count: Int { entries.count }

    /// Parses the text of a keys file.
    ///
    /// - Throws: `ServerError` naming the line and what is wrong with it.
    public init(text: String, origin: String = "keys file") throws(ServerError) {
        var entries: [String: Entry] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard !fields.isEmpty else { continue }
            let place = "\(origin) line \(number + 1)"
            let hash = fields[0].lowercased()
            guard hash.count == 64, hash.allSatisfy({ $0.isHexDigit }) else {
                throw ServerError("\(place): the first field must be a SHA-256 in hex (64 digits), not a key")
            }
            guard fields.count >= 2 else { throw ServerError("\(place): no scopes (read, append, admin)") }
            let scopes: Set<Scope>
            do {
                scopes = Set(try Scope.list(fields[1]))
            } catch {
                throw ServerError("\(place): \(error)")
            }
            guard entries[hash] == nil else { throw ServerError("\(place): the same key is listed twice") }
            entries[hash] = Entry(name: fields.count > 2 ? fields[2...].joined(separator: " ") : "key \(number + 1)", scopes: scopes)
        }
        self.entries = entries
    }

    /// Reads a keys file.
    public init(contentsOf path: String) throws(ServerError) {
        guard let file = fopen(path, "r") else {
            throw ServerError("cannot read keys file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        try self.init(text: String(decoding: bytes, as: UTF8.self), origin: path)
    }

    /// The entry of `key`, or `nil` if it is not accepted.
    public func entry(forKey key: String) -> Entry? {
        if let entry = recent.entries.withLock({ $0[key] }) { return entry }
        guard let entry = entries[SHA256.hex(Array(key.utf8))] else { return nil }
        recent.entries.withLock { cache in
            if cache.count >= RecentKeys.capacity { cache.removeAll() }
            cache[key] = entry
        }
        return entry
    }

    private final class RecentKeys: Sendable {
        static let capacity = 256
        let entries = Mutex<[String: Entry]>([:])
    }

    /// The keys-file line for `key`.
    public static func line(forKey key: String, scopes: [Scope], name: String?) -> String {
        [SHA256.hex(Array(key.utf8)), scopes.map(\.rawValue).joined(separator: ","), name].compactMap { $0 }.joined(separator: " ")
    }

    /// A new random key: `tl_` and 40 hex digits from the system's random source.
    public static func generateKey() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return "tl_" + String((0..<40).map { _ in digits[Int(generator.next() % 16)] })
    }
}
