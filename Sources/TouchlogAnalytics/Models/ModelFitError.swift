/// Why a model could not be fitted or evaluated: bad input, or an optimisation that did not
/// converge. The message says what to do about it.
public struct ModelFitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Code: String, Sendable {
        /// The data cannot be fitted (empty, negative, recency beyond T, non-positive spend…).
        case invalidInput
        /// The optimiser found no point where the gradient vanishes, from any start.
        case notConverged
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
