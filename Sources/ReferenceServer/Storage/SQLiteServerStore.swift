import EACPSQLite
import Foundation

/// The `ServerStore` on one SQLite file, for a server on one machine.
///
/// All calls go through one connection, one at a time. Several stores (server replicas) may open
/// the same file: SQLite then serializes their write transactions, and the compare-and-set
/// methods decide between them.
public final class SQLiteServerStore: ServerStore, @unchecked Sendable {
    // @unchecked: `database` is only touched while `lock` is held, so no two threads use the connection at once.
    private let database: Database
    private let lock = NSLock()
    let limits: ServerStoreLimits

    /// Opens (creating when missing) the store at `path` and brings its schema up to date.
    public convenience init(path: String, limits: ServerStoreLimits = ServerStoreLimits()) throws(ServerStoreError) {
        let database: Database
        do {
            database = try Database(path: path)
        } catch {
            throw Self.storeError(error, operation: "opening the server store at \(path)")
        }
        try self.init(database: database, limits: limits)
    }

    /// Uses an open database, which the store owns from now on, and brings its schema up to date.
    public init(database: Database, limits: ServerStoreLimits = ServerStoreLimits()) throws(ServerStoreError) {
        self.database = database
        self.limits = limits
        do {
            try database.migrate(ServerSchema.migrations)
        } catch {
            throw Self.storeError(error, operation: "migrating the server store at \(database.path)")
        }
    }

    /// Runs `body` on the connection under the lock, mapping any error to `ServerStoreError`.
    @discardableResult
    func withDatabase<T>(_ operation: @autoclosure () -> String, _ body: (Database) throws -> T)
        throws(ServerStoreError) -> T
    {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try body(database)
        } catch {
            throw Self.storeError(error, operation: operation())
        }
    }

    /// Runs `body` in one write transaction; it is durable when this returns.
    @discardableResult
    func writing<T>(_ operation: @autoclosure () -> String, _ body: (Database) throws -> T)
        throws(ServerStoreError) -> T
    {
        try withDatabase(operation()) { database in
            try database.write { try body(database) }
        }
    }

    static func storeError(_ error: any Error, operation: String) -> ServerStoreError {
        if let error = error as? ServerStoreError {
            return error
        }
        if let error = error as? SchemaVersionError {
            return ServerStoreError(code: .failed, message: "\(operation) failed", underlying: error.description)
        }
        guard let error = error as? SQLiteError else {
            return ServerStoreError(code: .failed, message: "\(operation) failed", underlying: "\(error)")
        }
        let code: ServerStoreError.Code
        switch error.code {
        case .full: code = .storageFull
        case .readOnly: code = .readOnly
        case .corrupt, .notADatabase: code = .corrupt
        case .busy, .locked: code = .unavailable
        // SQLITE_CONSTRAINT_FOREIGNKEY (19 | 3 << 8): the row refers to an agent or action that does not exist.
        case .constraint where error.extendedResultCode == 787: code = .notFound
        case .constraint: code = .conflict
        default: code = .failed
        }
        return ServerStoreError(code: code, message: "\(operation) failed", underlying: error.description)
    }

    static func notFound(agentID: String) -> ServerStoreError {
        ServerStoreError(code: .notFound, message: "agent \(agentID) not found")
    }
}
