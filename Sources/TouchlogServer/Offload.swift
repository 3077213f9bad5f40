import Dispatch

/// Runs a long blocking read (a scan of every profile) on a dispatch queue, off the server's
/// event loops and the Swift concurrency pool.
func offloaded<R: Sendable>(_ body: @escaping @Sendable () throws(Problem) -> R) async throws(Problem) -> R {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<R, Problem>, Never>) in
        DispatchQueue.global().async { continuation.resume(returning: Result(catching: body)) }
    }
    return try result.get()
}
