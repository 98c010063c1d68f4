#include "core/error.hpp"
#include "ledger/sqlite_ledger.hpp"
#include "ledger_test_util.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

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

TEST_CASE("SqliteLedger: end_run stores the status and every count", "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    RunOptions o = run_options(Target::Profiles);
    o.started_at = Timestamp{1767225600, 250000000};
    o.retry_failed = true;
    const RunStart start = ledger.begin_run(o);
    CHECK(start.run_id > 0);
    CHECK(start.last_success_started_at == Timestamp{});
    CHECK(query_text(path, "SELECT status FROM runs") == "running");
    RunCounts c;
    c.rows_read = 1;
    c.rejected = 2;
    c.duplicates = 3;
    c.unchanged = 4;
    c.skipped_failed = 5;
    c.new_records = 6;
    c.changed = 7;
    c.retried = 8;
    c.sent = 9;
    c.failed = 10;
    c.transient = 11;
    c.gone = 12;
    ledger.end_run("partial", c);
    CHECK(query_text(path, "SELECT status FROM runs") == "partial");
    CHECK(query_text(path, "SELECT rows_read || ',' || rejected || ',' || duplicates || ',' || "
                           "unchanged || ',' || skipped_failed || ',' || new_records || ',' || "
                           "changed || ',' || retried || ',' || sent || ',' || failed || ',' || "
                           "transient || ',' || gone FROM runs") == "1,2,3,4,5,6,7,8,9,10,11,12");
    CHECK(query_int(path, "SELECT retry_failed FROM runs") == 1);
    CHECK(query_int(path, "SELECT ended_at IS NOT NULL FROM runs") == 1);

    // The next run starts from the last successful (or partial) run's start.
    const RunStart next = ledger.begin_run(run_options(Target::Profiles));
    CHECK(next.run_id > start.run_id);
    CHECK(next.last_success_started_at == o.started_at);
    ledger.end_run("failed", {});
    const RunStart third = ledger.begin_run(run_options(Target::Profiles));
    CHECK(third.last_success_started_at == o.started_at); // a failed run does not count
    ledger.end_run("success", {});
}

TEST_CASE("SqliteLedger: a run left running by a dead process is recorded as crashed",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    {
        SqliteLedger ledger(path, "s", Target::Profiles, {});
        ledger.begin_run(run_options(Target::Profiles));
    }
    // The destructor of an unfinished run says "failed"; a SIGKILL leaves "running".
    CHECK(query_text(path, "SELECT status FROM runs") == "failed");
    exec_sql(path, "UPDATE runs SET status = 'running', ended_at = NULL");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    ledger.begin_run(run_options(Target::Profiles));
    CHECK(query_text(path, "SELECT status FROM runs ORDER BY id LIMIT 1") == "crashed");
    CHECK(query_int(path, "SELECT ended_at IS NOT NULL FROM runs ORDER BY id LIMIT 1") == 1);
    ledger.end_run("success", {});
}

TEST_CASE("SqliteLedger: gone counts keys of the last successful run missing from this one",
          "[ledger][integration]") {
    test::TempDir dir;
    SqliteLedger ledger(dir.file("l.sqlite"), "s", Target::Profiles, {});
    std::vector<std::string> examples;

    ledger.begin_run(run_options(Target::Profiles));
    diff_keys(ledger, {"a", "b", "c", "d", "e"}, "h", Target::Profiles);
    CHECK(ledger.gone(examples, 10) == 0); // nothing to compare with yet
    ledger.end_run("success", {});

    ledger.begin_run(run_options(Target::Profiles));
    diff_keys(ledger, {"a", "c", "f"}, "h", Target::Profiles);
    CHECK(ledger.gone(examples, 10) == 3);
    CHECK(examples == std::vector<std::string>{"b", "d", "e"});
    CHECK(ledger.gone(examples, 2) == 3);
    CHECK(examples == std::vector<std::string>{"b", "d"});
    ledger.end_run("success", {});

    // A failed run is not a reference: the next run still compares with the last success
    // (and with what the failed run saw).
    ledger.begin_run(run_options(Target::Profiles));
    diff_keys(ledger, {"a"}, "h", Target::Profiles);
    ledger.end_run("failed", {});
    ledger.begin_run(run_options(Target::Profiles));
    diff_keys(ledger, {"a", "c"}, "h", Target::Profiles);
    CHECK(ledger.gone(examples, 10) == 1);
    CHECK(examples == std::vector<std::string>{"f"});
    ledger.end_run("success", {});
}

TEST_CASE("SqliteLedger: a dry run decides as a real run and leaves the file as it was",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    ledger.begin_run(run_options(Target::Profiles));
    const auto first = std::vector<Record>{make_record("a", "h1", Target::Profiles),
                                           make_record("b", "h1", Target::Profiles),
                                           make_record("c", "h1", Target::Profiles)};
    ledger.diff(first);
    ledger.on_in_flight({&first[0], &first[1]});
    ledger.on_outcomes({{"a", Outcome::Sent, "", ""}, {"b", Outcome::Sent, "", ""}});
    ledger.end_run("partial", {});
    exec_sql(path, "PRAGMA wal_checkpoint(TRUNCATE)");

    const std::string dump_sql =
        "SELECT group_concat(line, char(10)) FROM ("
        "SELECT key || '|' || hash || '|' || state_name || '|' || attempts || '|' || last_run || "
        "'|' "
        "|| IFNULL(profile, '') AS line FROM " +
        with_payloads +
        " UNION ALL "
        "SELECT id || '|' || status || '|' || IFNULL(ended_at, '') FROM runs UNION ALL "
        "SELECT job_id FROM jobs ORDER BY 1)";
    const std::string before = query_text(path, dump_sql);
    const auto size_of = [](const std::string &file) {
        struct stat st {};
        return stat(file.c_str(), &st) == 0 ? static_cast<long long>(st.st_size) : -1LL;
    };
    const auto bytes_before = size_of(path);
    const auto wal_before = size_of(path + "-wal");
    const std::string file_before = test::read_file(path);

    RunOptions o = run_options(Target::Profiles);
    o.dry_run = true;
    const RunStart start = ledger.begin_run(o);
    CHECK(start.run_id == 0);
    auto batch = std::vector<Record>{
        make_record("a", "h1", Target::Profiles), make_record("b", "h2", Target::Profiles),
        make_record("d", "h1", Target::Profiles), make_record("d", "h1", Target::Profiles)};
    CHECK(ledger.diff(batch) == std::vector<Decision>{Decision::Unchanged, Decision::Changed,
                                                      Decision::New, Decision::Duplicate});
    std::vector<std::string> leftovers;
    ledger.for_each_leftover([&](const Record &r) { leftovers.push_back(r.key); });
    CHECK(leftovers == std::vector<std::string>{"c"});
    std::vector<std::string> examples;
    CHECK(ledger.gone(examples, 10) == 1);
    CHECK(examples == std::vector<std::string>{"c"});
    ledger.record_rejection(Rejection{9, "email", "invalid_email", "bad", "e"});
    Record later = make_record("e", "h1", Target::Profiles);
    later.row_number = 10; // after the rejected row 9
    CHECK(ledger.diff({later}) == std::vector<Decision>{Decision::Duplicate});
    ledger.on_in_flight({&batch[1]}); // ignored in a dry run
    ledger.on_outcomes({{"b", Outcome::Failed, "x", "y"}});
    ledger.end_run("success", {});

    CHECK(query_text(path, dump_sql) == before);
    CHECK(test::read_file(path) == file_before);
    CHECK(size_of(path) == bytes_before);
    CHECK(size_of(path + "-wal") == wal_before); // nothing written to the WAL either

    // A real run afterwards sees none of the dry run.
    ledger.begin_run(run_options(Target::Profiles));
    CHECK(diff_keys(ledger, {"d"}, "h1", Target::Profiles) == std::vector<Decision>{Decision::New});
    ledger.end_run("success", {});
}

TEST_CASE("SqliteLedger: the file and its directory are private to the user",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("state/connector/ledger.sqlite");
    {
        SqliteLedger ledger(path, "s", Target::Profiles, {});
        ledger.begin_run(run_options(Target::Profiles));
        diff_keys(ledger, {"a"}, "h", Target::Profiles);
        struct stat st {};
        REQUIRE(stat((path + "-wal").c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        ledger.end_run("success", {});
    }
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(stat(dir.file("state/connector").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    CHECK(query_text(path, "PRAGMA journal_mode") == "wal");
}

TEST_CASE("SqliteLedger: a file that is not a ledger is refused with its name",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("notes.txt");
    test::write_file(path, std::string(4096, 'x'));
    try {
        SqliteLedger ledger(path, "s", Target::Profiles, {});
        FAIL("opened a text file");
    } catch (const LedgerError &e) {
        const std::string what = e.what();
        CHECK_THAT(what, Catch::Contains(path) && Catch::Contains("not a database"));
    }
}
