// Built with -enable-testing by Tools/fuzz: FuzzTargets is package API of Touchlog.
import FuzzSupport
@testable import Touchlog
#if canImport(Glibc)
import Glibc
#endif

/// Runs libFuzzer on `FuzzTargets.run(.record, _:)`: a broken property traps, and libFuzzer keeps
/// the input as a crash. Takes libFuzzer's options (`-max_total_time=60 CORPUS_DIR …`).
@main
enum FuzzRecord {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            let problems = FuzzTargets.run(.record, UnsafeRawBufferPointer(start: data, count: size))
            if !problems.isEmpty { fatalError(problems.joined(separator: "\n")) }
            return 0
        })
    }
}
