#include "status.hpp"

#include "core/error.hpp"
#include "decision_rules.hpp"
#include "migrations.hpp"
#include "sqlite_db.hpp"

#include <algorithm>
#include <optional>
#include <sys/stat.h>
#include <system_error>

namespace connector::ledger {
namespace {

RunSummary read_run(const Statement &q) {
    RunSummary r;
    r.id = q.column_int(0);
    r.started_at = Timestamp{q.column_int(1), static_cast<std::uint32_t>(q.column_int(2))};
    r.ended = !q.column_is_null(3);
    r.ended_at = Timestamp{q.column_int(3), 0};
    r.status = q.column_text(4);
    r.pid = q.column_int(5);
    r.host = q.column_text(6);
    r.full_resync = q.column_int(7) != 0;
    r.retry_failed = q.column_int(8) != 0;
    std::uint64_t *counts[] = {&r.counts.rows_read, &r.counts.rejected,       &r.counts.duplicates,
                               &r.counts.unchanged, &r.counts.skipped_failed, &r.counts.new_records,
                               &r.counts.changed,   &r.counts.retried,        &r.counts.sent,
                               &r.counts.failed,    &r.counts.transient,      &r.counts.gone};
    int column = 9;
    for (std::uint64_t *c : counts)
        *c = static_cast<std::uint64_t>(q.column_int(column++));
    return r;
}

class StatusReader {
  public:
    StatusReader(Database &db, int schema) : db_(db), per_run_rejections_(schema >= 2) {
        if (per_run_rejections_)
            rejections_.emplace(db_, "SELECT code, count, example_row, example_column, "
                                     "example_key, example_message FROM run_rejections "
                                     "WHERE run_id = (SELECT MAX(id) FROM runs WHERE "
                                     "sync_id = ?1) ORDER BY count DESC, code LIMIT ?2");
    }

    SyncStatus read(std::int64_t sync_id,
                    const std::string &name,
                    const std::string &target,
                    int last_runs,
                    int max_reasons) {
        SyncStatus s;
        s.name = name;
        s.target = target;
        read_runs(s, sync_id, last_runs);
        read_states(s, sync_id);
        read_failures(s, sync_id, max_reasons);
        read_jobs(s, sync_id);
        return s;
    }

  private:
    void read_runs(SyncStatus &s, std::int64_t sync_id, int last_runs) {
        ResetOnExit reset(runs_);
        runs_.bind(1, sync_id).bind(2, std::int64_t{last_runs});
        while (runs_.step())
            s.runs.push_back(read_run(runs_));
    }

    void read_states(SyncStatus &s, std::int64_t sync_id) {
        for (const RecordState state :
             {RecordState::Pending, RecordState::InFlight, RecordState::Sent, RecordState::Failed,
              RecordState::Transient, RecordState::Rejected})
            s.records_by_state.push_back(StateCount{to_string(state), 0});
        ResetOnExit reset(states_);
        states_.bind(1, sync_id);
        while (states_.step()) {
            const auto parsed = state_from_code(states_.column_int(0));
            const std::string state = parsed ? to_string(*parsed) : "unknown";
            const auto n = static_cast<std::uint64_t>(states_.column_int(1));
            s.records_total += n;
            for (StateCount &c : s.records_by_state) {
                if (c.state == state)
                    c.count = n;
            }
        }
    }

    void read_failures(SyncStatus &s, std::int64_t sync_id, int max_reasons) {
        {
            Statement &q = per_run_rejections_ ? delivery_failures_ : record_failures_v1_;
            ResetOnExit reset(q);
            q.bind(1, sync_id).bind(2, std::int64_t{max_reasons});
            while (q.step()) {
                FailureReason f;
                const auto state = state_from_code(q.column_int(0));
                f.state = state ? to_string(*state) : "unknown";
                f.code = q.column_text(1);
                f.count = static_cast<std::uint64_t>(q.column_int(2));
                f.example_key = q.column_text(3);
                f.example_message = q.column_text(4);
                s.top_failures.push_back(std::move(f));
            }
        }
        if (per_run_rejections_) {
            // The latest run's rejections, whatever number of runs the caller asked to see.
            Statement &q = *rejections_;
            ResetOnExit reset(q);
            q.bind(1, sync_id).bind(2, std::int64_t{max_reasons});
            while (q.step()) {
                FailureReason f;
                f.state = "rejected";
                f.code = q.column_text(0);
                f.count = static_cast<std::uint64_t>(q.column_int(1));
                f.example_row = static_cast<std::uint64_t>(q.column_int(2));
                f.example_column = q.column_text(3);
                f.example_key = q.column_text(4);
                f.example_message = q.column_text(5);
                s.top_failures.push_back(std::move(f));
            }
        }
        std::stable_sort(
            s.top_failures.begin(), s.top_failures.end(),
            [](const FailureReason &a, const FailureReason &b) { return a.count > b.count; });
        if (s.top_failures.size() > static_cast<std::size_t>(max_reasons))
            s.top_failures.resize(static_cast<std::size_t>(max_reasons));
    }

    void read_jobs(SyncStatus &s, std::int64_t sync_id) {
        ResetOnExit reset(jobs_);
        jobs_.bind(1, sync_id);
        while (jobs_.step()) {
            OpenJob j;
            j.job_id = jobs_.column_text(0);
            j.run_id = jobs_.column_int(1);
            j.submitted_at = Timestamp{jobs_.column_int(2), 0};
            j.records_waiting = static_cast<std::uint64_t>(jobs_.column_int(3));
            s.open_jobs.push_back(std::move(j));
        }
    }

    Database &db_;
    bool per_run_rejections_;
    std::optional<Statement> rejections_;
    Statement runs_{db_, "SELECT id, started_at, started_at_nanos, ended_at, status, pid, host, "
                         "full_resync, retry_failed, rows_read, rejected, duplicates, unchanged, "
                         "skipped_failed, new_records, changed, retried, sent, failed, "
                         "transient, gone FROM runs WHERE sync_id = ?1 ORDER BY id DESC "
                         "LIMIT ?2"};
    Statement states_{db_, "SELECT state, COUNT(*) FROM records WHERE sync_id = ?1 "
                           "GROUP BY state"};
    // With a single MIN() aggregate, SQLite takes the bare column error_message from the row
    // holding the minimum key, so the example key and its message belong together.
    Statement delivery_failures_{
        db_, "SELECT state, IFNULL(error_code, '') AS code, COUNT(*) AS n, MIN(key), "
             "error_message FROM records WHERE sync_id = ?1 AND state IN (3, 5) "
             "GROUP BY state, code ORDER BY n DESC, state, code LIMIT ?2"};
    // Schema version 1 had no run_rejections: rejected rows are known only by their records.
    Statement record_failures_v1_{
        db_, "SELECT state, IFNULL(error_code, '') AS code, COUNT(*) AS n, MIN(key), "
             "error_message FROM records WHERE sync_id = ?1 "
             "AND state IN (3, 5, 6) "
             "GROUP BY state, code ORDER BY n DESC, state, code LIMIT ?2"};
    // The records of every open job counted in one scan of the records in id order (there is
    // no index by job), done only when a job is open.
    Statement jobs_{db_, "SELECT j.job_id, j.run_id, j.submitted_at, IFNULL(c.n, 0) FROM jobs j "
                         "LEFT JOIN (SELECT job_id, COUNT(*) AS n FROM records "
                         "WHERE +sync_id = ?1 AND state = 2 AND job_id IS NOT NULL "
                         "GROUP BY job_id) c ON c.job_id = j.job_id WHERE j.sync_id = ?1 "
                         "ORDER BY j.submitted_at, j.job_id"};
};

} // namespace

StatusReport
read_status(const std::string &path, const std::string &sync_name, int last_runs, int max_reasons) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0)
        throw LedgerError("no ledger at " + path + " (" + std::generic_category().message(errno) +
                          "); a run creates it, or pass --ledger PATH");
    Database db(path, Database::Mode::ReadOnly);
    db.exec("PRAGMA busy_timeout = 10000", "set busy timeout");
    StatusReport report;
    report.ledger_path = path;
    report.schema_version = schema_version(db);
    refuse_newer_schema(db, report.schema_version);
    refuse_foreign_file(db);
    if (report.schema_version == 0)
        throw LedgerError("ledger " + path + " is empty: no run has written to it yet");

    // One read snapshot, so the numbers agree with each other while a run writes.
    Transaction txn(db, Transaction::Kind::Read);
    Statement syncs(db, "SELECT id, name, target FROM syncs ORDER BY name");
    StatusReader reader(db, report.schema_version);
    std::string known;
    bool found = sync_name.empty();
    while (syncs.step()) {
        const std::string name = syncs.column_text(1);
        known += (known.empty() ? "" : ", ") + ("'" + name + "'");
        if (!sync_name.empty() && name != sync_name)
            continue;
        found = true;
        report.syncs.push_back(
            reader.read(syncs.column_int(0), name, syncs.column_text(2), last_runs, max_reasons));
    }
    syncs.reset();
    txn.commit();
    if (!found)
        throw ConfigError(
            "ledger " + path + " has no sync named '" + sync_name + "'" +
            (known.empty() ? std::string(" (it has no syncs yet)") : " (it has " + known + ")"));
    return report;
}

} // namespace connector::ledger
