#pragma once
// In-process fakes of the core ports, for the sync's unit tests only (the end-to-end tests use
// the real stages).

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/ledger.hpp"
#include "core/record.hpp"
#include "core/row_source.hpp"
#include "core/sink.hpp"
#include "sync/run_observer.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace connector::test {

/// A row of the fake result: key (empty = reject), payload text, optional warning code.
struct FakeRow {
    std::string key;
    std::string payload;
    std::string warning;
};

/// Rows from memory. Can throw or request a stop after a given row.
class FakeSource : public RowSource {
  public:
    explicit FakeSource(std::vector<FakeRow> rows) : rows_(std::move(rows)) {
        columns_ = {{"key", "VARCHAR"}, {"payload", "VARCHAR"}, {"warning", "VARCHAR"}};
    }
    const std::vector<Column> &columns() const override { return columns_; }
    bool next(Row &row) override {
        if (throw_after_ && served_ == throw_after_)
            throw SourceError("fake warehouse: connection lost after row " +
                              std::to_string(served_));
        if (interrupt_error_after_ && served_ == interrupt_error_after_)
            throw InterruptedError("fake warehouse: query cancelled");
        if (served_ == rows_.size())
            return false;
        const FakeRow &r = rows_[served_++];
        row.number = served_;
        row.values = {Value{r.key}, Value{r.payload}, Value{r.warning}};
        if (stop_after_ && served_ == stop_after_)
            request_stop();
        return true;
    }
    std::size_t served() const { return served_; }

    std::size_t throw_after_ = 0;           ///< SourceError when asked for the row after this
    std::size_t interrupt_error_after_ = 0; ///< InterruptedError likewise
    std::size_t stop_after_ = 0;            ///< request_stop() once this row was served

  private:
    std::vector<Column> columns_;
    std::vector<FakeRow> rows_;
    std::size_t served_ = 0;
};

/// key -> profile {"k":key,"p":payload}; empty key -> Rejection missing_identifier.
class FakeMapper : public Mapper {
  public:
    MapResult map(const Row &row) override {
        const auto &key = std::get<std::string>(row.values[0]);
        const auto &payload = std::get<std::string>(row.values[1]);
        const auto &warning = std::get<std::string>(row.values[2]);
        if (key.empty())
            return Rejection{row.number, "email", "missing_identifier",
                             "no email, phone_number or external_id", ""};
        Record r;
        r.row_number = row.number;
        r.key = key;
        r.hash = "h:" + payload;
        r.profile = R"({"type":"profile","attributes":{"external_id":")" + key + R"(","p":")" +
                    payload + R"("}})";
        if (!warning.empty())
            r.warnings.push_back(Warning{row.number, "phone", warning, "dropped the phone"});
        return r;
    }
};

/// An in-memory ledger with the decision rules of design §4, recording every call.
class FakeLedger : public Ledger {
  public:
    enum class State { Pending, InFlight, Sent, Failed, Transient, Rejected };
    struct Entry {
        std::string hash;
        State state = State::Pending;
        Record payload;
        std::int64_t last_seen_run = 0;
    };

    RunStart begin_run(const RunOptions &options) override {
        calls.push_back("begin_run");
        if (locked)
            throw LedgerLockedError("fake ledger: locked by pid 4242");
        options_ = options;
        ++run_id_;
        seen_.clear();
        snapshot_ = entries;
        return RunStart{run_id_, last_success_};
    }
    std::vector<std::string> open_jobs() override {
        calls.push_back("open_jobs");
        std::vector<std::string> ids;
        for (const auto &j : jobs)
            ids.push_back(j.first);
        return ids;
    }
    std::vector<std::string> job_keys(const std::string &job_id) override {
        return jobs.at(job_id);
    }
    std::vector<Decision> diff(const std::vector<Record> &batch) override {
        calls.push_back("diff:" + std::to_string(batch.size()));
        buffered_rejections = 0;
        batch_sizes.push_back(batch.size());
        std::vector<Decision> out;
        for (const Record &r : batch) {
            if (!seen_.insert(r.key).second) {
                out.push_back(Decision::Duplicate);
                continue;
            }
            auto it = entries.find(r.key);
            if (it == entries.end()) {
                entries[r.key] = Entry{r.hash, State::Pending, r, run_id_};
                out.push_back(Decision::New);
                continue;
            }
            Entry &e = it->second;
            e.last_seen_run = run_id_;
            if (e.hash != r.hash) {
                e = Entry{r.hash, State::Pending, r, run_id_};
                out.push_back(Decision::Changed);
            } else if (options_.full_resync) {
                out.push_back(Decision::Retry);
            } else if (e.state == State::Sent) {
                out.push_back(Decision::Unchanged);
            } else if (e.state == State::Failed) {
                out.push_back(options_.retry_failed ? Decision::Retry : Decision::SkipFailed);
            } else {
                out.push_back(Decision::Retry);
            }
        }
        return out;
    }
    void record_rejection(const Rejection &rejection) override {
        rejections.push_back(rejection);
        // How many rejections the ledger held when a diff came (see the sync's ordering test).
        ++buffered_rejections;
        max_buffered = std::max(max_buffered, buffered_rejections);
    }
    void for_each_leftover(const std::function<void(const Record &)> &fn) override {
        calls.push_back("for_each_leftover");
        for (auto &kv : entries) {
            const State s = kv.second.state;
            if (seen_.count(kv.first) == 0 &&
                (s == State::Pending || s == State::InFlight || s == State::Transient)) {
                Record r = kv.second.payload;
                r.row_number = 0;
                fn(r);
            }
        }
    }
    std::uint64_t gone(std::vector<std::string> &examples, std::size_t max_examples) override {
        calls.push_back("gone");
        std::uint64_t n = 0;
        for (const auto &kv : snapshot_)
            if (seen_.count(kv.first) == 0 && kv.second.state == State::Sent) {
                ++n;
                if (examples.size() < max_examples)
                    examples.push_back(kv.first);
            }
        return n;
    }
    void end_run(const std::string &status, const RunCounts &counts) override {
        calls.push_back("end_run:" + status);
        ended_status = status;
        ended_counts = counts;
        if (options_.dry_run)
            entries = snapshot_;
        else if (status == "success")
            last_success_ = options_.started_at;
    }

    void on_in_flight(const std::vector<const Record *> &records) override {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const Record *r : records)
            entries[r->key].state = State::InFlight;
    }
    void on_job_submitted(const std::string &job_id,
                          const std::vector<std::string> &keys) override {
        std::lock_guard<std::mutex> lock(mutex_);
        jobs[job_id] = keys;
    }
    void on_job_finished(const std::string &job_id) override {
        std::lock_guard<std::mutex> lock(mutex_);
        jobs.erase(job_id);
        finished_jobs.push_back(job_id);
    }
    std::vector<bool> record_outcomes(const std::vector<RecordOutcome> &outcomes) override {
        on_outcomes(outcomes);
        return std::vector<bool>(outcomes.size(), aside_all);
    }
    void on_outcomes(const std::vector<RecordOutcome> &outcomes) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (fail_outcomes)
            throw LedgerError("fake ledger: disk I/O error");
        for (const RecordOutcome &o : outcomes) {
            State s = o.outcome == Outcome::Sent     ? State::Sent
                      : o.outcome == Outcome::Failed ? State::Failed
                                                     : State::Transient;
            entries[o.key].state = s;
        }
        outcomes_seen += outcomes.size();
    }
    void on_notice(const std::string &message) override {
        std::lock_guard<std::mutex> lock(mutex_);
        notices.push_back(message);
    }

    /// Pretends a run already sent `key` with `payload`.
    void preload(const std::string &key, const std::string &payload, State state) {
        FakeMapper mapper;
        Row row{1, {Value{key}, Value{payload}, Value{std::string()}}};
        Record r = std::get<Record>(mapper.map(row));
        r.row_number = 0;
        entries[key] = Entry{r.hash, state, r, 0};
    }

    std::map<std::string, Entry> entries;
    std::map<std::string, std::vector<std::string>> jobs;
    std::vector<std::string> finished_jobs;
    std::vector<Rejection> rejections;
    std::size_t buffered_rejections = 0; ///< since the last diff
    std::size_t max_buffered = 0;        ///< the most buffered_rejections ever was
    std::vector<std::string> calls;
    std::vector<std::size_t> batch_sizes;
    std::vector<std::string> notices;
    std::string ended_status;
    RunCounts ended_counts;
    std::size_t outcomes_seen = 0;
    bool locked = false;
    bool fail_outcomes = false;
    bool aside_all = false; ///< record_outcomes sets every outcome aside (superseded)
    RunOptions options_;
    Timestamp last_success_;

  private:
    std::mutex mutex_;
    std::int64_t run_id_ = 0;
    std::set<std::string> seen_;
    std::map<std::string, Entry> snapshot_;
};

/// A sink that keeps copies of what it was given and reports outcomes on finish().
class FakeSink : public Sink {
  public:
    using Policy = std::function<RecordOutcome(const Record &)>;

    FakeSink(DeliveryListener &listener, std::vector<std::string> &log)
        : listener_(listener), log_(log) {}

    void send(const Record &record) override {
        log_.push_back("send:" + record.key);
        if (auth_error_at_ && sent_.size() + 1 == auth_error_at_)
            throw AuthError("Klaviyo refused the key in KLAVIYO_API_KEY (401)");
        sent_.push_back(record);
    }
    void resume_job(const std::string &job_id, const std::vector<std::string> &keys) override {
        log_.push_back("resume_job:" + job_id);
        std::vector<RecordOutcome> outcomes;
        for (const std::string &k : keys)
            outcomes.push_back(RecordOutcome{k, Outcome::Sent, {}, {}});
        listener_.on_outcomes(outcomes);
        listener_.on_job_finished(job_id);
    }
    void wait_resumed(std::chrono::milliseconds) override {} // resume_job reports at once
    SinkStats finish() override {
        log_.push_back("finish");
        std::vector<const Record *> pointers;
        for (const Record &r : sent_)
            pointers.push_back(&r);
        if (!pointers.empty())
            listener_.on_in_flight(pointers);
        std::vector<RecordOutcome> outcomes;
        for (const Record &r : sent_)
            outcomes.push_back(policy ? policy(r) : RecordOutcome{r.key, Outcome::Sent, {}, {}});
        if (!outcomes.empty())
            listener_.on_outcomes(outcomes);
        if (!notice.empty())
            listener_.on_notice(notice);
        SinkStats stats;
        stats.requests_by_endpoint["POST /api/profile-bulk-import-jobs"] = sent_.empty() ? 0 : 1;
        stats.bytes_sent = sent_.size() * 100;
        stats.unreachable = unreachable;
        return stats;
    }

    std::vector<Record> sent_;
    Policy policy;
    std::size_t auth_error_at_ = 0;
    std::string notice;
    std::string unreachable; ///< returned in the stats: Klaviyo never answered

  private:
    DeliveryListener &listener_;
    std::vector<std::string> &log_;
};

/// Collects log events.
class FakeObserver : public sync::RunObserver {
  public:
    void on_event(const sync::LogEvent &event) override {
        std::lock_guard<std::mutex> lock(mutex_);
        events.push_back(event);
    }
    std::vector<sync::LogEvent> named(const std::string &name) const {
        std::vector<sync::LogEvent> out;
        for (const auto &e : events)
            if (e.event == name)
                out.push_back(e);
        return out;
    }
    std::vector<sync::LogEvent> events;

  private:
    std::mutex mutex_;
};

} // namespace connector::test
