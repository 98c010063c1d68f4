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

-- One row per record key ever seen by a sync. The payload is kept only while the record is
-- not yet sent (to resend it after a crash); a sent record is a few dozen bytes.
CREATE TABLE records (
    sync_id       INTEGER NOT NULL,
    key           TEXT NOT NULL,
    hash          TEXT NOT NULL,           -- payload hash of the last diffed version
    state         TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'sent', 'failed',
                                                  'transient', 'rejected')),
    attempts      INTEGER NOT NULL DEFAULT 0,  -- requests carrying this version of the payload
    error_code    TEXT,
    error_message TEXT,
    first_run     INTEGER NOT NULL,        -- runs.id
    last_run      INTEGER NOT NULL,        -- runs.id of the last run whose query returned it
    last_sent_run INTEGER,                 -- runs.id of the last run Klaviyo accepted it in
    job_id        TEXT,                    -- the last bulk job that carried it
    profile       TEXT,                    -- Record::profile while not sent
    event         TEXT,                    -- Record::event while not sent
    PRIMARY KEY (sync_id, key)
) WITHOUT ROWID;

-- Records a later run must resend (for_each_leftover); small, since sent records leave it.
CREATE INDEX records_unsent ON records (sync_id, key)
    WHERE state IN ('pending', 'in_flight', 'transient');

-- Records waiting for a bulk job (job_keys).
CREATE INDEX records_in_job ON records (sync_id, job_id) WHERE state = 'in_flight';

-- Bulk profile import jobs submitted and not finished yet.
CREATE TABLE jobs (
    sync_id      INTEGER NOT NULL,
    job_id       TEXT NOT NULL,
    run_id       INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,         -- unix seconds
    PRIMARY KEY (sync_id, job_id)
) WITHOUT ROWID;
