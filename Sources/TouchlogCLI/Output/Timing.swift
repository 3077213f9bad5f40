import Dispatch
import Foundation
import Glibc

/// Wall-clock seconds `body` takes.
func secondsTaken(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// CPU time of the calling thread: unlike wall time, not inflated when other processes take the cores.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Latencies of repeated questions, wall and CPU time, summarised as percentiles.
struct Latencies: CustomStringConvertible {
    private var wall: [Double] = []
    private var cpu: [Double] = []

    mutating func measure(_ body: () throws -> Void) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let startCPU = threadCPUSeconds()
        try reportingFailures(body)
        cpu.append(threadCPUSeconds() - startCPU)
        wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    var description: String {
        func at(_ share: Double, _ values: [Double]) -> String {
            String(format: "%.3f ms", values[min(values.count - 1, Int(Double(values.count) * share))] * 1000)
        }
        let wall = wall.sorted(), cpu = cpu.sorted()
        guard !wall.isEmpty else { return "no questions" }
        return "p50 \(at(0.5, wall)), p99 \(at(0.99, wall)), max \(at(1, wall)) (CPU time: p50 \(at(0.5, cpu)), p99 \(at(0.99, cpu)))"
    }
}
