import LMDB

extension EventLog {
    /// The names of the views this log maintains.
    public var viewNames: [String] { views.map(\.projector.name) }

    func checkpoint(of view: View, in txn: Transaction) throws -> ViewCheckpoint? {
        guard let bytes = try txn.get(checkpoints, key: Array(view.projector.name.utf8)) else { return nil }
        guard let checkpoint = ViewCheckpoint(bytes) else {
            throw TouchlogError(.corruption, "the checkpoint of the \(view.projector.name) view is damaged; run `touchlog rebuild \(view.projector.name)`")
        }
        return checkpoint
    }

    private func save(_ checkpoint: ViewCheckpoint, of view: View, in txn: Transaction) throws {
        try txn.put(checkpoints, key: Array(view.projector.name.utf8), value: checkpoint.encoded)
    }

    /// Appends of at least this many events fold them into the views on threads of their own
    /// while the log is written; smaller ones (the service's, mostly) fold in the transaction.
    package static let backgroundFoldMinimum = 1_000

    /// The events an append stores (the inputs whose outcome is `.stored`), as the views fold them;
    /// with `share`, only those of that share of customers, picked by the customer hash `prepare`
    /// made (`bucket(ofCustomerHash:buckets:)`): the others' events are not touched (copying one retains its
    /// strings, on the cache lines the other threads retain them on).
    func storedEvents(_ batch: PreparedBatch, _ decision: BatchDecision, share: (index: Int, of: Int)? = nil) -> [StoredEvent] {
        var stored: [StoredEvent] = []
        stored.reserveCapacity(Int(decision.head - decision.headBefore) / (share?.of ?? 1))
        for index in batch.inputs.indices {
            guard case .stored(let position) = decision.outcomes[index] else { continue }
            if let share, Self.bucket(ofCustomerHash: batch.customerHashes[index], buckets: share.of) != share.index { continue }
            guard case .success(let decoded) = batch.inputs[index] else { continue }
            stored.append(StoredEvent(position: position, recordedAt: decision.recordedAt, event: decoded.event, json: []))
        }
        return stored
    }

    /// The views' writes for part of an append's events, by index in `views` and share of
    /// customers (`nil` for a view folded whole), from `startProjecting`.
    typealias ProjectedWrites = [(view: Int, share: Int?, writes: ViewWrites)]

    /// What an append folded beside its transaction left in the views: the writes, and the live
    /// slot of each view they went to (by index in `views`). The next batch can be folded over
    /// it before this transaction commits (`FoldAhead`).
    struct FoldedViews {
        let writes: ProjectedWrites
        let slots: [Int: Int]
    }

    /// Starts folding the events a large append stores (`batch` as `decision` decided it) into
    /// every up-to-date view on threads of their own (the cores). Each thread records the views'
    /// writes, which `project` then makes. A view whose projector folds customers apart is folded
    /// in shares of customers, one per thread; the others go to one thread each, in turn. Each
    /// thread picks its events out of the batch itself, and runs a little below the caller's
    /// priority (`ThreadPriority`). `nil` for small appends (and without inline views): `project`
    /// folds those itself.
    ///
    /// Called inside a write transaction, in one of two ways:
    /// - in the append's own, before it writes anything (`previous` is `nil`): each thread reads a
    ///   snapshot equal to what the transaction started from;
    /// - in the transaction of the batch in front, once that batch's folds are done and before
    ///   their writes are made (`previous`): each thread reads a detached snapshot from before that
    ///   batch, through its recorded writes, and folds the views it keeps current.
    func startProjecting(
        _ batch: PreparedBatch, _ decision: BatchDecision, over previous: FoldedViews? = nil
    ) throws -> [BackgroundWork<ProjectedWrites>]? {
        guard inlineViews, decision.head - decision.headBefore >= UInt64(Self.backgroundFoldMinimum) else { return nil }
        let oldHead = decision.headBefore
        let threads = Self.foldWorkers
        // Each thread's folds: a view's index, and whether it folds the thread's share of customers.
        var tasks: [[(view: Int, byShare: Bool)]] = Array(repeating: [], count: threads)
        var next = 0
        for (index, view) in views.enumerated() {
            if threads > 1, view.projector.foldsCustomersApart {
                for thread in 0..<threads { tasks[thread].append((index, true)) }
            } else {
                tasks[next % threads].append((index, false))
                next += 1
            }
        }
        return try tasks.enumerated().filter { !$0.element.isEmpty }.map { thread, folds in
            // Begun here, inside the write transaction, so that it sees what the folds expect.
            let snapshot = try previous.map { _ in try environment.detachedSnapshot() }
            return BackgroundWork(while: "folding an append into the views", yielding: true) { [self] in
                var share: [StoredEvent]?, all: [StoredEvent]?
                func fold(_ snapshot: Transaction) throws -> ProjectedWrites {
                    try folds.compactMap { fold -> (view: Int, share: Int?, writes: ViewWrites)? in
                        let view = views[fold.view]
                        let slot: Int
                        if let previous {
                            guard let kept = previous.slots[fold.view] else { return nil }
                            slot = kept
                        } else {
                            guard let checkpoint = try checkpoint(of: view, in: snapshot), isCurrent(checkpoint, of: view, at: oldHead) else { return nil }
                            slot = Int(checkpoint.liveSlot)
                        }
                        let events: [StoredEvent]
                        if fold.byShare {
                            if share == nil { share = storedEvents(batch, decision, share: (thread, threads)) }
                            events = share!
                        } else {
                            if all == nil { all = storedEvents(batch, decision) }
                            events = all!
                        }
                        guard !events.isEmpty else { return nil }
                        // A share's keys are its customers' (and settings, the same in every share).
                        let foldShare = fold.byShare ? thread : nil
                        let base = previous?.writes.first { $0.view == fold.view && $0.share == foldShare }?.writes
                        let writes = ViewWrites(expectedWrites: events.count, over: base)
                        let store = ViewStore(txn: snapshot, database: view.slots[slot], meta: meta, recorder: writes)
                        try view.projector.apply(events, to: store)
                        writes.sortForReplay()
                        return (fold.view, foldShare, writes)
                    }
                }
                guard let snapshot else { return try environment.readBesideWrite(fold) }
                defer { snapshot.close() }
                return try snapshot.read(fold)
            }
        }
    }

    /// Folds the events stored by an append into every up-to-date view, in the append's own
    /// transaction (making the writes `folded` recorded, if given), and moves their checkpoints
    /// to the new head. Writes recorded are handed to `beforeMaking` before they are made, so
    /// that the next batch can be folded over them meanwhile (`FoldAhead`).
    func project(
        _ txn: Transaction, _ batch: PreparedBatch, _ decision: BatchDecision,
        folded: [BackgroundWork<ProjectedWrites>]?, beforeMaking: (FoldedViews) -> Void = { _ in }
    ) throws {
        guard inlineViews else { return }
        var current: [(index: Int, checkpoint: ViewCheckpoint)] = []
        for (index, view) in views.enumerated() {
            guard let checkpoint = try checkpoint(of: view, in: txn), isCurrent(checkpoint, of: view, at: decision.headBefore) else {
                continue  // stale: left to a rebuild, and readers are told so
            }
            current.append((index, checkpoint))
        }
        if let folded {
            let recorded = try folded.flatMap { (work) throws(TouchlogError) in try work.finish() }
            // The same snapshot: a view current here was current there.
            for (index, _) in current where !recorded.contains(where: { $0.view == index }) {
                throw TouchlogError(.storage, "the \(views[index].projector.name) view changed while an append folded into it")
            }
            beforeMaking(FoldedViews(writes: recorded, slots: Dictionary(uniqueKeysWithValues: current.map { ($0.index, Int($0.checkpoint.liveSlot)) })))
            for (index, checkpoint) in current {
                let parts = recorded.filter { $0.view == index }.map(\.writes)
                try ViewWrites.replay(parts, in: txn, database: views[index].slots[Int(checkpoint.liveSlot)])
            }
        } else {
            let stored = storedEvents(batch, decision)
            for (index, checkpoint) in current {
                try views[index].projector.apply(stored, to: ViewStore(txn: txn, database: views[index].slots[Int(checkpoint.liveSlot)], meta: meta))
            }
        }
        for (index, var checkpoint) in current {
            checkpoint.position = decision.head
            try save(checkpoint, of: views[index], in: txn)
        }
    }

    /// Whether a view with `checkpoint` reflects the log up to `head`, in its projector's version.
    private func isCurrent(_ checkpoint: ViewCheckpoint, of view: View, at head: UInt64) -> Bool {
        checkpoint.version == view.projector.version && checkpoint.position == head
    }

    /// Rebuilds the views whose projector version changed or that do not reflect the whole log.
    func rebuildStaleViews() throws(TouchlogError) {
        let stale = try withSnapshot("reading view checkpoints") { txn in
            let head = try readMetadata(txn).head
            return try views.filter { view in
                guard let checkpoint = try checkpoint(of: view, in: txn) else { return true }
                return checkpoint.version != view.projector.version || checkpoint.position != head
            }.map(\.projector.name)
        }
        if !stale.isEmpty { try rebuild(stale) }
    }

    /// Rebuilds views from position 1 into their spare slot while appends and readers go on, then
    /// makes the new view live in one transaction (readers see the old view until then, the new
    /// one after). Projectors with an in-memory folder (`makeRebuildFolder`) are rebuilt together,
    /// reading every event once, spread over all cores (see `rebuildInMemory`); interrupted, they
    /// start again. Others fold `chunkSize` events per write transaction and resume where they
    /// stopped.
    ///
    /// - Parameters:
    ///   - names: the views to rebuild; all when `nil`.
    ///   - progress: called after each chunk with the view's name, the position reached and the head.
    /// - Throws: `TouchlogError.Code.notFound` for an unknown view name.
    public func rebuild(
        _ names: [String]? = nil, chunkSize: Int = 200_000, progress: ((String, UInt64, UInt64) -> Void)? = nil
    ) throws(TouchlogError) {
        let selected = try (names ?? viewNames).map { (name) throws(TouchlogError) -> View in
            guard let view = views.first(where: { $0.projector.name == name }) else {
                throw TouchlogError(.notFound, "no view named \(name) (views: \(viewNames.joined(separator: ", ")))")
            }
            return view
        }
        let inMemory = selected.filter { $0.projector.makeRebuildFolder() != nil }
        if !inMemory.isEmpty { try rebuildInMemory(inMemory, progress: progress) }
        for view in selected where view.projector.makeRebuildFolder() == nil {
            var finished = false
            while !finished {
                let (reached, head, done) = try rebuildStep(view, chunkSize: chunkSize)
                progress?(view.projector.name, reached, head)
                finished = done
            }
        }
    }

    /// The rebuild of the views with an in-memory folder, all together, reading the log once.
    ///
    /// Customers are taken in groups of neighbouring subjects small enough for
    /// `Options.rebuildPassBytes` (`CustomerGroups`). One scan of the log, each of `foldWorkers`
    /// threads reading a stretch of its own, keeps every event (without its JSON) in temporary
    /// files by group and share of customers (`RebuildSpill`); each group is then folded from its
    /// files, each share on one thread. Each group's entries go into the views' spare slots (no
    /// reader sees those), written on a thread of their own while the workers fold the next group.
    /// A last write transaction writes the rest, folds what was appended meanwhile, and swaps.
    /// Interrupted, it leaves the live views as they were and starts again next time.
    private func rebuildInMemory(_ views: [View], progress: ((String, UInt64, UInt64) -> Void)?) throws(TouchlogError) {
        let names = views.map(\.projector.name).joined(separator: ", ")
        let head = try withSnapshot("reading the head") { txn in try readMetadata(txn).head }
        let bytesPerEvent: UInt64 = 120  // the profiles, and the history snapshots taken on the way
        let groups = CustomerGroups(try indexedCustomers(), budget: UInt64(rebuildPassBytes), bytesPerEvent: bytesPerEvent)
        // Empty the spare slots; each folder reads there what its fold needs.
        let (prototypes, entriesAfterBegin) = try writeRebuild(names) { txn in
            var prototypes: [any ViewFolder] = [], entries: [Int] = []
            for view in views {
                let spare = view.slots[1 - Int(try checkpoint(of: view, in: txn)?.liveSlot ?? 0)]
                try txn.removeAll(spare)
                var folder = view.projector.makeRebuildFolder()!
                try folder.begin(in: ViewStore(txn: txn, database: spare, meta: meta))
                prototypes.append(folder)
                entries.append(Int(try txn.statistics(spare).entries))
            }
            return (prototypes, entries)
        }
        var spareEntries = entriesAfterBegin
        let workers = Self.foldWorkers
        let spill = try RebuildSpill(directory: path, groups: groups.count, workers: workers)
        // Progress: the scan of the log, then the kept events read again, in events of the log.
        let work = head &+ groups.eventCounts.reduce(0, &+)
        func report(_ done: UInt64) { progress?(names, work == 0 ? head : done.multipliedFullWidth(by: head).low / work, head) }

        var folders = prototypes
        // Nothing captured is changed inside the transaction: the environment may run it again.
        func writeGroup(_ states: [[any ViewFolder]]) throws(TouchlogError) {
            for state in states { for index in folders.indices { folders[index].merge(state[index]) } }
            spareEntries = try writeRebuild(names) { txn in
                try views.enumerated().map { index, view in
                    let store = try spareStore(of: view, in: txn, expecting: spareEntries[index])
                    try folders[index].writeFinal(to: store)
                    return Int(try txn.statistics(store.database).entries)
                }
            }
            for index in folders.indices { folders[index].dropFinal() }
        }

        // Each worker has its own copy of the groups and its own spill files (`RebuildScan`).
        let firstPass = try scanLogInStretches(through: head, workers: workers, progress: report, makeState: { stretch in
            RebuildScan(groups: groups.ownCopy(), spill: spill.writer(ofStretch: stretch))
        }) { scan, position, bytes, _ in
            let subject = RecordCodec.subjectBytes(of: bytes)
            try scan.spill.append(bytes, position: position, subject: subject, group: scan.groups.group(ofSubject: subject))
        }
        // Positions run from 1 to the head without gaps: a scan that finds fewer records means a
        // damaged log, and views built from it would silently lack events.
        let found = firstPass.reduce(0) { $0 + $1.visited }
        guard found == head else {
            throw TouchlogError(.corruption, "the log holds \(found) records up to its head, position \(head); run `touchlog verify`")
        }
        try spill.finishWriting()
        // Each group is written on a thread of its own while the workers fold the next one (the
        // cores would otherwise idle during the writes); `folders` and `spareEntries` belong to
        // that thread until `finish` returns.
        var writing: BackgroundWork<Void>?
        defer { try? writing?.finish() }
        func startWriting(_ states: [[any ViewFolder]]) throws(TouchlogError) {
            try writing?.finish()
            writing = BackgroundWork(while: "rebuilding the \(names) view") { try writeGroup(states) }
        }
        var done = head
        // Each group holds few enough customers for their views to stay in cache, so events are
        // folded as they come (gathering them by customer, as replays do, gained nothing here).
        for group in 0..<groups.count {
            let states = try Self.onWorkers(workers, makeState: { _ in prototypes }, while: "rebuilding the \(names) view") { share, folders in
                try spill.forEachEvent(group: group, share: share) { event in
                    for index in folders.indices { try folders[index].fold(event) }
                }
                for index in folders.indices { folders[index].prepareFinal() }
            }
            try startWriting(states)
            done &+= groups.eventCounts[group]
            report(done)
        }
        try writing?.finish()
        try writeRebuild(names) { txn in
            let newHead = try readMetadata(txn).head
            var rest: [StoredEvent] = []
            try forEachEventForProjection(txn, after: head, through: newHead) { rest.append($0) }
            for (index, view) in views.enumerated() {
                let store = try spareStore(of: view, in: txn, expecting: spareEntries[index])
                try folders[index].write(to: store)
                try view.projector.apply(rest, to: store)
                let live = try checkpoint(of: view, in: txn)?.liveSlot ?? 0
                try swapIn(view, slot: 1 - live, replacing: live, head: newHead, in: txn)
            }
        }
    }

    /// The spare slot of a view being rebuilt, after checking that no one else wrote to it.
    private func spareStore(of view: View, in txn: Transaction, expecting entries: Int) throws -> ViewStore {
        let spare = view.slots[1 - Int(try checkpoint(of: view, in: txn)?.liveSlot ?? 0)]
        guard Int(try txn.statistics(spare).entries) == entries else {
            throw TouchlogError(.storage, "another rebuild of the \(view.projector.name) view ran at the same time; run the rebuild again")
        }
        return ViewStore(txn: txn, database: spare, meta: meta)
    }

    private func writeRebuild<R>(_ names: String, _ body: (Transaction) throws -> R) throws(TouchlogError) -> R {
        do {
            return try environment.write(body)
        } catch let error as TouchlogError {
            throw error
        } catch {
            throw TouchlogError.storage(error, while: "rebuilding the \(names) view")
        }
    }

    /// One transaction of a rebuild: starts or resumes it, folds up to `chunkSize` events into the
    /// spare slot and, once it reaches the head, swaps the slots.
    private func rebuildStep(_ view: View, chunkSize: Int) throws(TouchlogError) -> (UInt64, UInt64, Bool) {
        do {
            return try environment.write { txn in
                let head = try readMetadata(txn).head
                var checkpoint = try checkpoint(of: view, in: txn) ?? ViewCheckpoint()
                let spareSlot = 1 - checkpoint.liveSlot
                let spare = view.slots[Int(spareSlot)]
                if !checkpoint.rebuilding || checkpoint.rebuildVersion != view.projector.version {
                    try txn.removeAll(spare)
                    checkpoint.rebuilding = true
                    checkpoint.rebuildVersion = view.projector.version
                    checkpoint.rebuildPosition = 0
                }
                let target = min(head, checkpoint.rebuildPosition + UInt64(chunkSize))
                let store = ViewStore(txn: txn, database: spare, meta: meta)
                var chunk: [StoredEvent] = []
                chunk.reserveCapacity(Int(target - checkpoint.rebuildPosition))
                try forEachEventForProjection(txn, after: checkpoint.rebuildPosition, through: target) { chunk.append($0) }
                try view.projector.apply(chunk, to: store)
                checkpoint.rebuildPosition = target
                let done = target == head
                if done {
                    try swapIn(view, slot: spareSlot, replacing: checkpoint.liveSlot, head: head, in: txn)
                } else {
                    try save(checkpoint, of: view, in: txn)
                }
                return (target, head, done)
            }
        } catch {
            throw TouchlogError.storage(error, while: "rebuilding the \(view.projector.name) view")
        }
    }

    /// Calls `body` with each event after `after` through `through`, decoded for projection.
    func forEachEventForProjection(
        _ txn: Transaction, after: UInt64, through: UInt64, _ body: (StoredEvent) throws -> Void
    ) throws {
        try forEachRecord(txn, after: after, through: through) { position, bytes, header in
            try body(try decodeRecord(bytes, position: position, includingJSON: false, header: header))
        }
    }

    /// Calls `body` with each record after `after` through `through`, its header read and its
    /// checksum checked; with several `buckets`, only the records of the customers in `bucket`
    /// (see `bucket(ofRecord:)`). The bytes are valid for the rest of `txn`. Returns the span of
    /// the map the records were read from, and how many were passed to `body`.
    @discardableResult
    func forEachRecord(
        _ txn: Transaction, after: UInt64, through: UInt64, bucket: Int = 0, of buckets: Int = 1,
        _ body: (UInt64, UnsafeRawBufferPointer, RecordHeader) throws -> Void
    ) throws -> (span: MappedSpan, visited: UInt64) {
        var span = MappedSpan()
        var visited: UInt64 = 0
        guard through > after else { return (span, visited) }
        try txn.withCursor(events) { cursor in
            var entry = try PositionKey.of(after + 1).withUnsafeBytes { try cursor.seek(atOrAfter: $0) }
            while let current = entry, let position = PositionKey.decode(current.key), position <= through {
                span.include(current.value)
                if buckets == 1 || Self.bucket(ofRecord: current.value, buckets: buckets) == bucket {
                    try body(position, current.value, try header(current.value, position: position))
                    visited += 1
                }
                entry = try cursor.next()
            }
        }
        return (span, visited)
    }

    /// Makes `slot` the live view as of `head`, emptying the slot it replaces.
    private func swapIn(_ view: View, slot: UInt8, replacing old: UInt8, head: UInt64, in txn: Transaction) throws {
        try txn.removeAll(view.slots[Int(old)])
        var checkpoint = ViewCheckpoint()
        checkpoint.liveSlot = slot
        checkpoint.version = view.projector.version
        checkpoint.position = head
        try save(checkpoint, of: view, in: txn)
    }

    /// Runs `body` with the live database of view `name`, after checking that the view reflects
    /// the log in this snapshot.
    func withView<R>(_ name: String, _ body: (Transaction, Database) throws -> R) throws(TouchlogError) -> R {
        guard let view = views.first(where: { $0.projector.name == name }) else {
            if StandardProjectors.all.contains(where: { $0.name == name }) {
                throw TouchlogError(.viewOutOfDate, "the \(name) view has not been built in this database; run `touchlog rebuild \(name)`")
            }
            throw TouchlogError(.notFound, "no view named \(name) (views: \(viewNames.joined(separator: ", ")))")
        }
        return try withSnapshot("reading the \(name) view") { txn in
            guard let database = try liveDatabase(of: view, in: txn) else {
                throw TouchlogError(.viewOutOfDate, "the \(name) view does not reflect the log; run `touchlog rebuild \(name)`")
            }
            return try body(txn, database)
        }
    }

    /// The live database of `view` if it reflects the log in the snapshot `txn`, else `nil`.
    func liveDatabase(of view: View, in txn: Transaction) throws -> Database? {
        let snapshot = txn.snapshotID
        if let slot = view.lastCurrent.slot(ifCurrentIn: snapshot) { return view.slots[slot] }
        let head = try readMetadata(txn).head
        guard let checkpoint = try checkpoint(of: view, in: txn),
              checkpoint.version == view.projector.version, checkpoint.position == head
        else { return nil }
        view.lastCurrent.record(snapshot, slot: Int(checkpoint.liveSlot))
        return view.slots[Int(checkpoint.liveSlot)]
    }

    /// The profile of a customer, or `nil` if the customer has no events.
    public func profile(of subject: String) throws(TouchlogError) -> CustomerProfile? {
        try withStoredProfile(of: subject) { bytes throws(TouchlogError) in try CustomerProfile(encoded: bytes) }
    }

    /// The single-number figures of a customer's profile, or `nil` if the customer has no events:
    /// read from the head of the stored profile alone, without decoding the rest (see `ProfileSummary`).
    public func profileSummary(of subject: String) throws(TouchlogError) -> ProfileSummary? {
        try withStoredProfile(of: subject) { bytes throws(TouchlogError) in try ProfileSummary(encodedProfile: bytes) }
    }

    private func withStoredProfile<R>(of subject: String, _ decode: (UnsafeRawBufferPointer) throws(TouchlogError) -> R) throws(TouchlogError) -> R? {
        try withView("profile") { txn, database in
            var key = subject
            return try key.withUTF8 { key in try txn.get(database, key: UnsafeRawBufferPointer(key)).map(decode) }
        }
    }
}

extension EventLog {
    /// The stored bytes of a view entry, for projectors defined outside this module.
    public func rawViewValue(_ view: String, key: [UInt8]) throws(TouchlogError) -> [UInt8]? {
        try withView(view) { txn, database in try txn.get(database, key: key).map { Array($0) } }
    }

    /// Every entry of a view, in key order (for tests).
    package func viewEntries(_ view: String) throws(TouchlogError) -> [(key: [UInt8], value: [UInt8])] {
        try withView(view) { txn, database in
            var entries: [(key: [UInt8], value: [UInt8])] = []
            try txn.withCursor(database) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    entries.append((Array(current.key), Array(current.value)))
                    entry = try cursor.next()
                }
            }
            return entries
        }
    }
}

/// What one worker of a rebuild's first pass holds: its own copy of the groups and its own spill
/// files, so that routing an event touches no buffer or object whose reference count another core
/// also changes (those retains and releases were about 14% of the pass's samples when the workers
/// shared them).
private struct RebuildScan {
    let groups: CustomerGroups
    let spill: RebuildSpill.Writer
}
