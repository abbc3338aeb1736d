import CSQLite

/// An error returned by SQLite, or found by this wrapper while reading a result.
///
/// Match on `code` (`catch let error as SQLiteError where error.code == .full`). The message is
/// SQLite's own text for the failure, and `sql` is the statement that failed when there was one.
public struct SQLiteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// SQLite's primary result code: the low byte of the extended result code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The primary result code as defined in sqlite3.h (`SQLITE_FULL` is 13).
        public let rawValue: Int32

        public init(rawValue: Int32) {
            self.rawValue = rawValue & 0xFF
        }

        /// Generic error, for example a syntax error or a missing table.
        public static let error = Code(rawValue: SQLITE_ERROR)
        /// The database file is locked by another connection and the busy timeout ran out.
        public static let busy = Code(rawValue: SQLITE_BUSY)
        /// A table in this connection is locked, for example by an unfinished statement.
        public static let locked = Code(rawValue: SQLITE_LOCKED)
        /// The connection was opened read-only, or the file or its folder cannot be written.
        public static let readOnly = Code(rawValue: SQLITE_READONLY)
        /// The operating system reported an I/O error.
        public static let ioError = Code(rawValue: SQLITE_IOERR)
        /// The database file is damaged.
        public static let corrupt = Code(rawValue: SQLITE_CORRUPT)
        /// The disk is full, or the database reached its `max_page_count`.
        public static let full = Code(rawValue: SQLITE_FULL)
        /// The database file or its folder could not be opened.
        public static let cannotOpen = Code(rawValue: SQLITE_CANTOPEN)
        /// A string or blob is larger than SQLite's limit.
        public static let tooBig = Code(rawValue: SQLITE_TOOBIG)
        /// A UNIQUE, NOT NULL, CHECK or FOREIGN KEY constraint failed.
        public static let constraint = Code(rawValue: SQLITE_CONSTRAINT)
        /// A column held another type than the caller read, or was NULL where a value was required.
        public static let mismatch = Code(rawValue: SQLITE_MISMATCH)
        /// The library was used incorrectly, for example a statement used after its connection failed.
        public static let misuse = Code(rawValue: SQLITE_MISUSE)
        /// A parameter index or the number of bound values does not match the statement.
        public static let range = Code(rawValue: SQLITE_RANGE)
        /// The file is not an SQLite database.
        public static let notADatabase = Code(rawValue: SQLITE_NOTADB)

        public var description: String {
            // sqlite3_errstr returns a static string owned by SQLite.
            String(cString: sqlite3_errstr(rawValue))
        }
    }

    /// The primary result code, for matching.
    public let code: Code
    /// SQLite's extended result code, which tells apart for example a UNIQUE from a FOREIGN KEY failure.
    public let extendedResultCode: Int32
    /// SQLite's message for this failure, or the wrapper's message for a type mismatch.
    public let message: String
    /// The SQL statement that failed, or nil when the failure was not tied to a statement.
    public let sql: String?

    public init(extendedResultCode: Int32, message: String, sql: String? = nil) {
        self.code = Code(rawValue: extendedResultCode)
        self.extendedResultCode = extendedResultCode
        self.message = message
        self.sql = sql
    }

    /// True when the file is damaged or is not an SQLite database at all.
    public var isCorruption: Bool {
        code == .corrupt || code == .notADatabase
    }

    public var description: String {
        var text = "SQLite error \(extendedResultCode) (\(code)): \(message)"
        if let sql {
            text += " in SQL: \(sql)"
        }
        return text
    }
}

/// The schema of a database file is newer than the migrations this build knows, so a newer
/// program wrote it. Opening it would risk misreading its tables, so the caller must stop.
public struct SchemaVersionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The `user_version` stored in the file.
    public let foundVersion: Int32
    /// The highest migration version this build knows.
    public let latestKnownVersion: Int32

    public var description: String {
        "database schema version \(foundVersion) is newer than version \(latestKnownVersion), "
            + "the latest this build knows; open it with a newer build"
    }
}
