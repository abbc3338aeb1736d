import EACPSQLite

/// The SQLite schema of the agent store, one migration per released change. Append new
/// migrations; never edit one that has shipped, because agents in the field already ran it.
enum AgentSchema {
    static let migrations = [Migration(version: 1, script: version1)]

    // Tables with a `slot` column hold at most one row (slot = 1). Times are Unix milliseconds.
    private static let version1 = """
        CREATE TABLE security_event_queue (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL UNIQUE,
            recorded_unix_ms INTEGER NOT NULL,
            encoded BLOB NOT NULL
        ) STRICT;

        CREATE TABLE counters (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE action_journal (
            action_id TEXT PRIMARY KEY,
            kind INTEGER NOT NULL,
            envelope BLOB NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('received', 'started', 'interrupted', 'finished')),
            received_unix_ms INTEGER NOT NULL,
            started_unix_ms INTEGER,
            finished_unix_ms INTEGER,
            terminal_state INTEGER,
            result BLOB,
            result_acknowledged INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE INDEX action_journal_by_state ON action_journal (state, received_unix_ms);

        CREATE TABLE status_report (
            slot INTEGER PRIMARY KEY CHECK (slot = 1),
            generation INTEGER NOT NULL,
            recorded_unix_ms INTEGER NOT NULL,
            encoded BLOB NOT NULL
        ) STRICT;

        CREATE TABLE log_buffer (
            sequence_number INTEGER PRIMARY KEY,
            time_unix_ms INTEGER NOT NULL,
            level INTEGER NOT NULL,
            component TEXT NOT NULL,
            message TEXT NOT NULL
        ) STRICT;

        CREATE TABLE identity (
            slot INTEGER PRIMARY KEY CHECK (slot = 1),
            agent_id TEXT NOT NULL,
            server_url TEXT NOT NULL,
            certificate_fingerprint TEXT NOT NULL,
            enrolled_unix_ms INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE installed_content (
            slot INTEGER PRIMARY KEY CHECK (slot = 1),
            revision INTEGER NOT NULL,
            sha256 BLOB NOT NULL,
            installed_unix_ms INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE downloads (
            kind TEXT PRIMARY KEY CHECK (kind IN ('content', 'upgrade')),
            version TEXT NOT NULL,
            sha256 BLOB NOT NULL,
            total_size INTEGER NOT NULL,
            received_offset INTEGER NOT NULL,
            file_path TEXT NOT NULL
        ) STRICT;

        CREATE TABLE upgrade_state (
            slot INTEGER PRIMARY KEY CHECK (slot = 1),
            from_version TEXT NOT NULL,
            to_version TEXT NOT NULL,
            phase TEXT NOT NULL CHECK (phase IN ('downloading', 'installing', 'verifying')),
            started_unix_ms INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE last_upgrade (
            slot INTEGER PRIMARY KEY CHECK (slot = 1),
            encoded BLOB NOT NULL
        ) STRICT;
        """
}
