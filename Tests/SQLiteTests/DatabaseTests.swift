import EACPSQLite
import Testing

@Suite struct DatabaseTests {
    let folder: TemporaryFolder
    let database: Database

    init() throws {
        folder = try TemporaryFolder()
        database = try Database(path: folder.file("test.sqlite"))
    }

    private func pragma(_ name: String) throws -> SQLiteValue? {
        try database.queryFirst("PRAGMA \(name)") { row in try row.column(0, as: SQLiteValue.self) }
    }

    @Test func opensInWALModeWithFullSync() throws {
        #expect(try pragma("journal_mode") == .text("wal"))
        #expect(try pragma("synchronous") == .integer(2))
        #expect(try pragma("foreign_keys") == .integer(1))
        #expect(try pragma("busy_timeout") == .integer(5_000))
    }

    @Test func normalSyncIsAvailableOnRequest() throws {
        let relaxed = try Database(path: folder.file("relaxed.sqlite"), options: .init(synchronous: .normal))
        let value = try relaxed.queryFirst("PRAGMA synchronous") { row in try row.column(0, as: Int.self) }
        #expect(value == 1)
    }

    @Test func roundTripsEveryStorageClass() throws {
        try database.execute(script: "CREATE TABLE sample (i INTEGER, r REAL, t TEXT, b BLOB, n INTEGER)")
        let text = "hé \u{1F600} \"quoted\" 'single'"
        try database.run(
            "INSERT INTO sample VALUES (?, ?, ?, ?, ?)", [Int64.min, 0.25, text, [0x00, 0xFF, 0x7F] as [UInt8], nil as Int?])

        let row = try #require(
            try database.queryFirst("SELECT i, r, t, b, n FROM sample") { row in
                (
                    try row.column(0, as: Int64.self), try row.column(1, as: Double.self),
                    try row.column(2, as: String.self), try row.column(3, as: [UInt8].self),
                    try row.column(4, as: Int?.self)
                )
            })
        #expect(row.0 == Int64.min)
        #expect(row.1 == 0.25)
        #expect(row.2 == text)
        #expect(row.3 == [0x00, 0xFF, 0x7F])
        #expect(row.4 == nil)
    }

    @Test func emptyBlobStaysABlob() throws {
        try database.execute(script: "CREATE TABLE sample (b BLOB)")
        try database.run("INSERT INTO sample VALUES (?)", [[UInt8]()])

        let storageClass = try database.queryFirst("SELECT typeof(b) FROM sample") { row in try row.column(0, as: String.self) }
        let bytes = try database.queryFirst("SELECT b FROM sample") { row in try row.column(0, as: [UInt8].self) }
        #expect(storageClass == "blob")
        #expect(bytes == [])
    }

    @Test func booleansAreStoredAsZeroAndOne() throws {
        try database.execute(script: "CREATE TABLE sample (flag INTEGER)")
        try database.run("INSERT INTO sample VALUES (?), (?)", [true, false])

        let flags = try database.query("SELECT flag FROM sample ORDER BY rowid") { row in try row.column(0, as: Bool.self) }
        let raw = try database.query("SELECT flag FROM sample ORDER BY rowid") { row in try row.column(0, as: Int.self) }
        #expect(flags == [true, false])
        #expect(raw == [1, 0])
    }

    @Test func readingNullAsIntegerIsAMismatch() throws {
        let error = try #require(throws: SQLiteError.self) {
            try database.queryFirst("SELECT NULL AS missing") { row in try row.column(0, as: Int64.self) }
        }
        #expect(error.code == .mismatch)
        #expect(error.message == "column 0 (missing) is null, expected integer")
        #expect(error.sql == "SELECT NULL AS missing")
    }

    @Test func readingTextAsBlobIsAMismatch() throws {
        let error = try #require(throws: SQLiteError.self) {
            try database.queryFirst("SELECT 'abc' AS name") { row in try row.column(0, as: [UInt8].self) }
        }
        #expect(error.code == .mismatch)
        #expect(error.message == "column 0 (name) is text, expected blob")
    }

    @Test func readingOutOfRangeInt32IsAMismatch() throws {
        let error = try #require(throws: SQLiteError.self) {
            try database.queryFirst("SELECT 4294967296") { row in try row.column(0, as: Int32.self) }
        }
        #expect(error.code == .mismatch)
    }

    @Test func syntaxErrorCarriesMessageAndSQL() throws {
        let error = try #require(throws: SQLiteError.self) {
            try database.run("SELEKT 1")
        }
        #expect(error.code == .error)
        #expect(error.message == "near \"SELEKT\": syntax error")
        #expect(error.sql == "SELEKT 1")
    }

    @Test func wrongNumberOfValuesIsARangeError() throws {
        try database.execute(script: "CREATE TABLE sample (a, b)")
        let error = try #require(throws: SQLiteError.self) {
            try database.run("INSERT INTO sample VALUES (?, ?)", [1])
        }
        #expect(error.code == .range)
        #expect(error.message == "statement has 2 parameters but 1 values were bound")
    }

    @Test func prepareRejectsTwoStatements() throws {
        let error = try #require(throws: SQLiteError.self) {
            _ = try database.prepare("SELECT 1; SELECT 2")
        }
        #expect(error.code == .misuse)
    }

    @Test func uniqueViolationCarriesExtendedCode() throws {
        try database.execute(script: "CREATE TABLE sample (id TEXT PRIMARY KEY)")
        try database.run("INSERT INTO sample VALUES (?)", ["a"])

        let error = try #require(throws: SQLiteError.self) {
            try database.run("INSERT INTO sample VALUES (?)", ["a"])
        }
        #expect(error.code == .constraint)
        // SQLITE_CONSTRAINT_PRIMARYKEY is SQLITE_CONSTRAINT (19) | 6 << 8; Swift cannot import the macro.
        #expect(error.extendedResultCode == 1_555)
        #expect(error.message == "UNIQUE constraint failed: sample.id")
    }

    @Test func foreignKeysAreEnforced() throws {
        try database.execute(
            script: """
                CREATE TABLE parent (id INTEGER PRIMARY KEY);
                CREATE TABLE child (parent_id INTEGER NOT NULL REFERENCES parent(id));
                """)
        let error = try #require(throws: SQLiteError.self) {
            try database.run("INSERT INTO child VALUES (?)", [7])
        }
        // SQLITE_CONSTRAINT_FOREIGNKEY is SQLITE_CONSTRAINT (19) | 3 << 8.
        #expect(error.extendedResultCode == 787)
    }

    @Test func cachedStatementIsReusableAfterAnError() throws {
        try database.execute(script: "CREATE TABLE sample (id INTEGER PRIMARY KEY)")
        let insert = "INSERT INTO sample VALUES (?)"
        try database.run(insert, [1])
        #expect(throws: SQLiteError.self) { try database.run(insert, [1]) }

        try database.run(insert, [2])
        let ids = try database.query("SELECT id FROM sample ORDER BY id") { row in try row.column(0, as: Int.self) }
        #expect(ids == [1, 2])
    }

    @Test func runReturnsChangedRowCount() throws {
        try database.execute(script: "CREATE TABLE sample (id INTEGER); INSERT INTO sample VALUES (1), (2), (3)")
        let changed = try database.run("DELETE FROM sample WHERE id >= ?", [2])
        #expect(changed == 2)
    }

    @Test func preparedStatementOutlivesItsDatabase() throws {
        var owner: Database? = try Database(path: folder.file("outlive.sqlite"))
        let statement = try #require(try owner?.prepare("SELECT 41 + 1"))
        owner = nil

        #expect(try statement.step() == true)
        #expect(try statement.row.column(0, as: Int.self) == 42)
    }

    @Test func writtenRowsSurviveReopen() throws {
        let path = folder.file("reopen.sqlite")
        do {
            let first = try Database(path: path)
            try first.execute(script: "CREATE TABLE sample (value TEXT)")
            try first.write { try first.run("INSERT INTO sample VALUES (?)", ["kept"]) }
        }
        let second = try Database(path: path)
        let values = try second.query("SELECT value FROM sample") { row in try row.column(0, as: String.self) }
        #expect(values == ["kept"])
    }
}
