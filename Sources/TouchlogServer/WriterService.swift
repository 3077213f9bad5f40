import ServiceLifecycle

/// Runs for as long as the server does; on graceful shutdown (after the HTTP server stopped
/// accepting and finished its requests) it lets the group committer finish every queued append
/// and refuse new ones, so that no acknowledged event is lost and the log can be closed.
struct WriterService: Service {
    let committer: GroupCommitter
    let notifier: HeadNotifier

    func run() async throws {
        try? await gracefulShutdown()
        notifier.close()
        committer.close()
    }
}
