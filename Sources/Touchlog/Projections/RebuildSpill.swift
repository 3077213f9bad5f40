import Glibc

/// The events of a rebuild's customer groups, kept in temporary files so that the log is read
/// once however many groups the rebuild's memory budget needs.
///
/// The first pass reads the log in stretches of positions, one per worker; each group's pass folds
/// each share of its customers (`EventLog.bucket(ofSubject:buckets:)`) on one worker. So there is
/// one file per group, share and stretch: written only by the stretch's worker during the first
/// pass, in position order, and read back by the share's worker, stretch after stretch, so each
/// customer's events come back in position order. A file holds, per event, its position, a length
/// and the record without its JSON block (header, identity and compact payload, then an empty JSON
/// block): what projections decode. The files are unlinked as soon as they are created, so they
/// vanish with the process however it ends; they live beside the database, which needs room for
/// about 120 bytes per event.
///
/// Thread rules: during the first pass the worker of stretch `s` alone touches the files of `s`;
/// during a group's pass the worker of share `c` alone touches the files of `c`.
final class RebuildSpill: @unchecked Sendable {
    private let directory: String
    private let workers: Int
    /// Files by group, then share, then stretch (see `index`).
    private let files: [SpillFile]

    /// Creates the files for `groups` groups and `workers` workers in `directory`.
    init(directory: String, groups: Int, workers: Int) throws(TouchlogError) {
        self.directory = directory
        self.workers = workers
        let count = groups * workers * workers
        Self.allowOpenFiles(count + 64)
        var files: [SpillFile] = []
        files.reserveCapacity(count)
        for index in 0..<count {
            files.append(try SpillFile(in: directory, name: ".touchlog-rebuild-\(getpid())-\(index)", of: count))
        }
        self.files = files
    }

    /// Raises this process's soft limit of open files to `needed` when it is lower and the hard
    /// limit allows (as servers and the Go runtime do): many groups on many cores need more files
    /// than the usual soft limit of 1,024. Where the hard limit is too low, creating a file fails
    /// with an error that says what to do.
    private static func allowOpenFiles(_ needed: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(needed) else { return }
        limit.rlim_cur = min(limit.rlim_max, rlim_t(needed))
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    private func index(group: Int, share: Int, stretch: Int) -> Int { (group * workers + share) * workers + stretch }

    /// What the worker of `stretch` writes to during the first pass.
    func writer(ofStretch stretch: Int) -> Writer {
        Writer(directory: directory, shares: workers, files: stride(from: stretch, to: files.count, by: workers).map { files[$0] })
    }

    /// One stretch's files, by group and share: its worker keeps it, so that appending an event
    /// touches no reference count another core also changes.
    struct Writer {
        fileprivate let directory: String
        fileprivate let shares: Int
        fileprivate let files: [SpillFile]

        /// Keeps `record` (a checked record read from the log at `position`, of the customer with
        /// UTF-8 id `subject`) for the pass of `group`, to be folded by the worker of the
        /// customer's share.
        func append(_ record: UnsafeRawBufferPointer, position: UInt64, subject: UnsafeRawBufferPointer, group: Int) throws(TouchlogError) {
            let share = EventLog.bucket(ofSubject: subject, buckets: shares)
            try files[group * shares + share].append(try RecordCodec.projectedPrefix(of: record, position: position), position: position, in: directory)
        }
    }

    /// Writes out what the buffers still hold; call once the first pass is over.
    func finishWriting() throws(TouchlogError) {
        for file in files { try file.flush(in: directory, last: true) }
    }

    /// Calls `body` with each event of `group` in the share of customers `share`, each customer's
    /// in position order, decoded for projection, closing each file once read: the kernel frees
    /// its pages while the workers still fold (closing them all at the end took a fifth of a
    /// second on one core for 10 M events).
    func forEachEvent(group: Int, share: Int, _ body: (StoredEvent) throws -> Void) throws {
        for stretch in 0..<workers {
            let file = files[index(group: group, share: share, stretch: stretch)]
            try file.forEachRecord(in: directory) { position, bytes in
                try body(try RecordCodec.decodeProjected(bytes, position: position))
            }
            file.close()
        }
    }
}

/// One unlinked temporary file: a write buffer while it is being filled, then read back in chunks.
private final class SpillFile {
    /// The open file, or -1 once closed.
    private var descriptor: Int32
    /// Bytes gathered before a write: about `buffersBytes` for all the files together, from 16 to
    /// 256 KiB each (8 cores make 64 files per group, so 25 groups would otherwise take 400 MB).
    private let bufferSize: Int
    static let buffersBytes = 32 << 20

    /// The write buffer (allocated at the first append, freed by the last flush), its size, the
    /// bytes it holds and the bytes written to the file before them. Reached through a pointer:
    /// the first pass appends for every event, and a class's stored properties would each be
    /// checked for exclusive access (those checks and `Array.append` took 40% of the appends'
    /// samples).
    private struct Writing {
        var buffer: UnsafeMutableRawPointer?
        var capacity = 0
        var used = 0
        var written = 0
    }
    private let writing: UnsafeMutablePointer<Writing>

    /// Creates file `name` in `directory`, one of `count` the rebuild keeps open at once.
    init(in directory: String, name: String, of count: Int) throws(TouchlogError) {
        bufferSize = min(256 << 10, max(16 << 10, Self.buffersBytes / max(1, count)))
        writing = .allocate(capacity: 1)
        writing.initialize(to: Writing())
        let path = directory + "/" + name
        descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            let hint = errno == EMFILE || errno == ENFILE
                ? " (this rebuild keeps \(count) open; give it more memory with --memory, for fewer groups of customers, or raise `ulimit -n`)" : ""
            throw TouchlogError(.io, "cannot create a rebuild's temporary file in \(directory): \(reason)\(hint)")
        }
        unlink(path)
    }

    deinit {
        close()
        writing.pointee.buffer?.deallocate()
        writing.deallocate()
    }

    /// Closes the file, which frees it (it has no name); reading or writing it afterwards fails.
    func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    /// Adds a record: its position, its length and `record`, then an empty JSON block.
    func append(_ record: UnsafeRawBufferPointer, position: UInt64, in directory: String) throws(TouchlogError) {
        let size = 12 + record.count + 4
        if writing.pointee.used + size > bufferSize { try flush(in: directory, last: false) }
        // The first append, or a record longer than the buffer (none is: events are at most
        // 64 KiB). Either way the buffer holds nothing: never used, or just flushed.
        if writing.pointee.capacity < max(bufferSize, size) {
            writing.pointee.buffer?.deallocate()
            writing.pointee.buffer = .allocate(byteCount: max(bufferSize, size), alignment: 8)
            writing.pointee.capacity = max(bufferSize, size)
        }
        let at = writing.pointee.buffer! + writing.pointee.used
        at.storeBytes(of: position.littleEndian, toByteOffset: 0, as: UInt64.self)
        at.storeBytes(of: UInt32(record.count + 4).littleEndian, toByteOffset: 8, as: UInt32.self)
        if let base = record.baseAddress { (at + 12).copyMemory(from: base, byteCount: record.count) }
        (at + 12 + record.count).storeBytes(of: 0, as: UInt32.self)
        writing.pointee.used += size
    }

    /// Writes out what the buffer holds; the `last` time also frees the buffer.
    func flush(in directory: String, last: Bool) throws(TouchlogError) {
        var done = 0
        let (buffer, used, written) = (writing.pointee.buffer, writing.pointee.used, writing.pointee.written)
        while done < used {
            let result = pwrite(descriptor, buffer! + done, used - done, off_t(written + done))
            guard result > 0 else {
                if result < 0, errno == EINTR { continue }
                let reason = result < 0 ? String(cString: strerror(errno)) : "nothing written"
                throw TouchlogError(.io, "cannot write a rebuild's temporary file in \(directory) (it needs about 120 bytes per event): \(reason)")
            }
            done += result
        }
        writing.pointee.written += used
        writing.pointee.used = 0
        if last {
            buffer?.deallocate()
            writing.pointee.buffer = nil
            writing.pointee.capacity = 0
        }
    }

    /// Reads the file back from the start, in chunks, calling `body` with each record.
    func forEachRecord(in directory: String, _ body: (UInt64, UnsafeRawBufferPointer) throws -> Void) throws {
        var chunk = [UInt8](repeating: 0, count: 4 << 20)
        var offset = 0  // of the chunk's first byte in the file
        var held = 0  // bytes of the chunk holding data
        while true {
            let read = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + held, $0.count - held, off_t(offset + held)) }
            guard read >= 0 else {
                if errno == EINTR { continue }
                throw TouchlogError(.io, "cannot read a rebuild's temporary file in \(directory): \(String(cString: strerror(errno)))")
            }
            held += read
            let consumed = try chunk.withUnsafeBytes { bytes in
                var at = 0
                while held - at >= 12 {
                    let position = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
                    let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 8, as: UInt32.self)))
                    guard held - at - 12 >= length else { break }
                    try body(position, UnsafeRawBufferPointer(rebasing: bytes[(at + 12)..<(at + 12 + length)]))
                    at += 12 + length
                }
                return at
            }
            if read == 0 {
                guard consumed == held else {
                    throw TouchlogError(.io, "a rebuild's temporary file in \(directory) ends inside a record; run the rebuild again")
                }
                return
            }
            // Keep the partial record at the end for the next read; a record longer than the
            // chunk (none is: events are at most 64 KiB) would grow it.
            chunk.withUnsafeMutableBytes { bytes in
                bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + consumed, byteCount: held - consumed)
            }
            offset += consumed
            held -= consumed
            if held == chunk.count { chunk += [UInt8](repeating: 0, count: chunk.count) }
        }
    }
}
