// Faults injected by the fake instead of kills: 5xx bursts, dropped and hanging connections,
// 429 storms under scaled real rate limits. The run ends with exactly the expected state (exit
// 0), or leaves the records transient (exit 5) and the next run finishes them.
#include "resilience_support.hpp"

#include <catch2/catch.hpp>

#include <iostream>

using namespace connector::resilience;
using connector::Target;

namespace {

std::vector<std::string> fake_args(const std::string &rate_limits,
                                   const std::vector<std::string> &faults) {
    std::vector<std::string> args{"--rate-limits", rate_limits, "--seed", std::to_string(seed())};
    for (const std::string &f : faults) {
        args.push_back("--fault");
        args.push_back(f);
    }
    return args;
}

/// The final checks of every scenario: the fake holds exactly the warehouse's rows, the ledger
/// has all `total` records sent.
void check_exact_state(Harness &h, long long total) {
    CHECK(first_lines(fake_differences(h.fake().state(), h.expected(), h.target())) == "");
    CHECK(first_lines(ledger_differences(h.status(), total)) == "");
}

long long klaviyo_stat(Harness &h, const std::string &name) {
    return h.report()->getObject("klaviyo")->getValue<long long>(name);
}

void print(const std::string &scenario, const FakeFigures &f, Harness &h) {
    std::cout << "resilience: " << scenario << ", seed " << seed() << ": faults injected";
    for (const auto &[kind, n] : f.injected)
        std::cout << " " << kind << "=" << n;
    std::cout << "; last run retries " << klaviyo_stat(h, "retries") << ", 429s "
              << klaviyo_stat(h, "throttled_429") << "; fake: " << f.event_posts << " event posts, "
              << f.events_dropped << " resent events dropped as duplicates, " << f.profile_posts
              << " profile posts, " << f.profiles_accepted << " profiles accepted\n";
}

} // namespace

TEST_CASE("Resilience: 5xx bursts on bulk event requests are retried within the run, every "
          "event stored once",
          "[resilience][integration]") {
    // Requests 1-3 get 503 (a burst), 5 gets 500 and 6 gets 502, whichever batches they carry:
    // three batches need eight requests.
    Harness h(Target::Events,
              fake_args("real", {"kind=status,status=503,next=3,endpoint=bulk_create_events",
                                 "kind=status,status=500,nth=5,endpoint=bulk_create_events",
                                 "kind=status,status=502,nth=6,endpoint=bulk_create_events"}));
    const connector::e2e::Result r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("sent") == 3000);
    const FakeFigures f = figures(h.fake().state(false));
    CHECK(f.injected_count("status") == 5);
    CHECK(f.event_posts == 8);
    CHECK(klaviyo_stat(h, "retries") == 5);
    CHECK(f.events_dropped == 0); // a 5xx is answered before anything is stored
    check_exact_state(h, 3000);
    print("5xx bursts, events", f, h);
}

TEST_CASE("Resilience: 5xx bursts on bulk profile imports and job polls are retried within the "
          "run, every profile with its values",
          "[resilience][integration]") {
    Harness h(
        Target::Profiles,
        fake_args("real", {"kind=status,status=503,next=2,endpoint=bulk_import_profiles",
                           "kind=status,status=502,next=2,endpoint=get_bulk_import_profiles_job",
                           "kind=status,status=504,nth=1,"
                           "endpoint=get_errors_for_bulk_import_profiles_job"}));
    const connector::e2e::Result r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("sent") == 1500);
    const FakeFigures f = figures(h.fake().state());
    CHECK(f.injected_count("status") == 5);
    CHECK(f.profile_posts == 3);
    CHECK(f.profiles_accepted == 1500);
    CHECK(f.profile_writes == 1500);
    check_exact_state(h, 1500);
    print("5xx bursts, profiles", f, h);
}

TEST_CASE("Resilience: dropped and hanging connections on bulk event requests are retried, and "
          "the events Klaviyo had already stored are dropped as duplicates",
          "[resilience][integration]") {
    // Request 1 is processed and its answer dropped, 2 is dropped unread, 4 is processed and
    // dropped, 5 hangs for a second and is dropped unread: eight requests for three batches.
    Harness h(Target::Events,
              fake_args("real", {"kind=drop_after,nth=1,endpoint=bulk_create_events",
                                 "kind=drop_before,nth=2,endpoint=bulk_create_events",
                                 "kind=drop_after,nth=4,endpoint=bulk_create_events",
                                 "kind=hang,duration_ms=1000,nth=5,endpoint=bulk_create_events"}));
    const connector::e2e::Result r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("sent") == 3000);
    const FakeFigures f = figures(h.fake().state(false));
    CHECK(f.injected_count("drop_after") == 2);
    CHECK(f.injected_count("drop_before") == 1);
    CHECK(f.injected_count("hang") == 1);
    CHECK(f.event_posts == 7);
    CHECK(klaviyo_stat(h, "retries") == 4);
    // Each request processed before its connection dropped carried a batch of 1,000 events,
    // which came back with the retry and were dropped by unique_id.
    CHECK(f.events_dropped == 2000);
    check_exact_state(h, 3000);
    print("dropped connections, events", f, h);
}

TEST_CASE("Resilience: dropped connections on a bulk profile import and its polls leave every "
          "profile with its values",
          "[resilience][integration]") {
    // The import is processed and its answer dropped (Klaviyo runs a job the connector never
    // hears of), the retry is accepted; the first job poll is dropped unread, the second after
    // it was answered.
    Harness h(Target::Profiles,
              fake_args("real", {"kind=drop_after,nth=1,endpoint=bulk_import_profiles",
                                 "kind=drop_before,nth=1,endpoint=get_bulk_import_profiles_job",
                                 "kind=drop_after,nth=2,endpoint=get_bulk_import_profiles_job"}));
    const connector::e2e::Result r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("sent") == 1500);
    const FakeFigures f = figures(h.fake().state());
    CHECK(f.injected_count("drop_after") == 2);
    CHECK(f.injected_count("drop_before") == 1);
    CHECK(f.profile_posts == 2);
    CHECK(f.profiles_accepted == 3000); // both jobs ran: profile imports are upserts
    CHECK(f.profile_writes == 3000);
    check_exact_state(h, 1500);
    print("dropped connections, profiles", f, h);
}

TEST_CASE("Resilience: a 429 storm under scaled real rate limits slows single event requests "
          "down without losing or repeating one",
          "[resilience][integration]") {
    // One request per event, 150 of them, against limits of 70/s and 700/min (a fifth of
    // Klaviyo's for POST /api/events), which the connector's pacer starts far above, plus a
    // storm: the first 6 requests are refused with Retry-After 1.
    Harness h(Target::Events,
              fake_args("scaled:0.2", {"kind=throttle,retry_after=1,next=6,endpoint=create_event"}),
              100, 150);
    const connector::e2e::Result r = h.run({"--api-mode", "single"});
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("sent") == 150);
    const FakeFigures f = figures(h.fake().state(false));
    CHECK(f.injected_count("throttle") == 6);
    CHECK(klaviyo_stat(h, "throttled_429") >= 6);
    CHECK(f.events_dropped == 0); // a 429 is answered before anything is stored
    check_exact_state(h, 150);
    print("429 storm and scaled limits, single events", f, h);
}

TEST_CASE("Resilience: a 429 storm under scaled real rate limits delays bulk event requests "
          "without losing or repeating one",
          "[resilience][integration]") {
    // Bulk limits of 3/s and 45/min (0.3 of Klaviyo's), and the first 4 requests refused with
    // Retry-After 1.
    Harness h(Target::Events,
              fake_args("scaled:0.3",
                        {"kind=throttle,retry_after=1,next=4,endpoint=bulk_create_events"}));
    const connector::e2e::Result r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("sent") == 3000);
    const FakeFigures f = figures(h.fake().state(false));
    CHECK(f.injected_count("throttle") == 4);
    CHECK(klaviyo_stat(h, "throttled_429") >= 4);
    CHECK(f.events_dropped == 0);
    check_exact_state(h, 3000);
    print("429 storm and scaled limits, bulk events", f, h);
}

TEST_CASE("Resilience: a bulk import job that accounts for fewer profiles than were sent leaves "
          "them transient (exit 5) and the next run sends them",
          "[resilience][integration]") {
    // The job reports a total_count 2 short of what was sent: the connector cannot tell which
    // profiles Klaviyo has, so it keeps all of them for the next run (imports are upserts).
    Harness h(Target::Profiles, fake_args("real", {"kind=short_total,count=2"}));
    connector::e2e::Result r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 5);
    CHECK(h.report()->getValue<std::string>("status") == "partial");
    CHECK(h.count("transient") == 1500);
    CHECK(h.count("sent") == 0);
    CHECK(h.status()->getObject("records_by_state")->getValue<long long>("transient") == 1500);

    h.fake().clear_faults();
    r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("retried") == 1500);
    CHECK(h.count("sent") == 1500);
    const FakeFigures f = figures(h.fake().state());
    CHECK(f.profile_posts == 2);
    check_exact_state(h, 1500);
    print("short job total, profiles", f, h);
}

TEST_CASE("Resilience: a 429 storm that outlasts the run's retries leaves the events transient "
          "(exit 5) and the next run sends them",
          "[resilience][integration][slow]") {
    // Slow (about 35 s): every bulk event request is refused with Retry-After 0 until the
    // storm is cleared. The one batch is tried 32 times (4 x max_attempts for 429s), at the
    // 1/s the pacer falls to after repeated short 429s, and left transient.
    Harness h(Target::Events,
              fake_args("real", {"kind=throttle,retry_after=0,endpoint=bulk_create_events"}), 500,
              1000);
    connector::e2e::Result r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 5);
    CHECK(h.report()->getValue<std::string>("status") == "partial");
    CHECK(h.count("transient") == 1000);
    CHECK(h.count("sent") == 0);
    CHECK(klaviyo_stat(h, "throttled_429") == 32);
    CHECK(h.status()->getObject("records_by_state")->getValue<long long>("transient") == 1000);
    const FakeFigures storm = figures(h.fake().state(false));
    CHECK(storm.injected_count("throttle") == 32);
    CHECK(storm.event_count == 0);

    h.fake().clear_faults();
    r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("retried") == 1000);
    CHECK(h.count("sent") == 1000);
    const FakeFigures f = figures(h.fake().state(false));
    CHECK(f.event_posts - storm.event_posts == 1);
    CHECK(f.events_dropped == 0);
    check_exact_state(h, 1000);
    print("429 storm outlasting the run, events", f, h);
}
