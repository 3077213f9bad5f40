import Foundation

/// A progress line redrawn in place on stderr when stderr is a terminal, and silent otherwise.
final class ProgressLine {
    private let enabled = isatty(STDERR_FILENO) == 1
    private var lastDraw = 0.0
    private let start = Date()
    private var drawn = false

    /// Seconds since the progress line was created.
    var elapsed: Double { Date().timeIntervalSince(start) }

    /// Redraws the line at most five times a second (always when `force`).
    func update(force: Bool = false, _ text: @autoclosure () -> String) {
        guard enabled else { return }
        let now = elapsed
        guard force || now - lastDraw >= 0.2 else { return }
        lastDraw = now
        drawn = true
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text())".utf8))
    }

    /// Clears the line.
    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
