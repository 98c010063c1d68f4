#include "core/error.hpp"
#include "ledger/defaults.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using connector::Target;
using connector::ledger::default_ledger_path;
using connector::ledger::default_sync_name;

TEST_CASE("default_sync_name: the query file's stem and the target", "[ledger]") {
    CHECK(default_sync_name("sql/audience.sql", Target::Events) == "audience:klaviyo_events");
    CHECK(default_sync_name("/srv/q/vip.customers.sql", Target::Profiles) ==
          "vip.customers:klaviyo_profiles");
    CHECK(default_sync_name("orders", Target::Events) == "orders:klaviyo_events");
    CHECK(default_sync_name("", Target::Profiles) == "query:klaviyo_profiles");
}

TEST_CASE("default_ledger_path: CONNECTOR_LEDGER, then XDG_STATE_HOME, then ~/.local/state",
          "[ledger]") {
    // Each test case runs in its own process (one CTest entry each), so setenv is contained.
    setenv("HOME", "/home/tester", 1);
    unsetenv("CONNECTOR_LEDGER");
    unsetenv("XDG_STATE_HOME");
    CHECK(default_ledger_path() == "/home/tester/.local/state/connector/ledger.sqlite");
    setenv("XDG_STATE_HOME", "relative/state", 1); // invalid per the XDG spec: ignored
    CHECK(default_ledger_path() == "/home/tester/.local/state/connector/ledger.sqlite");
    setenv("XDG_STATE_HOME", "/var/lib/me", 1);
    CHECK(default_ledger_path() == "/var/lib/me/connector/ledger.sqlite");
    setenv("CONNECTOR_LEDGER", "/data/ledger.db", 1);
    CHECK(default_ledger_path() == "/data/ledger.db");
}
