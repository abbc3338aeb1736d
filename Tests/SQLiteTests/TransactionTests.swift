import EACPSQLite
import Testing

private struct Abort: Error {}

@Suite struct TransactionTests {
    let folder: TemporaryFolder
    let database: Database

    init() throws {
        folder = try TemporaryFolder()
        database = try Database(path: folder.file("test.sqlite"))
        try database.execute(script: "CREATE TABLE sample (value INTEGER)")
    }

    private func values(in database: Database? = nil) throws -> [Int] {
        try (database ?? self.database).query("SELECT value FROM sample ORDER BY rowid") { row in
            try row.column(0, as: Int.self)
        }
    }

    @Test func writeCommitsWhenBodyReturns() throws {
        let returned = try database.write {
            try database.run("INSERT INTO sample VALUES (1)")
            return "done"
        }
        #expect(returned == "done")
        #expect(try values() == [1])
        #expect(database.isInTransaction == false)
    }

    @Test func writeRollsBackWhenBodyThrows() throws {
        #expect(throws: Abort.self) {
            try database.write {
                try database.run("INSERT INTO sample VALUES (1)")
                throw Abort()
            }
        }
        #expect(try values() == [])
        #expect(database.isInTransaction == false)
    }

    @Test func nestedWriteRollsBackOnlyItsOwnWork() throws {
        try database.write {
            try database.run("INSERT INTO sample VALUES (1)")
            try? database.write {
                try database.run("INSERT INTO sample VALUES (2)")
                throw Abort()
            }
            try database.run("INSERT INTO sample VALUES (3)")
        }
        #expect(try values() == [1, 3])
    }

    @Test func nestedWriteFailureRollsBackOuterWhenRethrown() throws {
        #expect(throws: Abort.self) {
            try database.write {
                try database.run("INSERT INTO sample VALUES (1)")
                try database.write {
                    try database.run("INSERT INTO sample VALUES (2)")
                    throw Abort()
                }
            }
        }
        #expect(try values() == [])
    }

    @Test func uncommittedWriteIsInvisibleToAnotherConnection() throws {
        let other = try Database(path: folder.file("test.sqlite"))
        try database.write {
            try database.run("INSERT INTO sample VALUES (1)")
            #expect(try values(in: other) == [])
        }
        #expect(try values(in: other) == [1])
    }

    @Test func secondWriterGetsBusyWhileFirstHoldsTheLock() throws {
        // The short timeout only bounds how long the second writer waits; the assertion is on the code.
        let other = try Database(path: folder.file("test.sqlite"), options: .init(busyTimeoutMilliseconds: 20))
        try database.write {
            try database.run("INSERT INTO sample VALUES (1)")
            let error = try #require(throws: SQLiteError.self) {
                try other.write { try other.run("INSERT INTO sample VALUES (2)") }
            }
            #expect(error.code == .busy)
            #expect(other.isInTransaction == false)
        }
        #expect(try values() == [1])
    }

    @Test func readSeesOneSnapshot() throws {
        let other = try Database(path: folder.file("test.sqlite"))
        try database.run("INSERT INTO sample VALUES (1)")
        try other.read {
            #expect(try values(in: other) == [1])
            try database.run("INSERT INTO sample VALUES (2)")
            #expect(try values(in: other) == [1])
        }
        #expect(try values(in: other) == [1, 2])
    }
}
