import CSQLite

/// An open SQLite database file: one connection, with a cache of prepared statements.
///
/// A `Database` is not thread-safe as a whole: statements and transactions keep state between
/// calls, so callers that share one across threads must serialize access (the stores in this
/// package hold it behind a lock).
public final class Database {
    /// How a database is opened. The defaults are the ones for data that is acknowledged to a peer.
    public struct Options: Sendable {
        /// Read-write creates the file when it is missing; read-only never writes to it.
        public enum Mode: Sendable {
            case readWrite
            case readOnly
        }

        /// When SQLite calls fsync. `.full` syncs the write-ahead log on every commit, so a
        /// committed transaction survives power loss; `.normal` can lose the last commits in WAL mode.
        public enum Synchronous: String, Sendable {
            case full = "FULL"
            case normal = "NORMAL"
        }

        public var mode: Mode
        public var synchronous: Synchronous
        /// How long a call waits for another connection's lock before failing with `.busy`.
        /// Five seconds covers a slow fsync on a loaded disk without hanging a request for long.
        public var busyTimeoutMilliseconds: Int32

        public init(mode: Mode = .readWrite, synchronous: Synchronous = .full, busyTimeoutMilliseconds: Int32 = 5_000) {
            self.mode = mode
            self.synchronous = synchronous
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        }
    }

    /// The path the database was opened with.
    public let path: String
    public let options: Options

    let connection: Connection
    private let statementCache: StatementCache

    /// Opens (read-write: creates when missing) the database at `path`, in WAL mode with foreign
    /// keys on. Throws `.readOnly` when read-write was requested but the file cannot be written,
    /// and `.notADatabase` or `.corrupt` when the file is not a readable SQLite database.
    public init(path: String, options: Options = Options()) throws(SQLiteError) {
        let flags: Int32 =
            switch options.mode {
            case .readWrite: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
            case .readOnly: SQLITE_OPEN_READONLY
            }
        self.path = path
        self.options = options
        self.connection = try Connection(path: path, flags: flags)
        self.statementCache = StatementCache(connection: connection)
        try configure()
    }

    private func configure() throws(SQLiteError) {
        sqlite3_busy_timeout(connection.handle, options.busyTimeoutMilliseconds)
        try execute(script: "PRAGMA foreign_keys = ON")

        // Reading the schema is the first access to the file, so a file that is not a database fails here.
        try execute(script: "PRAGMA schema_version")
        guard options.mode == .readWrite else { return }

        if sqlite3_db_readonly(connection.handle, "main") == 1 {
            throw SQLiteError(
                extendedResultCode: SQLITE_READONLY,
                message: "database \(path) was opened read-only because the file or its folder is not writable")
        }
        let journalMode = try singleText("PRAGMA journal_mode = WAL")
        // An in-memory database reports "memory" and cannot use WAL; every file database can.
        if journalMode != "wal" && journalMode != "memory" {
            throw SQLiteError(
                extendedResultCode: SQLITE_ERROR,
                message: "database \(path) could not switch to WAL mode (journal mode is \(journalMode ?? "unknown"))")
        }
        try execute(script: "PRAGMA synchronous = \(options.synchronous.rawValue)")
    }

    private func singleText(_ sql: String) throws(SQLiteError) -> String? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return try statement.row.column(0, as: String.self)
    }

    /// Runs one or more SQL statements separated by semicolons, without parameters or results.
    public func execute(script: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(connection.handle, script, nil, nil, &errorMessage)
        // sqlite3_exec allocates the message with sqlite3_malloc; the caller frees it.
        defer { sqlite3_free(errorMessage) }
        guard result == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
            throw SQLiteError(extendedResultCode: sqlite3_extended_errcode(connection.handle), message: message, sql: script)
        }
    }

    /// Prepares a statement the caller owns. `run` and `query` use a cache of statements instead.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(connection: connection, sql: sql)
    }

    /// Runs one statement with `values` bound to its parameters and returns the number of rows it
    /// inserted, updated or deleted.
    @discardableResult
    public func run(_ sql: String, _ values: [any SQLiteBindable] = []) throws(SQLiteError) -> Int {
        let statement = try statementCache.statement(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {}
        return Int(sqlite3_changes64(connection.handle))
    }

    /// Runs a query and returns `read` applied to every result row, in order.
    public func query<T>(
        _ sql: String, _ values: [any SQLiteBindable] = [], read: (Row) throws -> T
    ) throws -> [T] {
        try statementCache.withStatement(sql) { statement in
            try statement.bind(values)
            var results: [T] = []
            while try statement.step() {
                results.append(try read(statement.row))
            }
            return results
        }
    }

    /// Runs a query and returns `read` applied to its first row, or nil when it has none.
    public func queryFirst<T>(
        _ sql: String, _ values: [any SQLiteBindable] = [], read: (Row) throws -> T
    ) throws -> T? {
        try statementCache.withStatement(sql) { statement in
            try statement.bind(values)
            guard try statement.step() else { return nil }
            return try read(statement.row)
        }
    }

    /// The rowid of the last row inserted on this connection.
    public var lastInsertRowID: Int64 {
        sqlite3_last_insert_rowid(connection.handle)
    }

    /// True while a transaction is open on this connection.
    public var isInTransaction: Bool {
        sqlite3_get_autocommit(connection.handle) == 0
    }
}

/// Prepared statements kept by SQL text, so the stores' fixed queries are compiled once per connection.
final class StatementCache {
    // The stores use a few dozen fixed SQL strings; dropping everything past this bound keeps a
    // caller that builds SQL dynamically from growing the cache without limit.
    private static let maximumCount = 128

    private let connection: Connection
    private var statements: [String: Statement] = [:]

    init(connection: Connection) {
        self.connection = connection
    }

    /// Returns the cached statement for `sql`, preparing it on first use. The caller resets it
    /// when done, even on error, so a half-run statement never holds a read lock or a stale row.
    func statement(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = statements[sql] {
            return cached
        }
        let statement = try Statement(connection: connection, sql: sql)
        if statements.count >= Self.maximumCount {
            statements.removeAll()
        }
        statements[sql] = statement
        return statement
    }

    func withStatement<T>(_ sql: String, _ body: (Statement) throws -> T) throws -> T {
        let statement = try statement(sql)
        defer { statement.reset() }
        return try body(statement)
    }
}
