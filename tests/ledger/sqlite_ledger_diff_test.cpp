#include "core/error.hpp"
#include "ledger/sqlite_ledger.hpp"
#include "ledger_test_util.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace connector;
using connector::ledger::SqliteLedger;
using connector::ledger::test::diff_keys;
using connector::ledger::test::make_record;
using connector::ledger::test::query_int;
using connector::ledger::test::query_text;
using connector::ledger::test::run_options;
using connector::ledger::test::state_of;
using connector::ledger::test::with_payloads;

namespace {

// Sends every record that should be sent and reports `outcome` for it, as the sink would.
void deliver(Ledger &ledger, const std::vector<Record> &batch, Outcome outcome) {
    const std::vector<Decision> decisions = ledger.diff(batch);
    std::vector<const Record *> sending;
    std::vector<RecordOutcome> outcomes;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (!should_send(decisions[i]))
            continue;
        sending.push_back(&batch[i]);
        outcomes.push_back(RecordOutcome{batch[i].key, outcome, "", ""});
    }
    ledger.on_in_flight(sending);
    ledger.on_outcomes(outcomes);
}

std::vector<Record>
records(const std::vector<std::string> &keys, const std::string &hash, Target target) {
    std::vector<Record> batch;
    for (const auto &k : keys)
        batch.push_back(make_record(k, hash, target));
    return batch;
}

// One complete run: begin, deliver the batch as `outcome`, end.
void run_once(SqliteLedger &ledger,
              const std::vector<Record> &batch,
              Outcome outcome,
              Target target) {
    ledger.begin_run(run_options(target));
    deliver(ledger, batch, outcome);
    ledger.end_run("success", {});
}

} // namespace

TEST_CASE("SqliteLedger: a second run over unchanged profiles decides Unchanged for all",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("ledger.sqlite");
    SqliteLedger ledger(path, "audience:klaviyo_profiles", Target::Profiles, {});
    const auto batch =
        records({"external_id:1", "external_id:2", "external_id:3"}, "h1", Target::Profiles);
    ledger.begin_run(run_options(Target::Profiles));
    CHECK(ledger.diff(batch) == std::vector<Decision>{Decision::New, Decision::New, Decision::New});
    std::vector<const Record *> ptrs{&batch[0], &batch[1], &batch[2]};
    ledger.on_in_flight(ptrs);
    ledger.on_outcomes({{"external_id:1", Outcome::Sent, "", ""},
                        {"external_id:2", Outcome::Sent, "", ""},
                        {"external_id:3", Outcome::Sent, "", ""}});
    ledger.end_run("success", {});

    ledger.begin_run(run_options(Target::Profiles));
    CHECK(ledger.diff(batch) ==
          std::vector<Decision>{Decision::Unchanged, Decision::Unchanged, Decision::Unchanged});
    ledger.end_run("success", {});
    CHECK(query_int(path, "SELECT COUNT(*) FROM records WHERE state = 4") == 3);
}

TEST_CASE("SqliteLedger: a changed profile is Changed and only it", "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("ledger.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    run_once(ledger, records({"a", "b", "c"}, "h1", Target::Profiles), Outcome::Sent,
             Target::Profiles);

    ledger.begin_run(run_options(Target::Profiles));
    std::vector<Record> batch = records({"a", "b", "c", "d"}, "h1", Target::Profiles);
    batch[1].hash = "h2";
    CHECK(ledger.diff(batch) == std::vector<Decision>{Decision::Unchanged, Decision::Changed,
                                                      Decision::Unchanged, Decision::New});
    ledger.end_run("success", {});
    CHECK(query_text(path, "SELECT hash FROM records WHERE key = 'b'") == "h2");
    CHECK(state_of(path, "b") == "pending");
    CHECK(query_text(path, "SELECT profile FROM " + with_payloads + " WHERE key = 'b'") ==
          batch[1].profile);
}

TEST_CASE("SqliteLedger: a sent event is never sent again, even with another hash",
          "[ledger][integration]") {
    test::TempDir dir;
    SqliteLedger ledger(dir.file("l.sqlite"), "orders:klaviyo_events", Target::Events, {});
    run_once(ledger, records({"evt-1", "evt-2"}, "h1", Target::Events), Outcome::Sent,
             Target::Events);
    ledger.begin_run(run_options(Target::Events));
    CHECK(diff_keys(ledger, {"evt-1", "evt-2", "evt-3"}, "h2", Target::Events) ==
          std::vector<Decision>{Decision::Unchanged, Decision::Unchanged, Decision::New});
    ledger.end_run("success", {});
}

TEST_CASE("SqliteLedger: the same key twice in one run is a Duplicate, across batches",
          "[ledger][integration]") {
    test::TempDir dir;
    SqliteLedger ledger(dir.file("l.sqlite"), "s", Target::Events, {});
    ledger.begin_run(run_options(Target::Events));
    CHECK(diff_keys(ledger, {"e1", "e2", "e1"}, "h1", Target::Events) ==
          std::vector<Decision>{Decision::New, Decision::New, Decision::Duplicate});
    CHECK(diff_keys(ledger, {"e2", "e3"}, "h9", Target::Events) ==
          std::vector<Decision>{Decision::Duplicate, Decision::New});
    ledger.end_run("success", {});
    // The next run does not inherit "seen": the keys are pending, so they are retried.
    ledger.begin_run(run_options(Target::Events));
    CHECK(diff_keys(ledger, {"e1"}, "h1", Target::Events) ==
          std::vector<Decision>{Decision::Retry});
    ledger.end_run("success", {});
}

TEST_CASE("SqliteLedger: failures are skipped until changed, retried on request",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    ledger.begin_run(run_options(Target::Profiles));
    const auto batch = records({"bad", "flaky"}, "h1", Target::Profiles);
    ledger.diff(batch);
    ledger.on_in_flight({&batch[0], &batch[1]});
    ledger.on_outcomes({{"bad", Outcome::Failed, "invalid", "Invalid email address"},
                        {"flaky", Outcome::Transient, "http_503", "Service Unavailable"}});
    ledger.end_run("partial", {});
    CHECK(state_of(path, "bad") == "failed");
    CHECK(query_text(path, "SELECT error_message FROM records WHERE key = 'bad'") ==
          "Invalid email address");
    CHECK(query_text(path, "SELECT error_code FROM records WHERE key = 'flaky'") == "http_503");
    CHECK(query_int(path, "SELECT attempts FROM records WHERE key = 'bad'") == 1);

    SECTION("unchanged: the failure is skipped and the transient record retried") {
        ledger.begin_run(run_options(Target::Profiles));
        CHECK(diff_keys(ledger, {"bad", "flaky"}, "h1", Target::Profiles) ==
              std::vector<Decision>{Decision::SkipFailed, Decision::Retry});
        ledger.end_run("success", {});
        CHECK(state_of(path, "bad") == "failed");
    }
    SECTION("changed data: the failure is sent again") {
        ledger.begin_run(run_options(Target::Profiles));
        CHECK(diff_keys(ledger, {"bad"}, "h2", Target::Profiles) ==
              std::vector<Decision>{Decision::Changed});
        ledger.end_run("success", {});
        CHECK(query_int(path, "SELECT attempts FROM records WHERE key = 'bad'") == 0);
    }
    SECTION("--retry-failed") {
        RunOptions o = run_options(Target::Profiles);
        o.retry_failed = true;
        ledger.begin_run(o);
        CHECK(diff_keys(ledger, {"bad"}, "h1", Target::Profiles) ==
              std::vector<Decision>{Decision::Retry});
        ledger.end_run("success", {});
        CHECK(state_of(path, "bad") == "pending");
    }
}

TEST_CASE("SqliteLedger: full resync sends everything except duplicates", "[ledger][integration]") {
    test::TempDir dir;
    SqliteLedger ledger(dir.file("l.sqlite"), "s", Target::Events, {});
    run_once(ledger, records({"e1", "e2"}, "h1", Target::Events), Outcome::Sent, Target::Events);
    RunOptions o = run_options(Target::Events);
    o.full_resync = true;
    ledger.begin_run(o);
    CHECK(diff_keys(ledger, {"e1", "e2", "e3", "e1"}, "h1", Target::Events) ==
          std::vector<Decision>{Decision::Retry, Decision::Retry, Decision::New,
                                Decision::Duplicate});
    ledger.end_run("success", {});
}

TEST_CASE("SqliteLedger: a keyed rejection is recorded and its key counts as seen",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    ledger.begin_run(run_options(Target::Profiles));
    ledger.record_rejection(
        Rejection{7, "email", "invalid_email", "row 7, column email: 'x@'", "email:x@"});
    ledger.record_rejection(Rejection{8, "", "missing_identifier", "row 8: no identifier", ""});
    Record later = make_record("email:x@", "h1", Target::Profiles);
    later.row_number = 9; // after the rejected row 7: the first row with the key wins
    CHECK(ledger.diff({later}) == std::vector<Decision>{Decision::Duplicate});
    ledger.end_run("partial", {});
    CHECK(state_of(path, "email:x@") == "rejected");
    CHECK(query_text(path, "SELECT error_code FROM records WHERE key = 'email:x@'") ==
          "invalid_email");
    CHECK(query_int(path, "SELECT COUNT(*) FROM records") == 1);

    // Fixed in the warehouse: never sent, so it is New.
    ledger.begin_run(run_options(Target::Profiles));
    CHECK(diff_keys(ledger, {"email:x@"}, "h1", Target::Profiles) ==
          std::vector<Decision>{Decision::New});
    ledger.end_run("success", {});
}

TEST_CASE("SqliteLedger: a sent record rejected once and back unchanged is sent, without the "
          "rejection's error",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    run_once(ledger, {make_record("k", "h1", Target::Profiles)}, Outcome::Sent, Target::Profiles);
    ledger.begin_run(run_options(Target::Profiles));
    ledger.record_rejection(Rejection{1, "email", "invalid_email", "bad email", "k"});
    ledger.end_run("partial", {});
    CHECK(state_of(path, "k") == "rejected");
    ledger.begin_run(run_options(Target::Profiles));
    CHECK(diff_keys(ledger, {"k"}, "h1", Target::Profiles) ==
          std::vector<Decision>{Decision::Unchanged});
    ledger.end_run("success", {});
    CHECK(state_of(path, "k") == "sent");
    CHECK(query_int(path, "SELECT COUNT(*) FROM records WHERE key = 'k' AND error_code IS NULL "
                          "AND error_message IS NULL") == 1);
}

TEST_CASE("SqliteLedger: a rejection never overwrites a record already diffed in this run",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    ledger.begin_run(run_options(Target::Profiles));
    ledger.diff({make_record("k", "h1", Target::Profiles)});
    ledger.record_rejection(Rejection{2, "phone", "invalid_phone", "bad phone", "k"});
    ledger.end_run("partial", {});
    CHECK(state_of(path, "k") == "pending");
}

TEST_CASE("SqliteLedger: rejections and records take effect in row order, not call order",
          "[ledger][integration]") {
    // The sync holds valid rows in a batch while it records the rejections that follow them;
    // the batch is diffed later. A rejected row 2 must not win over a valid row 1 of its key.
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SECTION("a run") {
        SqliteLedger ledger(path, "s", Target::Profiles, {});
        ledger.begin_run(run_options(Target::Profiles));
        std::vector<Record> batch;
        for (std::uint64_t row : {1, 3, 5}) {
            batch.push_back(make_record("k" + std::to_string(row), "h1", Target::Profiles));
            batch.back().row_number = row;
        }
        batch[1].key = "k1"; // row 3 repeats row 1's key
        ledger.record_rejection(Rejection{2, "email", "invalid_email", "bad", "k1"});
        ledger.record_rejection(Rejection{4, "email", "invalid_email", "bad", "k5"});
        ledger.record_rejection(Rejection{6, "email", "invalid_email", "bad", "k7"});
        CHECK(ledger.diff(batch) ==
              std::vector<Decision>{Decision::New, Decision::Duplicate, Decision::Duplicate});
        ledger.end_run("partial", {});
        CHECK(state_of(path, "k1") == "pending");  // row 1 won; rows 2 and 3 were duplicates
        CHECK(state_of(path, "k5") == "rejected"); // row 4 came before row 5
        CHECK(state_of(path, "k7") == "rejected"); // row 6, after the whole batch
        CHECK(query_int(path, "SELECT SUM(count) FROM run_rejections") == 3);
    }
    SECTION("a dry run decides the same") {
        {
            SqliteLedger ledger(path, "s", Target::Profiles, {});
            ledger.begin_run(run_options(Target::Profiles));
            ledger.end_run("success", {});
        }
        SqliteLedger ledger(path, "s", Target::Profiles, {});
        RunOptions options = run_options(Target::Profiles);
        options.dry_run = true;
        ledger.begin_run(options);
        Record first = make_record("k1", "h1", Target::Profiles);
        Record other = make_record("k5", "h1", Target::Profiles);
        first.row_number = 1;
        other.row_number = 5;
        ledger.record_rejection(Rejection{2, "email", "invalid_email", "bad", "k1"});
        ledger.record_rejection(Rejection{4, "email", "invalid_email", "bad", "k5"});
        CHECK(ledger.diff({first, other}) ==
              std::vector<Decision>{Decision::New, Decision::Duplicate});
        ledger.end_run("success", {});
    }
}

TEST_CASE("SqliteLedger: diff outside a run is refused", "[ledger][integration]") {
    test::TempDir dir;
    SqliteLedger ledger(dir.file("l.sqlite"), "s", Target::Profiles, {});
    CHECK_THROWS_AS(diff_keys(ledger, {"k"}, "h", Target::Profiles), LedgerError);
    ledger.begin_run(run_options(Target::Profiles));
    CHECK_THROWS_AS(ledger.begin_run(run_options(Target::Profiles)), LedgerError);
    CHECK_THROWS_AS(ledger.end_run("finished", {}), LedgerError);
    ledger.end_run("success", {});
}

TEST_CASE("SqliteLedger: syncs in one file keep separate records", "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger a(path, "a:klaviyo_profiles", Target::Profiles, {});
    SqliteLedger b(path, "b:klaviyo_profiles", Target::Profiles, {});
    run_once(a, records({"k"}, "h1", Target::Profiles), Outcome::Sent, Target::Profiles);
    b.begin_run(run_options(Target::Profiles));
    CHECK(diff_keys(b, {"k"}, "h1", Target::Profiles) == std::vector<Decision>{Decision::New});
    b.end_run("success", {});
}

TEST_CASE("SqliteLedger: a sync name cannot change target", "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    { SqliteLedger a(path, "shared", Target::Profiles, {}); }
    try {
        SqliteLedger b(path, "shared", Target::Events, {});
        FAIL("opened a profiles sync as events");
    } catch (const LedgerError &e) {
        const std::string what = e.what();
        CHECK_THAT(what, Catch::Contains("shared") && Catch::Contains("klaviyo_profiles") &&
                             Catch::Contains("klaviyo_events"));
    }
}
