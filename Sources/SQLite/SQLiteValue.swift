/// One value bound to a statement parameter or read from a result column, in SQLite's five storage classes.
public enum SQLiteValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A Swift type that can be bound to a statement parameter.
public protocol SQLiteBindable {
    var sqliteValue: SQLiteValue { get }
}

/// A Swift type that can be read from a result column.
///
/// Reading is strict: a NULL read as a non-optional type, or a column of another storage class,
/// throws `SQLiteError` with code `.mismatch` instead of SQLite's silent conversion to 0 or "".
public protocol SQLiteColumnValue {
    init(sqliteValue: SQLiteValue) throws(SQLiteColumnMismatch)
}

/// The reason a column value could not be read as the requested type. `Row` turns it into an
/// `SQLiteError` naming the column and the statement.
public struct SQLiteColumnMismatch: Error, Sendable {
    public let expected: String
    public let found: SQLiteValue

    public init(expected: String, found: SQLiteValue) {
        self.expected = expected
        self.found = found
    }
}

extension SQLiteValue: SQLiteBindable, SQLiteColumnValue {
    public var sqliteValue: SQLiteValue { self }

    public init(sqliteValue: SQLiteValue) {
        self = sqliteValue
    }

    /// The storage class name as SQLite's `typeof()` spells it.
    public var storageClass: String {
        switch self {
        case .null: "null"
        case .integer: "integer"
        case .real: "real"
        case .text: "text"
        case .blob: "blob"
        }
    }
}

extension Int64: SQLiteBindable, SQLiteColumnValue {
    public var sqliteValue: SQLiteValue { .integer(self) }

    public init(sqliteValue: SQLiteValue) throws(SQLiteColumnMismatch) {
        guard case .integer(let value) = sqliteValue else {
            throw SQLiteColumnMismatch(expected: "integer", found: sqliteValue)
        }
        self = value
    }
}

extension Int: SQLiteBindable, SQLiteColumnValue {
    public var sqliteValue: SQLiteValue { .integer(Int64(self)) }

    public init(sqliteValue: SQLiteValue) throws(SQLiteColumnMismatch) {
        // Int is 64 bits on every platform this package builds for, so the conversion cannot trap.
        self = Int(try Int64(sqliteValue: sqliteValue))
    }
}

extension Int32: SQLiteBindable, SQLiteColumnValue {
    public var sqliteValue: SQLiteValue { .integer(Int64(self)) }

    public init(sqliteValue: SQLiteValue) throws(SQLiteColumnMismatch) {
        let wide = try Int64(sqliteValue: sqliteValue)
        guard let value = Int32(exactly: wide) else {
            throw SQLiteColumnMismatch(expected: "32-bit integer", found: sqliteValue)
        }
        self = value
    }
}

extension Bool: SQLiteBindable, SQLiteColumnValue {
    public var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) }

    public init(sqliteValue: SQLiteValue) throws(SQLiteColumnMismatch) {
        switch sqliteValue {
        case .integer(0): self = false
        case .integer(1): self = true
        default: throw SQLiteColumnMismatch(expected: "boolean (0 or 1)", found: sqliteValue)
        }
    }
}

extension Double: SQLiteBindable, SQLiteColumnValue {
    public var sqliteValue: SQLiteValue { .real(self) }

    public init(sqliteValue: SQLiteValue) throws(SQLiteColumnMismatch) {
        switch sqliteValue {
        case .real(let value): self = value
        case .integer(let value): self = Double(value)
        default: throw SQLiteColumnMismatch(expected: "real", found: sqliteValue)
        }
    }
}

extension String: SQLiteBindable, SQLiteColumnValue {
    public var sqliteValue: SQLiteValue { .text(self) }

    public init(sqliteValue: SQLiteValue) throws(SQLiteColumnMismatch) {
        guard case .text(let value) = sqliteValue else {
            throw SQLiteColumnMismatch(expected: "text", found: sqliteValue)
        }
        self = value
    }
}

extension Array: SQLiteBindable, SQLiteColumnValue where Element == UInt8 {
    public var sqliteValue: SQLiteValue { .blob(self) }

    public init(sqliteValue: SQLiteValue) throws(SQLiteColumnMismatch) {
        guard case .blob(let value) = sqliteValue else {
            throw SQLiteColumnMismatch(expected: "blob", found: sqliteValue)
        }
        self = value
    }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    public var sqliteValue: SQLiteValue {
        switch self {
        case .none: .null
        case .some(let value): value.sqliteValue
        }
    }
}

extension Optional: SQLiteColumnValue where Wrapped: SQLiteColumnValue {
    public init(sqliteValue: SQLiteValue) throws(SQLiteColumnMismatch) {
        if case .null = sqliteValue {
            self = .none
        } else {
            self = .some(try Wrapped(sqliteValue: sqliteValue))
        }
    }
}
