import EACPSQLite
import Foundation

/// Bounds on what the agent keeps while the server is unreachable.
public struct AgentStoreLimits: Hashable, Sendable {
    /// Security events kept in the queue. At the protocol's 64 KiB body limit this is at most about
    /// 6.5 GB, but typical events are a few hundred bytes. Events past the limit are discarded and counted.
    public var securityEventQueueCapacity: Int
    /// Agent log records kept; the oldest go first when the buffer is full, and are counted.
    public var logBufferCapacity: Int

    public init(securityEventQueueCapacity: Int = 100_000, logBufferCapacity: Int = 10_000) {
        self.securityEventQueueCapacity = securityEventQueueCapacity
        self.logBufferCapacity = logBufferCapacity
    }
}

/// The agent's durable state in one SQLite file: the security event queue, the action journal,
/// the coalesced status report, the log buffer, the enrollment identity, and content and
/// upgrade state.
///
/// Every method that stores something returns after the data is synced to disk, so the agent may
/// then acknowledge it or act on it. Errors are `SQLiteError`; a full disk is `.full`. The store
/// is safe to call from several threads at once.
public final class AgentStore: @unchecked Sendable {
    // @unchecked: `database` is only touched while `lock` is held, so no two threads use the connection at once.
    private let database: Database
    private let lock = NSLock()
    let limits: AgentStoreLimits

    /// Actions that were running when the agent last stopped. Opening the store moves them from
    /// `started` to `interrupted`, so the agent reports them as failed instead of running them twice.
    public let interruptedActions: [ActionJournalEntry]

    /// Opens (creating when missing) the store at `path` and brings its schema up to date.
    public convenience init(path: String, limits: AgentStoreLimits = AgentStoreLimits()) throws {
        try self.init(database: try Database(path: path), limits: limits)
    }

    /// Uses an open database, which the store owns from now on, and brings its schema up to date.
    public init(database: Database, limits: AgentStoreLimits = AgentStoreLimits()) throws {
        self.database = database
        self.limits = limits
        try database.migrate(AgentSchema.migrations)
        interruptedActions = try Self.markInterruptedActions(in: database)
    }

    /// Runs `body` on the connection under the lock.
    @discardableResult
    func withDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(database)
    }

    /// Runs `body` in one write transaction under the lock; it is durable when this returns.
    @discardableResult
    func writing<T>(_ body: (Database) throws -> T) throws -> T {
        try withDatabase { database in
            try database.write { try body(database) }
        }
    }

    // MARK: Counters

    /// Reads a named counter; 0 when it was never set.
    static func counter(_ name: String, in database: Database) throws -> Int64 {
        try database.queryFirst("SELECT value FROM counters WHERE name = ?", [name]) { row in
            try row.column(0, as: Int64.self)
        } ?? 0
    }

    /// Adds `delta` to a named counter and returns the new value.
    @discardableResult
    static func addToCounter(_ name: String, _ delta: Int64, in database: Database) throws -> Int64 {
        let value = try database.queryFirst(
            """
            INSERT INTO counters (name, value) VALUES (?, ?)
            ON CONFLICT (name) DO UPDATE SET value = value + excluded.value
            RETURNING value
            """, [name, delta]
        ) { row in try row.column(0, as: Int64.self) }
        return value ?? delta
    }

    /// Returns the next heartbeat sequence number: 1 for the first heartbeat, growing by one
    /// across restarts.
    public func nextHeartbeatSequenceNumber() throws -> Int64 {
        try writing { database in try Self.addToCounter("heartbeat_sequence", 1, in: database) }
    }
}
