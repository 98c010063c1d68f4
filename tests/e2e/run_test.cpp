// Run behaviours end to end: dry runs, incremental queries, JSON logs and reports, status,
// configuration through files and the environment, --limit.
#include "e2e_support.hpp"
#include "fake_klaviyo/fake_process.hpp"
#include "support/json_keys.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

#include <Poco/JSON/Parser.h>
#include <catch2/catch.hpp>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace connector::e2e;
using connector::test::source_path;

namespace {

struct Shop {
    connector::test::TempDir dir;
    fake_klaviyo::FakeKlaviyo fake;
    std::string db = dir.file("shop.db");
    std::string ledger = dir.file("ledger.sqlite");

    Shop() { create_sqlite(db, file_text(source_path("sql/sample/sample_shop.sql"))); }

    std::vector<std::string> args(const std::string &example,
                                  const std::string &target,
                                  std::vector<std::string> more = {}) const {
        std::vector<std::string> a{
            "--query",       source_path("sql/examples/" + example + ".sql"),
            "--mapping",     source_path("mappings/examples/" + example + ".json"),
            "--target",      target,
            "--connection",  "Driver=SQLite3;Database=" + db,
            "--ledger",      ledger,
            "--klaviyo-url", fake.base_url(),
            "--ca-file",     fake_klaviyo::FakeKlaviyo::ca_file(),
            "--report",      dir.file("report.json")};
        a.insert(a.end(), more.begin(), more.end());
        return a;
    }
    Env key() const { return {{"KLAVIYO_API_KEY", fake_klaviyo::test_api_key}}; }
    Poco::JSON::Object::Ptr report() const { return read_json_file(dir.file("report.json")); }
    int counts(const std::string &name) const {
        return report()->getObject("counts")->getValue<int>(name);
    }
};

std::string utc_now_sql() {
    const std::time_t t = std::time(nullptr) + 5; // safely after the run that reads it started
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &utc);
    return buf;
}

} // namespace

TEST_CASE("End to end: a dry run prints the plan, sends nothing and leaves the ledger as it was",
          "[e2e][integration]") {
    Shop shop;
    const Result dry = run(shop.args("vip_customers", "klaviyo_profiles", {"--dry-run"}));
    INFO(dry.both());
    CHECK(dry.exit_code == 0); // no key needed
    CHECK_THAT(dry.out, Catch::Contains("Plan: would send 10 records (10 new, 0 changed"));
    CHECK_THAT(dry.out, Catch::Contains("\"vip\": true"));
    CHECK_THAT(dry.out, Catch::Contains("nothing was sent and the ledger is unchanged"));
    CHECK(shop.report()->getArray("plan_samples")->size() > 0);
    CHECK(fake_requests(shop.fake.state(false)) == 0);
    // There was no ledger yet: the dry run compared with an empty one and created none (no
    // file, no folder, no lock file).
    CHECK_THAT(dry.err, Catch::Contains("creates nothing"));
    for (const auto &entry :
         std::filesystem::directory_iterator(std::filesystem::path(shop.ledger).parent_path()))
        CHECK(entry.path().filename().string().rfind("ledger.sqlite", 0) == std::string::npos);

    // The ledger did not learn anything: a real run still sends all ten.
    const Result real = run(shop.args("vip_customers", "klaviyo_profiles"), shop.key());
    INFO(real.both());
    CHECK(real.exit_code == 0);
    CHECK(shop.counts("new") == 10);
    CHECK(shop.counts("sent") == 10);
}

TEST_CASE("End to end: a query file and a mapping file that start with a UTF-8 byte-order mark "
          "run as without it",
          "[e2e][integration]") {
    Shop shop;
    const std::string bom = "\xEF\xBB\xBF";
    const std::string query = shop.dir.file("vip.sql");
    const std::string mapping = shop.dir.file("vip.json");
    connector::test::write_file(query,
                                bom + file_text(source_path("sql/examples/vip_customers.sql")));
    connector::test::write_file(
        mapping, bom + file_text(source_path("mappings/examples/vip_customers.json")));
    std::vector<std::string> args = shop.args("vip_customers", "klaviyo_profiles", {"--dry-run"});
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--query")
            args[i + 1] = query;
        if (args[i] == "--mapping")
            args[i + 1] = mapping;
    }
    const Result dry = run(args);
    INFO(dry.both());
    CHECK(dry.exit_code == 0);
    CHECK_THAT(dry.out, Catch::Contains("Plan: would send 10 records (10 new"));
}

TEST_CASE("End to end: an incremental events query reads only orders placed since the last "
          "successful run",
          "[e2e][integration]") {
    Shop shop;
    const auto args = shop.args("orders_since_last_run", "klaviyo_events");
    Result r = run(args, shop.key());
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(shop.counts("rows_read") == 32);
    CHECK(shop.counts("sent") == 32);

    r = run(args, shop.key());
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(shop.counts("rows_read") == 0);
    CHECK(shop.counts("gone") == 0); // events are history, nothing is "gone"

    // A new order arrives in the warehouse (written through the sqlite3 library).
    create_sqlite(shop.dir.file("writer.db"),
                  "ATTACH DATABASE '" + shop.db + "' AS shop; INSERT INTO shop.orders VALUES " +
                      "(2001, 5, '" + utc_now_sql() + "', 'NOK', 42.50, 1, 'web');");
    r = run(args, shop.key());
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(shop.counts("rows_read") == 1);
    CHECK(shop.counts("sent") == 1);
    const auto state = shop.fake.state();
    CHECK(state->getValue<int>("event_count") == 33);
    bool found = false;
    const auto events = state->getArray("events");
    for (std::size_t i = 0; i < events->size(); ++i) {
        const auto e = events->getObject(static_cast<unsigned>(i));
        if (text(e, "unique_id") == "order-2001") {
            found = true;
            CHECK(std::stod(text(e, "value")) == Approx(42.5));
            CHECK(text(e, "value_currency") == "NOK");
        }
    }
    CHECK(found);
}

TEST_CASE("End to end: JSON logs carry the run id of the report, and stdout is the report",
          "[e2e][integration]") {
    Shop shop;
    const Result r =
        run(shop.args("customers", "klaviyo_profiles", {"--log-format", "json"}), shop.key());
    INFO(r.both());
    CHECK(r.exit_code == 5);
    const auto report = shop.report();
    const std::string run_id = report->getValue<std::string>("run_id");
    CHECK(run_id.size() == 25);

    Poco::JSON::Parser parser;
    std::istringstream err(r.err);
    int lines = 0;
    bool rejected_logged = false;
    bool started_logged = false;
    for (std::string line; std::getline(err, line);) {
        if (line.rfind("connector: ", 0) == 0)
            continue;
        INFO(line);
        // Strict parsers refuse a key twice; Poco would keep the last one silently.
        CHECK(connector::test::duplicate_keys(line).empty());
        const auto o = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        if (o->getValue<std::string>("event") == "run_started") {
            started_logged = true;
            CHECK(o->getValue<std::string>("sync") == "customers:klaviyo_profiles");
        }
        CHECK(o->getValue<std::string>("run_id") == run_id);
        CHECK(o->has("time"));
        CHECK(o->has("level"));
        CHECK(o->has("event"));
        if (o->getValue<std::string>("event") == "row_rejected") {
            rejected_logged = true;
            CHECK(o->getValue<int>("row") == 18);
            CHECK(o->getValue<std::string>("column") == "email");
            CHECK(o->getValue<std::string>("code") == "invalid_email");
        }
        ++lines;
        parser.reset();
    }
    CHECK(lines >= 4);
    CHECK(started_logged);
    CHECK(rejected_logged);
    const auto out = parser.parse(r.out).extract<Poco::JSON::Object::Ptr>();
    CHECK(out->getValue<std::string>("run_id") == run_id);
    CHECK(out->getObject("counts")->getValue<int>("sent") == 39);
}

TEST_CASE("End to end: connector status shows the runs, the records by state and the problems",
          "[e2e][integration]") {
    Shop shop;
    REQUIRE(run(shop.args("customers", "klaviyo_profiles"), shop.key()).exit_code == 5);
    REQUIRE(run(shop.args("customers", "klaviyo_profiles"), shop.key()).exit_code == 5);

    const Result text_status = run({"status", "--ledger", shop.ledger});
    INFO(text_status.both());
    CHECK(text_status.exit_code == 0);
    CHECK_THAT(text_status.out,
               Catch::Contains("Sync customers:klaviyo_profiles (klaviyo_profiles)"));
    CHECK_THAT(text_status.out, Catch::Contains("Records: 40 (sent 39, rejected 1)"));
    CHECK_THAT(text_status.out,
               Catch::Contains("1 rejected invalid_email, e.g. row 18, column email"));

    const Result json_status = run({"status", "--ledger", shop.ledger, "--format", "json", "--sync",
                                    "customers:klaviyo_profiles"});
    INFO(json_status.both());
    REQUIRE(json_status.exit_code == 0);
    Poco::JSON::Parser parser;
    const auto o = parser.parse(json_status.out).extract<Poco::JSON::Object::Ptr>();
    const auto sync = o->getArray("syncs")->getObject(0);
    const auto runs = sync->getArray("runs");
    REQUIRE(runs->size() == 2);
    CHECK(runs->getObject(0)->getObject("counts")->getValue<int>("unchanged") == 39);
    CHECK(runs->getObject(1)->getObject("counts")->getValue<int>("sent") == 39);
    CHECK(runs->getObject(0)->getValue<std::string>("status") == "partial");

    const Result unknown = run({"status", "--ledger", shop.ledger, "--sync", "nope"});
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("customers:klaviyo_profiles"));
}

TEST_CASE("End to end: a sync configured by a config file and CONNECTOR_ variables",
          "[e2e][integration]") {
    Shop shop;
    const std::string ini = shop.dir.file("vip.ini");
    connector::test::write_file(
        ini, "# the VIP sync\n"
             "query = " +
                 source_path("sql/examples/vip_customers.sql") + "\n" +
                 "mapping = " + source_path("mappings/examples/vip_customers.json") + "\n" +
                 "target = klaviyo_profiles\n"
                 "sync = vip\n"
                 "connection = Driver=SQLite3;Database=" +
                 shop.db +
                 "\n"
                 "report = report.json\n"
                 "klaviyo-url = https://127.0.0.1:1\n");
    const std::string key_file = shop.dir.file("klaviyo-api-key");
    connector::test::write_file(key_file, std::string(fake_klaviyo::test_api_key) + "\n");
    const Result r =
        run({"--config", ini}, {{"CONNECTOR_LEDGER", shop.ledger},
                                {"CONNECTOR_KLAVIYO_URL", shop.fake.base_url()},
                                {"CONNECTOR_CA_FILE", fake_klaviyo::FakeKlaviyo::ca_file()},
                                {"CONNECTOR_API_KEY_FILE", key_file}});
    INFO(r.both());
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("Sync vip (klaviyo_profiles), run 1: success (exit 0)"));
    CHECK(shop.counts("sent") == 10); // report.json was resolved next to the config file
    CHECK(shop.fake.state(false)->getValue<int>("profile_count") == 10);
}

TEST_CASE("End to end: a --limit run does not move the incremental window", "[e2e][integration]") {
    Shop shop;
    const auto args = shop.args("orders_since_last_run", "klaviyo_events");
    Result r =
        run(shop.args("orders_since_last_run", "klaviyo_events", {"--limit", "5"}), shop.key());
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(shop.counts("rows_read") == 5);
    CHECK(shop.report()->getValue<bool>("limited"));
    // The log line, the summary and the report say what `connector status` says.
    CHECK(shop.report()->getValue<std::string>("status") == "limited");
    CHECK_THAT(r.err, Catch::Contains("run 1 finished: limited"));
    CHECK_THAT(r.out, Catch::StartsWith(
                          "Sync orders_since_last_run:klaviyo_events (klaviyo_events), run 1: "
                          "limited (exit 0)"));
    const Result status = run({"status", "--ledger", shop.ledger});
    INFO(status.both());
    CHECK_THAT(status.out, Catch::Contains("limited"));

    // The next full run still reads every order, and sends only those not sent yet.
    r = run(args, shop.key());
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(shop.counts("rows_read") == 32);
    CHECK(shop.counts("unchanged") == 5);
    CHECK(shop.counts("sent") == 27);
    CHECK(shop.fake.state(false)->getValue<int>("event_count") == 32);
}

TEST_CASE("End to end: with JSON logs an error before the run begins is a run_failed line too",
          "[e2e][integration]") {
    Shop shop;
    const std::string missing = shop.dir.file("no-such-query.sql");
    std::vector<std::string> args{"--query",          missing, "--target",
                                  "klaviyo_profiles", "--dsn", "shop"};
    Env env;
    std::string message = "config: query file '" + missing + "' not found (--query)";
    const std::string how = GENERATE(as<std::string>{}, "--log-format json", "CONNECTOR_LOG_FORMAT",
                                     "--log-format=json and an unknown option");
    INFO(how);
    if (how == "--log-format json") {
        args.insert(args.end(), {"--log-format", "json"});
    } else if (how == "CONNECTOR_LOG_FORMAT") {
        env["CONNECTOR_LOG_FORMAT"] = "json";
    } else {
        args.insert(args.end(), {"--log-format=json", "--frobnicate"});
        message = "config: unknown option '--frobnicate' (see connector --help)";
    }
    const Result r = run(args, env);
    INFO(r.both());
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    std::vector<std::string> lines;
    std::istringstream err(r.err);
    for (std::string line; std::getline(err, line);)
        lines.push_back(line);
    REQUIRE(lines.size() == 2);
    CHECK(connector::test::duplicate_keys(lines[0]).empty());
    const auto o = Poco::JSON::Parser().parse(lines[0]).extract<Poco::JSON::Object::Ptr>();
    CHECK(o->getValue<std::string>("level") == "error");
    CHECK(o->getValue<std::string>("event") == "run_failed");
    CHECK(o->getValue<std::string>("message") == message);
    CHECK(o->getValue<std::string>("run_id").size() == 25);
    CHECK(lines[1] == "connector: " + message);
}

TEST_CASE("End to end: the first row with a key wins even when a later row with that key is "
          "rejected in the same batch",
          "[e2e][integration]") {
    // Row 1 is valid, row 2 repeats its key with a bad email: row 1 is sent and row 2 changes
    // nothing (the rejection used to be written before the batch holding row 1 was diffed).
    connector::test::TempDir dir;
    fake_klaviyo::FakeKlaviyo fake;
    const std::string db = dir.file("w.db");
    create_sqlite(db, "CREATE TABLE c (n INTEGER, xid TEXT, email TEXT);"
                      "INSERT INTO c VALUES (1, 'K1', 'good1@example.com'), (2, 'K1', 'bad'),"
                      " (3, 'K2', 'good2@example.com');");
    const std::string query = dir.file("race.sql");
    {
        std::ofstream out(query);
        out << "SELECT xid AS external_id, email FROM c ORDER BY n\n";
    }
    const std::string ledger = dir.file("ledger.sqlite");
    const Result r = run({"--query", query, "--target", "klaviyo_profiles", "--connection",
                          "Driver=SQLite3;Database=" + db, "--ledger", ledger, "--klaviyo-url",
                          fake.base_url(), "--ca-file", fake_klaviyo::FakeKlaviyo::ca_file()},
                         {{"KLAVIYO_API_KEY", fake_klaviyo::test_api_key}});
    INFO(r.both());
    CHECK(r.exit_code == 5); // partial: one row rejected
    CHECK(fake.state()->getValue<int>("profile_count") == 2);
    const auto rows = sqlite_rows(ledger, "SELECT key, state FROM records ORDER BY key");
    CHECK(rows ==
          std::vector<std::vector<std::string>>{{"external_id:K1", "4"}, {"external_id:K2", "4"}});
}

TEST_CASE("End to end: the binary runs on the allocator its build chose (mimalloc unless a "
          "sanitizer build)",
          "[e2e][integration]") {
    // mimalloc says so on standard error when asked; glibc's malloc (or a sanitizer's) does not.
    const Result r = run({"--version"}, {{"MIMALLOC_VERBOSE", "1"}});
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    const bool mimalloc = r.err.find("mimalloc: process init") != std::string::npos;
#if CONNECTOR_EXPECT_MIMALLOC
    CHECK(mimalloc);
    // main() set the decommit delay before anything else: no option is refused.
    CHECK(r.err.find("mimalloc: error") == std::string::npos);
#else
    CHECK_FALSE(mimalloc);
#endif
}
