import Testing
import Touchlog

/// The allocator setting the `touchlog` executable makes when it starts: it must take on this
/// platform, or appends would silently lose what it gains.
struct ProcessMemoryTests {
    @Test func theAllocatorTakesTheSettings() {
        #expect(ProcessMemory.keepFreedMemoryForReuse())
    }
}
