#if canImport(Glibc)
import Glibc
#endif
import LMDB
import Testing

/// A small tmpfs mounted on a directory, so that a test can fill a real file system and give the
/// room back. Mounting needs root; where it is not allowed the tests that need it are skipped.
struct TmpfsMount {
    let path: String

    /// Whether this process may mount a tmpfs (tried once, on a scratch directory).
    static let isPossible: Bool = {
        do {
            try withTemporaryDirectory { (dir: String) throws -> Void in
                try TmpfsMount(at: dir, megabytes: 1).unmount()
            }
            return true
        } catch {
            return false
        }
    }()

    init(at path: String, megabytes: Int) throws {
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(megabytes)m") == 0 else {
            throw SetupError(description: "mount tmpfs on \(path): errno \(errno)")
        }
        self.path = path
    }

    /// Grows (or shrinks) the file system, keeping what it holds.
    func resize(megabytes: Int) throws {
        guard mount("tmpfs", path, "tmpfs", UInt(MS_REMOUNT), "size=\(megabytes)m") == 0 else {
            throw SetupError(description: "remount tmpfs on \(path): errno \(errno)")
        }
    }

    func unmount() { umount2(path, Int32(MNT_DETACH)) }
}

/// A disk that fills up: LMDB writes pages with `pwrite`, and a write the file system cuts short
/// comes back from LMDB as EIO; the environment must say the disk is full, keep every committed
/// transaction, and take writes again once there is room, without being reopened.
@Suite(.enabled(if: TmpfsMount.isPossible, "mounting a tmpfs needs root"))
struct DiskFullTests {
    static let valueSize = 48 * 1024

    @Test func fullDiskIsNoSpaceKeepsCommittedDataAndRecoversWhenRoomReturns() throws {
        try withTemporaryDirectory { dir throws in
            let disk = try TmpfsMount(at: dir, megabytes: 1)
            defer { disk.unmount() }
            var committed = 0
            do {
                let env = try Environment(path: dir, options: options(mapSize: 16 << 20))
                let db = try #require(try env.openDatabase("blobs", flags: .create))
                func put(_ index: Int) throws {
                    try env.write { txn throws in
                        try txn.put(db, key: bigEndian(UInt64(index)), value: pattern(seed: UInt64(index), count: Self.valueSize))
                    }
                }
                var failure: (any Error)?
                while committed < 100 {
                    do {
                        try put(committed)
                        committed += 1
                    } catch {
                        failure = error
                        break
                    }
                }
                let error = try #require(failure as? LMDBError, "1 MiB of tmpfs cannot hold 100 × 48 KiB")
                #expect(error.code == LMDBError.noSpace.code, "\(error)")
                #expect(error.description.contains("No space left on device"), "\(error)")
                #expect(committed > 5)
                try expectIntact(env, db, count: committed)

                // Still full: the same clear error, and nothing changes.
                #expect(throws: LMDBError.self) { try put(committed) }
                try expectIntact(env, db, count: committed)

                // Room again: the same environment takes writes.
                try disk.resize(megabytes: 8)
                try put(committed)
                committed += 1
                try expectIntact(env, db, count: committed)
            }
            let reopened = try Environment(path: dir, options: options(mapSize: 16 << 20))
            let db = try #require(try reopened.openDatabase("blobs"))
            try expectIntact(reopened, db, count: committed)
        }
    }

    /// Entries 0..<count hold their pattern and nothing else is stored.
    func expectIntact(_ env: Environment, _ db: Database, count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try env.read { txn throws in
            #expect(try txn.statistics(db).entries == count, sourceLocation: sourceLocation)
            for index in 0..<count {
                let value = try #require(try txn.get(db, key: bigEndian(UInt64(index))), sourceLocation: sourceLocation)
                #expect(Array(value) == pattern(seed: UInt64(index), count: Self.valueSize), "entry \(index)", sourceLocation: sourceLocation)
            }
        }
    }
}
