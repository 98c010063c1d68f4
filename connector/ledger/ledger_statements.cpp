#include "ledger_statements.hpp"

namespace connector::ledger {
namespace {

// records.state codes (RecordState, table record_states): 1 pending, 2 in_flight,
// 3 transient, 4 sent, 5 failed, 6 rejected; "state <= 3" is unsent.
// A run reads and writes records in their stored order (id), close to the query's order.
// Leftovers are found by scanning the records in id order from where the last page ended
// ("+sync_id" keeps SQLite off the key index): one pass over the table per run, as gone().
constexpr const char *leftovers_sql =
    "SELECT r.id, r.key, r.hash, p.profile, p.event FROM records r "
    "LEFT JOIN payloads p ON p.record_id = r.id "
    "WHERE +r.sync_id = ?1 AND r.state <= 3 AND r.id > ?2 "
    "AND r.last_run <> ?4 "
    "AND (r.job_id IS NULL OR NOT EXISTS (SELECT 1 FROM jobs j WHERE j.sync_id = ?1 "
    "AND j.job_id = r.job_id)) ORDER BY r.id LIMIT ?3";

constexpr const char *leftovers_dry_sql =
    "SELECT r.id, r.key, r.hash, p.profile, p.event FROM records r "
    "LEFT JOIN payloads p ON p.record_id = r.id "
    "WHERE +r.sync_id = ?1 AND r.state <= 3 AND r.id > ?2 "
    "AND NOT EXISTS (SELECT 1 FROM temp.dry_seen s WHERE s.key = r.key) "
    "AND (r.job_id IS NULL OR NOT EXISTS (SELECT 1 FROM jobs j WHERE j.sync_id = ?1 "
    "AND j.job_id = r.job_id)) ORDER BY r.id LIMIT ?3";

// gone scans the table in stored order ("+sync_id" keeps SQLite from walking the key index,
// which would read rows in key order, one page each).
constexpr const char *gone_where = " FROM records WHERE +sync_id = ?1 AND last_run >= ?2 ";

// A set of records named by a JSON array of ids bound as ?1: SQLite walks the array and looks
// each id up by rowid (one statement for a whole request instead of one per record).
constexpr const char *in_ids = " WHERE id IN (SELECT value FROM json_each(?1))";

std::string sql(const char *a, const char *b, const char *c = "") {
    return std::string(a) + b + c;
}

} // namespace

LedgerStatements::LedgerStatements(Database &db)
    : select_record(db,
                    "SELECT id, hash, state, last_run, last_sent_run IS NOT NULL, "
                    "state = 2 AND job_id IS NOT NULL AND EXISTS (SELECT 1 FROM jobs j "
                    "WHERE j.sync_id = records.sync_id AND j.job_id = records.job_id) "
                    "FROM records WHERE sync_id = ?1 AND key = ?2"),
      insert_record(db,
                    "INSERT INTO records (sync_id, key, hash, state, first_run, last_run) "
                    "VALUES (?1, ?2, ?3, 1, ?4, ?4)"),
      // The first try for a key that is probably new (the previous one was): one index probe
      // instead of a lookup and then an insert.
      insert_if_new(db,
                    "INSERT INTO records (sync_id, key, hash, state, first_run, last_run) "
                    "VALUES (?1, ?2, ?3, 1, ?4, ?4) ON CONFLICT (sync_id, key) DO NOTHING"),
      update_resend(db,
                    "UPDATE records SET state = 1, "
                    "attempts = CASE WHEN hash = ?2 THEN attempts ELSE 0 END, "
                    "hash = ?2, last_run = ?3, job_id = NULL WHERE id = ?1"),
      save_payload(db,
                   "INSERT OR REPLACE INTO payloads (record_id, profile, event) "
                   "VALUES (?1, ?2, ?3)"),
      // Only last_run: an UPDATE that names no indexed column touches no index.
      touch_seen(db, "UPDATE records SET last_run = ?2 WHERE id = ?1"),
      touch_unrejected(db,
                       "UPDATE records SET last_run = ?2, state = 4, error_code = NULL, "
                       "error_message = NULL WHERE id = ?1"),
      dry_mark_seen(db, "INSERT OR IGNORE INTO temp.dry_seen (key) VALUES (?1)"),
      // A key diffed earlier in this run keeps its state: the rejected row is a duplicate.
      upsert_rejected(db,
                      "INSERT INTO records (sync_id, key, hash, state, first_run, last_run, "
                      "error_code, error_message) VALUES (?1, ?2, '', 6, ?3, ?3, ?4, ?5) "
                      "ON CONFLICT (sync_id, key) DO UPDATE SET state = 6, "
                      "last_run = ?3, error_code = ?4, error_message = ?5 "
                      "WHERE last_run <> ?3"),
      count_rejection(db,
                      "INSERT INTO run_rejections (run_id, code, count, example_row, "
                      "example_column, example_key, example_message) "
                      "VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6) "
                      "ON CONFLICT (run_id, code) DO UPDATE SET count = count + 1"),
      // By id (found by the diff, or find_id): rowid lookups instead of the key index.
      mark_in_flight_ids(
          db, sql("UPDATE records SET state = 2, attempts = attempts + 1", in_ids).c_str()),
      insert_in_flight(db,
                       "INSERT INTO records (sync_id, key, hash, state, attempts, first_run, "
                       "last_run) VALUES (?1, ?2, ?3, 2, 1, ?4, ?4)"),
      insert_job(db,
                 "INSERT OR REPLACE INTO jobs (sync_id, job_id, run_id, submitted_at) "
                 "VALUES (?1, ?2, ?3, ?4)"),
      link_job_ids(db, sql("UPDATE records SET job_id = ?2", in_ids).c_str()),
      delete_job(db, "DELETE FROM jobs WHERE sync_id = ?1 AND job_id = ?2"),
      open_jobs(db, "SELECT job_id FROM jobs WHERE sync_id = ?1 ORDER BY submitted_at, job_id"),
      // Only after a crash or an interrupted run (a job left open): one scan of the records
      // for every open job at once, then one per job only for a job asked for twice.
      job_keys(db,
               "SELECT key, id FROM records WHERE +sync_id = ?1 AND job_id = ?2 AND state = 2 "
               "ORDER BY key"),
      open_job_keys(db,
                    "SELECT job_id, key, id FROM records WHERE +sync_id = ?1 AND state = 2 "
                    "AND job_id IN (SELECT job_id FROM jobs WHERE sync_id = ?1) ORDER BY key"),
      find_id(db, "SELECT id FROM records WHERE sync_id = ?1 AND key = ?2"),
      // By id: UPDATE ... RETURNING would cost a temporary table per call.
      outcome_sent_ids(db,
                       sql("UPDATE records SET state = 4, last_sent_run = ?2, error_code = NULL, "
                           "error_message = NULL",
                           in_ids)
                           .c_str()),
      delete_payload_ids(db,
                         "DELETE FROM payloads WHERE record_id IN "
                         "(SELECT value FROM json_each(?1))"),
      outcome_error(db,
                    "UPDATE records SET state = ?2, error_code = ?3, error_message = ?4 "
                    "WHERE id = ?1"),
      leftovers(db, leftovers_sql), leftovers_dry(db, leftovers_dry_sql),
      gone_count(db, sql("SELECT COUNT(*)", gone_where, "AND last_run <> ?3").c_str()),
      gone_keys(db,
                sql("SELECT key", gone_where, "AND last_run <> ?4 ORDER BY key LIMIT ?3").c_str()),
      gone_count_dry(db,
                     sql("SELECT COUNT(*)",
                         gone_where,
                         "AND NOT EXISTS (SELECT 1 FROM temp.dry_seen s "
                         "WHERE s.key = records.key)")
                         .c_str()),
      gone_keys_dry(db,
                    sql("SELECT key",
                        gone_where,
                        "AND NOT EXISTS (SELECT 1 FROM temp.dry_seen s "
                        "WHERE s.key = records.key) ORDER BY key LIMIT ?3")
                        .c_str()),
      mark_crashed(db,
                   "UPDATE runs SET status = 'crashed', ended_at = ?1 "
                   "WHERE sync_id = ?2 AND status = 'running'"),
      last_complete(db,
                    "SELECT id, started_at, started_at_nanos FROM runs "
                    "WHERE sync_id = ?1 AND status IN ('success', 'partial') "
                    "ORDER BY id DESC LIMIT 1"),
      insert_run(db,
                 "INSERT INTO runs (sync_id, started_at, started_at_nanos, status, pid, "
                 "host, full_resync, retry_failed) "
                 "VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7)"),
      end_run(db,
              "UPDATE runs SET status = ?1, ended_at = ?2, rows_read = ?3, rejected = ?4, "
              "duplicates = ?5, unchanged = ?6, skipped_failed = ?7, new_records = ?8, "
              "changed = ?9, retried = ?10, sent = ?11, failed = ?12, transient = ?13, "
              "gone = ?14 WHERE id = ?15") {}

} // namespace connector::ledger
