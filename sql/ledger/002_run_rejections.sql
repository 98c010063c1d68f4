-- Ledger schema, version 2: rejected rows by reason, per run.
-- A row rejected without a key leaves no record, so `connector status` could not say why rows
-- were rejected. One row per (run, reason) keeps this bounded however many rows fail.
CREATE TABLE run_rejections (
    run_id          INTEGER NOT NULL,      -- runs.id
    code            TEXT NOT NULL,         -- the mapper's reason code, e.g. "invalid_email"
    count           INTEGER NOT NULL,
    example_row     INTEGER NOT NULL,      -- the first rejected row with this code
    example_column  TEXT NOT NULL,
    example_key     TEXT NOT NULL,
    example_message TEXT NOT NULL,
    PRIMARY KEY (run_id, code)
) WITHOUT ROWID;
