import Foundation
import Synchronization
import Testing
import Touchlog

/// The folds beside an append run below their writer's priority (`ThreadPriority`): lowering is
/// the calling thread's own, so the writer keeps its priority.
struct ThreadPriorityTests {
    @Test func loweringChangesOnlyTheCallingThreadAndStopsAtTheLowest() throws {
        let before = ThreadPriority.niceValue
        let seen = Mutex<[Int32]>([])
        let done = DispatchSemaphore(value: 0)
        Thread {
            ThreadPriority.lower(by: ThreadPriority.yieldingIncrement)
            let lowered = ThreadPriority.niceValue
            ThreadPriority.lower(by: 40)
            let lowest = ThreadPriority.niceValue
            seen.withLock { $0 = [lowered, lowest] }
            done.signal()
        }.start()
        done.wait()
        #expect(seen.withLock { $0 } == [min(19, before + ThreadPriority.yieldingIncrement), 19])
        #expect(ThreadPriority.niceValue == before)
    }
}
