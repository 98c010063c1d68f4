-- Ledger schema, version 1. Embedded into the connector at build time; applied in one
-- transaction by connector/ledger/migrations.cpp, which then sets PRAGMA user_version = 1.
-- Never edit a released migration: add the next numbered file instead.

-- One row per sync (a name plus the Klaviyo object it writes).
CREATE TABLE syncs (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    target     TEXT NOT NULL,              -- "klaviyo_profiles" / "klaviyo_events"
    created_at INTEGER NOT NULL            -- unix seconds
);

-- One row per run that wrote to the ledger (dry runs leave none).
CREATE TABLE runs (
    id               INTEGER PRIMARY KEY,
    sync_id          INTEGER NOT NULL REFERENCES syncs (id),
    started_at       INTEGER NOT NULL,     -- unix seconds (RunOptions::started_at)
    started_at_nanos INTEGER NOT NULL DEFAULT 0,
    ended_at         INTEGER,              -- unix seconds; NULL while running
    status           TEXT NOT NULL,        -- running, success, partial, failed, interrupted, crashed
    pid              INTEGER NOT NULL,
    host             TEXT NOT NULL,
    full_resync      INTEGER NOT NULL DEFAULT 0,
    retry_failed     INTEGER NOT NULL DEFAULT 0,
    rows_read        INTEGER NOT NULL DEFAULT 0,
    rejected         INTEGER NOT NULL DEFAULT 0,
    duplicates       INTEGER NOT NULL DEFAULT 0,
    unchanged        INTEGER NOT NULL DEFAULT 0,
    skipped_failed   INTEGER NOT NULL DEFAULT 0,
    new_records      INTEGER NOT NULL DEFAULT 0,
    changed          INTEGER NOT NULL DEFAULT 0,
    retried          INTEGER NOT NULL DEFAULT 0,
    sent             INTEGER NOT NULL DEFAULT 0,
    failed           INTEGER NOT NULL DEFAULT 0,
    transient        INTEGER NOT NULL DEFAULT 0,
    gone             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_sync ON runs (sync_id, id);

-- One row per record key ever seen by a sync. Rows are stored in the order runs first met
-- them (id), which is close to the order the query returns them in: a run that updates every
-- record then writes neighbouring rows together instead of one page per record.
CREATE TABLE records (
    id            INTEGER PRIMARY KEY,
    sync_id       INTEGER NOT NULL,
    key           TEXT NOT NULL,
    hash          TEXT NOT NULL,           -- payload hash of the last diffed version
    state         INTEGER NOT NULL CHECK (state BETWEEN 1 AND 6),  -- record_states.code
    attempts      INTEGER NOT NULL DEFAULT 0,  -- requests carrying this version of the payload
    error_code    TEXT,
    error_message TEXT,
    first_run     INTEGER NOT NULL,        -- runs.id
    last_run      INTEGER NOT NULL,        -- runs.id of the last run whose query returned it
    last_sent_run INTEGER,                 -- runs.id of the last run Klaviyo accepted it in
    job_id        TEXT                     -- the last bulk job that carried it
);
CREATE UNIQUE INDEX records_by_key ON records (sync_id, key);

-- Records a later run must resend (for_each_leftover): pending, in flight or transient. Small,
-- since sent records leave it. Queries repeat "state <= 3" word for word so SQLite uses it.
CREATE INDEX records_unsent ON records (sync_id, id) WHERE state <= 3;

-- Records waiting for a bulk job (job_keys): in flight with a job.
CREATE INDEX records_in_job ON records (sync_id, job_id) WHERE state = 2 AND job_id IS NOT NULL;

-- The names of records.state, for people reading the file with the sqlite3 shell. States are
-- numbers so that the indexes above are ranges: an IN list costs SQLite a temporary table
-- on every write.
CREATE TABLE record_states (
    code INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
INSERT INTO record_states (code, name) VALUES
    (1, 'pending'),     -- diffed, to be sent
    (2, 'in_flight'),   -- its request left (or its bulk job runs): resent after a crash
    (3, 'transient'),   -- failed after the in-run retries (429, 5xx, network): resent next run
    (4, 'sent'),        -- Klaviyo accepted it
    (5, 'failed'),      -- Klaviyo refused it (4xx): sent again when its data changes
    (6, 'rejected');    -- the row was invalid (mapping): not sent

-- The payload of a record not sent yet, to resend it after a crash even when the query no
-- longer returns it. Deleted once Klaviyo accepted the record, so the ledger stays small.
CREATE TABLE payloads (
    record_id INTEGER PRIMARY KEY,         -- records.id
    profile   TEXT,                        -- Record::profile
    event     TEXT                         -- Record::event
);

-- Bulk profile import jobs submitted and not finished yet.
CREATE TABLE jobs (
    sync_id      INTEGER NOT NULL,
    job_id       TEXT NOT NULL,
    run_id       INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,         -- unix seconds
    PRIMARY KEY (sync_id, job_id)
) WITHOUT ROWID;
