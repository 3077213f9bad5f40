/// Where one view stands against the log, from its checkpoint.
public struct ViewStatus: Sendable, Equatable {
    public let name: String
    /// The log position the live view reflects; equal to the head when it is up to date.
    public let position: UInt64
    /// Whether the live view was built by the current projector version.
    public let current: Bool
    /// How far a rebuild in progress got (persisted by chunked rebuilds; in-memory rebuilds
    /// report only when they swap in); `nil` when none is recorded.
    public let rebuildPosition: UInt64?
}

extension EventLog {
    /// The status of every view, in one snapshot. Cheap: one checkpoint read per view.
    public func viewStatuses() throws(TouchlogError) -> [ViewStatus] {
        try withSnapshot("reading view checkpoints") { txn in
            try views.map { view in
                let checkpoint = try checkpoint(of: view, in: txn) ?? ViewCheckpoint()
                return ViewStatus(
                    name: view.projector.name, position: checkpoint.position, current: checkpoint.version == view.projector.version,
                    rebuildPosition: checkpoint.rebuilding ? checkpoint.rebuildPosition : nil
                )
            }
        }
    }
}
