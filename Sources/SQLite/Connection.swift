import CSQLite

/// The one owner of an `sqlite3` connection handle, closed in `deinit`.
///
/// `Database` and every `Statement` prepared from it hold this object, so the handle stays open
/// until the last statement is finalized, whichever of them goes away last.
final class Connection {
    let handle: OpaquePointer

    init(path: String, flags: Int32) throws(SQLiteError) {
        var opened: OpaquePointer?
        let result = sqlite3_open_v2(path, &opened, flags, nil)
        guard result == SQLITE_OK, let opened else {
            // SQLite allocates a handle even when opening fails; it carries the message and must be closed.
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(result))
            sqlite3_close_v2(opened)
            throw SQLiteError(extendedResultCode: result, message: "cannot open database \(path): \(message)")
        }
        handle = opened
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        // Every statement holds this object, so none is left to keep the close pending.
        sqlite3_close_v2(handle)
    }

    /// The error SQLite recorded for the last failed call on this connection.
    ///
    /// `code` is the value the failed call returned; SQLite's recorded extended code is used when
    /// it refines the same primary code, because some calls (bind) do not record theirs.
    func lastError(code: Int32, sql: String?) -> SQLiteError {
        let recorded = sqlite3_extended_errcode(handle)
        let extended = (recorded & 0xFF) == (code & 0xFF) ? recorded : code
        let message = (recorded & 0xFF) == (code & 0xFF)
            ? String(cString: sqlite3_errmsg(handle)) : String(cString: sqlite3_errstr(code))
        return SQLiteError(extendedResultCode: extended, message: message, sql: sql)
    }
}
