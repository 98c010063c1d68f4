#include "sync.hpp"

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "sync/mapped_rows.hpp"

#include <chrono>
#include <stdexcept>
#include <utility>

namespace connector::sync {

namespace {

using Clock = std::chrono::steady_clock;

// How long a run waits for the bulk jobs an earlier run left open before it reads the query.
constexpr std::chrono::milliseconds resumed_jobs_wait{std::chrono::seconds(60)};

std::int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

Timestamp system_now() {
    // Whole seconds, rounded down: the next run's {{last_success_started_at}} then overlaps
    // this one by less than a second instead of missing rows written in that second; the
    // ledger drops what was already sent.
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return Timestamp{std::chrono::duration_cast<std::chrono::seconds>(now).count(), 0};
}

/// Adds the time spent in its scope to a phase counter.
class PhaseTimer {
  public:
    explicit PhaseTimer(double &total) : total_(total), start_(Clock::now()) {}
    PhaseTimer(const PhaseTimer &) = delete;
    PhaseTimer &operator=(const PhaseTimer &) = delete;
    ~PhaseTimer() { total_ += std::chrono::duration<double>(Clock::now() - start_).count(); }

  private:
    double &total_;
    Clock::time_point start_;
};

const Stages &checked(const Stages &stages) {
    if (!stages.ledger)
        throw std::invalid_argument("Sync needs a ledger");
    if (!stages.source || !stages.mapper || !stages.sink)
        throw std::invalid_argument("Sync needs source, mapper and sink factories");
    return stages;
}

std::string where(std::uint64_t row_number, const std::string &column) {
    std::string text = "row " + std::to_string(row_number);
    if (!column.empty())
        text += ", column " + column;
    return text;
}

/// Counts one occurrence of a reason; returns true while it is among the first examples.
bool add_example(ReasonCount &reason, Example example, std::size_t max_examples) {
    ++reason.count;
    if (reason.examples.size() >= max_examples)
        return false;
    reason.examples.push_back(std::move(example));
    return true;
}

} // namespace

const char *to_string(Progress::Phase phase) noexcept {
    switch (phase) {
    case Progress::Phase::Starting:
        return "starting";
    case Progress::Phase::Resuming:
        return "resuming jobs";
    case Progress::Phase::Reading:
        return "reading";
    case Progress::Phase::Leftovers:
        return "resending leftovers";
    case Progress::Phase::Finishing:
        return "finishing";
    case Progress::Phase::Done:
        return "done";
    }
    return "unknown";
}

/// The state of one run() call.
class Sync::Run {
  public:
    Run(Sync &sync, const SyncConfig &config)
        : sync_(sync), config_(config), ledger_(*sync.stages_.ledger),
          observer_(sync.stages_.observer) {}

    RunSummary execute();

  private:
    void log(LogLevel level,
             const std::string &event,
             const std::string &message,
             std::vector<LogField> fields = {}) {
        if (observer_)
            observer_->on_event(LogEvent{level, event, message, std::move(fields)});
    }
    void phase(Progress::Phase p) { sync_.phase_ = static_cast<int>(p); }

    void resume_jobs();
    void read_query(const QueryParams &params);
    void on_rejection(const Rejection &rejection);
    void on_warnings(const Record &record);
    void flush(std::vector<Record> &batch);
    void hand_over(const Record &record, Decision decision);
    void finish_sink();
    void collect();
    void end(const std::string &status);
    void end_failed(const std::string &status) noexcept;

    Sync &sync_;
    const SyncConfig &config_;
    Ledger &ledger_;
    RunObserver *observer_;
    RunSummary summary_;
    std::unique_ptr<Sink> sink_;
    bool sink_broken_ = false; ///< the sink threw: do not ask it for anything more
    bool begun_ = false;
    Clock::time_point start_;
};

Sync::Sync(Stages stages)
    : stages_(checked(stages)), recorder_(*stages_.ledger, stages_.observer, 5) {}

Sync::~Sync() = default;

Progress Sync::progress() const noexcept {
    Progress p;
    p.phase = static_cast<Progress::Phase>(phase_.load());
    p.rows_read = rows_read_.load();
    p.to_send = to_send_.load();
    p.done = recorder_.done();
    p.sent = recorder_.sent();
    const std::int64_t now = steady_ns();
    const std::int64_t started = started_ns_.load();
    const std::int64_t send_started = send_started_ns_.load();
    if (started != 0)
        p.seconds = static_cast<double>(now - started) / 1e9;
    if (send_started != 0)
        p.send_seconds = static_cast<double>(now - send_started) / 1e9;
    return p;
}

RunSummary Sync::run(const SyncConfig &config) {
    phase_ = static_cast<int>(Progress::Phase::Starting);
    rows_read_ = 0;
    to_send_ = 0;
    send_started_ns_ = 0;
    started_ns_ = steady_ns();
    recorder_.reset(config.max_examples);
    last_summary_ = RunSummary{};
    Run run(*this, config);
    return run.execute();
}

RunSummary Sync::Run::execute() {
    start_ = Clock::now();
    summary_.sync_name = config_.sync_name;
    summary_.target = config_.target;
    summary_.dry_run = config_.dry_run;
    summary_.started_at = config_.now ? config_.now() : system_now();

    RunOptions options;
    options.target = config_.target;
    options.full_resync = config_.full_resync;
    options.retry_failed = config_.retry_failed;
    options.dry_run = config_.dry_run;
    options.started_at = summary_.started_at;
    const RunStart started = ledger_.begin_run(options);
    begun_ = true;
    summary_.run_id = started.run_id;
    summary_.last_success_started_at = started.last_success_started_at;
    log(LogLevel::Info, "run_started",
        std::string(config_.dry_run ? "dry run " : "run ") + std::to_string(started.run_id) +
            " of sync " + config_.sync_name + " (" + to_string(config_.target) +
            "); last successful run started " + to_iso8601(started.last_success_started_at),
        {field("sync", config_.sync_name), field("target", to_string(config_.target)),
         field("ledger_run_id", started.run_id), field("dry_run", config_.dry_run ? "yes" : "no"),
         field("last_success_started_at", to_iso8601(started.last_success_started_at))});

    try {
        if (!config_.dry_run) {
            PhaseTimer timer(summary_.seconds.send);
            sink_ = sync_.stages_.sink(sync_.recorder_);
        }
        resume_jobs();
        if (!stop_requested())
            read_query(QueryParams{started.last_success_started_at, summary_.started_at});
        if (!stop_requested()) {
            phase(Progress::Phase::Leftovers);
            std::uint64_t leftovers = 0;
            ledger_.for_each_leftover([&](const Record &record) {
                if (stop_requested())
                    return;
                ++leftovers;
                ++summary_.counts.retried;
                hand_over(record, Decision::Retry);
            });
            if (leftovers > 0)
                log(LogLevel::Info, "leftovers",
                    "resending " + std::to_string(leftovers) +
                        " records that earlier runs left unfinished",
                    {field("records", leftovers)});
        }
        finish_sink();
        if (std::exception_ptr error = sync_.recorder_.ledger_error())
            std::rethrow_exception(error);

        const bool interrupted = stop_requested();
        collect();
        // Klaviyo never answered one request (a wrong --klaviyo-url, DNS, a firewall): exit 5
        // would read as "done, see the report" to a scheduler, every day. The run fails
        // instead; the records stay pending in the ledger for the next run.
        if (!interrupted && summary_.counts.transient > 0 && !summary_.sink.unreachable.empty())
            throw SinkError(summary_.sink.unreachable);
        // Events are history: an incremental events query leaves out what it returned before
        // by design, so "gone" only means something for profiles (the audience).
        if (!interrupted && !summary_.limited && config_.target == Target::Profiles) {
            summary_.counts.gone = ledger_.gone(summary_.gone_examples, config_.max_examples);
            if (summary_.counts.gone > 0)
                log(LogLevel::Info, "gone",
                    std::to_string(summary_.counts.gone) +
                        " records of the last successful run are no longer in the result",
                    {field("records", summary_.counts.gone)});
        }
        collect();
        const RunCounts &c = summary_.counts;
        if (interrupted)
            summary_.status = RunStatus::Interrupted;
        else if (c.rejected > 0 || c.failed > 0 || c.transient > 0 || c.duplicates > 0)
            summary_.status = RunStatus::Partial;
        // A run that stopped at --limit did not see the whole result: the ledger records it as
        // "limited", which does not move {{last_success_started_at}} forward.
        end(summary_.status_text());
    } catch (const Error &e) {
        if (e.kind() != ErrorKind::Interrupted) {
            end_failed("failed");
            throw;
        }
        log(LogLevel::Warning, "interrupted", e.what());
        try {
            finish_sink();
        } catch (...) {
            end_failed("failed");
            throw;
        }
        summary_.status = RunStatus::Interrupted;
        end("interrupted");
    } catch (...) {
        end_failed("failed");
        throw;
    }
    return summary_;
}

void Sync::Run::resume_jobs() {
    const std::vector<std::string> jobs = ledger_.open_jobs();
    summary_.open_jobs = jobs.size();
    if (jobs.empty())
        return;
    if (config_.dry_run) {
        log(LogLevel::Info, "jobs_open",
            std::to_string(jobs.size()) +
                " bulk jobs from an earlier run are still open; a real run finishes them first",
            {field("jobs", static_cast<std::uint64_t>(jobs.size()))});
        return;
    }
    phase(Progress::Phase::Resuming);
    log(LogLevel::Info, "jobs_resuming",
        "finishing " + std::to_string(jobs.size()) +
            (jobs.size() == 1 ? " bulk job" : " bulk jobs") + " left open by an earlier run",
        {field("jobs", static_cast<std::uint64_t>(jobs.size()))});
    for (const std::string &job : jobs) {
        if (stop_requested())
            break;
        const std::vector<std::string> keys = ledger_.job_keys(job);
        PhaseTimer timer(summary_.seconds.send);
        sink_broken_ = true;
        sink_->resume_job(job, keys);
        sink_broken_ = false;
        ++summary_.jobs_resumed;
    }
    // What the jobs say (sent, failed, or unknown to Klaviyo: to be sent again) goes into the
    // ledger before the query is diffed, so this run decides with it: a forgotten job's records
    // are sent in this run instead of being skipped as still in a job. A job Klaviyo is slow to
    // finish does not hold the run for long; it is followed while the query runs.
    if (summary_.jobs_resumed > 0 && !stop_requested()) {
        PhaseTimer timer(summary_.seconds.send);
        sink_broken_ = true;
        sink_->wait_resumed(resumed_jobs_wait);
        sink_broken_ = false;
    }
}

void Sync::Run::read_query(const QueryParams &params) {
    phase(Progress::Phase::Reading);
    log(LogLevel::Info, "query_started",
        "running the query (last_success_started_at " + to_iso8601(params.last_success_started_at) +
            ", run_started_at " + to_iso8601(params.run_started_at) + ")");
    std::unique_ptr<RowSource> source;
    {
        PhaseTimer timer(summary_.seconds.read);
        source = sync_.stages_.source(params);
    }
    std::string names;
    for (const Column &c : source->columns())
        names += (names.empty() ? "" : ", ") + c.name + " " + c.sql_type;
    log(LogLevel::Debug, "query_columns", "result columns: " + names);
    std::unique_ptr<Mapper> mapper;
    {
        PhaseTimer timer(summary_.seconds.map);
        mapper = sync_.stages_.mapper(source->columns());
    }

    std::vector<Record> batch;
    batch.reserve(config_.batch_size);
    {
        // Rows are read and mapped on a thread of their own while this one diffs and hands
        // over: the results arrive in row order, so everything below sees them as before.
        MappedRows::Options options;
        options.limit = config_.limit;
        MappedRows rows(*source, *mapper, options);
        std::vector<MapResult> chunk;
        // Rejections buffered in the ledger since the last diff: the next diff applies them
        // between its records in row order; diffing before the ledger's buffer fills keeps
        // that order (see Ledger::record_rejection; a diff of no records writes them).
        std::size_t rejections_buffered = 0;
        // A stop request is seen between chunks: the thread reads no more, and the chunk in
        // hand (the rows read before the request, at most one chunk) is handled as read.
        while (rows.next(chunk)) {
            for (MapResult &result : chunk) {
                ++summary_.counts.rows_read;
                ++sync_.rows_read_;
                if (auto *rejection = std::get_if<Rejection>(&result)) {
                    if (++rejections_buffered >= max_buffered_rejections / 2) {
                        if (batch.empty()) {
                            PhaseTimer timer(summary_.seconds.diff);
                            ledger_.diff(batch);
                        } else {
                            flush(batch);
                        }
                        rejections_buffered = 0;
                    }
                    on_rejection(*rejection);
                    continue;
                }
                auto &record = std::get<Record>(result);
                on_warnings(record);
                batch.push_back(std::move(record));
                if (batch.size() >= config_.batch_size) {
                    flush(batch);
                    rejections_buffered = 0;
                }
            }
            if (stop_requested())
                break;
        }
        rows.stop();
        summary_.limited = rows.limited();
        summary_.seconds.read += rows.read_seconds();
        summary_.seconds.map += rows.map_seconds();
    }
    if (!stop_requested())
        flush(batch);
    source.reset(); // closes the cursor and the connection before the sink drains
    log(LogLevel::Info, "query_finished",
        "read " + std::to_string(summary_.counts.rows_read) + " rows" +
            (summary_.limited ? " (stopped at --limit)" : ""),
        {field("rows", summary_.counts.rows_read), field("read_seconds", summary_.seconds.read)});
}

void Sync::Run::on_rejection(const Rejection &rejection) {
    ++summary_.counts.rejected;
    const bool first = add_example(
        summary_.rejected[rejection.code],
        Example{rejection.row_number, rejection.key, rejection.column, rejection.message},
        config_.max_examples);
    {
        PhaseTimer timer(summary_.seconds.diff);
        ledger_.record_rejection(rejection);
    }
    log(first ? LogLevel::Warning : LogLevel::Debug, "row_rejected",
        where(rejection.row_number, rejection.column) + ": rejected (" + rejection.code +
            "): " + rejection.message,
        {field("row", rejection.row_number), field("column", rejection.column),
         field("code", rejection.code)});
}

void Sync::Run::on_warnings(const Record &record) {
    for (const Warning &w : record.warnings) {
        const bool first = add_example(summary_.warnings[w.code],
                                       Example{w.row_number, record.key, w.column, w.message},
                                       config_.max_examples);
        log(first ? LogLevel::Warning : LogLevel::Debug, "row_warning",
            where(w.row_number, w.column) + ": " + w.code + ": " + w.message,
            {field("row", w.row_number), field("column", w.column), field("code", w.code)});
    }
}

void Sync::Run::flush(std::vector<Record> &batch) {
    if (batch.empty())
        return;
    std::vector<Decision> decisions;
    {
        PhaseTimer timer(summary_.seconds.diff);
        decisions = ledger_.diff(batch);
    }
    if (decisions.size() != batch.size())
        throw LedgerError("the ledger returned " + std::to_string(decisions.size()) +
                          " decisions for a batch of " + std::to_string(batch.size()));
    RunCounts &c = summary_.counts;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const Record &record = batch[i];
        switch (decisions[i]) {
        case Decision::New:
            ++c.new_records;
            break;
        case Decision::Changed:
            ++c.changed;
            break;
        case Decision::Retry:
            ++c.retried;
            break;
        case Decision::Unchanged:
            ++c.unchanged;
            break;
        case Decision::SkipFailed:
            ++c.skipped_failed;
            add_example(summary_.skipped_failed, Example{record.row_number, record.key, {}, {}},
                        config_.max_examples);
            break;
        case Decision::Duplicate: {
            ++c.duplicates;
            const bool first = add_example(
                summary_.duplicates,
                Example{record.row_number, record.key, {}, "key already seen in this run"},
                config_.max_examples);
            log(first ? LogLevel::Warning : LogLevel::Debug, "row_duplicate",
                "row " + std::to_string(record.row_number) + ": key " + record.key +
                    " was already seen earlier in this result; this row is not sent",
                {field("row", record.row_number), field("key", record.key)});
            break;
        }
        }
        if (should_send(decisions[i]))
            hand_over(record, decisions[i]);
    }
    batch.clear();
}

void Sync::Run::hand_over(const Record &record, Decision decision) {
    ++summary_.to_send;
    if (config_.dry_run) {
        std::size_t same = 0;
        for (const PlannedRecord &p : summary_.plan)
            same += p.decision == decision ? 1 : 0;
        if (same < config_.plan_samples)
            summary_.plan.push_back(PlannedRecord{decision, record.row_number, record.key,
                                                  record.profile, record.event});
        return;
    }
    if (sync_.send_started_ns_.load() == 0)
        sync_.send_started_ns_ = steady_ns();
    PhaseTimer timer(summary_.seconds.send);
    sink_broken_ = true;
    sink_->send(record);
    sink_broken_ = false;
    ++sync_.to_send_;
}

void Sync::Run::finish_sink() {
    if (!sink_ || sink_broken_)
        return;
    phase(Progress::Phase::Finishing);
    PhaseTimer timer(summary_.seconds.send);
    sink_broken_ = true;
    summary_.sink = sink_->finish();
    sink_broken_ = false;
    sink_.reset();
}

void Sync::Run::collect() {
    const DeliveryTotals totals = sync_.recorder_.totals();
    RunCounts &c = summary_.counts;
    c.sent = totals.sent;
    c.failed = totals.failed;
    c.transient = totals.transient;
    summary_.failed = totals.failed_by_reason;
    summary_.transient = totals.transient_by_reason;
    summary_.notices = totals.notices;
}

void Sync::Run::end(const std::string &status) {
    collect();
    const RunCounts &c = summary_.counts;
    summary_.seconds.total = std::chrono::duration<double>(Clock::now() - start_).count();
    ledger_.end_run(status, c);
    phase(Progress::Phase::Done);
    sync_.last_summary_ = summary_;
    // The status as the ledger has it: `connector status` and this line agree ("limited").
    const bool clean = status != "failed" && summary_.status == RunStatus::Success;
    log(clean ? LogLevel::Info : LogLevel::Warning, "run_finished",
        std::string(config_.dry_run ? "dry run " : "run ") + std::to_string(summary_.run_id) +
            " finished: " + status,
        {field("status", status), field("rows_read", c.rows_read), field("rejected", c.rejected),
         field("unchanged", c.unchanged), field("new", c.new_records), field("changed", c.changed),
         field("retried", c.retried), field("sent", c.sent), field("failed", c.failed),
         field("transient", c.transient), field("seconds", summary_.seconds.total)});
}

void Sync::Run::end_failed(const std::string &status) noexcept {
    if (!begun_)
        return;
    try {
        finish_sink();
    } catch (...) {
        // The run is failing already; the original error is the one to report. Records the sink
        // did not finish stay pending or in flight in the ledger and go out with the next run.
    }
    try {
        end(status);
    } catch (...) {
        // Same: a ledger that cannot end the run is reported by the next begin_run.
        try {
            collect();
            sync_.last_summary_ = summary_;
        } catch (...) {
        }
    }
}

} // namespace connector::sync
