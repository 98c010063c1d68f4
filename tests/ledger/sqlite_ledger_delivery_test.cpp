#include "core/error.hpp"
#include "ledger/sqlite_ledger.hpp"
#include "ledger_test_util.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

using namespace connector;
using connector::ledger::SqliteLedger;
using connector::ledger::test::diff_keys;
using connector::ledger::test::exec_sql;
using connector::ledger::test::make_record;
using connector::ledger::test::query_int;
using connector::ledger::test::query_text;
using connector::ledger::test::run_options;
using connector::ledger::test::state_of;
using connector::ledger::test::with_payloads;

namespace {

std::map<std::string, Record> collect_leftovers(Ledger &ledger) {
    std::map<std::string, Record> out;
    ledger.for_each_leftover([&](const Record &r) {
        const bool inserted = out.emplace(r.key, r).second;
        CHECK(inserted); // each leftover once
    });
    return out;
}

// A run that sends "a", "b" and "c" (hash "h1") in bulk job `job_id` and is killed while the
// job runs.
void leave_job_open(SqliteLedger &ledger, const std::string &job_id) {
    ledger.begin_run(run_options(Target::Profiles));
    const auto batch = std::vector<Record>{make_record("a", "h1", Target::Profiles),
                                           make_record("b", "h1", Target::Profiles),
                                           make_record("c", "h1", Target::Profiles)};
    ledger.diff(batch);
    ledger.on_in_flight({&batch[0], &batch[1], &batch[2]});
    ledger.on_job_submitted(job_id, {"a", "b", "c"});
    ledger.end_run("interrupted", {});
}

} // namespace

TEST_CASE("SqliteLedger: in-flight marks are committed when on_in_flight returns",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Events, {});
    ledger.begin_run(run_options(Target::Events));
    const Record r = make_record("e1", "h1", Target::Events);
    ledger.diff({r});
    ledger.on_in_flight({&r});
    // Another connection (as after a crash) sees the mark and the payload.
    CHECK(state_of(path, "e1") == "in_flight");
    CHECK(query_text(path, "SELECT event FROM " + with_payloads + " WHERE key = 'e1'") == r.event);
    CHECK(query_int(path, "SELECT attempts FROM records WHERE key = 'e1'") == 1);
    ledger.end_run("interrupted", {});
}

TEST_CASE("SqliteLedger: Sent drops the payload and records the run", "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Events, {});
    const RunStart start = ledger.begin_run(run_options(Target::Events));
    const Record r = make_record("e1", "h1", Target::Events);
    ledger.diff({r});
    ledger.on_in_flight({&r});
    ledger.on_outcomes({{"e1", Outcome::Sent, "", ""}});
    ledger.end_run("success", {});
    CHECK(state_of(path, "e1") == "sent");
    CHECK(query_int(path, "SELECT COUNT(*) FROM payloads") == 0);
    CHECK(query_int(path, "SELECT last_sent_run FROM records WHERE key = 'e1'") == start.run_id);
    CHECK(query_int(path, "SELECT first_run FROM records WHERE key = 'e1'") == start.run_id);
}

TEST_CASE("SqliteLedger: leftovers are the unsent records the query no longer returned",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Events, {});
    ledger.begin_run(run_options(Target::Events));
    std::vector<Record> batch;
    for (const char *k : {"pending", "flying", "transient", "sent", "failed", "again"})
        batch.push_back(make_record(k, std::string("hash-") + k, Target::Events));
    ledger.diff(batch);
    ledger.on_in_flight({&batch[1], &batch[2], &batch[3], &batch[4], &batch[5]});
    ledger.on_outcomes({{"transient", Outcome::Transient, "http_429", "throttled"},
                        {"sent", Outcome::Sent, "", ""},
                        {"failed", Outcome::Failed, "invalid", "bad"}});
    ledger.end_run("interrupted", {});

    ledger.begin_run(run_options(Target::Events));
    // "again" is returned by this run's query: it is diffed, not a leftover.
    CHECK(diff_keys(ledger, {"again"}, "hash-again", Target::Events) ==
          std::vector<Decision>{Decision::Retry});
    const auto leftovers = collect_leftovers(ledger);
    ledger.end_run("success", {});

    REQUIRE(leftovers.size() == 3);
    for (const char *k : {"pending", "flying", "transient"}) {
        CAPTURE(k);
        REQUIRE(leftovers.count(k) == 1);
        const Record &r = leftovers.at(k);
        const Record &original =
            *std::find_if(batch.begin(), batch.end(), [&](const Record &b) { return b.key == k; });
        CHECK(r.row_number == 0);
        CHECK(r.hash == original.hash);
        CHECK(r.profile == original.profile);
        CHECK(r.event == original.event);
    }
}

TEST_CASE("SqliteLedger: leftovers stream in pages while the callback marks them in flight",
          "[ledger][integration]") {
    test::TempDir dir;
    SqliteLedger ledger(dir.file("l.sqlite"), "s", Target::Profiles, {});
    ledger.begin_run(run_options(Target::Profiles));
    std::vector<Record> batch;
    for (int i = 0; i < 1000; ++i)
        batch.push_back(make_record("k" + std::to_string(i), "h", Target::Profiles));
    ledger.diff(batch);
    ledger.end_run("failed", {});

    ledger.begin_run(run_options(Target::Profiles));
    std::size_t seen = 0;
    ledger.for_each_leftover([&](const Record &r) {
        ++seen;
        ledger.on_in_flight({&r}); // as the sink does from inside send()
        ledger.on_outcomes({{r.key, Outcome::Transient, "http_503", "down"}});
    });
    ledger.end_run("partial", {});
    CHECK(seen == batch.size());
}

TEST_CASE("SqliteLedger: the keys of several open jobs come from one read, each job its own",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    ledger.begin_run(run_options(Target::Profiles));
    std::vector<Record> batch;
    for (const char *k : {"e", "d", "c", "b", "a", "f"})
        batch.push_back(make_record(k, "h", Target::Profiles));
    ledger.diff(batch);
    ledger.on_in_flight({&batch[0], &batch[1], &batch[2], &batch[3], &batch[4], &batch[5]});
    ledger.on_job_submitted("job-1", {"e", "c", "a"});
    ledger.on_job_submitted("job-2", {"d", "b"});
    ledger.on_job_submitted("job-3", {"f"});
    ledger.on_outcomes({{"f", Outcome::Sent, "", ""}});
    ledger.on_job_finished("job-3"); // finished and reported: not open any more
    ledger.end_run("interrupted", {});

    ledger.begin_run(run_options(Target::Profiles));
    CHECK(ledger.open_jobs().size() == 2);
    CHECK(ledger.job_keys("job-2") == std::vector<std::string>{"b", "d"});
    CHECK(ledger.job_keys("job-1") == std::vector<std::string>{"a", "c", "e"});
    // Asked again (and after an outcome): read afresh, not from what the first read kept.
    ledger.on_outcomes({{"c", Outcome::Sent, "", ""}});
    CHECK(ledger.job_keys("job-1") == std::vector<std::string>{"a", "e"});
    ledger.end_run("success", {});
}

TEST_CASE("SqliteLedger: records waiting for an open job are resumed, not resent",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    ledger.begin_run(run_options(Target::Profiles));
    const auto batch = std::vector<Record>{make_record("a", "h", Target::Profiles),
                                           make_record("b", "h", Target::Profiles),
                                           make_record("c", "h", Target::Profiles)};
    ledger.diff(batch);
    ledger.on_in_flight({&batch[0], &batch[1], &batch[2]});
    ledger.on_job_submitted("job-1", {"a", "b"});
    ledger.end_run("interrupted", {}); // killed while the job ran

    ledger.begin_run(run_options(Target::Profiles));
    CHECK(ledger.open_jobs() == std::vector<std::string>{"job-1"});
    CHECK(ledger.job_keys("job-1") == std::vector<std::string>{"a", "b"});
    CHECK(query_text(path, "SELECT job_id FROM records WHERE key = 'a'") == "job-1");
    // Only "c" (in flight, no job) is a leftover while the job is open.
    auto leftovers = collect_leftovers(ledger);
    CHECK(leftovers.size() == 1);
    CHECK(leftovers.count("c") == 1);

    // The sink resumes the job and reports it.
    ledger.on_outcomes(
        {{"a", Outcome::Sent, "", ""}, {"b", Outcome::Failed, "invalid", "Invalid phone number"}});
    ledger.on_job_finished("job-1");
    CHECK(ledger.open_jobs().empty());
    CHECK(state_of(path, "a") == "sent");
    CHECK(state_of(path, "b") == "failed");
    ledger.end_run("partial", {});
}

TEST_CASE("SqliteLedger: a finished job's unreported records become leftovers",
          "[ledger][integration]") {
    test::TempDir dir;
    SqliteLedger ledger(dir.file("l.sqlite"), "s", Target::Profiles, {});
    ledger.begin_run(run_options(Target::Profiles));
    const auto batch = std::vector<Record>{make_record("a", "h", Target::Profiles),
                                           make_record("b", "h", Target::Profiles)};
    ledger.diff(batch);
    ledger.on_in_flight({&batch[0], &batch[1]});
    ledger.on_job_submitted("job-9", {"a", "b"});
    ledger.on_outcomes({{"a", Outcome::Sent, "", ""}});
    ledger.on_job_finished("job-9");
    ledger.end_run("partial", {});

    ledger.begin_run(run_options(Target::Profiles));
    const auto leftovers = collect_leftovers(ledger);
    CHECK(leftovers.size() == 1);
    CHECK(leftovers.count("b") == 1);
    CHECK(ledger.job_keys("job-9") == std::vector<std::string>{"b"});
    ledger.end_run("success", {});
}

TEST_CASE("SqliteLedger: the listener may report from another thread while the run diffs",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Events, {});
    ledger.begin_run(run_options(Target::Events));
    constexpr int batches = 40;
    constexpr int per_batch = 50;
    std::vector<std::vector<Record>> all(batches);
    for (int b = 0; b < batches; ++b)
        for (int i = 0; i < per_batch; ++i)
            all[b].push_back(
                make_record("e" + std::to_string(b * per_batch + i), "h", Target::Events));

    // The "sink" thread marks each batch in flight and then sent, as soon as it is diffed.
    std::atomic<int> diffed{0};
    std::atomic<bool> failed{false};
    std::thread sink([&] {
        try {
            for (int b = 0; b < batches; ++b) {
                while (diffed.load() <= b)
                    std::this_thread::yield();
                std::vector<const Record *> ptrs;
                std::vector<RecordOutcome> outcomes;
                for (const Record &r : all[b]) {
                    ptrs.push_back(&r);
                    outcomes.push_back({r.key, Outcome::Sent, "", ""});
                }
                ledger.on_in_flight(ptrs);
                ledger.on_outcomes(outcomes);
            }
        } catch (...) {
            failed = true;
        }
    });
    for (int b = 0; b < batches; ++b) {
        const auto decisions = ledger.diff(all[b]);
        CHECK(std::count(decisions.begin(), decisions.end(), Decision::New) == per_batch);
        diffed.store(b + 1);
    }
    sink.join();
    ledger.end_run("success", {});
    CHECK_FALSE(failed);
    CHECK(query_int(path, "SELECT COUNT(*) FROM records WHERE state = 4") == batches * per_batch);
}

TEST_CASE("SqliteLedger: a record sent without a diff is still recorded and resendable",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Events, {});
    ledger.begin_run(run_options(Target::Events));
    const Record r = make_record("stray", "h", Target::Events);
    ledger.on_in_flight({&r});
    ledger.end_run("interrupted", {});
    CHECK(state_of(path, "stray") == "in_flight");
    ledger.begin_run(run_options(Target::Events));
    const auto leftovers = collect_leftovers(ledger);
    ledger.end_run("success", {});
    REQUIRE(leftovers.count("stray") == 1);
    CHECK(leftovers.at("stray").event == r.event);
}

TEST_CASE("SqliteLedger: outcomes for unknown keys change nothing, long messages are cut",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    ledger.begin_run(run_options(Target::Profiles));
    const Record r = make_record("k", "h", Target::Profiles);
    ledger.diff({r});
    ledger.on_in_flight({&r});
    ledger.on_outcomes({{"nobody", Outcome::Sent, "", ""},
                        {"ghost", Outcome::Failed, "invalid", "x"},
                        {"k", Outcome::Failed, "invalid", std::string(5000, 'm') + "\xc3\xa9"}});
    ledger.end_run("partial", {});
    CHECK(query_int(path, "SELECT COUNT(*) FROM records") == 1);
    const std::string stored = query_text(path, "SELECT error_message FROM records");
    CHECK(stored.size() <= 2003);
    CHECK(stored.size() >= 2000);
    CHECK(stored.substr(stored.size() - 3) == "...");
}

TEST_CASE("SqliteLedger: a record waiting for an open job is not resent when the query "
          "returns it",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    leave_job_open(ledger, "job-1");

    // The next run resumes job-1 while its query returns the same records.
    ledger.begin_run(run_options(Target::Profiles));
    CHECK(ledger.job_keys("job-1") == std::vector<std::string>{"a", "b", "c"});
    CHECK(diff_keys(ledger, {"a", "b"}, "h1", Target::Profiles) ==
          std::vector<Decision>{Decision::Unchanged, Decision::Unchanged});
    CHECK(diff_keys(ledger, {"c"}, "h2", Target::Profiles) ==
          std::vector<Decision>{Decision::Changed});
    CHECK(state_of(path, "a") == "in_flight");
    ledger.on_outcomes({{"a", Outcome::Sent, "", ""}, {"b", Outcome::Sent, "", ""}});
    ledger.on_job_finished("job-1");
    ledger.end_run("success", {});
    CHECK(state_of(path, "a") == "sent");
    CHECK(state_of(path, "c") == "pending");

    // Once the job is finished, an in-flight record it did not report is sent again.
    exec_sql(path, "UPDATE records SET state = 2 WHERE key = 'b'");
    ledger.begin_run(run_options(Target::Profiles));
    CHECK(diff_keys(ledger, {"b"}, "h1", Target::Profiles) ==
          std::vector<Decision>{Decision::Retry});
    ledger.end_run("success", {});
}

TEST_CASE("SqliteLedger: a record sent again with new data while an earlier run's job carried "
          "its old version is not marked sent (or failed) by that old job",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    leave_job_open(ledger, "old-job");

    // The next run resumes old-job; it is still running when the query returns "a" and "b"
    // with new data, so they go out again in new-job.
    ledger.begin_run(run_options(Target::Profiles));
    REQUIRE(ledger.job_keys("old-job") == std::vector<std::string>{"a", "b", "c"});
    const auto changed = std::vector<Record>{make_record("a", "h2", Target::Profiles),
                                             make_record("b", "h2", Target::Profiles)};
    REQUIRE(ledger.diff(changed) == std::vector<Decision>{Decision::Changed, Decision::Changed});
    ledger.on_in_flight({&changed[0], &changed[1]});
    ledger.on_job_submitted("new-job", {"a", "b"});

    // old-job finishes: it sent the old "a", refused the old "b", sent "c". What it says of
    // "a" and "b" is set aside (about their old versions), not counted by the caller.
    CHECK(ledger.record_outcomes({{"a", Outcome::Sent, "", ""},
                                  {"b", Outcome::Failed, "invalid", "Invalid phone number"},
                                  {"c", Outcome::Sent, "", ""}}) ==
          std::vector<bool>{true, true, false});
    ledger.on_job_finished("old-job");
    CHECK(state_of(path, "c") == "sent");
    // "a" and "b" still wait for new-job, with their new payloads.
    CHECK(state_of(path, "a") == "in_flight");
    CHECK(state_of(path, "b") == "in_flight");
    CHECK(query_text(path, "SELECT job_id FROM records WHERE key = 'a'") == "new-job");
    CHECK(query_int(path, "SELECT COUNT(*) FROM payloads p JOIN records r ON r.id = p.record_id "
                          "WHERE r.key IN ('a', 'b')") == 2);
    ledger.end_run("interrupted", {}); // stopped before new-job finished

    // The run after that still knows new-job's records and finishes it.
    ledger.begin_run(run_options(Target::Profiles));
    CHECK(ledger.open_jobs() == std::vector<std::string>{"new-job"});
    CHECK(ledger.job_keys("new-job") == std::vector<std::string>{"a", "b"});
    ledger.on_outcomes({{"a", Outcome::Sent, "", ""}, {"b", Outcome::Sent, "", ""}});
    ledger.on_job_finished("new-job");
    CHECK(state_of(path, "a") == "sent");
    CHECK(state_of(path, "b") == "sent");
    CHECK(query_int(path, "SELECT COUNT(*) FROM payloads") == 0);
    ledger.end_run("success", {});
}
