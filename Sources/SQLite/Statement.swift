import CSQLite

/// A prepared statement, finalized in `deinit`.
///
/// Bind parameters, then call `step()` until it returns false; read columns through `row` while
/// `step()` returns true. A statement belongs to one `Database` and shares its thread rules: use it
/// from one thread at a time.
public final class Statement {
    /// The statement's SQL text as it was prepared.
    public let sql: String

    // Kept alive so the connection outlives every statement prepared on it.
    private let connection: Connection
    private let handle: OpaquePointer

    init(connection: Connection, sql: String) throws(SQLiteError) {
        var prepared: OpaquePointer?
        // The tail pointer points into the C string, so it is read inside the closure that keeps that string alive.
        let (result, hasTrailingStatement) = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let result = sqlite3_prepare_v3(connection.handle, text, -1, 0, &prepared, &tail)
            let trailing = tail.map { String(cString: $0) } ?? ""
            return (result, !trailing.allSatisfy(\.isWhitespace))
        }
        guard result == SQLITE_OK, let prepared else {
            throw connection.lastError(code: result, sql: sql)
        }
        guard !hasTrailingStatement else {
            sqlite3_finalize(prepared)
            throw SQLiteError(
                extendedResultCode: SQLITE_MISUSE,
                message: "a prepared statement must hold exactly one SQL statement; use execute(script:) for several",
                sql: sql)
        }
        self.connection = connection
        self.handle = prepared
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// The number of `?` parameters in the statement.
    public var parameterCount: Int32 {
        sqlite3_bind_parameter_count(handle)
    }

    /// Binds `values` to parameters 1, 2, … in order, after clearing any earlier bindings.
    public func bind(_ values: [any SQLiteBindable]) throws(SQLiteError) {
        guard values.count == Int(parameterCount) else {
            throw SQLiteError(
                extendedResultCode: SQLITE_RANGE,
                message: "statement has \(parameterCount) parameters but \(values.count) values were bound",
                sql: sql)
        }
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            try bind(value.sqliteValue, at: Int32(offset + 1))
        }
    }

    /// Binds one value to the parameter at `index` (1-based, as in SQLite).
    public func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        let result: Int32
        switch value {
        case .null:
            result = sqlite3_bind_null(handle, index)
        case .integer(let integer):
            result = sqlite3_bind_int64(handle, index, integer)
        case .real(let real):
            result = sqlite3_bind_double(handle, index, real)
        case .text(let text):
            result = sqlite3_bind_text(handle, index, text, -1, csqlite_transient_destructor())
        case .blob(let bytes) where bytes.isEmpty:
            // sqlite3_bind_blob with a null pointer binds NULL, so an empty blob needs zeroblob(0).
            result = sqlite3_bind_zeroblob(handle, index, 0)
        case .blob(let bytes):
            result = bytes.withUnsafeBytes { buffer in
                sqlite3_bind_blob64(
                    handle, index, buffer.baseAddress, sqlite3_uint64(buffer.count), csqlite_transient_destructor())
            }
        }
        guard result == SQLITE_OK else {
            throw connection.lastError(code: result, sql: sql)
        }
    }

    /// Runs the statement to its next row. Returns true when a row is ready in `row`, false when
    /// the statement has finished.
    public func step() throws(SQLiteError) -> Bool {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            // Reset so the statement can be used again; it returns the same error code, which we already have.
            let error = connection.lastError(code: result, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Returns the statement to its start so it can run again; bindings are kept.
    public func reset() {
        // sqlite3_reset repeats the last step's error, which `step()` has already thrown.
        sqlite3_reset(handle)
    }

    /// The current row. Valid only after `step()` returned true and until the next `step()` or `reset()`.
    public var row: Row {
        Row(statement: self)
    }

    /// The number of columns in each result row.
    public var columnCount: Int32 {
        sqlite3_column_count(handle)
    }

    /// Reads column `index` (0-based, as in SQLite) of the current row.
    func value(at index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            // sqlite3_column_text returns UTF-8 that stays valid until the next step, reset or column call.
            guard let text = sqlite3_column_text(handle, index) else { return .text("") }
            return .text(String(cString: text))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            // A zero-length blob has a null pointer, which still means an empty blob, not NULL.
            guard count > 0, let bytes = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    /// Returns the column's name in the result, as SQLite reports it.
    public func columnName(at index: Int32) -> String {
        guard let name = sqlite3_column_name(handle, index) else { return "column \(index)" }
        return String(cString: name)
    }
}

/// The current result row of a `Statement`.
public struct Row {
    let statement: Statement

    /// Reads column `index` (0-based) as `T`. Throws `.mismatch` when the column is NULL and `T` is
    /// not optional, or when it contains another storage class.
    public func column<T: SQLiteColumnValue>(_ index: Int32, as type: T.Type = T.self) throws(SQLiteError) -> T {
        let value = statement.value(at: index)
        do {
            return try T(sqliteValue: value)
        } catch {
            throw SQLiteError(
                extendedResultCode: SQLITE_MISMATCH,
                message: "column \(index) (\(statement.columnName(at: index))) is \(error.found.storageClass), "
                    + "expected \(error.expected)",
                sql: statement.sql)
        }
    }
}
