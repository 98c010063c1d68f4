#pragma once

#include "sqlite_db.hpp"

namespace connector::ledger {

/// Every statement SqliteLedger runs, prepared once when the ledger opens and kept for its life
/// (the SQL of the ledger, in one place). Parameters are documented beside each statement.
struct LedgerStatements {
    explicit LedgerStatements(Database &db);

    // diff
    Statement select_record;    ///< sync, key -> id, hash, state, last_run, ever sent, in open job
    Statement insert_record;    ///< sync, key, hash, run -> new pending record
    Statement insert_if_new;    ///< sync, key, hash, run -> new pending record, or no change
    Statement update_resend;    ///< id, hash, run: pending again with this hash
    Statement save_payload;     ///< record id, profile, event
    Statement touch_seen;       ///< id, run: seen in this run, nothing else changes
    Statement touch_unrejected; ///< id, run: seen, and a rejected record is back to sent
    Statement dry_mark_seen;    ///< key: remember a key in the dry run's temp table

    // rejections
    Statement upsert_rejected; ///< sync, key, run, code, message
    Statement count_rejection; ///< run, code, row, column, key, message

    // delivery
    Statement mark_in_flight_ids; ///< JSON array of ids: in flight, attempts + 1
    Statement insert_in_flight;   ///< sync, key, hash, run -> a record sent without a diff
    Statement insert_job;         ///< sync, job, run, submitted at
    Statement link_job_ids;       ///< JSON array of ids, job
    Statement delete_job;         ///< sync, job
    Statement open_jobs;          ///< sync -> job ids
    Statement job_keys;           ///< sync, job -> keys (and ids) still in flight
    Statement open_job_keys;      ///< sync -> job, key, id of every record waiting for an open job
    Statement find_id;            ///< sync, key -> id
    Statement outcome_sent_ids;   ///< JSON array of ids, run
    Statement delete_payload_ids; ///< JSON array of record ids
    Statement outcome_error;      ///< id, state, code, message

    // leftovers and gone
    Statement leftovers;      ///< sync, after id, limit, run -> id, key, hash, profile, event
    Statement leftovers_dry;  ///< sync, after id, limit
    Statement gone_count;     ///< sync, reference run, run
    Statement gone_keys;      ///< sync, reference run, limit, run
    Statement gone_count_dry; ///< sync, reference run
    Statement gone_keys_dry;  ///< sync, reference run, limit

    // runs
    Statement mark_crashed;  ///< ended at, sync
    Statement last_complete; ///< sync -> id, started_at, nanos
    Statement insert_run;    ///< sync, started, nanos, pid, host, full_resync, retry_failed
    Statement end_run;       ///< status, ended at, 12 counts, run id
};

} // namespace connector::ledger
