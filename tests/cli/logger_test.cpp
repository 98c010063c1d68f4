#include "cli/logger.hpp"
#include "cli/terminal.hpp"
#include "support/json_keys.hpp"
#include "support/temp_dir.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sstream>
#include <unistd.h>

using namespace connector;
using namespace connector::cli;

namespace {

/// A Terminal writing into a temp file, read back as lines.
struct Captured {
    connector::test::TempDir dir;
    std::string path = dir.file("stderr");
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ~Captured() { ::close(fd); }
    std::vector<std::string> lines() const {
        std::istringstream in(connector::test::read_file(path));
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);)
            out.push_back(line);
        return out;
    }
};

} // namespace

TEST_CASE("Logger: JSON lines carry time, level, run id, context, event, message and fields",
          "[cli][integration]") {
    Captured c;
    Terminal terminal(c.fd, false);
    Logger log(terminal, LogFormat::Json, sync::LogLevel::Info, "20260501T100000Z-0000abcd");
    log.add_context("sync", "vip:klaviyo_profiles");
    log.on_event({sync::LogLevel::Warning,
                  "row_rejected",
                  "row 7, column email: rejected (invalid_email): \"ada@\" is not an email",
                  {sync::field("row", std::uint64_t{7}), sync::field("column", "email")}});
    log.on_event({sync::LogLevel::Debug, "hidden", "below the level", {}});
    const auto lines = c.lines();
    REQUIRE(lines.size() == 1);
    Poco::JSON::Parser parser;
    const auto o = parser.parse(lines[0]).extract<Poco::JSON::Object::Ptr>();
    CHECK(o->getValue<std::string>("level") == "warning");
    CHECK(o->getValue<std::string>("run_id") == "20260501T100000Z-0000abcd");
    CHECK(o->getValue<std::string>("sync") == "vip:klaviyo_profiles");
    CHECK(o->getValue<std::string>("event") == "row_rejected");
    CHECK(o->getValue<std::string>("message") ==
          "row 7, column email: rejected (invalid_email): \"ada@\" is not an email");
    CHECK(o->getValue<int>("row") == 7);
    CHECK(o->getValue<std::string>("column") == "email");
    CHECK(o->getValue<std::string>("time").size() == 24);
}

TEST_CASE("Logger: a JSON line names each key once, even when the event repeats the context",
          "[cli][integration]") {
    Captured c;
    Terminal terminal(c.fd, false);
    Logger log(terminal, LogFormat::Json, sync::LogLevel::Info, "20260501T100000Z-0000abcd");
    log.add_context("sync", "vip:klaviyo_profiles");
    // As run_started does: the sync name is one of its fields.
    log.on_event(
        {sync::LogLevel::Info,
         "run_started",
         "run 1 of sync vip:klaviyo_profiles",
         {sync::field("sync", "vip:klaviyo_profiles"), sync::field("target", "klaviyo_profiles"),
          sync::field("event", "shadowed"), sync::field("ledger_run_id", std::int64_t{1})}});
    const auto lines = c.lines();
    REQUIRE(lines.size() == 1);
    INFO(lines[0]);
    CHECK(connector::test::duplicate_keys(lines[0]).empty());
    Poco::JSON::Parser parser;
    const auto o = parser.parse(lines[0]).extract<Poco::JSON::Object::Ptr>();
    CHECK(o->getValue<std::string>("sync") == "vip:klaviyo_profiles");
    CHECK(o->getValue<std::string>("event") == "run_started");
    CHECK(o->getValue<std::string>("target") == "klaviyo_profiles");
    CHECK(o->getValue<int>("ledger_run_id") == 1);
}

TEST_CASE("duplicate_keys: finds keys repeated at the top level only", "[cli]") {
    using connector::test::duplicate_keys;
    CHECK(duplicate_keys(R"({"a":1,"b":"x,\"a\":"})").empty());
    CHECK(duplicate_keys(R"({"a":{"b":1,"b":2},"c":[{"a":1}]})").empty());
    CHECK(duplicate_keys(R"({"sync":"v","event":"e","sync":"v","a":1,"a":2,"a":3})") ==
          std::vector<std::string>{"sync", "a"});
    CHECK_THROWS_AS(duplicate_keys("[1,2]"), std::invalid_argument);
    CHECK_THROWS_AS(duplicate_keys(R"({"a":1)"), std::invalid_argument);
}

TEST_CASE("Logger: text lines are 'time level event: message' and respect the level",
          "[cli][integration]") {
    Captured c;
    Terminal terminal(c.fd, false);
    Logger log(terminal, LogFormat::Text, sync::LogLevel::Warning, "r");
    log.info("run_started", "not shown");
    log.warning("row_warning", "row 3, column phone: invalid_phone_dropped: N/A");
    log.error("run_failed", "warehouse: no such table");
    const auto lines = c.lines();
    REQUIRE(lines.size() == 2);
    CHECK_THAT(
        lines[0],
        Catch::EndsWith(" warning row_warning: row 3, column phone: invalid_phone_dropped: N/A"));
    CHECK_THAT(lines[1], Catch::EndsWith(" error run_failed: warehouse: no such table"));
}

TEST_CASE("Terminal: a log line clears the progress line and draws it again below",
          "[cli][integration]") {
    Captured c;
    Terminal terminal(c.fd, true);
    terminal.show_progress("reading · 10 rows");
    terminal.write_line("a warning");
    terminal.clear_progress();
    const std::string bytes = connector::test::read_file(c.path);
    CHECK(bytes == "\r\033[Kreading · 10 rows\r\033[Ka warning\nreading · 10 rows\r\033[K");
}

TEST_CASE("Terminal: no progress line when stderr is not a terminal", "[cli][integration]") {
    Captured c;
    Terminal terminal(c.fd, false);
    terminal.show_progress("reading");
    terminal.write_line("line");
    terminal.clear_progress();
    CHECK(connector::test::read_file(c.path) == "line\n");
}

TEST_CASE("Logger: run ids are unique and sortable by time", "[cli]") {
    const std::string a = new_run_id();
    const std::string b = new_run_id();
    CHECK(a != b);
    CHECK(a.size() == 25);
    CHECK(a[8] == 'T');
    CHECK(a[15] == 'Z');
}
