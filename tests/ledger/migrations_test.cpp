#include "core/error.hpp"
#include "ledger/migrations.hpp"
#include "ledger/sqlite_ledger.hpp"
#include "ledger/status.hpp"
#include "ledger_test_util.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace connector;
using connector::ledger::current_schema_version;
using connector::ledger::SqliteLedger;
using connector::ledger::test::diff_keys;
using connector::ledger::test::exec_sql;
using connector::ledger::test::query_int;
using connector::ledger::test::query_text;
using connector::ledger::test::run_options;

namespace {

// A ledger as the first release wrote it: schema 001 only, with one sent profile.
void write_v1_ledger(const std::string &path) {
    test::write_file(path, "");
    exec_sql(path, test::read_file(test::source_path("sql/ledger/001_initial.sql")));
    exec_sql(path, "PRAGMA user_version = 1;"
                   "INSERT INTO syncs (id, name, target, created_at) "
                   "VALUES (1, 's', 'klaviyo_profiles', 1700000000);"
                   "INSERT INTO runs (id, sync_id, started_at, ended_at, status, pid, host) "
                   "VALUES (1, 1, 1700000000, 1700000100, 'success', 42, 'old-host');"
                   "INSERT INTO records (sync_id, key, hash, state, attempts, first_run, "
                   "last_run, last_sent_run) VALUES (1, 'k', 'h1', 4, 1, 1, 1, 1);");
}

} // namespace

TEST_CASE("Ledger migrations: every sql/ledger file is embedded, numbered from 1",
          "[ledger][integration]") {
    int files = 0;
    for (const auto &entry : std::filesystem::directory_iterator(test::source_path("sql/ledger"))) {
        if (entry.path().extension() == ".sql")
            ++files;
    }
    CHECK(files >= 2);
    CHECK(current_schema_version() == files);
}

TEST_CASE("Ledger migrations: a new file gets the current schema", "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    { SqliteLedger ledger(path, "s", Target::Profiles, {}); }
    CHECK(query_int(path, "PRAGMA user_version") == current_schema_version());
    CHECK(query_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name IN "
                          "('syncs', 'runs', 'records', 'payloads', 'record_states', 'jobs', "
                          "'run_rejections')") == 7);
}

TEST_CASE("Ledger migrations: a version 1 ledger is upgraded and keeps its records",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("v1.sqlite");
    write_v1_ledger(path);
    SqliteLedger ledger(path, "s", Target::Profiles, {});
    CHECK(query_int(path, "PRAGMA user_version") == current_schema_version());
    CHECK(query_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'run_rejections'") == 1);
    const RunStart start = ledger.begin_run(run_options(Target::Profiles));
    CHECK(start.last_success_started_at.unix_seconds == 1700000000);
    CHECK(diff_keys(ledger, {"k", "new"}, "h1", Target::Profiles) ==
          std::vector<Decision>{Decision::Unchanged, Decision::New});
    ledger.record_rejection(Rejection{3, "email", "invalid_email", "row 3: bad email", ""});
    ledger.end_run("partial", {});
    CHECK(query_int(path, "SELECT count FROM run_rejections WHERE code = 'invalid_email'") == 1);
}

TEST_CASE("Ledger migrations: a failed migration leaves the old version intact",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("v1.sqlite");
    write_v1_ledger(path);
    // Something already uses the name migration 2 creates: it fails half-way.
    exec_sql(path, "CREATE TABLE run_rejections (x)");
    try {
        SqliteLedger ledger(path, "s", Target::Profiles, {});
        FAIL("migrated over a conflicting table");
    } catch (const LedgerError &e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("schema version 2") &&
                                              Catch::Contains("002_run_rejections.sql"));
    }
    CHECK(query_int(path, "PRAGMA user_version") == 1);
    CHECK(query_int(path, "SELECT COUNT(*) FROM records") == 1);
}

TEST_CASE("Ledger migrations: a ledger from a newer connector is refused, naming both versions",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("future.sqlite");
    { SqliteLedger ledger(path, "s", Target::Profiles, {}); }
    exec_sql(path, "PRAGMA user_version = 99");
    const std::string current = std::to_string(current_schema_version());
    try {
        SqliteLedger ledger(path, "s", Target::Profiles, {});
        FAIL("opened a newer ledger");
    } catch (const LedgerError &e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains(path) &&
                                              Catch::Contains("schema version 99") &&
                                              Catch::Contains("version " + current));
    }
    CHECK_THROWS_WITH(ledger::read_status(path, "", 5), Catch::Contains("schema version 99"));
    CHECK(query_int(path, "PRAGMA user_version") == 99); // untouched
}

TEST_CASE("Ledger migrations: another database given as the ledger is refused and left as it was",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("warehouse.sqlite");
    test::write_file(path, "");
    exec_sql(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT);"
                   "CREATE INDEX customers_email ON customers (email);"
                   "INSERT INTO customers (email) VALUES ('a@example.com');");
    try {
        SqliteLedger ledger(path, "s", Target::Profiles, {});
        FAIL("took over another database");
    } catch (const LedgerError &e) {
        CHECK(e.kind() == ErrorKind::Ledger);
        CHECK_THAT(std::string(e.what()), Catch::Contains(path) &&
                                              Catch::Contains("holds other tables (customers") &&
                                              Catch::Contains("not a connector ledger"));
    }
    CHECK(query_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'syncs'") == 0);
    CHECK(query_int(path, "PRAGMA user_version") == 0);
    CHECK(query_text(path, "PRAGMA journal_mode") == "delete"); // not switched to WAL
    CHECK(query_int(path, "SELECT COUNT(*) FROM customers") == 1);
    CHECK_THROWS_WITH(ledger::read_status(path, "", 5),
                      Catch::Contains("holds other tables") &&
                          Catch::Contains("not a connector ledger"));
}

TEST_CASE("Ledger migrations: an empty file, or SQLite file without tables, becomes a new ledger",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SECTION("an empty file") {
        test::write_file(path, "");
        CHECK(std::filesystem::file_size(path) == 0);
    }
    SECTION("a SQLite file with user_version 0 and no tables") {
        test::write_file(path, "");
        exec_sql(path, "CREATE TABLE scratch (x); DROP TABLE scratch;");
        CHECK(std::filesystem::file_size(path) > 0);
    }
    { SqliteLedger ledger(path, "s", Target::Profiles, {}); }
    CHECK(query_int(path, "PRAGMA user_version") == current_schema_version());
}
