// Every exit code of the README, produced by the real binary against real drivers, a real
// ledger and the fake Klaviyo.
#include "e2e_support.hpp"
#include "fake_klaviyo/fake_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

#include <Poco/JSON/Parser.h>
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>

using namespace connector::e2e;
using connector::test::source_path;

namespace {

/// The sample shop in SQLite, a fake Klaviyo and a ledger, in a temp dir.
struct Shop {
    connector::test::TempDir dir;
    fake_klaviyo::FakeKlaviyo fake;
    std::string db = dir.file("shop.db");
    std::string ledger = dir.file("ledger.sqlite");

    explicit Shop(const std::vector<std::string> &fake_args = {}) : fake(fake_args) {
        create_sqlite(db, file_text(source_path("sql/sample/sample_shop.sql")));
    }

    /// The arguments of a sync of `example` (a file stem in sql/examples and mappings/examples).
    std::vector<std::string> args(const std::string &example, const std::string &target) const {
        return {"--query",       source_path("sql/examples/" + example + ".sql"),
                "--mapping",     source_path("mappings/examples/" + example + ".json"),
                "--target",      target,
                "--connection",  "Driver=SQLite3;Database=" + db,
                "--ledger",      ledger,
                "--klaviyo-url", fake.base_url(),
                "--ca-file",     fake_klaviyo::FakeKlaviyo::ca_file(),
                "--report",      dir.file("report.json")};
    }
    Env key() const { return {{"KLAVIYO_API_KEY", fake_klaviyo::test_api_key}}; }
    Poco::JSON::Object::Ptr report() const { return read_json_file(dir.file("report.json")); }
};

std::vector<std::string> plus(std::vector<std::string> args, std::vector<std::string> more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

} // namespace

namespace {

// The statuses of the shop's runs as `connector status --format json` lists them, newest first.
std::vector<std::string> run_statuses(const Shop &shop) {
    const Result status = run({"status", "--ledger", shop.ledger, "--format", "json"});
    INFO(status.both());
    REQUIRE(status.exit_code == 0);
    const auto runs = Poco::JSON::Parser()
                          .parse(status.out)
                          .extract<Poco::JSON::Object::Ptr>()
                          ->getArray("syncs")
                          ->getObject(0)
                          ->getArray("runs");
    std::vector<std::string> statuses;
    for (std::size_t i = 0; i < runs->size(); ++i)
        statuses.push_back(
            runs->getObject(static_cast<unsigned>(i))->getValue<std::string>("status"));
    return statuses;
}

} // namespace

TEST_CASE("End to end: exit 0 when everything read was sent (VIP customers example)",
          "[e2e][integration]") {
    Shop shop;
    const Result r = run(shop.args("vip_customers", "klaviyo_profiles"), shop.key());
    INFO(r.both());
    CHECK(r.exit_code == 0);
    CHECK(shop.report()->getValue<std::string>("status") == "success");
    CHECK(shop.report()->getObject("counts")->getValue<int>("sent") == 10);
    const auto state = shop.fake.state();
    CHECK(state->getValue<int>("profile_count") == 10);
    const auto profile = state->getArray("profiles")->getObject(0);
    CHECK(profile->getObject("properties")->getValue<bool>("vip"));
}

TEST_CASE("End to end: exit 1 when Klaviyo's certificate cannot be verified",
          "[e2e][integration]") {
    Shop shop;
    auto args = shop.args("vip_customers", "klaviyo_profiles");
    // Trust another CA than the one that signed the fake's certificate.
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == "--ca-file")
            args[i + 1] = connector::test::cert_path("other-ca.pem");
    const Result r = run(args, shop.key());
    INFO(r.both());
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("connector: transport: cannot verify the TLS certificate"));
    CHECK(shop.report()->getValue<std::string>("status") == "failed");
    CHECK(shop.report()->getObject("error")->getValue<std::string>("kind") == "transport");
    CHECK(shop.fake.state()->getValue<int>("profile_count") == 0);
}

// Slow, about 25 s (the client's retries back off for about half a minute before giving up).
TEST_CASE("End to end: exit 1 when Klaviyo cannot be reached at all, and the records stay for the "
          "next run",
          "[e2e][integration][slow]") {
    Shop shop;
    auto args = shop.args("vip_customers", "klaviyo_profiles");
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == "--klaviyo-url")
            args[i + 1] = "https://127.0.0.1:1";
    const Result r = run(args, shop.key());
    INFO(r.both());
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("connector: transport: could not reach Klaviyo at "
                                      "https://127.0.0.1:1: "));
    CHECK_THAT(r.err, Catch::Contains("refused", Catch::CaseSensitive::No));
    const auto report = shop.report();
    CHECK(report->getValue<std::string>("status") == "failed");
    CHECK(report->getObject("error")->getValue<std::string>("kind") == "transport");
    CHECK(report->getObject("counts")->getValue<int>("transient") == 10);
    CHECK(run_statuses(shop) == std::vector<std::string>{"failed"});

    // The next run, with the right URL, sends them.
    const Result next = run(shop.args("vip_customers", "klaviyo_profiles"), shop.key());
    INFO(next.both());
    CHECK(next.exit_code == 0);
    CHECK(shop.report()->getObject("counts")->getValue<int>("sent") == 10);
    CHECK(shop.fake.state()->getValue<int>("profile_count") == 10);
}

TEST_CASE("End to end: exit 2 when the mapping names a column the query does not return",
          "[e2e][integration]") {
    Shop shop;
    const std::string mapping = shop.dir.file("bad.json");
    connector::test::write_file(mapping, R"({"columns": {"no_such_column": "email"}})");
    auto args = shop.args("vip_customers", "klaviyo_profiles");
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == "--mapping")
            args[i + 1] = mapping;
    const Result r = run(args, shop.key());
    INFO(r.both());
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("connector: config: "));
    CHECK_THAT(r.err, Catch::Contains("no_such_column"));
    // The run is on record as failed.
    CHECK(run_statuses(shop) == std::vector<std::string>{"failed"});
}

TEST_CASE("End to end: exit 2 for a bad Klaviyo setting, in a dry run as in the real one, before "
          "the run begins",
          "[e2e][integration]") {
    Shop shop;
    const std::string option =
        GENERATE(as<std::string>{}, "--revision", "--klaviyo-url", "--ca-file");
    std::string value;
    std::string message;
    if (option == "--revision") { // malformed
        value = "banana";
        message = "connector: config: --revision must look like 2026-07-15";
    } else if (option == "--klaviyo-url") { // with a query
        value = shop.fake.base_url() + "/?x=1";
        message = "connector: config: --klaviyo-url " + value + " must not have a query";
    } else { // not a certificate
        value = source_path("sql/examples/vip_customers.sql");
        message = "connector: config: cannot load the CA file " + value;
    }
    INFO(option << " " << value);
    auto args = shop.args("vip_customers", "klaviyo_profiles");
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == option)
            args[i + 1] = value;
    if (option == "--revision")
        args.insert(args.end(), {option, value});

    const Result dry = run(plus(args, {"--dry-run"})); // no key: a dry run needs none
    INFO(dry.both());
    CHECK(dry.exit_code == 2);
    CHECK_THAT(dry.err, Catch::Contains(message));
    const Result real = run(args, shop.key());
    INFO(real.both());
    CHECK(real.exit_code == 2);
    CHECK_THAT(real.err, Catch::Contains(message));
    // Refused before the ledger was opened: no failed run on record.
    CHECK_THAT(real.err, !Catch::Contains("run_started"));
    CHECK_FALSE(std::ifstream(shop.ledger).good());
    CHECK(fake_requests(shop.fake.state()) == 0);
}

TEST_CASE("End to end: exit 3 when the query names a missing table", "[e2e][integration]") {
    Shop shop;
    const std::string query = shop.dir.file("missing.sql");
    connector::test::write_file(query, "SELECT email FROM no_such_table");
    auto args = shop.args("vip_customers", "klaviyo_profiles");
    args[1] = query;
    const Result r = run(args, shop.key());
    INFO(r.both());
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("connector: warehouse: " + query));
    CHECK_THAT(r.err, Catch::Contains("no_such_table"));
    CHECK(shop.report()->getObject("error")->getValue<std::string>("kind") == "warehouse");
}

TEST_CASE("End to end: exit 4 when Klaviyo refuses the key, which is never printed",
          "[e2e][integration]") {
    Shop shop;
    const std::string wrong = "pk_wrong_0123456789abcdef0123456789ab";
    const Result r =
        run(shop.args("vip_customers", "klaviyo_profiles"), {{"KLAVIYO_API_KEY", wrong}});
    INFO(r.both());
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("Klaviyo refused the API key from KLAVIYO_API_KEY"));
    CHECK(r.both().find(wrong) == std::string::npos);
    CHECK(file_text(shop.dir.file("report.json")).find(wrong) == std::string::npos);
    CHECK(file_text(shop.ledger).find(wrong) == std::string::npos);
    CHECK(file_text(shop.ledger + "-wal").find(wrong) == std::string::npos);
}

TEST_CASE("End to end: exit 5 when some rows are rejected, and the rest are sent",
          "[e2e][integration]") {
    Shop shop;
    const Result r = run(shop.args("customers", "klaviyo_profiles"), shop.key());
    INFO(r.both());
    CHECK(r.exit_code == 5);
    const auto report = shop.report();
    CHECK(report->getValue<std::string>("status") == "partial");
    CHECK(report->getObject("counts")->getValue<int>("rows_read") == 40);
    CHECK(report->getObject("counts")->getValue<int>("rejected") == 1);
    CHECK(report->getObject("counts")->getValue<int>("sent") == 39);
    const auto example = report->getObject("rejected")
                             ->getObject("invalid_email")
                             ->getArray("examples")
                             ->getObject(0);
    CHECK(example->getValue<int>("row") == 18);
    CHECK(example->getValue<std::string>("column") == "email");
    CHECK_THAT(example->getValue<std::string>("message"),
               Catch::Contains("michelle.brooks@example"));
    CHECK_THAT(r.out, Catch::Contains("rejected invalid_email: row 18, column email"));
    CHECK(shop.fake.state()->getValue<int>("profile_count") == 39);
}

TEST_CASE("End to end: exit 6 when the ledger file is not a ledger", "[e2e][integration]") {
    Shop shop;
    connector::test::write_file(shop.ledger, "this is not a SQLite database, just some text\n");
    const Result r = run(shop.args("vip_customers", "klaviyo_profiles"), shop.key());
    INFO(r.both());
    CHECK(r.exit_code == 6);
    CHECK_THAT(r.err, Catch::Contains("connector: ledger: "));
    CHECK_THAT(r.err, Catch::Contains(shop.ledger));
    CHECK(shop.fake.state()->getValue<int>("profile_count") == 0);
}

TEST_CASE("End to end: exit 6 when the ledger is another SQLite database, left as it was",
          "[e2e][integration]") {
    Shop shop;
    // A copy of the warehouse given as --ledger by mistake.
    create_sqlite(shop.ledger, file_text(source_path("sql/sample/sample_shop.sql")));
    const std::string before = file_text(shop.ledger);
    const Result r = run(shop.args("vip_customers", "klaviyo_profiles"), shop.key());
    INFO(r.both());
    CHECK(r.exit_code == 6);
    CHECK_THAT(r.err, Catch::Contains("connector: ledger: ledger " + shop.ledger +
                                      " holds other tables") &&
                          Catch::Contains("is not a connector ledger"));
    CHECK(file_text(shop.ledger) == before);
    CHECK(shop.fake.state()->getValue<int>("profile_count") == 0);
}

TEST_CASE("End to end: exit 7 on SIGINT mid-send, exit 6 for a second run meanwhile, and the "
          "next run delivers every event exactly once",
          "[e2e][integration]") {
    Shop shop;
    // Klaviyo hangs on the bulk events request, so the run is caught with a request in flight.
    shop.fake.set_faults(
        R"({"rules": [{"kind": "hang", "endpoint": "bulk_create_events", "duration_ms": 60000}]})");
    const auto args = shop.args("orders_since_last_run", "klaviyo_events");
    Process first(args, shop.key(), shop.dir.path());
    REQUIRE(first.wait_for_err("query_finished", 60));

    // The same sync cannot run twice at once.
    const Result second =
        run(plus(args, {"--sync", "orders_since_last_run:klaviyo_events"}), shop.key());
    INFO(second.both());
    CHECK(second.exit_code == 6);
    CHECK_THAT(second.err,
               Catch::Contains("is locked for sync 'orders_since_last_run:klaviyo_events'"));

    first.signal(SIGINT);
    const Result stopped = first.wait();
    INFO(stopped.both());
    CHECK(stopped.exit_code == 7);
    CHECK_THAT(stopped.err, Catch::Contains("connector: stopping"));
    const auto report = shop.report();
    CHECK(report->getValue<std::string>("status") == "interrupted");
    CHECK(report->getObject("counts")->getValue<int>("transient") == 32);

    // The next run, with Klaviyo healthy again, finishes the job: every order once.
    shop.fake.clear_faults();
    const Result next = run(args, shop.key());
    INFO(next.both());
    CHECK(next.exit_code == 0);
    CHECK(shop.report()->getObject("counts")->getValue<int>("retried") == 32);
    const auto state = shop.fake.state();
    CHECK(state->getValue<int>("event_count") == 32);
}
