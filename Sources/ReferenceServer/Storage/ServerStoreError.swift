/// An error from a `ServerStore`, the same for every storage engine behind it.
///
/// Match on `code`; `message` names the record and what failed, and `underlying` carries the
/// engine's own text (an SQLite message, for example) for logs.
public struct ServerStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The record the call refers to does not exist (an unknown agent id, for example).
        public static let notFound = Code("not found")
        /// A record with the same key exists with other contents, or the change breaks a rule of the store.
        public static let conflict = Code("conflict")
        /// The disk or the database's size cap is full. Nothing of the failed call was stored.
        public static let storageFull = Code("storage full")
        /// The storage cannot be written: a read-only file, folder or connection.
        public static let readOnly = Code("read-only")
        /// The stored data is damaged; the store needs an operator's attention before further use.
        public static let corrupt = Code("corrupt")
        /// The storage is busy or unreachable for now; the same call may succeed when retried.
        public static let unavailable = Code("unavailable")
        /// Any other storage failure.
        public static let failed = Code("failed")

        public var description: String { name }
    }

    public let code: Code
    /// A description of the failure that names the record.
    public let message: String
    /// The storage engine's own description of the failure, when it reported one.
    public let underlying: String?

    public init(code: Code, message: String, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        guard let underlying else { return "\(code): \(message)" }
        return "\(code): \(message) (\(underlying))"
    }
}
