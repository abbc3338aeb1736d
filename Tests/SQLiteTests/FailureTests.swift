import EACPSQLite
import Foundation
import Testing

@Suite struct FailureTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    @Test func fullDatabaseFailsWithFullAndKeepsCommittedRows() throws {
        let database = try Database(path: folder.file("small.sqlite"))
        try database.execute(script: "CREATE TABLE sample (id INTEGER PRIMARY KEY, payload BLOB)")
        // A page cap is a database that fills up like a small disk, without mounting one.
        try database.execute(script: "PRAGMA max_page_count = 8")
        let payload = [UInt8](repeating: 0xAB, count: 1_000)

        var committed = 0
        var failure: SQLiteError?
        while failure == nil && committed < 1_000 {
            do {
                try database.write { try database.run("INSERT INTO sample VALUES (?, ?)", [committed, payload]) }
                committed += 1
            } catch let error as SQLiteError {
                failure = error
            }
        }

        let error = try #require(failure)
        #expect(error.code == .full)
        #expect(error.message == "database or disk is full")
        #expect(database.isInTransaction == false)
        let count = try database.queryFirst("SELECT count(*) FROM sample") { row in try row.column(0, as: Int.self) }
        #expect(count == committed)
        #expect(committed > 0)
    }

    @Test func readOnlyConnectionRejectsWrites() throws {
        let path = folder.file("db.sqlite")
        try Database(path: path).execute(script: "CREATE TABLE sample (id INTEGER)")

        let reader = try Database(path: path, options: .init(mode: .readOnly))
        let error = try #require(throws: SQLiteError.self) { try reader.run("INSERT INTO sample VALUES (1)") }
        #expect(error.code == .readOnly)
        #expect(error.message == "attempt to write a readonly database")
    }

    @Test func garbageFileIsNotADatabase() throws {
        let path = folder.file("garbage.sqlite")
        try Data(repeating: 0x5A, count: 8_192).write(to: URL(fileURLWithPath: path))

        let error = try #require(throws: SQLiteError.self) { try Database(path: path) }
        #expect(error.code == .notADatabase)
        #expect(error.isCorruption)
        #expect(error.message == "file is not a database")
    }

    @Test func damagedPageIsReportedAsCorrupt() throws {
        let path = folder.file("damaged.sqlite")
        do {
            let database = try Database(path: path)
            try database.execute(script: "CREATE TABLE sample (id INTEGER PRIMARY KEY, text TEXT)")
            try database.write {
                for id in 0..<500 {
                    try database.run("INSERT INTO sample VALUES (?, ?)", [id, String(repeating: "x", count: 100)])
                }
            }
        }
        // Closing the last connection checkpoints the log into the file, so page 2 (the table's root) is on disk.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: 4_096)
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 64))
        try handle.close()

        let database = try Database(path: path)
        let error = try #require(throws: SQLiteError.self) {
            try database.queryFirst("SELECT count(*) FROM sample") { row in try row.column(0, as: Int.self) }
        }
        #expect(error.code == .corrupt)
        #expect(error.isCorruption)
        let integrity = try #require(throws: SQLiteError.self) { try database.checkIntegrity() }
        #expect(integrity.code == .corrupt)
    }

    @Test func missingFolderCannotBeOpened() throws {
        let path = folder.file("missing/db.sqlite")
        let error = try #require(throws: SQLiteError.self) { try Database(path: path) }
        #expect(error.code == .cannotOpen)
        #expect(error.message == "cannot open database \(path): unable to open database file")
    }

    @Test func healthyFilePassesIntegrityCheck() throws {
        let database = try Database(path: folder.file("db.sqlite"))
        try database.execute(script: "CREATE TABLE sample (id INTEGER)")
        try database.checkIntegrity()
    }
}
