// The Chinook sample through the real binary, the real ODBC drivers (SQLite and PostgreSQL), the
// real ledger and the fake Klaviyo over TLS: 59 customers as profiles, 412 invoices as "Placed
// Order" events, and a second run that sends nothing.
#include "chinook_checks.hpp"
#include "e2e_support.hpp"
#include "fake_klaviyo/fake_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

#include <catch2/catch.hpp>

using namespace connector::e2e;
using connector::test::source_path;

namespace {

/// One fake Klaviyo, one ledger, one warehouse; runs the connector against them.
struct Bench {
    connector::test::TempDir dir;
    fake_klaviyo::FakeKlaviyo fake;
    std::string warehouse;
    std::string ledger = dir.file("ledger.sqlite");

    explicit Bench(std::string connection) : warehouse(std::move(connection)) {}

    Result sync(const std::string &query,
                const std::string &mapping,
                const std::string &target,
                const std::string &report) {
        return run({"--query", source_path("tests/e2e/data/" + query), "--mapping",
                    source_path("tests/e2e/data/" + mapping), "--target", target, "--connection",
                    warehouse, "--ledger", ledger, "--klaviyo-url", fake.base_url(), "--ca-file",
                    fake_klaviyo::FakeKlaviyo::ca_file(), "--report", dir.file(report)},
                   {{"KLAVIYO_API_KEY", fake_klaviyo::test_api_key}});
    }
    Poco::JSON::Object::Ptr report(const std::string &name) {
        return read_json_file(dir.file(name));
    }
};

void check_second_run_sends_nothing(Bench &b,
                                    const std::string &query,
                                    const std::string &mapping,
                                    const std::string &target,
                                    std::uint64_t records) {
    const long long before = fake_requests(b.fake.state(false));
    const Result again = b.sync(query, mapping, target, "again.json");
    INFO(again.both());
    REQUIRE(again.exit_code == 0);
    const auto counts = b.report("again.json")->getObject("counts");
    CHECK(counts->getValue<std::uint64_t>("rows_read") == records);
    CHECK(counts->getValue<std::uint64_t>("unchanged") == records);
    CHECK(counts->getValue<std::uint64_t>("sent") == 0);
    CHECK(counts->getValue<std::uint64_t>("to_send") == 0);
    CHECK(fake_requests(b.fake.state(false)) == before);
}

} // namespace

TEST_CASE("End to end (SQLite ODBC): the 59 Chinook customers become profiles, once",
          "[e2e][integration]") {
    const std::string chinook = connector::test::shared_path("data/chinook/Chinook_Sqlite.sqlite");
    Bench b("Driver=SQLite3;Database=" + chinook);
    const Result first = b.sync("chinook_customers_sqlite.sql", "chinook_customers.json",
                                "klaviyo_profiles", "first.json");
    INFO(first.both());
    REQUIRE(first.exit_code == 0);
    const auto report = b.report("first.json");
    CHECK(report->getValue<std::string>("status") == "success");
    CHECK(report->getObject("counts")->getValue<int>("sent") == 59);
    CHECK(report->getObject("klaviyo")->getValue<int>("throttled_429") == 0);
    CHECK_THAT(first.out, Catch::Contains("sent                              59"));
    check_profiles(b.fake.state(), sqlite_rows(chinook, chinook_customers_sqlite), report);
    check_second_run_sends_nothing(b, "chinook_customers_sqlite.sql", "chinook_customers.json",
                                   "klaviyo_profiles", 59);
}

TEST_CASE("End to end (SQLite ODBC): the 412 Chinook invoices become Placed Order events, once",
          "[e2e][integration]") {
    const std::string chinook = connector::test::shared_path("data/chinook/Chinook_Sqlite.sqlite");
    Bench b("Driver=SQLite3;Database=" + chinook);
    const Result first = b.sync("chinook_invoices_sqlite.sql", "chinook_invoices.json",
                                "klaviyo_events", "first.json");
    INFO(first.both());
    REQUIRE(first.exit_code == 0);
    CHECK(b.report("first.json")->getObject("counts")->getValue<int>("sent") == 412);
    check_events(b.fake.state(), sqlite_rows(chinook, chinook_invoices_sqlite));
    check_second_run_sends_nothing(b, "chinook_invoices_sqlite.sql", "chinook_invoices.json",
                                   "klaviyo_events", 412);
}

TEST_CASE("End to end (PostgreSQL): the 59 Chinook customers become profiles, once",
          "[e2e][integration]") {
    PgSchema pg;
    pg.load_chinook();
    Bench b(pg.connection_string());
    const Result first = b.sync("chinook_customers_postgres.sql", "chinook_customers.json",
                                "klaviyo_profiles", "first.json");
    INFO(first.both());
    REQUIRE(first.exit_code == 0);
    const auto report = b.report("first.json");
    CHECK(report->getObject("counts")->getValue<int>("sent") == 59);
    check_profiles(b.fake.state(), pg.query(chinook_customers_postgres), report);
    check_second_run_sends_nothing(b, "chinook_customers_postgres.sql", "chinook_customers.json",
                                   "klaviyo_profiles", 59);
}

TEST_CASE("End to end (PostgreSQL): the 412 Chinook invoices become Placed Order events, once",
          "[e2e][integration]") {
    PgSchema pg;
    pg.load_chinook();
    Bench b(pg.connection_string());
    const Result first = b.sync("chinook_invoices_postgres.sql", "chinook_invoices.json",
                                "klaviyo_events", "first.json");
    INFO(first.both());
    REQUIRE(first.exit_code == 0);
    CHECK(b.report("first.json")->getObject("counts")->getValue<int>("sent") == 412);
    check_events(b.fake.state(), pg.query(chinook_invoices_postgres));
    check_second_run_sends_nothing(b, "chinook_invoices_postgres.sql", "chinook_invoices.json",
                                   "klaviyo_events", 412);
}
