#include "sqlite_ledger.hpp"

#include "core/error.hpp"
#include "decision_rules.hpp"
#include "migrations.hpp"
#include "sqlite_db.hpp"
#include "sync_lock.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace connector::ledger {
namespace {

// Leftovers are read in pages of this many records, so memory stays flat and no read statement
// is open while the caller sends (the sink's threads write to the ledger meanwhile).
constexpr std::int64_t leftover_page = 256;
// Klaviyo's error details can be long; the ledger keeps enough to diagnose.
constexpr std::size_t max_error_message = 2000;
// Other syncs of the same file commit small transactions; wait for them this long.
constexpr int busy_timeout_ms = 30000;

std::int64_t now_unix_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string host_name() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0)
        return "unknown-host";
    return buf;
}

// Cuts at a UTF-8 character boundary.
std::string truncate_utf8(const std::string &text, std::size_t max_bytes) {
    if (text.size() <= max_bytes)
        return text;
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return text.substr(0, cut) + "...";
}

// Creates the parent directories (0700: the ledger holds customer data) and the file itself
// with mode 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
const std::string &create_file(const std::string &path) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
        std::error_code ec;
        if (!std::filesystem::exists(parent, ec)) {
            std::filesystem::create_directories(parent, ec);
            if (ec)
                throw LedgerError("cannot create the directory " + parent.string() +
                                  " for ledger " + path + ": " + ec.message());
            std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);
        }
    }
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw LedgerError("cannot open or create ledger " + path + ": " + std::strerror(errno));
    close(fd);
    return path;
}

void check_run_status(const std::string &status) {
    for (const char *known : {"success", "partial", "failed", "interrupted"}) {
        if (status == known)
            return;
    }
    throw LedgerError("end_run: unknown run status '" + status +
                      "' (expected success, partial, failed or interrupted)");
}

} // namespace

class SqliteLedger::Impl {
  public:
    Impl(const std::string &path, const std::string &sync_name, Target target, OpenOptions options)
        : path_(path), sync_name_(sync_name), target_(target),
          lock_(create_file(path), sync_name, options.wait_lock_seconds),
          db_(path, Database::Mode::ReadWrite) {
        configure();
        migrate(db_);
        sync_id_ = find_or_create_sync();
        prepare();
    }

    ~Impl() {
        if (!run_open_ || dry_run_)
            return;
        // The run ended without end_run (an exception unwound it): say so instead of leaving it
        // "running" for the next run to call "crashed". Best effort: destructors never throw.
        try {
            std::lock_guard<std::mutex> guard(mutex_);
            Transaction txn(db_);
            s_->end_run.bind(1, std::string("failed")).bind(2, now_unix_seconds());
            for (int i = 3; i <= 14; ++i)
                s_->end_run.bind(i, std::int64_t{0});
            s_->end_run.bind(15, run_id_).run();
            txn.commit();
        } catch (...) {
        }
    }

    RunStart begin_run(const RunOptions &options) {
        std::lock_guard<std::mutex> guard(mutex_);
        if (run_open_)
            throw LedgerError("ledger " + path_ + ": begin_run called while run " +
                              std::to_string(run_id_) + " is still open");
        options_ = options;
        dry_run_ = options.dry_run;
        RunStart start;
        if (dry_run_) {
            db_.exec("DELETE FROM temp.dry_seen", "reset dry-run state");
            read_last_complete(start);
            run_id_ = 0;
        } else {
            Transaction txn(db_);
            // We hold the sync's lock, so a run still marked running died without ending.
            s_->mark_crashed.bind(1, now_unix_seconds()).bind(2, sync_id_).run();
            read_last_complete(start);
            s_->insert_run.bind(1, sync_id_)
                .bind(2, options.started_at.unix_seconds)
                .bind(3, std::int64_t{options.started_at.nanos})
                .bind(4, std::int64_t{getpid()})
                .bind(5, host_name())
                .bind(6, std::int64_t{options.full_resync})
                .bind(7, std::int64_t{options.retry_failed})
                .run();
            run_id_ = db_.last_insert_rowid();
            txn.commit();
        }
        run_open_ = true;
        start.run_id = run_id_;
        return start;
    }

    std::vector<std::string> open_jobs() {
        std::lock_guard<std::mutex> guard(mutex_);
        std::vector<std::string> jobs;
        Statement &q = s_->open_jobs;
        ResetOnExit reset(q);
        q.bind(1, sync_id_);
        while (q.step())
            jobs.push_back(q.column_text(0));
        return jobs;
    }

    std::vector<std::string> job_keys(const std::string &job_id) {
        std::lock_guard<std::mutex> guard(mutex_);
        std::vector<std::string> keys;
        Statement &q = s_->job_keys;
        ResetOnExit reset(q);
        q.bind(1, sync_id_).bind(2, job_id);
        while (q.step())
            keys.push_back(q.column_text(0));
        return keys;
    }

    std::vector<Decision> diff(const std::vector<Record> &batch) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("diff");
        std::vector<Decision> decisions;
        decisions.reserve(batch.size());
        Transaction txn(db_, dry_run_ ? Transaction::Kind::Read : Transaction::Kind::Write);
        for (const Record &record : batch)
            decisions.push_back(dry_run_ ? diff_dry(record) : diff_one(record));
        txn.commit();
        return decisions;
    }

    void record_rejection(const Rejection &rejection) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("record_rejection");
        if (rejection.key.empty())
            return;
        if (dry_run_) {
            s_->dry_mark_seen.bind(1, rejection.key).run();
            return;
        }
        const std::string message = truncate_utf8(rejection.message, max_error_message);
        Transaction txn(db_);
        s_->upsert_rejected.bind(1, sync_id_)
            .bind(2, rejection.key)
            .bind(3, run_id_)
            .bind_or_null(4, rejection.code)
            .bind_or_null(5, message)
            .run();
        txn.commit();
    }

    void for_each_leftover(const std::function<void(const Record &)> &fn) {
        std::string after; // keys are never empty (the mapper rejects such rows)
        std::vector<Record> page;
        for (;;) {
            page.clear();
            {
                std::lock_guard<std::mutex> guard(mutex_);
                require_run("for_each_leftover");
                Statement &q = dry_run_ ? s_->leftovers_dry : s_->leftovers;
                ResetOnExit reset(q);
                q.bind(1, sync_id_).bind(2, after).bind(3, leftover_page);
                if (!dry_run_)
                    q.bind(4, run_id_);
                while (q.step()) {
                    Record r;
                    r.key = q.column_text(0);
                    r.hash = q.column_text(1);
                    r.profile = q.column_text(2);
                    r.event = q.column_text(3);
                    page.push_back(std::move(r));
                }
            }
            // The lock is released: the callback sends, and the sink reports from its threads.
            for (const Record &r : page)
                fn(r);
            if (static_cast<std::int64_t>(page.size()) < leftover_page)
                return;
            after = page.back().key;
        }
    }

    std::uint64_t gone(std::vector<std::string> &examples, std::size_t max_examples) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("gone");
        examples.clear();
        if (last_complete_run_id_ == 0)
            return 0; // no complete run to compare with
        Statement &count = dry_run_ ? s_->gone_count_dry : s_->gone_count;
        Statement &keys = dry_run_ ? s_->gone_keys_dry : s_->gone_keys;
        Transaction txn(db_, Transaction::Kind::Read); // one snapshot for both queries
        std::uint64_t n = 0;
        {
            ResetOnExit reset(count);
            count.bind(1, sync_id_).bind(2, last_complete_run_id_);
            if (!dry_run_)
                count.bind(3, run_id_);
            if (count.step())
                n = static_cast<std::uint64_t>(count.column_int(0));
        }
        if (n > 0 && max_examples > 0) {
            ResetOnExit reset(keys);
            keys.bind(1, sync_id_)
                .bind(2, last_complete_run_id_)
                .bind(3, static_cast<std::int64_t>(max_examples));
            if (!dry_run_)
                keys.bind(4, run_id_);
            while (keys.step())
                examples.push_back(keys.column_text(0));
        }
        txn.commit();
        return n;
    }

    void end_run(const std::string &status, const RunCounts &counts) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("end_run");
        check_run_status(status);
        if (dry_run_) {
            db_.exec("DELETE FROM temp.dry_seen", "discard dry-run state");
        } else {
            Transaction txn(db_);
            Statement &q = s_->end_run;
            q.bind(1, status).bind(2, now_unix_seconds());
            const std::uint64_t values[] = {
                counts.rows_read,      counts.rejected,    counts.duplicates, counts.unchanged,
                counts.skipped_failed, counts.new_records, counts.changed,    counts.retried,
                counts.sent,           counts.failed,      counts.transient,  counts.gone};
            int index = 3;
            for (const std::uint64_t v : values)
                q.bind(index++, static_cast<std::int64_t>(v));
            q.bind(15, run_id_).run();
            txn.commit();
        }
        run_open_ = false;
    }

    void on_in_flight(const std::vector<const Record *> &records) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("on_in_flight");
        if (dry_run_ || records.empty())
            return;
        Transaction txn(db_);
        for (const Record *r : records) {
            s_->mark_in_flight.bind(1, sync_id_).bind(2, r->key).run();
            if (db_.changes() == 0) {
                // Sent without a diff (not the sync's way, but the record must be resendable).
                s_->insert_in_flight.bind(1, sync_id_)
                    .bind(2, r->key)
                    .bind(3, r->hash)
                    .bind(4, run_id_)
                    .bind_or_null(5, r->profile)
                    .bind_or_null(6, r->event)
                    .run();
            }
        }
        txn.commit();
    }

    void on_job_submitted(const std::string &job_id, const std::vector<std::string> &keys) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("on_job_submitted");
        if (dry_run_)
            return;
        Transaction txn(db_);
        s_->insert_job.bind(1, sync_id_)
            .bind(2, job_id)
            .bind(3, run_id_)
            .bind(4, now_unix_seconds())
            .run();
        for (const std::string &key : keys)
            s_->link_job.bind(1, sync_id_).bind(2, key).bind(3, job_id).run();
        txn.commit();
    }

    void on_job_finished(const std::string &job_id) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("on_job_finished");
        if (dry_run_)
            return;
        Transaction txn(db_);
        s_->delete_job.bind(1, sync_id_).bind(2, job_id).run();
        txn.commit();
    }

    void on_outcomes(const std::vector<RecordOutcome> &outcomes) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("on_outcomes");
        if (dry_run_ || outcomes.empty())
            return;
        Transaction txn(db_);
        for (const RecordOutcome &o : outcomes) {
            if (o.outcome == Outcome::Sent) {
                s_->outcome_sent.bind(1, sync_id_).bind(2, o.key).bind(3, run_id_).run();
                continue;
            }
            const std::string message = truncate_utf8(o.message, max_error_message);
            s_->outcome_error.bind(1, sync_id_)
                .bind(2, o.key)
                .bind(3, std::string(o.outcome == Outcome::Failed ? "failed" : "transient"))
                .bind_or_null(4, o.code)
                .bind_or_null(5, message)
                .run();
        }
        txn.commit();
    }

    const std::string &path() const noexcept { return path_; }
    const std::string &sync_name() const noexcept { return sync_name_; }

  private:
    struct Statements {
        explicit Statements(Database &db)
            : select_record(db,
                            "SELECT hash, state, last_run, last_sent_run IS NOT NULL "
                            "FROM records WHERE sync_id = ?1 AND key = ?2"),
              insert_record(db,
                            "INSERT INTO records (sync_id, key, hash, state, attempts, "
                            "first_run, last_run, profile, event) "
                            "VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?4, ?5, ?6)"),
              update_resend(db,
                            "UPDATE records SET state = 'pending', "
                            "attempts = CASE WHEN hash = ?3 THEN attempts ELSE 0 END, "
                            "hash = ?3, last_run = ?4, job_id = NULL, profile = ?5, event = ?6 "
                            "WHERE sync_id = ?1 AND key = ?2"),
              touch_seen(db,
                         "UPDATE records SET last_run = ?3, "
                         "state = CASE state WHEN 'rejected' THEN 'sent' ELSE state END "
                         "WHERE sync_id = ?1 AND key = ?2"),
              dry_mark_seen(db, "INSERT OR IGNORE INTO temp.dry_seen (key) VALUES (?1)"),
              upsert_rejected(
                  db,
                  "INSERT INTO records (sync_id, key, hash, state, first_run, last_run, "
                  "error_code, error_message) VALUES (?1, ?2, '', 'rejected', ?3, ?3, ?4, ?5) "
                  "ON CONFLICT (sync_id, key) DO UPDATE SET state = 'rejected', "
                  "last_run = ?3, error_code = ?4, error_message = ?5 "
                  "WHERE last_run <> ?3"),
              mark_in_flight(db,
                             "UPDATE records SET state = 'in_flight', attempts = attempts + 1 "
                             "WHERE sync_id = ?1 AND key = ?2"),
              insert_in_flight(db,
                               "INSERT INTO records (sync_id, key, hash, state, attempts, "
                               "first_run, last_run, profile, event) "
                               "VALUES (?1, ?2, ?3, 'in_flight', 1, ?4, ?4, ?5, ?6)"),
              insert_job(db,
                         "INSERT OR REPLACE INTO jobs (sync_id, job_id, run_id, submitted_at) "
                         "VALUES (?1, ?2, ?3, ?4)"),
              link_job(db, "UPDATE records SET job_id = ?3 WHERE sync_id = ?1 AND key = ?2"),
              delete_job(db, "DELETE FROM jobs WHERE sync_id = ?1 AND job_id = ?2"),
              open_jobs(db,
                        "SELECT job_id FROM jobs WHERE sync_id = ?1 "
                        "ORDER BY submitted_at, job_id"),
              job_keys(db,
                       "SELECT key FROM records WHERE sync_id = ?1 AND job_id = ?2 "
                       "AND state = 'in_flight' ORDER BY key"),
              outcome_sent(db,
                           "UPDATE records SET state = 'sent', last_sent_run = ?3, "
                           "profile = NULL, event = NULL, error_code = NULL, "
                           "error_message = NULL WHERE sync_id = ?1 AND key = ?2"),
              outcome_error(db,
                            "UPDATE records SET state = ?3, error_code = ?4, "
                            "error_message = ?5 WHERE sync_id = ?1 AND key = ?2"),
              // The state list must match the partial index records_unsent word for word, so
              // SQLite uses it and never scans sent records.
              leftovers(db,
                        "SELECT key, hash, profile, event FROM records "
                        "WHERE sync_id = ?1 AND state IN ('pending', 'in_flight', 'transient') "
                        "AND key > ?2 AND last_run <> ?4 AND (job_id IS NULL OR NOT EXISTS "
                        "(SELECT 1 FROM jobs j WHERE j.sync_id = ?1 "
                        "AND j.job_id = records.job_id)) ORDER BY key LIMIT ?3"),
              leftovers_dry(db,
                            "SELECT key, hash, profile, event FROM records "
                            "WHERE sync_id = ?1 AND state IN ('pending', 'in_flight', "
                            "'transient') AND key > ?2 AND NOT EXISTS (SELECT 1 FROM "
                            "temp.dry_seen s WHERE s.key = records.key) AND (job_id IS NULL "
                            "OR NOT EXISTS (SELECT 1 FROM jobs j WHERE j.sync_id = ?1 "
                            "AND j.job_id = records.job_id)) ORDER BY key LIMIT ?3"),
              gone_count(db,
                         "SELECT COUNT(*) FROM records WHERE sync_id = ?1 "
                         "AND last_run >= ?2 AND last_run <> ?3"),
              gone_keys(db,
                        "SELECT key FROM records WHERE sync_id = ?1 "
                        "AND last_run >= ?2 AND last_run <> ?4 ORDER BY key LIMIT ?3"),
              gone_count_dry(db,
                             "SELECT COUNT(*) FROM records WHERE sync_id = ?1 "
                             "AND last_run >= ?2 AND NOT EXISTS (SELECT 1 FROM "
                             "temp.dry_seen s WHERE s.key = records.key)"),
              gone_keys_dry(db,
                            "SELECT key FROM records WHERE sync_id = ?1 "
                            "AND last_run >= ?2 AND NOT EXISTS (SELECT 1 FROM "
                            "temp.dry_seen s WHERE s.key = records.key) "
                            "ORDER BY key LIMIT ?3"),
              mark_crashed(db,
                           "UPDATE runs SET status = 'crashed', ended_at = ?1 "
                           "WHERE sync_id = ?2 AND status = 'running'"),
              last_complete(db,
                            "SELECT id, started_at, started_at_nanos FROM runs "
                            "WHERE sync_id = ?1 AND status IN ('success', 'partial') "
                            "ORDER BY id DESC LIMIT 1"),
              insert_run(db,
                         "INSERT INTO runs (sync_id, started_at, started_at_nanos, status, "
                         "pid, host, full_resync, retry_failed) "
                         "VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7)"),
              end_run(db,
                      "UPDATE runs SET status = ?1, ended_at = ?2, rows_read = ?3, "
                      "rejected = ?4, duplicates = ?5, unchanged = ?6, skipped_failed = ?7, "
                      "new_records = ?8, changed = ?9, retried = ?10, sent = ?11, "
                      "failed = ?12, transient = ?13, gone = ?14 WHERE id = ?15") {}

        Statement select_record, insert_record, update_resend, touch_seen, dry_mark_seen,
            upsert_rejected, mark_in_flight, insert_in_flight, insert_job, link_job, delete_job,
            open_jobs, job_keys, outcome_sent, outcome_error, leftovers, leftovers_dry, gone_count,
            gone_keys, gone_count_dry, gone_keys_dry, mark_crashed, last_complete, insert_run,
            end_run;
    };

    void configure() {
        // The first statement reads the file header: a file that is not SQLite fails here.
        try {
            db_.exec(("PRAGMA busy_timeout = " + std::to_string(busy_timeout_ms)).c_str(),
                     "set busy timeout");
            Statement mode(db_, "PRAGMA journal_mode = WAL");
            ResetOnExit reset(mode);
            if (!mode.step() || mode.column_text(0) != "wal")
                throw LedgerError("ledger " + path_ +
                                  ": cannot switch to WAL mode (is it on a network file system?)");
        } catch (const LedgerError &e) {
            throw LedgerError(std::string(e.what()) + " (is " + path_ + " a connector ledger?)");
        }
        // NORMAL in WAL mode: a commit survives the process being killed at any point; only a
        // power loss may drop the last commits, which the next run then simply resends.
        db_.exec("PRAGMA synchronous = NORMAL", "set synchronous");
        db_.exec("PRAGMA temp_store = FILE", "set temp store");
        db_.exec("PRAGMA cache_size = -16384",
                 "set cache size"); // 16 MiB, whatever the ledger size
        // A dry run remembers the keys it saw in the connection's temp schema (a temp file), not
        // in the ledger, so it writes nothing and holds no write lock.
        db_.exec("CREATE TEMP TABLE IF NOT EXISTS dry_seen (key TEXT PRIMARY KEY) WITHOUT ROWID",
                 "create dry-run table");
    }

    std::int64_t find_or_create_sync() {
        Transaction txn(db_);
        Statement find(db_, "SELECT id, target FROM syncs WHERE name = ?1");
        find.bind(1, sync_name_);
        std::int64_t id = 0;
        {
            ResetOnExit reset(find);
            if (find.step()) {
                id = find.column_int(0);
                const std::string stored = find.column_text(1);
                if (stored != to_string(target_))
                    throw LedgerError("ledger " + path_ + ": sync '" + sync_name_ + "' writes " +
                                      stored + ", not " + to_string(target_) +
                                      "; choose another --sync name for this target");
            }
        }
        if (id == 0) {
            Statement insert(db_,
                             "INSERT INTO syncs (name, target, created_at) VALUES (?1, ?2, ?3)");
            insert.bind(1, sync_name_)
                .bind(2, std::string(to_string(target_)))
                .bind(3, now_unix_seconds())
                .run();
            id = db_.last_insert_rowid();
        }
        txn.commit();
        return id;
    }

    void prepare() { s_.emplace(db_); }

    void require_run(const char *what) const {
        if (!run_open_)
            throw LedgerError("ledger " + path_ + ": " + what + " called outside a run");
    }

    void read_last_complete(RunStart &start) {
        Statement &q = s_->last_complete;
        ResetOnExit reset(q);
        q.bind(1, sync_id_);
        last_complete_run_id_ = 0;
        if (q.step()) {
            last_complete_run_id_ = q.column_int(0);
            start.last_success_started_at.unix_seconds = q.column_int(1);
            start.last_success_started_at.nanos = static_cast<std::uint32_t>(q.column_int(2));
        }
    }

    // Looks the key up; nullopt when unknown.
    std::optional<StoredRecord> lookup(const std::string &key) {
        Statement &q = s_->select_record;
        ResetOnExit reset(q);
        q.bind(1, sync_id_).bind(2, key);
        if (!q.step())
            return std::nullopt;
        StoredRecord stored;
        stored.hash = q.column_text(0);
        const std::string state = q.column_text(1);
        const auto parsed = parse_state(state);
        if (!parsed)
            throw LedgerError("ledger " + path_ + ": record '" + key + "' of sync '" + sync_name_ +
                              "' has an unknown state '" + state + "'");
        stored.state = *parsed;
        stored.seen_in_this_run = q.column_int(2) == run_id_;
        stored.ever_sent = q.column_int(3) != 0;
        return stored;
    }

    Decision diff_one(const Record &r) {
        const std::optional<StoredRecord> stored = lookup(r.key);
        const Decision d = decide(stored ? &*stored : nullptr, r.hash, target_,
                                  options_.full_resync, options_.retry_failed);
        switch (d) {
        case Decision::New:
        case Decision::Changed:
        case Decision::Retry: {
            Statement &q = stored ? s_->update_resend : s_->insert_record;
            q.bind(1, sync_id_)
                .bind(2, r.key)
                .bind(3, r.hash)
                .bind(4, run_id_)
                .bind_or_null(5, r.profile)
                .bind_or_null(6, r.event)
                .run();
            break;
        }
        case Decision::Unchanged:
        case Decision::SkipFailed:
            s_->touch_seen.bind(1, sync_id_).bind(2, r.key).bind(3, run_id_).run();
            break;
        case Decision::Duplicate:
            break;
        }
        return d;
    }

    // A dry run decides the same way but writes only the temp table of keys it saw.
    Decision diff_dry(const Record &r) {
        s_->dry_mark_seen.bind(1, r.key).run();
        if (db_.changes() == 0)
            return Decision::Duplicate;
        const std::optional<StoredRecord> stored = lookup(r.key);
        return decide(stored ? &*stored : nullptr, r.hash, target_, options_.full_resync,
                      options_.retry_failed);
    }

    std::mutex mutex_; // one caller at a time: the run's thread and the sink's threads
    std::string path_;
    std::string sync_name_;
    Target target_;
    SyncLock lock_; // declared before db_, so the file is closed before the lock is released
    Database db_;
    std::int64_t sync_id_ = 0;
    std::optional<Statements> s_;

    RunOptions options_;
    bool run_open_ = false;
    bool dry_run_ = false;
    std::int64_t run_id_ = 0;
    std::int64_t last_complete_run_id_ = 0;
};

SqliteLedger::SqliteLedger(const std::string &path,
                           const std::string &sync_name,
                           connector::Target target,
                           OpenOptions options)
    : impl_(std::make_unique<Impl>(path, sync_name, target, options)) {}

SqliteLedger::~SqliteLedger() = default;

RunStart SqliteLedger::begin_run(const RunOptions &options) {
    return impl_->begin_run(options);
}
std::vector<std::string> SqliteLedger::open_jobs() {
    return impl_->open_jobs();
}
std::vector<std::string> SqliteLedger::job_keys(const std::string &job_id) {
    return impl_->job_keys(job_id);
}
std::vector<Decision> SqliteLedger::diff(const std::vector<Record> &batch) {
    return impl_->diff(batch);
}
void SqliteLedger::record_rejection(const Rejection &rejection) {
    impl_->record_rejection(rejection);
}
void SqliteLedger::for_each_leftover(const std::function<void(const Record &)> &fn) {
    impl_->for_each_leftover(fn);
}
std::uint64_t SqliteLedger::gone(std::vector<std::string> &examples, std::size_t max_examples) {
    return impl_->gone(examples, max_examples);
}
void SqliteLedger::end_run(const std::string &status, const RunCounts &counts) {
    impl_->end_run(status, counts);
}
void SqliteLedger::on_in_flight(const std::vector<const Record *> &records) {
    impl_->on_in_flight(records);
}
void SqliteLedger::on_job_submitted(const std::string &job_id,
                                    const std::vector<std::string> &keys) {
    impl_->on_job_submitted(job_id, keys);
}
void SqliteLedger::on_job_finished(const std::string &job_id) {
    impl_->on_job_finished(job_id);
}
void SqliteLedger::on_outcomes(const std::vector<RecordOutcome> &outcomes) {
    impl_->on_outcomes(outcomes);
}
void SqliteLedger::on_notice(const std::string &) {}
const std::string &SqliteLedger::path() const noexcept {
    return impl_->path();
}
const std::string &SqliteLedger::sync_name() const noexcept {
    return impl_->sync_name();
}

} // namespace connector::ledger
