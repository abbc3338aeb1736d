import EACPSQLite
import Testing

private struct Abort: Error {}

@Suite struct MigrationTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    private let migrations = [
        Migration(version: 1, script: "CREATE TABLE first (id INTEGER PRIMARY KEY)"),
        Migration(version: 2, script: "CREATE TABLE second (id INTEGER PRIMARY KEY)"),
    ]

    private func tables(in database: Database) throws -> [String] {
        try database.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") { row in
            try row.column(0, as: String.self)
        }
    }

    @Test func newFileStartsAtVersionZero() throws {
        let database = try Database(path: folder.file("db.sqlite"))
        #expect(try database.userVersion == 0)
    }

    @Test func appliesEveryMigrationInOrder() throws {
        let database = try Database(path: folder.file("db.sqlite"))
        try database.migrate(migrations)
        #expect(try database.userVersion == 2)
        #expect(try tables(in: database) == ["first", "second"])
    }

    @Test func appliesOnlyMissingMigrationsOnReopen() throws {
        let path = folder.file("db.sqlite")
        try Database(path: path).migrate(Array(migrations.prefix(1)))

        let database = try Database(path: path)
        try database.run("INSERT INTO first VALUES (5)")
        try database.migrate(migrations)
        #expect(try database.userVersion == 2)
        let ids = try database.query("SELECT id FROM first") { row in try row.column(0, as: Int.self) }
        #expect(ids == [5])
    }

    @Test func failedMigrationLeavesThePreviousVersion() throws {
        let database = try Database(path: folder.file("db.sqlite"))
        let failing = migrations + [
            Migration(version: 3) { database in
                try database.execute(script: "CREATE TABLE third (id INTEGER)")
                throw Abort()
            }
        ]
        #expect(throws: Abort.self) { try database.migrate(failing) }
        #expect(try database.userVersion == 2)
        #expect(try tables(in: database) == ["first", "second"])
    }

    @Test func rejectsFileFromNewerBuild() throws {
        let database = try Database(path: folder.file("db.sqlite"))
        try database.execute(script: "PRAGMA user_version = 9")

        let error = try #require(throws: SchemaVersionError.self) { try database.migrate(migrations) }
        #expect(error.foundVersion == 9)
        #expect(error.latestKnownVersion == 2)
        #expect(try tables(in: database) == [])
    }
}
