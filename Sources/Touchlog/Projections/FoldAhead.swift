extension EventLog {
    /// A batch decided, and being folded into the views, in the write transaction of the batch in
    /// front of it (`append(_:partial:foldingAhead:)`), on threads that go on while that
    /// transaction makes its views' writes and commits. The folds read a snapshot from before the
    /// batch in front, through its writes (`FoldedViews`), which is what the batch's own
    /// transaction will start from if nothing else is written in between.
    final class FoldAhead: @unchecked Sendable {
        /// The batch's `PreparedBatch.serial`.
        let batch: UInt64
        /// The id of the write transaction it was decided in: it holds for the transaction right
        /// after (LMDB numbers write transactions in commit order, an aborted one reusing its id).
        let decidedIn: Int
        let decision: BatchDecision
        let works: [BackgroundWork<ProjectedWrites>]

        init(batch: UInt64, decidedIn: Int, decision: BatchDecision, works: [BackgroundWork<ProjectedWrites>]) {
            self.batch = batch
            self.decidedIn = decidedIn
            self.decision = decision
            self.works = works
        }

        /// Waits for the folds (whose snapshots close with them) and drops what they made.
        func discard() {
            for work in works { _ = try? work.finish() }
        }
    }
}
