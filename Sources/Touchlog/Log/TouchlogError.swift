import LMDB

/// An error of the Touchlog engine: what kind, a message a person can act on, and the cause.
///
/// Only the CLI maps these to exit statuses and only the server to HTTP statuses.
public struct TouchlogError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Code: String, Sendable {
        /// There is no database at the path.
        case databaseMissing
        /// The path holds something that is not a Touchlog database, or one of a newer format.
        case incompatibleDatabase
        /// A stored record or index failed its checks.
        case corruption
        /// The storage layer failed (disk full, permissions, LMDB error).
        case storage
        /// A request or argument is invalid.
        case invalidArgument
        /// Reading or writing a file failed.
        case io
        /// A view does not reflect the log (its projector changed, or a rebuild is due).
        case viewOutOfDate
        /// No view or record of that name or key.
        case notFound
    }

    public let code: Code
    public let message: String
    /// The underlying error, if any.
    public let cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        guard let cause else { return message }
        return "\(message): \(cause)"
    }

    /// Wraps a storage-layer error, keeping Touchlog errors as they are.
    static func storage(_ error: any Error, while doing: String) -> TouchlogError {
        if let error = error as? TouchlogError { return error }
        if let error = error as? LMDBError {
            if error.code == LMDBError.noSpace.code || error.code == LMDBError.mapFull.code {
                return TouchlogError(.storage, "\(doing) failed: the disk or the map is full", cause: error)
            }
            if error.code == LMDBError.corrupted.code || error.code == LMDBError.panic.code {
                return TouchlogError(.corruption, "\(doing) failed: the database is damaged", cause: error)
            }
            return TouchlogError(.storage, "\(doing) failed", cause: error)
        }
        return TouchlogError(.storage, "\(doing) failed: \(error)")
    }
}
