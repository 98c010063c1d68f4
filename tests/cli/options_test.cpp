#include "cli/options.hpp"
#include "core/error.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

using namespace connector;
using namespace connector::cli;
using connector::test::TempDir;
using connector::test::write_file;

namespace {

Options parse(std::vector<std::string> args) {
    args.insert(args.begin(), "connector");
    std::vector<const char *> argv;
    for (const std::string &a : args)
        argv.push_back(a.c_str());
    return parse_options(static_cast<int>(argv.size()), argv.data());
}

std::string error_of(std::vector<std::string> args) {
    try {
        parse(std::move(args));
    } catch (const ConfigError &e) {
        return e.what();
    }
    return "(no error)";
}

/// A temp dir with a query file, for runs that get past the file checks.
struct Files {
    TempDir dir;
    std::string query = dir.file("audience.sql");
    Files() { write_file(query, "SELECT 1 AS external_id"); }
};

} // namespace

TEST_CASE("Options: a minimal run takes the documented defaults", "[cli]") {
    Files f;
    const Options o = parse({"--query", f.query, "--target", "klaviyo_events", "--dsn", "shop"});
    REQUIRE(o.command == Command::Run);
    CHECK(o.run.query_file == f.query);
    CHECK(o.run.target == Target::Events);
    CHECK(o.run.dsn == "shop");
    CHECK(o.run.klaviyo_url == "https://a.klaviyo.com");
    CHECK(o.run.revision == "2026-07-15");
    CHECK(o.run.api_mode == "bulk");
    CHECK(o.run.concurrency == 4);
    CHECK(o.run.warehouse_timezone == "UTC");
    CHECK(o.run.login_timeout_seconds == 30);
    CHECK(o.run.query_timeout_seconds == 0);
    CHECK(o.run.wait_lock_seconds == 0);
    CHECK(o.run.limit == 0);
    CHECK_FALSE(o.run.dry_run);
    CHECK_FALSE(o.run.full_resync);
    CHECK_FALSE(o.run.retry_failed);
    CHECK(o.run.log_format == LogFormat::Text);
}

TEST_CASE("Options: every run option is read from the command line", "[cli]") {
    Files f;
    write_file(f.dir.file("map.json"), "{}");
    write_file(f.dir.file("ca.pem"), "x");
    write_file(f.dir.file("key"), "pk_x");
    const Options o = parse({"--query",
                             f.query,
                             "--target",
                             "klaviyo_profiles",
                             "--mapping",
                             f.dir.file("map.json"),
                             "--connection",
                             "Driver=SQLite3;Database=/tmp/x.db",
                             "--warehouse-timezone",
                             "Europe/Berlin",
                             "--login-timeout",
                             "5",
                             "--query-timeout",
                             "600",
                             "--limit",
                             "10",
                             "--api-key-file",
                             f.dir.file("key"),
                             "--klaviyo-url",
                             "https://127.0.0.1:8443",
                             "--ca-file",
                             f.dir.file("ca.pem"),
                             "--revision",
                             "2026-04-15",
                             "--api-mode",
                             "single",
                             "--concurrency",
                             "2",
                             "--ledger",
                             f.dir.file("l.sqlite"),
                             "--sync",
                             "vip",
                             "--wait-lock",
                             "30",
                             "--dry-run",
                             "--full-resync",
                             "--retry-failed",
                             "--log-format",
                             "json",
                             "--report",
                             f.dir.file("r.json"),
                             "--verbose"});
    const RunOptions &r = o.run;
    CHECK(r.mapping_file == f.dir.file("map.json"));
    CHECK(r.connection == "Driver=SQLite3;Database=/tmp/x.db");
    CHECK(r.warehouse_timezone == "Europe/Berlin");
    CHECK(r.login_timeout_seconds == 5);
    CHECK(r.query_timeout_seconds == 600);
    CHECK(r.limit == 10);
    CHECK(r.api_key_file == f.dir.file("key"));
    CHECK(r.klaviyo_url == "https://127.0.0.1:8443");
    CHECK(r.ca_file == f.dir.file("ca.pem"));
    CHECK(r.revision == "2026-04-15");
    CHECK(r.api_mode == "single");
    CHECK(r.concurrency == 2);
    CHECK(r.ledger_path == f.dir.file("l.sqlite"));
    CHECK(r.sync_name == "vip");
    CHECK(r.wait_lock_seconds == 30);
    CHECK(r.dry_run);
    CHECK(r.full_resync);
    CHECK(r.retry_failed);
    CHECK(r.log_format == LogFormat::Json);
    CHECK(r.report_file == f.dir.file("r.json"));
    CHECK(r.verbose);
}

TEST_CASE("Options: CONNECTOR_ variables set options, and the command line wins", "[cli]") {
    Files f;
    ::setenv("CONNECTOR_QUERY", f.query.c_str(), 1);
    ::setenv("CONNECTOR_TARGET", "klaviyo_events", 1);
    ::setenv("CONNECTOR_DSN", "from_env", 1);
    ::setenv("CONNECTOR_KLAVIYO_URL", "https://env.example:9", 1);
    ::setenv("CONNECTOR_DRY_RUN", "true", 1);
    ::setenv("CONNECTOR_CONCURRENCY", "3", 1);
    ::setenv("CONNECTOR_FULL_RESYNC", "", 1); // empty counts as unset
    ::setenv("CONNECTOR_SOMETHING_ELSE", "ignored", 1);
    const Options o = parse({"--dsn", "from_argv"});
    CHECK(o.run.query_file == f.query);
    CHECK(o.run.target == Target::Events);
    CHECK(o.run.dsn == "from_argv");
    CHECK(o.run.klaviyo_url == "https://env.example:9");
    CHECK(o.run.dry_run);
    CHECK_FALSE(o.run.full_resync);
    CHECK(o.run.concurrency == 3);
    ::setenv("CONNECTOR_DRY_RUN", "maybe", 1);
    CHECK_THAT(error_of({}), Catch::Contains("dry-run"));
}

TEST_CASE("Options: a config file sets options below the environment, paths relative to it",
          "[cli]") {
    Files f;
    write_file(f.dir.file("mapping.json"), "{}");
    write_file(f.dir.file("sync.ini"), "# daily VIP sync\n"
                                       "query = audience.sql\n"
                                       "mapping = mapping.json\n"
                                       "target = klaviyo_profiles\n"
                                       "dsn = from_config\n"
                                       "ledger = state/ledger.sqlite\n"
                                       "retry-failed = true\n"
                                       "revision = 2026-01-15\n");
    ::setenv("CONNECTOR_REVISION", "2026-04-15", 1);
    const Options o = parse({"--config", f.dir.file("sync.ini")});
    CHECK(o.run.query_file == f.dir.path() + "/audience.sql");
    CHECK(o.run.mapping_file == f.dir.path() + "/mapping.json");
    CHECK(o.run.ledger_path == f.dir.path() + "/state/ledger.sqlite");
    CHECK(o.run.dsn == "from_config");
    CHECK(o.run.retry_failed);
    CHECK(o.run.revision == "2026-04-15");
}

TEST_CASE("Options: a config line without = names the file and the line", "[cli]") {
    Files f;
    const std::string ini = f.dir.file("sync.ini");
    write_file(ini, "# daily sync\n"
                    "[run]\n"
                    "target = klaviyo_profiles # a comment\n"
                    "\n"
                    "   \t\n"
                    "dsn shop\n"
                    "query = audience.sql\n");
    const std::string message = error_of({"--config", ini});
    CHECK_THAT(message,
               Catch::StartsWith("config file '" + ini + "', line 6: not a 'name = value' line"));
    CHECK(message.find("dsn shop") == std::string::npos);
    // A '=' inside a comment does not count.
    write_file(ini, "target = klaviyo_profiles\n"
                    "dsn # = shop\n");
    CHECK_THAT(error_of({"--config", ini}),
               Catch::StartsWith("config file '" + ini + "', line 2:"));
}

TEST_CASE("Options: a directory given as the config file is refused", "[cli]") {
    Files f;
    CHECK(error_of({"--config", f.dir.path()}) ==
          "config file '" + f.dir.path() + "' is not a regular file (--config)");
    CHECK(error_of({"status", "--config", f.dir.path()}) ==
          "config file '" + f.dir.path() + "' is not a regular file (--config)");
    CHECK(error_of({"--config", f.dir.file("none.ini")}) ==
          "config file '" + f.dir.file("none.ini") + "' not found (--config)");
}

TEST_CASE("Options: the API key is refused on the command line in every spelling", "[cli]") {
    for (const char *arg : {"--api-key", "--api-key=pk_live_abc", "--api_key", "--apikey=x"}) {
        const std::string message = error_of({"--dsn", "x", arg, "pk_live_abc"});
        CHECK_THAT(message, Catch::StartsWith("--api-key is refused"));
        CHECK_THAT(message, Catch::Contains("KLAVIYO_API_KEY"));
        CHECK(message.find("pk_live_abc") == std::string::npos);
    }
    // --api-key-file is the legitimate option and is not confused with it.
    Files f;
    write_file(f.dir.file("key"), "pk_x");
    const Options o = parse({"--query", f.query, "--target", "klaviyo_events", "--dsn", "x",
                             "--api-key-file", f.dir.file("key")});
    CHECK(o.run.api_key_file == f.dir.file("key"));
}

TEST_CASE("Options: a key given as --api-key-file is refused without repeating it", "[cli]") {
    Files f;
    const std::string secret = "pk_secret_0123456789abcdef";
    for (const std::vector<std::string> &key_args :
         {std::vector<std::string>{"--api-key-file=" + secret},
          std::vector<std::string>{"--api-key-file", secret}}) {
        std::vector<std::string> args{"--query",          f.query, "--target",
                                      "klaviyo_profiles", "--dsn", "x"};
        args.insert(args.end(), key_args.begin(), key_args.end());
        const std::string message = error_of(args);
        CHECK_THAT(message, Catch::Contains("the value of --api-key-file names no existing file") &&
                                Catch::Contains("looks like a Klaviyo API key itself") &&
                                Catch::Contains("KLAVIYO_API_KEY"));
        CHECK(message.find("pk_secret") == std::string::npos);
    }
    // In a config file: the line is named, the value is not.
    write_file(f.dir.file("sync.ini"), "query = audience.sql\n"
                                       "target = klaviyo_profiles\n"
                                       "dsn = x\n"
                                       "api-key-file = " +
                                           secret + "\n");
    const std::string message = error_of({"--config", f.dir.file("sync.ini")});
    CHECK_THAT(message, Catch::Contains("api-key-file in config file '" + f.dir.file("sync.ini") +
                                        "', line 4") &&
                            Catch::Contains("looks like a Klaviyo API key itself"));
    CHECK(message.find("pk_secret") == std::string::npos);
    // A key file that exists is read even when its name starts with pk_.
    write_file(f.dir.file("pk_live.key"), "pk_x");
    write_file(f.dir.file("sync.ini"), "query = audience.sql\n"
                                       "target = klaviyo_profiles\n"
                                       "dsn = x\n"
                                       "api-key-file = pk_live.key\n");
    CHECK(parse({"--config", f.dir.file("sync.ini")}).run.api_key_file ==
          f.dir.path() + "/pk_live.key");
}

TEST_CASE("Options: abbreviated options are not guessed", "[cli]") {
    // Boost would otherwise read "--api-key-f" or "--query-t" as the longer option.
    CHECK_THAT(error_of({"--api-key-f", "secret"}),
               Catch::Contains("unknown option '--api-key-f'"));
    CHECK_THAT(error_of({"--concur", "2"}), Catch::Contains("unknown option '--concur'"));
}

TEST_CASE("Options: wrong values say what to do", "[cli]") {
    Files f;
    const std::vector<std::string> base{"--query",          f.query, "--target",
                                        "klaviyo_profiles", "--dsn", "shop"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        return error_of(args);
    };
    CHECK(with({"--api-mode", "batch"}) == "unknown --api-mode 'batch': use bulk or single");
    CHECK_THAT(with({"--concurrency", "0"}), Catch::Contains("use 1 to 32"));
    CHECK_THAT(with({"--concurrency", "many"}), Catch::Contains("'many'"));
    CHECK_THAT(with({"--wait-lock", "-1"}), Catch::Contains("--wait-lock -1 is out of range"));
    CHECK_THAT(with({"--ca-file", "/nonexistent/ca.pem"}),
               Catch::Contains("CA file '/nonexistent/ca.pem' not found"));
    CHECK_THAT(with({"--api-key-file", "/nonexistent/key"}),
               Catch::Contains("API key file '/nonexistent/key' not found"));
    CHECK_THAT(with({"--report", "/nonexistent/dir/report.json"}),
               Catch::Contains("folder '/nonexistent/dir' does not exist"));
    CHECK_THAT(error_of({"--query", f.dir.path(), "--target", "klaviyo_events", "--dsn", "x"}),
               Catch::Contains("query file '" + f.dir.path() + "' is not a regular file"));
    CHECK_THAT(with({"extra"}), Catch::Contains("unexpected argument"));
}

TEST_CASE("Options: help, version and status are recognised", "[cli]") {
    CHECK(parse({"--help"}).command == Command::Help);
    CHECK(parse({"-h"}).command == Command::Help);
    CHECK(parse({"--version"}).command == Command::Version);
    const Options s = parse({"status", "--ledger", "/tmp/l.sqlite", "--sync", "vip", "--format",
                             "json", "--runs", "3"});
    REQUIRE(s.command == Command::Status);
    CHECK(s.status.ledger_path == "/tmp/l.sqlite");
    CHECK(s.status.sync_name == "vip");
    CHECK(s.status.json);
    CHECK(s.status.runs == 3);
    const Options h = parse({"status", "--help"});
    CHECK(h.command == Command::Help);
    CHECK(h.status_help);
}

TEST_CASE("Options: status reads the ledger from the environment and ignores run keys of a "
          "shared config",
          "[cli]") {
    TempDir dir;
    write_file(dir.file("sync.ini"), "query = audience.sql\ntarget = klaviyo_events\n"
                                     "sync = orders\n");
    ::setenv("CONNECTOR_LEDGER", "/var/lib/connector/ledger.sqlite", 1);
    const Options s = parse({"status", "--config", dir.file("sync.ini")});
    CHECK(s.status.ledger_path == "/var/lib/connector/ledger.sqlite");
    CHECK(s.status.sync_name == "orders");
}

TEST_CASE("Options: help text lists every option's environment variable form and exit codes",
          "[cli]") {
    const std::string help = help_text();
    for (const char *option :
         {"--query",         "--target",        "--mapping",     "--dsn",
          "--connection",    "--ledger",        "--sync",        "--dry-run",
          "--full-resync",   "--retry-failed",  "--limit",       "--klaviyo-url",
          "--ca-file",       "--revision",      "--api-mode",    "--concurrency",
          "--log-format",    "--report",        "--config",      "--quiet",
          "--verbose",       "--version",       "--wait-lock",   "--warehouse-timezone",
          "--login-timeout", "--query-timeout", "--api-key-file"})
        CHECK_THAT(help, Catch::Contains(option));
    for (const char *code :
         {"  0  ", "  1  ", "  2  ", "  3  ", "  4  ", "  5  ", "  6  ", "  7  "})
        CHECK_THAT(help, Catch::Contains(code));
    CHECK(help.find("  --api-key ") == std::string::npos); // no such option line
    CHECK(environment_name("klaviyo-url") == "CONNECTOR_KLAVIYO_URL");
    CHECK(environment_name("dry-run") == "CONNECTOR_DRY_RUN");
}

TEST_CASE("Options: targets parse and an unknown one lists the valid ones", "[cli]") {
    CHECK(parse_target("klaviyo_profiles") == Target::Profiles);
    CHECK(parse_target("klaviyo_events") == Target::Events);
    CHECK_THROWS_WITH(parse_target("Klaviyo"), "unknown target 'Klaviyo': valid targets are "
                                               "klaviyo_profiles, klaviyo_events");
}
