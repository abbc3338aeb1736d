import EACPSQLite

/// The SQLite schema of the server store, one migration per released change. Append new
/// migrations; never edit one that has shipped, because files in the field already ran it.
enum ServerSchema {
    static let migrations = [Migration(version: 1, script: version1)]

    // STRICT tables make SQLite reject a value of the wrong type instead of storing it.
    // Times are Unix milliseconds; kinds and terminal states are the protocol's enum numbers.
    private static let version1 = """
        CREATE TABLE agents (
            agent_id TEXT PRIMARY KEY,
            certificate_fingerprint TEXT NOT NULL UNIQUE,
            enrolled_unix_ms INTEGER NOT NULL,
            revoked_unix_ms INTEGER,
            agent_version TEXT NOT NULL,
            last_heartbeat BLOB,
            last_seen_unix_ms INTEGER,
            push_replica_id TEXT,
            push_connected_unix_ms INTEGER,
            isolated INTEGER NOT NULL,
            log_collection_override INTEGER,
            next_action_sequence INTEGER NOT NULL DEFAULT 1,
            log_stored_sequence INTEGER NOT NULL DEFAULT 0,
            log_dropped_by_agent INTEGER NOT NULL DEFAULT 0,
            log_dropped_by_server INTEGER NOT NULL DEFAULT 0
        ) STRICT;

        CREATE TABLE enrollment_tokens (
            token_digest BLOB PRIMARY KEY,
            label TEXT NOT NULL,
            created_unix_ms INTEGER NOT NULL,
            expires_unix_ms INTEGER NOT NULL,
            maximum_uses INTEGER NOT NULL,
            use_count INTEGER NOT NULL,
            revoked INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE security_events (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            agent_id TEXT NOT NULL REFERENCES agents (agent_id),
            event_id TEXT NOT NULL,
            observed_unix_ms INTEGER NOT NULL,
            received_unix_ms INTEGER NOT NULL,
            event_type TEXT NOT NULL,
            severity INTEGER NOT NULL,
            encoded BLOB NOT NULL,
            UNIQUE (agent_id, event_id)
        ) STRICT;

        CREATE TABLE status_reports (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            agent_id TEXT NOT NULL REFERENCES agents (agent_id),
            received_unix_ms INTEGER NOT NULL,
            encoded BLOB NOT NULL
        ) STRICT;
        CREATE INDEX status_reports_by_agent ON status_reports (agent_id, sequence);

        CREATE TABLE agent_logs (
            agent_id TEXT NOT NULL REFERENCES agents (agent_id),
            sequence_number INTEGER NOT NULL,
            time_unix_ms INTEGER NOT NULL,
            level INTEGER NOT NULL,
            component TEXT NOT NULL,
            message TEXT NOT NULL,
            received_unix_ms INTEGER NOT NULL,
            PRIMARY KEY (agent_id, sequence_number)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE actions (
            action_id TEXT PRIMARY KEY,
            agent_id TEXT NOT NULL REFERENCES agents (agent_id),
            sequence_number INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            parameters BLOB NOT NULL,
            created_unix_ms INTEGER NOT NULL,
            not_before_unix_ms INTEGER NOT NULL,
            expires_unix_ms INTEGER NOT NULL,
            minimum_agent_version TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'pushed', 'delivered', 'finished')),
            delivery_path TEXT CHECK (delivery_path IN ('push', 'heartbeat')),
            push_attempts INTEGER NOT NULL DEFAULT 0,
            last_push_unix_ms INTEGER,
            acknowledged_unix_ms INTEGER,
            terminal_state INTEGER,
            error_code INTEGER,
            detail TEXT,
            result BLOB,
            finished_unix_ms INTEGER,
            UNIQUE (agent_id, sequence_number)
        ) STRICT;
        CREATE INDEX actions_by_agent_state ON actions (agent_id, state, sequence_number);
        CREATE INDEX actions_by_expiry ON actions (state, expires_unix_ms);

        CREATE TABLE content_revisions (
            revision INTEGER PRIMARY KEY,
            sha256 BLOB NOT NULL,
            file_path TEXT NOT NULL,
            size_bytes INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE content_publications (
            publication INTEGER PRIMARY KEY AUTOINCREMENT,
            revision INTEGER NOT NULL REFERENCES content_revisions (revision),
            published_unix_ms INTEGER NOT NULL,
            downgrade INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE agent_builds (
            version TEXT NOT NULL,
            platform TEXT NOT NULL,
            file_path TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            sha256 BLOB NOT NULL,
            built_unix_ms INTEGER NOT NULL,
            PRIMARY KEY (version, platform)
        ) STRICT;

        -- The fleet-wide assignment has an empty agent_id, because agent ids are never empty and
        -- NULL would not be unique in the primary key.
        CREATE TABLE upgrade_assignments (
            agent_id TEXT PRIMARY KEY,
            version TEXT NOT NULL,
            assigned_unix_ms INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE uploads (
            agent_id TEXT NOT NULL REFERENCES agents (agent_id),
            upload_id TEXT NOT NULL,
            action_id TEXT NOT NULL REFERENCES actions (action_id),
            total_size INTEGER NOT NULL,
            total_sha256 BLOB NOT NULL,
            received_offset INTEGER NOT NULL,
            file_path TEXT NOT NULL,
            complete INTEGER NOT NULL,
            created_unix_ms INTEGER NOT NULL,
            updated_unix_ms INTEGER NOT NULL,
            PRIMARY KEY (agent_id, upload_id)
        ) STRICT;

        CREATE TABLE terminal_sessions (
            session_id TEXT PRIMARY KEY,
            agent_id TEXT NOT NULL REFERENCES agents (agent_id),
            action_id TEXT NOT NULL REFERENCES actions (action_id),
            opened_by TEXT NOT NULL,
            opened_unix_ms INTEGER NOT NULL,
            closed_unix_ms INTEGER,
            close_reason TEXT
        ) STRICT;
        CREATE INDEX terminal_sessions_by_agent ON terminal_sessions (agent_id, opened_unix_ms);
        """
}
