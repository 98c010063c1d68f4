#include "core/error.hpp"
#include "ledger/sqlite_ledger.hpp"
#include "ledger/status.hpp"
#include "ledger_test_util.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace connector;
using connector::ledger::read_status;
using connector::ledger::SqliteLedger;
using connector::ledger::StatusReport;
using connector::ledger::test::make_record;
using connector::ledger::test::run_options;

namespace {

std::uint64_t count_of(const ledger::SyncStatus &s, const std::string &state) {
    for (const auto &c : s.records_by_state) {
        if (c.state == state)
            return c.count;
    }
    FAIL("no state " << state);
    return 0;
}

// Two runs of "orders:klaviyo_events": the second leaves failures, rejections and a job open.
void fill(const std::string &path) {
    SqliteLedger ledger(path, "orders:klaviyo_events", Target::Events, {});
    RunOptions first = run_options(Target::Events);
    first.started_at = Timestamp{1767225600, 0};
    ledger.begin_run(first);
    std::vector<Record> batch;
    for (int i = 0; i < 6; ++i)
        batch.push_back(make_record("e" + std::to_string(i), "h", Target::Events));
    ledger.diff(batch);
    std::vector<const Record *> ptrs;
    for (const Record &r : batch)
        ptrs.push_back(&r);
    ledger.on_in_flight(ptrs);
    ledger.on_outcomes({{"e0", Outcome::Sent, "", ""},
                        {"e1", Outcome::Failed, "invalid", "'time' must be ISO-8601"},
                        {"e2", Outcome::Failed, "invalid", "'value' must be a number"},
                        {"e3", Outcome::Failed, "duplicate", "duplicate unique_id"},
                        {"e4", Outcome::Transient, "http_503", "Service Unavailable"}});
    ledger.on_job_submitted("job-7", {"e5"});
    RunCounts c;
    c.rows_read = 6;
    c.sent = 1;
    c.failed = 3;
    c.transient = 1;
    ledger.end_run("partial", c);

    RunOptions second = run_options(Target::Events);
    second.started_at = Timestamp{1767312000, 0};
    ledger.begin_run(second);
    for (int row = 1; row <= 3; ++row)
        ledger.record_rejection(Rejection{static_cast<std::uint64_t>(row), "", "missing_identifier",
                                          "row " + std::to_string(row) + ": no identifier", ""});
    ledger.record_rejection(
        Rejection{4, "email", "invalid_email", "row 4, column email: 'x@'", "email:x@"});
    RunCounts c2;
    c2.rows_read = 4;
    c2.rejected = 4;
    ledger.end_run("partial", c2);

    SqliteLedger other(path, "vip:klaviyo_profiles", Target::Profiles, {});
}

} // namespace

TEST_CASE("read_status: runs, records by state, top failures and open jobs",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    fill(path);
    const StatusReport report = read_status(path, "orders:klaviyo_events", 10);
    CHECK(report.ledger_path == path);
    CHECK(report.schema_version >= 2);
    REQUIRE(report.syncs.size() == 1);
    const auto &s = report.syncs[0];
    CHECK(s.name == "orders:klaviyo_events");
    CHECK(s.target == "klaviyo_events");

    REQUIRE(s.runs.size() == 2);
    CHECK(s.runs[0].started_at.unix_seconds == 1767312000); // newest first
    CHECK(s.runs[0].status == "partial");
    CHECK(s.runs[0].counts.rejected == 4);
    CHECK(s.runs[1].counts.rows_read == 6);
    CHECK(s.runs[1].counts.failed == 3);
    CHECK(s.runs[1].ended);
    CHECK(s.runs[1].host.size() > 0);

    CHECK(s.records_by_state.size() == 6);
    CHECK(count_of(s, "sent") == 1);
    CHECK(count_of(s, "failed") == 3);
    CHECK(count_of(s, "transient") == 1);
    CHECK(count_of(s, "in_flight") == 1);
    CHECK(count_of(s, "rejected") == 1);
    CHECK(count_of(s, "pending") == 0);
    CHECK(s.records_total == 7);

    REQUIRE(s.top_failures.size() == 5);
    CHECK(s.top_failures[0].state == "rejected");
    CHECK(s.top_failures[0].code == "missing_identifier");
    CHECK(s.top_failures[0].count == 3);
    CHECK(s.top_failures[0].example_row == 1);
    CHECK(s.top_failures[0].example_message == "row 1: no identifier");
    CHECK(s.top_failures[1].state == "failed");
    CHECK(s.top_failures[1].code == "invalid");
    CHECK(s.top_failures[1].count == 2);
    CHECK(s.top_failures[1].example_key == "e1");
    CHECK(s.top_failures[1].example_message == "'time' must be ISO-8601");
    bool saw_transient = false;
    bool saw_email = false;
    for (const auto &f : s.top_failures) {
        if (f.state == "transient") {
            saw_transient = true;
            CHECK(f.code == "http_503");
            CHECK(f.example_key == "e4");
        }
        if (f.code == "invalid_email") {
            saw_email = true;
            CHECK(f.example_key == "email:x@");
            CHECK(f.example_column == "email");
            CHECK(f.example_row == 4);
        }
    }
    CHECK(saw_transient);
    CHECK(saw_email);

    REQUIRE(s.open_jobs.size() == 1);
    CHECK(s.open_jobs[0].job_id == "job-7");
    CHECK(s.open_jobs[0].records_waiting == 1);
    CHECK(s.open_jobs[0].run_id == s.runs[1].id);

    SECTION("limits") {
        const StatusReport small = read_status(path, "orders:klaviyo_events", 1, 2);
        CHECK(small.syncs[0].runs.size() == 1);
        CHECK(small.syncs[0].top_failures.size() == 2);
        const StatusReport no_runs = read_status(path, "orders:klaviyo_events", 0);
        CHECK(no_runs.syncs[0].runs.empty());
        REQUIRE_FALSE(no_runs.syncs[0].top_failures.empty());
        CHECK(no_runs.syncs[0].top_failures[0].code == "missing_identifier");
    }
}

TEST_CASE("read_status: every sync when no name is given", "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    fill(path);
    const StatusReport report = read_status(path, "", 5);
    REQUIRE(report.syncs.size() == 2);
    CHECK(report.syncs[0].name == "orders:klaviyo_events");
    CHECK(report.syncs[1].name == "vip:klaviyo_profiles");
    CHECK(report.syncs[1].runs.empty());
    CHECK(report.syncs[1].records_total == 0);
}

TEST_CASE("read_status: an unknown sync is named with the ones the file has",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    fill(path);
    try {
        read_status(path, "nope", 5);
        FAIL("found a sync that does not exist");
    } catch (const ConfigError &e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("'nope'") &&
                                              Catch::Contains("'orders:klaviyo_events'") &&
                                              Catch::Contains("'vip:klaviyo_profiles'"));
    }
}

TEST_CASE("read_status: a missing file is an error naming it", "[ledger][integration]") {
    test::TempDir dir;
    CHECK_THROWS_WITH(read_status(dir.file("none.sqlite"), "", 5),
                      Catch::Contains(dir.file("none.sqlite")) && Catch::Contains("no ledger"));
}

TEST_CASE("read_status: works while a run holds the lock and writes", "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    ledger.begin_run(run_options(Target::Profiles));
    ledger.diff({make_record("a", "h", Target::Profiles)});
    const StatusReport report = read_status(path, "s", 5);
    REQUIRE(report.syncs.size() == 1);
    CHECK(report.syncs[0].runs.at(0).status == "running");
    CHECK_FALSE(report.syncs[0].runs.at(0).ended);
    CHECK(count_of(report.syncs[0], "pending") == 1);
    ledger.end_run("success", {});
}
