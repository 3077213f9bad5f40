import Foundation
import LMDB
import Testing

/// Dropping the mapped pages from the resident set shrinks RssFile and loses nothing.
struct ReleaseMappedPagesTests {
    /// Resident kilobytes of the mappings of `file`, from /proc/self/smaps.
    static func residentKB(of file: String) -> Int {
        // String(contentsOfFile:) stops at the first page of a /proc file; read it to the end.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/smaps") else { return 0 }
        defer { try? handle.close() }
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        var inFile = false, total = 0
        for line in text.split(separator: "\n") {
            if let first = line.first, first.isHexDigit, line.contains("-") && line.split(separator: " ").count >= 5 {
                inFile = line.hasSuffix(file)
            } else if inFile, line.hasPrefix("Rss:") {
                total += Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
            }
        }
        return total
    }

    @Test func releasedPagesAreReadBackIntact() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory)
            let database = try #require(try environment.openDatabase("data", flags: .create))
            let value = pattern(seed: 9, count: 4096)
            try environment.write { txn in
                for key in 0..<4000 { try txn.put(database, key: bigEndian(UInt64(key)), value: value) }
            }
            // Touch every page through the map, then release them.
            let sum = try environment.read { txn in
                try (0..<4000).reduce(0) { total, key in
                    guard let value = try txn.get(database, key: bigEndian(UInt64(key))) else { return total }
                    return total + Int(value[0]) + Int(value[value.count - 1]) + value.count - Int(value[0]) - Int(value[value.count - 1])
                }
            }
            #expect(sum == 4000 * 4096)
            let file = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path + "/data.mdb"
            let before = Self.residentKB(of: file)
            environment.releaseMappedPages()
            let after = Self.residentKB(of: file)
            #expect(before >= 8000 && after < before / 4, "resident \(before) kB → \(after) kB")
            let reread: [[UInt8]?] = try environment.read { txn in
                try [0, 1999, 3999].map { key in try txn.get(database, key: bigEndian(UInt64(key))).map { Array($0) } }
            }
            #expect(reread == [value, value, value])
        }
    }
}
