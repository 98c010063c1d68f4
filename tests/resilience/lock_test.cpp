// Two runs of the same sync never overlap: the second exits with the "ledger locked" code
// naming the holder, or waits with --wait-lock; a lock left by a SIGKILLed run blocks nothing.
#include "resilience_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

using namespace connector::resilience;
using connector::Target;

namespace {

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0)
        return "";
    return name;
}

long long runs_in_ledger(Harness &h) {
    return static_cast<long long>(h.status()->getArray("runs")->size());
}

} // namespace

TEST_CASE("Resilience: a second run of a running sync exits 6 naming the holder, and with "
          "--wait-lock it waits and then runs",
          "[resilience][integration]") {
    // Every bulk request is held 3 s by the fake, so the first run holds the lock a while.
    Harness h(Target::Events, {"--rate-limits", "off", "--fault",
                               "kind=latency,duration_ms=3000,endpoint=bulk_create_events"});
    auto first = h.start();
    REQUIRE(first->wait_for_err("\"event\":\"run_started\"", 120));

    const connector::e2e::Result second = h.run();
    INFO(second.both());
    CHECK(second.exit_code == 6);
    CHECK_THAT(second.err, Catch::Contains("is locked for sync 'shop_events'"));
    CHECK_THAT(second.err, Catch::Contains("by pid " + std::to_string(first->pid()) + " on host " +
                                           host_name()));
    CHECK_THAT(second.err, Catch::Contains("--wait-lock"));

    auto third = h.start({"--wait-lock", "120"});
    const connector::e2e::Result first_done = first->wait();
    INFO(first_done.both());
    REQUIRE(first_done.exit_code == 0);
    const connector::e2e::Result third_done = third->wait();
    INFO(third_done.both());
    REQUIRE(third_done.exit_code == 0);
    // It ran after the first one had sent everything: all unchanged, nothing sent.
    CHECK(h.count("unchanged") == 3000);
    CHECK(h.count("sent") == 0);
    CHECK(h.report()->getObject("klaviyo")->getValue<long long>("requests") == 0);
    // The refused run left no trace in the ledger: two runs, both successful.
    const auto sync = h.status();
    const auto runs = sync->getArray("runs");
    REQUIRE(runs->size() == 2);
    CHECK(runs->getObject(0)->getValue<std::string>("status") == "success");
    CHECK(runs->getObject(1)->getValue<std::string>("status") == "success");
    CHECK(runs->getObject(1)->getValue<long long>("pid") == first->pid());
    CHECK(runs->getObject(0)->getValue<long long>("pid") == third->pid());
    // ISO-8601 UTC times compare as text: the waiting run started when the first had ended.
    CHECK(runs->getObject(0)->getValue<std::string>("started_at") >=
          runs->getObject(1)->getValue<std::string>("ended_at"));
    CHECK(first_lines(fake_differences(h.fake().state(), h.expected(), Target::Events)) == "");
    CHECK(figures(h.fake().state(false)).events_dropped == 0);
}

TEST_CASE("Resilience: the lock of a run killed with SIGKILL does not block the next run",
          "[resilience][integration]") {
    Harness h(Target::Events, {"--rate-limits", "off", "--fault",
                               "kind=latency,duration_ms=500,endpoint=bulk_create_events"});
    auto killed = h.start();
    try {
        kill_when(
            *killed, [&] { return log_events(killed->err_so_far(), "query_started") > 0; },
            std::chrono::milliseconds(0), "holding the lock, reading the query");
    } catch (const std::exception &e) {
        FAIL(e.what());
    }
    REQUIRE(runs_in_ledger(h) == 1);

    // No --wait-lock: a stale lock would make this exit 6 at once.
    const connector::e2e::Result next = h.run();
    INFO(next.both());
    REQUIRE(next.exit_code == 0);
    CHECK(h.count("sent") == 3000);
    const auto sync = h.status();
    const auto runs = sync->getArray("runs");
    REQUIRE(runs->size() == 2);
    CHECK(runs->getObject(1)->getValue<std::string>("status") == "crashed");
    CHECK(runs->getObject(0)->getValue<std::string>("status") == "success");
    CHECK(first_lines(ledger_differences(sync, 3000)) == "");
    CHECK(first_lines(fake_differences(h.fake().state(), h.expected(), Target::Events)) == "");
}
