import CSQLite

extension Database {
    /// Runs `body` in a write transaction and returns its result.
    ///
    /// The transaction starts with BEGIN IMMEDIATE, so it takes the write lock up front (waiting
    /// up to the busy timeout) and cannot fail half-way with `.busy` after reading. It commits when
    /// `body` returns and rolls back when `body` throws; the error from `body` is rethrown
    /// unchanged. Called inside another transaction, it runs in a savepoint that rolls back alone.
    @discardableResult
    public func write<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction {
            return try savepoint(body)
        }
        try execute(script: "BEGIN IMMEDIATE")
        let value: T
        do {
            value = try body()
        } catch {
            rollBack()
            throw error
        }
        do {
            try execute(script: "COMMIT")
        } catch {
            // A failed COMMIT (a full disk, for example) can leave the transaction open.
            rollBack()
            throw error
        }
        return value
    }

    /// Runs `body` in a read transaction, so every query in it reads the same snapshot of the file.
    @discardableResult
    public func read<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction {
            return try body()
        }
        try execute(script: "BEGIN DEFERRED")
        defer { rollBack() }
        return try body()
    }

    private func savepoint<T>(_ body: () throws -> T) throws -> T {
        try execute(script: "SAVEPOINT nested_write")
        do {
            let value = try body()
            try execute(script: "RELEASE nested_write")
            return value
        } catch {
            // ROLLBACK TO leaves the savepoint on the stack, so RELEASE removes it. The outer transaction stays open.
            try? execute(script: "ROLLBACK TO nested_write")
            try? execute(script: "RELEASE nested_write")
            throw error
        }
    }

    private func rollBack() {
        guard isInTransaction else { return }
        // The caller is already throwing the error that caused the rollback, which matters more than
        // a failed ROLLBACK. SQLite rolls back an open transaction when the connection closes anyway.
        try? execute(script: "ROLLBACK")
    }
}

/// One step of a database schema: the version it brings the file to and the work to get there.
public struct Migration: Sendable {
    /// The `user_version` the file has after this migration; versions start at 1 and count up by 1.
    public let version: Int32
    let apply: @Sendable (Database) throws -> Void

    /// Creates a migration that runs an SQL script.
    public init(version: Int32, script: String) {
        self.version = version
        self.apply = { database in try database.execute(script: script) }
    }

    /// Creates a migration that runs Swift code, for changes a script cannot express.
    public init(version: Int32, apply: @escaping @Sendable (Database) throws -> Void) {
        self.version = version
        self.apply = apply
    }
}

extension Database {
    /// The schema version stored in the file header (`PRAGMA user_version`); 0 for a new file.
    public var userVersion: Int32 {
        get throws {
            try queryFirst("PRAGMA user_version") { row in try row.column(0, as: Int32.self) } ?? 0
        }
    }

    /// Brings the schema up to the last of `migrations`, each in its own write transaction
    /// together with its new `user_version`, so a crash leaves the file at one version or the next.
    ///
    /// Throws `SchemaVersionError` when the file's version is newer than every migration given.
    public func migrate(_ migrations: [Migration]) throws {
        for (offset, migration) in migrations.enumerated() {
            precondition(migration.version == Int32(offset + 1), "migrations must be numbered 1, 2, 3, … in order")
        }
        let latestKnown = Int32(migrations.count)
        let current = try userVersion
        guard current <= latestKnown else {
            throw SchemaVersionError(foundVersion: current, latestKnownVersion: latestKnown)
        }
        for migration in migrations where migration.version > current {
            try write {
                try migration.apply(self)
                try execute(script: "PRAGMA user_version = \(migration.version)")
            }
        }
    }

    /// Checks the whole file for damage with `PRAGMA quick_check` and throws `.corrupt` listing the
    /// first problems found.
    public func checkIntegrity() throws {
        let problems = try query("PRAGMA quick_check(10)") { row in try row.column(0, as: String.self) }
        guard problems != ["ok"] else { return }
        throw SQLiteError(
            extendedResultCode: SQLITE_CORRUPT,
            message: "database \(path) failed its integrity check: \(problems.joined(separator: "; "))",
            sql: "PRAGMA quick_check(10)")
    }
}
