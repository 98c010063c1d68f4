#include "sqlite_ledger.hpp"

#include "core/error.hpp"
#include "decision_rules.hpp"
#include "ledger_statements.hpp"
#include "migrations.hpp"
#include "sqlite_db.hpp"
#include "stored_hash.hpp"
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
#include <unordered_map>
#include <unordered_set>

namespace connector::ledger {
namespace {

// Leftovers are read in pages of this many records, so memory stays flat and no read statement
// is open while the caller sends (the sink's threads write to the ledger meanwhile).
constexpr std::int64_t leftover_page = 256;
// Klaviyo's error details can be long; the ledger keeps enough to diagnose.
constexpr std::size_t max_error_message = 2000;
// Other syncs of the same file commit small transactions; wait for them this long.
constexpr int busy_timeout_ms = 30000;
// The key -> id map of records in the sink holds up to a few bulk requests' worth: sized once.
constexpr std::size_t sending_buckets = 32768;

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

// Checks the names, then creates the parent directories (0700: the ledger holds customer data)
// and the file itself with mode 0600 before SQLite opens it; SQLite gives its -wal and -shm
// files the same mode.
const std::string &prepare_file(const std::string &path, const std::string &sync_name) {
    if (path.empty())
        throw ConfigError("the ledger path is empty");
    if (sync_name.empty())
        throw ConfigError("the sync name is empty (--sync NAME)");
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

// Record ids as a JSON array, bound to the statements that take a set of records at once.
class IdList {
  public:
    void add(std::int64_t id) {
        text_ += text_.empty() ? '[' : ',';
        text_ += std::to_string(id);
    }
    bool empty() const noexcept { return text_.empty(); }
    // The array; valid until the list changes.
    const std::string &json() {
        if (!text_.empty() && text_.back() != ']')
            text_ += ']';
        return text_;
    }

  private:
    std::string text_;
};

void check_run_status(const std::string &status) {
    for (const char *known : {"success", "partial", "limited", "failed", "interrupted"}) {
        if (status == known)
            return;
    }
    throw LedgerError("end_run: unknown run status '" + status +
                      "' (expected success, partial, limited, failed or interrupted)");
}

} // namespace

class SqliteLedger::Impl {
  public:
    Impl(const std::string &path, const std::string &sync_name, Target target, OpenOptions options)
        : path_(path), sync_name_(sync_name), target_(target),
          lock_(prepare_file(path, sync_name), sync_name, options.wait_lock_seconds),
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
            flush_rejections();
            const std::string failed = "failed";
            s_->end_run.bind(1, failed).bind(2, now_unix_seconds());
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
            const std::string host = host_name();
            s_->insert_run.bind(1, sync_id_)
                .bind(2, options.started_at.unix_seconds)
                .bind(3, std::int64_t{options.started_at.nanos})
                .bind(4, std::int64_t{getpid()})
                .bind(5, host)
                .bind(6, std::int64_t{options.full_resync})
                .bind(7, std::int64_t{options.retry_failed})
                .run();
            run_id_ = db_.last_insert_rowid();
            txn.commit();
        }
        run_open_ = true;
        open_job_keys_.reset();
        superseded_.clear();
        pending_rejections_.clear();
        sending_.clear();
        sending_.reserve(sending_buckets);
        open_jobs_.clear();
        last_was_new_ = false;
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
        // The caller asks for every open job in turn: the first call reads the records of all
        // of them in one scan (the records have no index by job), and each is handed out once.
        if (!open_job_keys_) {
            open_job_keys_.emplace();
            Statement &all = s_->open_job_keys;
            ResetOnExit reset(all);
            all.bind(1, sync_id_);
            while (all.step()) {
                JobRecords &job = (*open_job_keys_)[all.column_text(0)];
                job.keys.push_back(all.column_text(1));
                job.ids.push_back(all.column_int(2));
            }
        }
        JobRecords records;
        if (const auto it = open_job_keys_->find(job_id); it != open_job_keys_->end()) {
            records = std::move(it->second);
            open_job_keys_->erase(it);
        } else {
            Statement &q = s_->job_keys;
            ResetOnExit reset(q);
            q.bind(1, sync_id_).bind(2, job_id);
            while (q.step()) {
                records.keys.push_back(q.column_text(0));
                records.ids.push_back(q.column_int(1));
            }
        }
        // The sink reports the job's outcomes in the order of these keys: the job is followed
        // like one of this run's (job_reporting), so its outcomes reach the records it carried.
        OpenJob &job = open_jobs_[job_id];
        job.ids = std::move(records.ids);
        job.key_hashes.clear();
        job.key_hashes.reserve(records.keys.size());
        for (const std::string &key : records.keys)
            job.key_hashes.push_back(std::hash<std::string>{}(key));
        job.earlier_run = true;
        return records.keys;
    }

    std::vector<Decision> diff(const std::vector<Record> &batch) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("diff");
        std::vector<Decision> decisions;
        decisions.reserve(batch.size());
        Transaction txn(db_, dry_run_ ? Transaction::Kind::Read : Transaction::Kind::Write);
        // Rows in row order: the rejections buffered since the last batch go between its
        // records by row number, so the first row with a key wins whether it was valid or not.
        std::size_t next = 0;
        for (const Record &record : batch) {
            while (next < pending_rejections_.size() &&
                   pending_rejections_[next].row_number < record.row_number)
                apply_rejection(pending_rejections_[next++]);
            decisions.push_back(dry_run_ ? diff_dry(record) : diff_one(record));
        }
        for (; next < pending_rejections_.size(); ++next)
            apply_rejection(pending_rejections_[next]); // rows after the whole batch
        pending_rejections_.clear();
        txn.commit();
        return decisions;
    }

    void record_rejection(const Rejection &rejection) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("record_rejection");
        // Buffered: a result where every row is rejected must not cost a commit per row, and
        // the next diff applies them in row order with its records. The buffer is written
        // before anything reads records, so a key it holds counts as seen. Full, it is written
        // as it stands: right when no earlier row waits in the caller's batch (Ledger says so).
        Rejection r = rejection;
        r.message = truncate_utf8(r.message, max_error_message);
        pending_rejections_.push_back(std::move(r));
        if (pending_rejections_.size() >= max_buffered_rejections)
            flush_rejections_now();
    }

    void for_each_leftover(const std::function<void(const Record &)> &fn) {
        std::int64_t after = 0;
        std::vector<Record> page;
        for (;;) {
            page.clear();
            {
                std::lock_guard<std::mutex> guard(mutex_);
                require_run("for_each_leftover");
                flush_rejections_now();
                Statement &q = dry_run_ ? s_->leftovers_dry : s_->leftovers;
                ResetOnExit reset(q);
                q.bind(1, sync_id_).bind(2, after).bind(3, leftover_page);
                if (!dry_run_)
                    q.bind(4, run_id_);
                while (q.step()) {
                    after = q.column_int(0);
                    Record r;
                    r.key = q.column_text(1);
                    if (!dry_run_)
                        sending_[r.key] = after;
                    r.hash = restore_hash(q.column_bytes(2), q.column_is_blob(2));
                    r.profile = q.column_text(3);
                    r.event = q.column_text(4);
                    page.push_back(std::move(r));
                }
            }
            // The lock is released: the callback sends, and the sink reports from its threads.
            // Paging by id (not a long-lived cursor) means their writes never move a record
            // into a page still to come, so each leftover is seen once.
            for (const Record &r : page)
                fn(r);
            if (static_cast<std::int64_t>(page.size()) < leftover_page)
                return;
        }
    }

    std::uint64_t gone(std::vector<std::string> &examples, std::size_t max_examples) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("gone");
        flush_rejections_now();
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
            pending_rejections_.clear();
            db_.exec("DELETE FROM temp.dry_seen", "discard dry-run state");
        } else {
            Transaction txn(db_);
            flush_rejections();
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
        sending_.clear();
        open_jobs_.clear();
    }

    void on_in_flight(const std::vector<const Record *> &records) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("on_in_flight");
        if (dry_run_ || records.empty())
            return;
        Transaction txn(db_);
        IdList known;
        for (const Record *r : records) {
            if (const std::int64_t id = id_of(r->key)) {
                known.add(id);
                continue;
            }
            // Sent without a diff (not the sync's way, but the record must be resendable).
            Statement &q = s_->insert_in_flight;
            q.bind(1, sync_id_).bind(2, r->key).bind(4, run_id_);
            const StoredHash hash = store_hash(r->hash); // bound without a copy: keep it alive
            bind_hash(q, 3, hash);
            q.run();
            const std::int64_t id = db_.last_insert_rowid();
            save_payload(id, *r);
            sending_.emplace(r->key, id);
        }
        if (!known.empty())
            s_->mark_in_flight_ids.bind(1, known.json()).run();
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
        // A bulk job may run for minutes and many may be open at once: its records leave the
        // key map, and the job keeps only their ids and key hashes (16 bytes a record), in the
        // order of `keys`, for its outcomes to find them (see job_reporting).
        OpenJob &job = open_jobs_[job_id];
        job.earlier_run = false;
        job.ids.clear();
        job.key_hashes.clear();
        job.ids.reserve(keys.size());
        job.key_hashes.reserve(keys.size());
        IdList linked;
        for (const std::string &key : keys) {
            const std::int64_t id = id_of(key);
            if (id != 0)
                linked.add(id);
            job.ids.push_back(id);
            job.key_hashes.push_back(std::hash<std::string>{}(key));
            sending_.erase(key);
        }
        if (!linked.empty())
            s_->link_job_ids.bind(1, linked.json()).bind(2, job_id).run();
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
        open_jobs_.erase(job_id);
    }

    std::vector<bool> record_outcomes(const std::vector<RecordOutcome> &outcomes) {
        std::lock_guard<std::mutex> guard(mutex_);
        require_run("on_outcomes");
        std::vector<bool> aside(outcomes.size(), false);
        if (dry_run_ || outcomes.empty())
            return aside;
        Transaction txn(db_);
        const OpenJob *job = job_reporting(outcomes);
        IdList sent;
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            const RecordOutcome &o = outcomes[i];
            std::int64_t id = 0;
            if (job && job->key_hashes[i] == std::hash<std::string>{}(o.key))
                id = job->ids[i];
            // A job of an earlier run carried an older version of a record this run sent again
            // with new data: what Klaviyo says of the old one must not mark the new one sent
            // (or failed), nor drop the payload it is resent from after a crash.
            if (job && job->earlier_run && id != 0 && superseded_.count(id) != 0) {
                aside[i] = true;
                continue;
            }
            if (id == 0)
                id = id_of(o.key);
            sending_.erase(o.key); // an outcome is the end of this run's attempt
            if (id == 0)
                continue; // not a record of this sync: nothing to record
            if (o.outcome == Outcome::Sent) {
                sent.add(id);
                continue;
            }
            const std::string message = truncate_utf8(o.message, max_error_message);
            const RecordState state =
                o.outcome == Outcome::Failed ? RecordState::Failed : RecordState::Transient;
            s_->outcome_error.bind(1, id)
                .bind(2, std::int64_t{static_cast<int>(state)})
                .bind_or_null(3, o.code)
                .bind_or_null(4, message)
                .run();
        }
        if (!sent.empty()) {
            const std::string &ids = sent.json();
            s_->outcome_sent_ids.bind(1, ids).bind(2, run_id_).run();
            s_->delete_payload_ids.bind(1, ids).run(); // sent: the payload is not needed
        }
        txn.commit();
        return aside;
    }

    const std::string &path() const noexcept { return path_; }
    const std::string &sync_name() const noexcept { return sync_name_; }

  private:
    [[noreturn]] void throw_not_a_ledger(const LedgerError &e) const {
        throw LedgerError(std::string(e.what()) + " (is " + path_ +
                          " a connector ledger? If it is damaged, move it aside and restore "
                          "the last backup, or start afresh: a new ledger sends every "
                          "profile once more and relies on Klaviyo's unique_id for events)");
    }

    void configure() {
        // The first statement reads the file header: a file that is not SQLite fails here.
        try {
            db_.exec(("PRAGMA busy_timeout = " + std::to_string(busy_timeout_ms)).c_str(),
                     "set busy timeout");
            Statement probe(db_, "SELECT COUNT(*) FROM sqlite_master");
            ResetOnExit reset(probe);
            probe.step();
        } catch (const LedgerError &e) {
            throw_not_a_ledger(e);
        }
        // Before anything writes to the file (WAL mode persists in it), so another database given
        // as --ledger is refused as it was found.
        refuse_foreign_file(db_);
        try {
            Statement mode(db_, "PRAGMA journal_mode = WAL");
            ResetOnExit reset(mode);
            if (!mode.step() || mode.column_text(0) != "wal")
                throw LedgerError("ledger " + path_ +
                                  ": cannot switch to WAL mode (is it on a network file system?)");
        } catch (const LedgerError &e) {
            throw_not_a_ledger(e);
        }
        // NORMAL in WAL mode: a commit survives the process being killed at any point; only a
        // power loss may drop the last commits, which the next run then simply resends.
        db_.exec("PRAGMA synchronous = NORMAL", "set synchronous");
        db_.exec("PRAGMA temp_store = FILE", "set temp store");
        // 8 MiB, whatever the ledger size: 16 MiB cost 8-10 MB more and was at most a few
        // percent faster at a million records (docs/performance.md).
        db_.exec("PRAGMA cache_size = -8192", "set cache size");
        // A run rewrites each record's page several times within seconds (diffed, in flight,
        // in a job, sent): a larger WAL (up to about 32 MiB between checkpoints instead of 4)
        // copies each page back once for all of them. The WAL is cut back to that size after.
        db_.exec("PRAGMA wal_autocheckpoint = 8000", "set checkpoint interval");
        db_.exec("PRAGMA journal_size_limit = 33554432", "set WAL size limit");
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
            const std::string target = to_string(target_);
            insert.bind(1, sync_name_).bind(2, target).bind(3, now_unix_seconds()).run();
            id = db_.last_insert_rowid();
        }
        txn.commit();
        return id;
    }

    void prepare() { s_.emplace(db_); }

    // Writes the buffered rejections; the caller holds the mutex and a transaction.
    void flush_rejections() {
        for (const Rejection &r : pending_rejections_)
            apply_rejection(r);
        pending_rejections_.clear();
    }

    // A dry run only remembers the key as seen (in its temp table).
    void apply_rejection(const Rejection &r) {
        if (dry_run_) {
            if (!r.key.empty())
                s_->dry_mark_seen.bind(1, r.key).run();
            return;
        }
        s_->count_rejection.bind(1, run_id_)
            .bind(2, r.code)
            .bind(3, static_cast<std::int64_t>(r.row_number))
            .bind(4, r.column)
            .bind(5, r.key)
            .bind(6, r.message)
            .run();
        if (r.key.empty())
            return;
        s_->upsert_rejected.bind(1, sync_id_)
            .bind(2, r.key)
            .bind(3, run_id_)
            .bind_or_null(4, r.code)
            .bind_or_null(5, r.message)
            .run();
    }

    // For readers outside a write transaction (leftovers, gone).
    void flush_rejections_now() {
        if (pending_rejections_.empty())
            return;
        Transaction txn(db_, dry_run_ ? Transaction::Kind::Read : Transaction::Kind::Write);
        flush_rejections();
        txn.commit();
    }

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

    struct Lookup {
        std::int64_t id = 0;
        StoredRecord stored;
    };

    // Looks the key up into the reused found_ (no allocation per record); null when unknown.
    const Lookup *lookup(const std::string &key) {
        Statement &q = s_->select_record;
        ResetOnExit reset(q);
        q.bind(1, sync_id_).bind(2, key);
        if (!q.step())
            return nullptr;
        Lookup &found = found_;
        found.id = q.column_int(0);
        q.column_bytes(1, found.stored.hash);
        const std::int64_t code = q.column_int(2);
        const auto parsed = state_from_code(code);
        if (!parsed)
            throw LedgerError("ledger " + path_ + ": record '" + key + "' of sync '" + sync_name_ +
                              "' has an unknown state " + std::to_string(code));
        found.stored.state = *parsed;
        found.stored.seen_in_this_run = q.column_int(3) == run_id_;
        found.stored.ever_sent = q.column_int(4) != 0;
        found.stored.in_open_job = q.column_int(5) != 0;
        return &found;
    }

    struct OpenJob {
        std::vector<std::int64_t> ids;       // 0 for a key the ledger did not know
        std::vector<std::size_t> key_hashes; // std::hash of each key
        bool earlier_run = false;            // resumed (job_keys), not submitted in this run
    };

    // The open job whose records `outcomes` are, in the order the job was submitted with (how
    // the sink reports a finished job), found by size and the first and last key; null when
    // none. Each outcome still checks its own key's hash before it takes the job's id.
    const OpenJob *job_reporting(const std::vector<RecordOutcome> &outcomes) const {
        const std::size_t first = std::hash<std::string>{}(outcomes.front().key);
        const std::size_t last = std::hash<std::string>{}(outcomes.back().key);
        for (const auto &[id, job] : open_jobs_) {
            if (job.ids.size() == outcomes.size() && job.key_hashes.front() == first &&
                job.key_hashes.back() == last)
                return &job;
        }
        return nullptr;
    }

    // The id of `key` in this sync, 0 when unknown: from the records this run is sending, else
    // from the key index.
    std::int64_t id_of(const std::string &key) {
        const auto it = sending_.find(key);
        return it != sending_.end() ? it->second : find_id(key);
    }

    // The id of `key` in this sync, 0 when unknown.
    std::int64_t find_id(const std::string &key) {
        Statement &q = s_->find_id;
        ResetOnExit reset(q);
        q.bind(1, sync_id_).bind(2, key);
        return q.step() ? q.column_int(0) : 0;
    }

    void save_payload(std::int64_t id, const Record &r) {
        s_->save_payload.bind(1, id).bind_or_null(2, r.profile).bind_or_null(3, r.event).run();
    }

    // Binds `hash` in its stored form.
    static void bind_hash(Statement &q, int index, const StoredHash &hash) {
        if (hash.binary)
            q.bind_blob(index, hash.bytes);
        else
            q.bind(index, hash.bytes);
    }
    static void bind_hash(Statement &q, int index, StoredHash &&hash) = delete;

    Decision diff_one(const Record &r) {
        StoredHash &hash = hash_; // reused: no allocation per record
        store_hash(r.hash, hash);
        if (last_was_new_) {
            // Probably new: insert, and look the key up only if it was there after all.
            Statement &q = s_->insert_if_new;
            q.bind(1, sync_id_).bind(2, r.key).bind(4, run_id_);
            bind_hash(q, 3, hash);
            q.run();
            if (db_.changes() == 1) {
                const std::int64_t id = db_.last_insert_rowid();
                save_payload(id, r);
                sending_[r.key] = id;
                return Decision::New;
            }
        }
        const Lookup *found = lookup(r.key);
        last_was_new_ = !found;
        const Decision d = decide(found ? &found->stored : nullptr, hash.bytes, target_,
                                  options_.full_resync, options_.retry_failed);
        switch (d) {
        case Decision::New:
        case Decision::Changed:
        case Decision::Retry:
            if (found) {
                if (found->stored.in_open_job)
                    superseded_.insert(found->id); // sent again while an older job runs
                Statement &q = s_->update_resend;
                q.bind(1, found->id).bind(3, run_id_);
                bind_hash(q, 2, hash);
                q.run();
                save_payload(found->id, r);
                sending_[r.key] = found->id;
            } else {
                Statement &q = s_->insert_record;
                q.bind(1, sync_id_).bind(2, r.key).bind(4, run_id_);
                bind_hash(q, 3, hash);
                q.run();
                const std::int64_t id = db_.last_insert_rowid();
                save_payload(id, r);
                sending_[r.key] = id;
            }
            break;
        case Decision::Unchanged:
        case Decision::SkipFailed: {
            // A rejected row that is valid again and unchanged since it was sent is sent.
            const bool unrejected = found->stored.state == RecordState::Rejected;
            Statement &q = unrejected ? s_->touch_unrejected : s_->touch_seen;
            q.bind(1, found->id).bind(2, run_id_).run();
            break;
        }
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
        const Lookup *found = lookup(r.key);
        store_hash(r.hash, hash_);
        return decide(found ? &found->stored : nullptr, hash_.bytes, target_, options_.full_resync,
                      options_.retry_failed);
    }

    std::mutex mutex_; // one caller at a time: the run's thread and the sink's threads
    std::string path_;
    std::string sync_name_;
    Target target_;
    SyncLock lock_; // declared before db_, so the file is closed before the lock is released
    Database db_;
    std::int64_t sync_id_ = 0;
    std::optional<LedgerStatements> s_;

    RunOptions options_;
    bool run_open_ = false;
    bool dry_run_ = false;
    std::int64_t run_id_ = 0;
    std::int64_t last_complete_run_id_ = 0;
    std::vector<Rejection> pending_rejections_;
    // Key -> id of the records handed over to be sent and neither given an outcome nor placed
    // in a bulk job yet, so the sink's reports (in flight, job, outcome) find their row without
    // the key index. Bounded by what the sink holds (back-pressure), emptied at each run's
    // start and end.
    std::unordered_map<std::string, std::int64_t> sending_;
    // The keys of the open jobs' records, read by the first job_keys call and handed out once
    // each; reset when a run begins.
    struct JobRecords {
        std::vector<std::string> keys;
        std::vector<std::int64_t> ids; // of each key, in the same order
    };
    std::optional<std::unordered_map<std::string, JobRecords>> open_job_keys_;
    // Records this run sent again, with new data, while a job of an earlier run still carried
    // their older version (see on_outcomes). Reset when a run begins.
    std::unordered_set<std::int64_t> superseded_;
    // The bulk jobs this run submitted and that have not finished, by job id.
    std::unordered_map<std::string, OpenJob> open_jobs_;
    // Scratch of diff_one, kept so that their strings keep their capacity.
    Lookup found_;
    StoredHash hash_;
    // Whether the last record diffed was new: then the next one probably is too (a first run).
    bool last_was_new_ = false;
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
    impl_->record_outcomes(outcomes);
}
std::vector<bool> SqliteLedger::record_outcomes(const std::vector<RecordOutcome> &outcomes) {
    return impl_->record_outcomes(outcomes);
}
void SqliteLedger::on_notice(const std::string &) {}
const std::string &SqliteLedger::path() const noexcept {
    return impl_->path();
}
const std::string &SqliteLedger::sync_name() const noexcept {
    return impl_->sync_name();
}

} // namespace connector::ledger
