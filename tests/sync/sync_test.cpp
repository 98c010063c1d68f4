#include "fakes.hpp"
#include "sync/sync.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace connector;
using namespace connector::test;
using connector::sync::RunStatus;
using connector::sync::RunSummary;
using connector::sync::SyncConfig;

namespace {

/// Wires the fakes into a Sync and remembers what the factories were asked.
struct Harness {
    FakeLedger ledger;
    FakeObserver observer;
    std::vector<FakeRow> rows;
    std::vector<std::string> log; ///< factory and sink calls in order
    std::vector<QueryParams> params;
    FakeSink::Policy policy;
    std::size_t auth_error_at = 0;
    std::size_t throw_after = 0;
    std::size_t interrupt_error_after = 0;
    std::size_t stop_after = 0;
    std::string notice;
    std::string unreachable;
    FakeSink *last_sink = nullptr;
    std::size_t sinks_created = 0;
    SyncConfig config;

    Harness() {
        config.sync_name = "vip";
        config.now = [] { return Timestamp{1'777'000'000, 0}; };
    }
    ~Harness() { reset_stop(); }

    sync::Stages stages() {
        sync::Stages s;
        s.ledger = &ledger;
        s.observer = &observer;
        s.source = [this](const QueryParams &p) {
            log.push_back("source");
            params.push_back(p);
            auto source = std::make_unique<FakeSource>(rows);
            source->throw_after_ = throw_after;
            source->interrupt_error_after_ = interrupt_error_after;
            source->stop_after_ = stop_after;
            return source;
        };
        s.mapper = [this](const std::vector<Column> &columns) {
            log.push_back("mapper:" + std::to_string(columns.size()));
            return std::make_unique<FakeMapper>();
        };
        s.sink = [this](DeliveryListener &listener) {
            log.push_back("sink");
            ++sinks_created;
            auto sink = std::make_unique<FakeSink>(listener, log);
            sink->policy = policy;
            sink->auth_error_at_ = auth_error_at;
            sink->notice = notice;
            sink->unreachable = unreachable;
            last_sink = sink.get();
            return sink;
        };
        return s;
    }

    RunSummary run() {
        sync::Sync sync(stages());
        RunSummary summary = sync.run(config);
        const sync::Progress p = sync.progress();
        CHECK(p.phase == sync::Progress::Phase::Done);
        CHECK(p.rows_read == summary.counts.rows_read);
        return summary;
    }

    std::size_t count(const std::string &entry) const {
        return static_cast<std::size_t>(std::count(log.begin(), log.end(), entry));
    }
};

std::vector<FakeRow> three_rows() {
    return {{"a", "1", ""}, {"b", "2", ""}, {"c", "3", ""}};
}

} // namespace

TEST_CASE("Sync: a first run sends every record as new and succeeds", "[sync]") {
    Harness h;
    h.rows = three_rows();
    const RunSummary s = h.run();
    CHECK(s.counts.rows_read == 3);
    CHECK(s.counts.new_records == 3);
    CHECK(s.counts.sent == 3);
    CHECK(s.counts.unchanged == 0);
    CHECK(s.to_send == 3);
    CHECK(s.status == RunStatus::Success);
    CHECK(s.exit_code() == 0);
    CHECK(h.ledger.ended_status == "success");
    CHECK(h.ledger.ended_counts.sent == 3);
    CHECK(h.ledger.ended_counts.new_records == 3);
    CHECK(s.run_id == 1);
    CHECK(s.sync_name == "vip");
    CHECK(s.sink.bytes_sent == 300);
    CHECK(h.ledger.entries.at("b").state == FakeLedger::State::Sent);
}

TEST_CASE("Sync: a second run over unchanged rows sends nothing and exits 0", "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.run();
    h.log.clear();
    const RunSummary s = h.run();
    CHECK(s.counts.unchanged == 3);
    CHECK(s.counts.new_records == 0);
    CHECK(s.counts.sent == 0);
    CHECK(s.to_send == 0);
    CHECK(h.count("send:a") + h.count("send:b") + h.count("send:c") == 0);
    CHECK(s.exit_code() == 0);
    CHECK(h.ledger.ended_status == "success");
}

TEST_CASE("Sync: a changed row is sent again and counted as changed", "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.run();
    h.rows[1].payload = "2b";
    h.log.clear();
    const RunSummary s = h.run();
    CHECK(s.counts.changed == 1);
    CHECK(s.counts.unchanged == 2);
    CHECK(s.counts.sent == 1);
    CHECK(h.log == std::vector<std::string>{"sink", "source", "mapper:3", "send:b", "finish"});
}

TEST_CASE("Sync: the query gets the last successful run's start and this run's start", "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.run();
    REQUIRE(h.params.size() == 1);
    CHECK(h.params[0].last_success_started_at == Timestamp{0, 0});
    CHECK(h.params[0].run_started_at == Timestamp{1'777'000'000, 0});
    h.config.now = [] { return Timestamp{1'777'086'400, 0}; };
    const RunSummary s = h.run();
    REQUIRE(h.params.size() == 2);
    CHECK(h.params[1].last_success_started_at == Timestamp{1'777'000'000, 0});
    CHECK(h.params[1].run_started_at == Timestamp{1'777'086'400, 0});
    CHECK(s.last_success_started_at == Timestamp{1'777'000'000, 0});
    CHECK(s.started_at == Timestamp{1'777'086'400, 0});
}

TEST_CASE("Sync: without an injected clock the run starts now, in whole seconds", "[sync]") {
    Harness h;
    h.config.now = nullptr;
    const auto before = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const RunSummary s = h.run();
    CHECK(s.started_at.unix_seconds >= before);
    CHECK(s.started_at.nanos == 0);
    CHECK(h.ledger.options_.started_at == s.started_at);
}

TEST_CASE("Sync: rejected rows are recorded, counted by reason with examples, and the rest go",
          "[sync]") {
    Harness h;
    h.config.max_examples = 2;
    h.rows = {{"", "x", ""}, {"a", "1", ""}, {"", "y", ""}, {"", "z", ""}, {"b", "2", ""}};
    const RunSummary s = h.run();
    CHECK(s.counts.rows_read == 5);
    CHECK(s.counts.rejected == 3);
    CHECK(s.counts.sent == 2);
    REQUIRE(s.rejected.count("missing_identifier") == 1);
    const auto &reason = s.rejected.at("missing_identifier");
    CHECK(reason.count == 3);
    REQUIRE(reason.examples.size() == 2);
    CHECK(reason.examples[0].row_number == 1);
    CHECK(reason.examples[0].column == "email");
    CHECK(reason.examples[1].row_number == 3);
    REQUIRE(h.ledger.rejections.size() == 3);
    CHECK(h.ledger.rejections[2].row_number == 4);
    CHECK(s.status == RunStatus::Partial);
    CHECK(s.exit_code() == 5);
    CHECK(h.ledger.ended_status == "partial");
    CHECK(h.ledger.ended_counts.rejected == 3);

    const auto logged = h.observer.named("row_rejected");
    REQUIRE(logged.size() == 3);
    CHECK(logged[0].level == sync::LogLevel::Warning);
    CHECK(logged[0].message.find("row 1, column email") != std::string::npos);
    CHECK(logged[0].message.find("missing_identifier") != std::string::npos);
    CHECK(logged[2].level == sync::LogLevel::Debug); // beyond the examples: debug only
}

TEST_CASE("Sync: a long run of rejections behind a pending batch never fills the ledger's "
          "buffer, so rejections keep their row order",
          "[sync]") {
    // The ledger applies buffered rejections between the next diff's records by row number, and
    // writes them as they stand once max_buffered_rejections are buffered: the sync must diff
    // (its batch, or nothing) before that many pile up.
    Harness h;
    h.rows.push_back({"a", "1", ""});
    for (std::size_t i = 0; i < max_buffered_rejections + 10; ++i)
        h.rows.push_back({"", "x", ""});
    h.rows.push_back({"b", "2", ""});
    for (std::size_t i = 0; i < max_buffered_rejections + 10; ++i)
        h.rows.push_back({"", "y", ""});
    const RunSummary s = h.run();
    CHECK(s.counts.rejected == 2 * (max_buffered_rejections + 10));
    CHECK(s.counts.sent == 2);
    CHECK(h.ledger.max_buffered < max_buffered_rejections);
    CHECK(h.ledger.max_buffered > 0);
}

TEST_CASE("Sync: permanent and transient failures make the run partial, counted by reason",
          "[sync]") {
    Harness h;
    h.rows = {{"a", "1", ""}, {"b", "2", ""}, {"c", "3", ""}, {"d", "4", ""}};
    h.policy = [](const Record &r) {
        if (r.key == "b")
            return RecordOutcome{r.key, Outcome::Failed, "invalid", "'p' is not a valid field"};
        if (r.key == "d")
            return RecordOutcome{r.key, Outcome::Transient, "http_503", "Service Unavailable"};
        return RecordOutcome{r.key, Outcome::Sent, {}, {}};
    };
    const RunSummary s = h.run();
    CHECK(s.counts.sent == 2);
    CHECK(s.counts.failed == 1);
    CHECK(s.counts.transient == 1);
    REQUIRE(s.failed.count("invalid") == 1);
    CHECK(s.failed.at("invalid").examples.at(0).key == "b");
    CHECK(s.failed.at("invalid").examples.at(0).message == "'p' is not a valid field");
    REQUIRE(s.transient.count("http_503") == 1);
    CHECK(s.transient.at("http_503").count == 1);
    CHECK(s.status == RunStatus::Partial);
    CHECK(s.exit_code() == 5);
    CHECK(h.ledger.ended_status == "partial");
    CHECK(h.ledger.ended_counts.failed == 1);
    CHECK(h.ledger.ended_counts.transient == 1);
    CHECK(h.ledger.entries.at("b").state == FakeLedger::State::Failed);
    CHECK(h.observer.named("record_failed").size() == 1);
    CHECK(h.observer.named("record_transient").size() == 1);
}

TEST_CASE("Sync: when Klaviyo answered no request the run fails as a transport error and the "
          "records stay pending",
          "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.policy = [](const Record &r) {
        return RecordOutcome{r.key, Outcome::Transient, "network", "Connection refused"};
    };
    SECTION("no answer at all") {
        h.unreachable = "could not reach Klaviyo at https://127.0.0.1:1: Connection refused";
        sync::Sync sync(h.stages());
        std::string what;
        ErrorKind kind = ErrorKind::Internal;
        try {
            sync.run(h.config);
        } catch (const Error &e) {
            what = e.what();
            kind = e.kind();
        }
        CHECK(kind == ErrorKind::Transport);
        CHECK(exit_code_for(kind) == 1);
        CHECK(what == h.unreachable);
        CHECK(h.ledger.ended_status == "failed");
        CHECK(h.ledger.ended_counts.transient == 3);
        CHECK(h.ledger.entries.at("a").state == FakeLedger::State::Transient);
        // The report of the failed run still has the sink's counters.
        CHECK(sync.last_summary().sink.unreachable == h.unreachable);
        CHECK(sync.last_summary().counts.transient == 3);
        CHECK(h.observer.named("run_finished").size() == 1);
    }
    SECTION("some answers: partial, as any run with records left for the next one") {
        const RunSummary s = h.run();
        CHECK(s.status == RunStatus::Partial);
        CHECK(s.exit_code() == 5);
        CHECK(h.ledger.ended_status == "partial");
    }
}

TEST_CASE("Sync: a failed record is skipped while unchanged, and retried with --retry-failed",
          "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.ledger.preload("a", "1", FakeLedger::State::Failed);
    SECTION("default: skipped, and the run is a success") {
        const RunSummary s = h.run();
        CHECK(s.counts.skipped_failed == 1);
        CHECK(s.skipped_failed.examples.at(0).key == "a");
        CHECK(h.count("send:a") == 0);
        CHECK(s.exit_code() == 0);
    }
    SECTION("--retry-failed: sent again and counted as retried") {
        h.config.retry_failed = true;
        const RunSummary s = h.run();
        CHECK(h.ledger.options_.retry_failed);
        CHECK(s.counts.retried == 1);
        CHECK(h.count("send:a") == 1);
        CHECK(s.counts.sent == 3);
        CHECK(s.exit_code() == 0);
    }
}

TEST_CASE("Sync: --full-resync reaches the ledger and sends unchanged records again", "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.run();
    h.config.full_resync = true;
    const RunSummary s = h.run();
    CHECK(h.ledger.options_.full_resync);
    CHECK(s.counts.retried == 3);
    CHECK(s.counts.sent == 3);
    CHECK(s.counts.unchanged == 0);
}

TEST_CASE("Sync: a key seen twice in one result is sent once and the run is partial", "[sync]") {
    Harness h;
    h.rows = {{"a", "1", ""}, {"b", "2", ""}, {"a", "1", ""}};
    const RunSummary s = h.run();
    CHECK(s.counts.duplicates == 1);
    CHECK(s.duplicates.count == 1);
    CHECK(s.duplicates.examples.at(0).row_number == 3);
    CHECK(s.duplicates.examples.at(0).key == "a");
    CHECK(h.count("send:a") == 1);
    CHECK(s.counts.sent == 2);
    CHECK(s.status == RunStatus::Partial);
    CHECK(h.observer.named("row_duplicate").size() == 1);
}

TEST_CASE("Sync: row warnings are counted by code and do not fail the run", "[sync]") {
    Harness h;
    h.rows = {{"a", "1", "invalid_phone_dropped"}, {"b", "2", "invalid_phone_dropped"}};
    const RunSummary s = h.run();
    REQUIRE(s.warnings.count("invalid_phone_dropped") == 1);
    CHECK(s.warnings.at("invalid_phone_dropped").count == 2);
    CHECK(s.warnings.at("invalid_phone_dropped").examples.at(1).row_number == 2);
    CHECK(s.warnings.at("invalid_phone_dropped").examples.at(1).column == "phone");
    CHECK(s.counts.sent == 2);
    CHECK(s.status == RunStatus::Success);
}

TEST_CASE("Sync: records are diffed in batches of the configured size", "[sync]") {
    Harness h;
    h.config.batch_size = 2;
    for (int i = 0; i < 5; ++i)
        h.rows.push_back({"k" + std::to_string(i), "v", ""});
    h.rows.insert(h.rows.begin() + 2, FakeRow{"", "bad", ""});
    const RunSummary s = h.run();
    CHECK(h.ledger.batch_sizes == std::vector<std::size_t>{2, 2, 1});
    CHECK(s.counts.sent == 5);
}

TEST_CASE("Sync: bulk jobs left open by an earlier run are finished before the query runs",
          "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.ledger.jobs["job-1"] = {"x", "y"};
    h.ledger.preload("x", "old", FakeLedger::State::InFlight);
    h.ledger.preload("y", "old", FakeLedger::State::InFlight);
    const RunSummary s = h.run();
    CHECK(s.open_jobs == 1);
    CHECK(s.jobs_resumed == 1);
    const auto resume = std::find(h.log.begin(), h.log.end(), "resume_job:job-1");
    const auto source = std::find(h.log.begin(), h.log.end(), "source");
    REQUIRE(resume != h.log.end());
    CHECK(resume < source);
    CHECK(h.ledger.finished_jobs == std::vector<std::string>{"job-1"});
    CHECK(h.ledger.entries.at("x").state == FakeLedger::State::Sent);
    CHECK(s.counts.sent == 5); // the job's two records and the three new ones
    CHECK(h.count("send:x") == 0);
    CHECK(h.observer.named("jobs_resuming").size() == 1);
}

TEST_CASE("Sync: records earlier runs left unfinished are resent and counted as retried",
          "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.ledger.preload("old-pending", "p", FakeLedger::State::Pending);
    h.ledger.preload("old-transient", "t", FakeLedger::State::Transient);
    h.ledger.preload("old-sent", "s", FakeLedger::State::Sent);
    const RunSummary s = h.run();
    CHECK(s.counts.retried == 2);
    CHECK(s.counts.new_records == 3);
    CHECK(s.counts.sent == 5);
    CHECK(h.count("send:old-pending") == 1);
    CHECK(h.count("send:old-transient") == 1);
    CHECK(h.count("send:old-sent") == 0);
    // Leftovers go after the query's records, before the drain.
    CHECK(h.log.back() == "finish");
    CHECK(h.observer.named("leftovers").size() == 1);
}

TEST_CASE("Sync: records of the last successful run missing from this one are counted as gone",
          "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.run();
    h.rows.pop_back();
    const RunSummary s = h.run();
    CHECK(s.counts.gone == 1);
    CHECK(s.gone_examples == std::vector<std::string>{"c"});
    CHECK(h.ledger.ended_counts.gone == 1);
    CHECK(s.exit_code() == 0);
}

TEST_CASE("Sync: events are history, so an events run counts nothing as gone", "[sync]") {
    Harness h;
    h.config.target = Target::Events;
    h.rows = three_rows();
    h.run();
    h.rows.clear(); // an incremental query that found nothing new
    const RunSummary s = h.run();
    CHECK(s.counts.gone == 0);
    CHECK(std::count(h.ledger.calls.begin(), h.ledger.calls.end(), "gone") == 0);
    CHECK(s.exit_code() == 0);
}

TEST_CASE("Sync: --limit stops reading, skips the gone count and is recorded as limited",
          "[sync]") {
    Harness h;
    h.rows = three_rows();
    SECTION("fewer rows than the result") {
        h.config.limit = 2;
        const RunSummary s = h.run();
        CHECK(s.counts.rows_read == 2);
        CHECK(s.limited);
        CHECK(s.counts.sent == 2);
        CHECK(s.exit_code() == 0);
        CHECK(h.ledger.ended_status == "limited");
        CHECK(std::string(s.status_text()) == "limited");
        CHECK(std::count(h.ledger.calls.begin(), h.ledger.calls.end(), "gone") == 0);
        const auto finished = h.observer.named("run_finished");
        REQUIRE(finished.size() == 1);
        CHECK_THAT(finished[0].message, Catch::EndsWith("finished: limited"));
        CHECK(finished[0].fields.at(0).name == "status");
        CHECK(finished[0].fields.at(0).value == "limited");
        CHECK(finished[0].level == sync::LogLevel::Info);
    }
    SECTION("a limited run with a rejected row is limited, and still exits 5") {
        h.rows = {{"a", "1", ""}, {"", "2", ""}, {"c", "3", ""}};
        h.config.limit = 2;
        const RunSummary s = h.run();
        CHECK(s.status == RunStatus::Partial);
        CHECK(s.exit_code() == 5);
        CHECK(std::string(s.status_text()) == "limited");
        CHECK(h.ledger.ended_status == "limited");
        CHECK_THAT(h.observer.named("run_finished").at(0).message,
                   Catch::EndsWith("finished: limited"));
    }
    SECTION("a limit the result does not reach is no limit") {
        h.config.limit = 3;
        const RunSummary s = h.run();
        CHECK(s.counts.rows_read == 3);
        CHECK_FALSE(s.limited);
        CHECK(h.ledger.ended_status == "success");
    }
}

TEST_CASE("Sync: a dry run plans without creating the sink and keeps sample payloads", "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.run();
    h.rows[0].payload = "changed";
    for (int i = 0; i < 6; ++i)
        h.rows.push_back({"n" + std::to_string(i), "v", ""});
    h.rows.push_back({"", "bad", ""});
    h.ledger.preload("left", "over", FakeLedger::State::Transient);
    h.config.dry_run = true;
    h.config.plan_samples = 2;
    const std::size_t sinks_before = h.sinks_created;
    const auto entries_before = h.ledger.entries.size();

    const RunSummary s = h.run();
    CHECK(h.sinks_created == sinks_before);
    CHECK(h.ledger.options_.dry_run);
    CHECK(s.dry_run);
    CHECK(s.counts.new_records == 6);
    CHECK(s.counts.changed == 1);
    CHECK(s.counts.unchanged == 2);
    CHECK(s.counts.rejected == 1);
    CHECK(s.counts.retried == 1);
    CHECK(s.counts.sent == 0);
    CHECK(s.to_send == 8);
    std::size_t news = 0, changed = 0, retries = 0;
    for (const auto &p : s.plan) {
        news += p.decision == Decision::New;
        changed += p.decision == Decision::Changed;
        retries += p.decision == Decision::Retry;
    }
    CHECK(news == 2);
    CHECK(changed == 1);
    CHECK(retries == 1);
    const auto changed_sample =
        std::find_if(s.plan.begin(), s.plan.end(),
                     [](const sync::PlannedRecord &p) { return p.decision == Decision::Changed; });
    REQUIRE(changed_sample != s.plan.end());
    CHECK(changed_sample->key == "a");
    CHECK(changed_sample->row_number == 1);
    CHECK(changed_sample->profile.find(R"("p":"changed")") != std::string::npos);
    // The fake ledger discards a dry run's writes, as the real one must.
    CHECK(h.ledger.entries.size() == entries_before);
}

TEST_CASE("Sync: a dry run leaves open bulk jobs alone", "[sync]") {
    Harness h;
    h.ledger.jobs["job-9"] = {"x"};
    h.config.dry_run = true;
    const RunSummary s = h.run();
    CHECK(s.open_jobs == 1);
    CHECK(s.jobs_resumed == 0);
    CHECK(h.count("resume_job:job-9") == 0);
    CHECK(h.observer.named("jobs_open").size() == 1);
}

TEST_CASE("Sync: a stop request while reading stops the query, drains the sink and exits 7",
          "[sync]") {
    Harness h;
    for (int i = 0; i < 10; ++i)
        h.rows.push_back({"k" + std::to_string(i), "v", ""});
    h.ledger.preload("leftover", "x", FakeLedger::State::Transient);
    h.config.batch_size = 2;
    h.stop_after = 5;
    const RunSummary s = h.run();
    CHECK(s.status == RunStatus::Interrupted);
    CHECK(s.exit_code() == 7);
    CHECK(s.counts.rows_read == 5);
    CHECK(h.ledger.ended_status == "interrupted");
    // Batches diffed before the stop were handed over and finished; the partial batch was not.
    CHECK(s.counts.sent == 4);
    CHECK(h.count("finish") == 1);
    CHECK(h.count("send:leftover") == 0);
    CHECK(std::count(h.ledger.calls.begin(), h.ledger.calls.end(), "for_each_leftover") == 0);
    CHECK(std::count(h.ledger.calls.begin(), h.ledger.calls.end(), "gone") == 0);
}

TEST_CASE("Sync: an interruption reported by a stage ends the run interrupted", "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.config.batch_size = 1;
    h.interrupt_error_after = 2;
    const RunSummary s = h.run();
    CHECK(s.status == RunStatus::Interrupted);
    CHECK(h.ledger.ended_status == "interrupted");
    CHECK(s.counts.sent == 2);
    CHECK(h.observer.named("interrupted").size() == 1);
}

TEST_CASE("Sync: a warehouse error drains what was queued, ends the run failed and propagates",
          "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.config.batch_size = 1;
    h.throw_after = 2;
    sync::Sync sync(h.stages());
    CHECK_THROWS_AS(sync.run(h.config), SourceError);
    CHECK(h.ledger.ended_status == "failed");
    CHECK(h.ledger.ended_counts.rows_read == 2);
    CHECK(h.ledger.ended_counts.sent == 2);
    CHECK(h.count("finish") == 1);
    CHECK(h.ledger.entries.at("b").state == FakeLedger::State::Sent);
    CHECK(sync.last_summary().counts.rows_read == 2);
    CHECK(sync.last_summary().counts.sent == 2);
    const auto finished = h.observer.named("run_finished");
    REQUIRE(finished.size() == 1);
    CHECK(finished[0].message.find("failed") != std::string::npos);
}

TEST_CASE("Sync: a refused key stops the run without asking the sink for more", "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.config.batch_size = 1;
    h.auth_error_at = 2;
    sync::Sync sync(h.stages());
    CHECK_THROWS_AS(sync.run(h.config), AuthError);
    CHECK(h.ledger.ended_status == "failed");
    CHECK(h.count("finish") == 0);
    CHECK(h.count("send:c") == 0);
}

TEST_CASE("Sync: a locked ledger stops the run before the query runs", "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.ledger.locked = true;
    sync::Sync sync(h.stages());
    CHECK_THROWS_AS(sync.run(h.config), LedgerLockedError);
    CHECK(h.log.empty());
    CHECK(h.ledger.ended_status.empty());
}

TEST_CASE("Sync: a ledger write failing inside a delivery callback fails the run", "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.ledger.fail_outcomes = true;
    sync::Sync sync(h.stages());
    // The fake sink lets the exception through; a sink that swallowed it would still see the
    // sync raise it after finish().
    CHECK_THROWS_AS(sync.run(h.config), LedgerError);
    CHECK(h.ledger.ended_status == "failed");
}

TEST_CASE("Sync: sink notices are logged and counted", "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.notice = "job 7 reported total_count 2 of 3 sent";
    const RunSummary s = h.run();
    CHECK(s.notices == 1);
    const auto logged = h.observer.named("klaviyo_notice");
    REQUIRE(logged.size() == 1);
    CHECK(logged[0].message == h.notice);
    CHECK(h.ledger.notices == std::vector<std::string>{h.notice});
}

TEST_CASE("Sync: the run is logged from start to finish with its counts", "[sync]") {
    Harness h;
    h.rows = three_rows();
    h.run();
    REQUIRE_FALSE(h.observer.events.empty());
    CHECK(h.observer.events.front().event == "run_started");
    CHECK(h.observer.events.back().event == "run_finished");
    const auto &fields = h.observer.events.back().fields;
    const auto sent = std::find_if(fields.begin(), fields.end(),
                                   [](const sync::LogField &f) { return f.name == "sent"; });
    REQUIRE(sent != fields.end());
    CHECK(sent->value == "3");
    CHECK(sent->is_number);
    CHECK(h.observer.named("query_finished").size() == 1);
}

TEST_CASE("Sync: construction refuses missing stages", "[sync]") {
    Harness h;
    sync::Stages s = h.stages();
    s.ledger = nullptr;
    CHECK_THROWS_AS(sync::Sync(s), std::invalid_argument);
    s = h.stages();
    s.sink = nullptr;
    CHECK_THROWS_AS(sync::Sync(s), std::invalid_argument);
}

TEST_CASE("Sync: run statuses map to exit codes 0, 5 and 7", "[sync]") {
    CHECK(sync::exit_code_for(RunStatus::Success) == 0);
    CHECK(sync::exit_code_for(RunStatus::Partial) == 5);
    CHECK(sync::exit_code_for(RunStatus::Interrupted) == 7);
    CHECK(std::string(sync::to_string(RunStatus::Partial)) == "partial");
}

TEST_CASE("Sync: rows read on the reading thread are handed over in row order, all of them",
          "[sync]") {
    // More rows than the reading thread's chunks and queue hold at once.
    Harness h;
    for (int i = 0; i < 5000; ++i)
        h.rows.push_back({"k" + std::to_string(i), "v" + std::to_string(i), ""});
    h.config.batch_size = 7;
    SECTION("the whole result") {
        const RunSummary s = h.run();
        CHECK(s.counts.rows_read == 5000);
        CHECK(s.counts.sent == 5000);
        std::vector<std::string> sends;
        for (const std::string &call : h.log)
            if (call.rfind("send:", 0) == 0)
                sends.push_back(call);
        REQUIRE(sends.size() == 5000);
        for (int i = 0; i < 5000; ++i)
            CHECK(sends[static_cast<std::size_t>(i)] == "send:k" + std::to_string(i));
    }
    SECTION("a limit inside a chunk") {
        h.config.limit = 1001;
        const RunSummary s = h.run();
        CHECK(s.counts.rows_read == 1001);
        CHECK(s.limited);
        CHECK(h.count("send:k1000") == 1);
        CHECK(h.count("send:k1001") == 0);
    }
}
