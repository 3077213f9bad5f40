import Glibc

/// How this process's allocator hands memory back to the system, for executables that append,
/// rebuild or serve in bulk.
public enum ProcessMemory {
    /// Keeps freed memory in the process for reuse instead of returning it to the system after
    /// every batch: allocations below 32 MB come from the heap (glibc maps larger ones apart and
    /// unmaps them when freed), and up to 128 MB free at the heap's top stays mapped. Each batch of
    /// an append allocates and frees tens of megabytes; returned each time, they came back as
    /// fresh pages that the kernel faulted in and zeroed: 6% of an append's CPU with inline views.
    /// Returns whether the allocator took both settings (glibc's `mallopt`, looked up at run time:
    /// Swift's Glibc module does not import `<malloc.h>`).
    @discardableResult
    public static func keepFreedMemoryForReuse() -> Bool {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let (trimThreshold, mmapThreshold): (Int32, Int32) = (-1, -3)  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        return mallopt(mmapThreshold, 32 << 20) == 1 && mallopt(trimThreshold, 128 << 20) == 1
    }
}
