// SIGKILL at ten seeded points of a run (during reading, between batches, with requests in
// flight, with a bulk job open), then a run to the end: the fake holds exactly the warehouse's
// latest values, every event once, and the ledger has everything sent.
#include "resilience_support.hpp"

#include <catch2/catch.hpp>

#include <iostream>
#include <random>

using namespace connector::resilience;
using connector::Target;

namespace {

/// What a kill waits for. The run's JSON log (--verbose) and the ledger file say where it is.
enum class Wait {
    Reading,         ///< reading the query: events: a first batch diffed; profiles: columns known
    RequestInFlight, ///< records marked in flight, no bulk job open yet
    BetweenBatches,  ///< a first batch accepted by the fake, the query still being read
    BatchInFlight,   ///< batch k accepted, the next one in flight (one request at a time)
    AllRead,         ///< the whole result read and handed over, requests in flight
    JobOpen,         ///< a bulk profile import job accepted and not finished
    Resuming,        ///< a run finishing the jobs an earlier run left open
};

const char *to_string(Wait w) {
    switch (w) {
    case Wait::Reading:
        return "during reading";
    case Wait::RequestInFlight:
        return "with a request in flight";
    case Wait::BetweenBatches:
        return "between batches";
    case Wait::BatchInFlight:
        return "batch k accepted, batch k+1 in flight";
    case Wait::AllRead:
        return "after reading, requests in flight";
    case Wait::JobOpen:
        return "with a bulk job open";
    case Wait::Resuming:
        return "while resuming the open job";
    }
    return "?";
}

struct Kill {
    Wait wait;
    int max_delay_ms; ///< the kill comes a seeded 0..max_delay_ms after the point is seen
};

struct KillPoint {
    const char *name;
    Target target;
    std::vector<std::string> fake_args;
    std::vector<std::string> run_args;
    std::vector<Kill> kills;   ///< one killed run each, in order; then one run to the end
    bool changed_data = false; ///< a clean run first, then 1% of the rows changed and 1% added
    int orders = 3000;         ///< orders in the warehouse (events: one per order)
};

const std::vector<std::string> event_latency = {"--rate-limits", "off", "--fault",
                                                "kind=latency,duration_ms=500,"
                                                "endpoint=bulk_create_events"};

const std::vector<KillPoint> &kill_points() {
    static const std::vector<KillPoint> points = {
        {"events, reading the query", Target::Events, event_latency, {}, {{Wait::Reading, 50}}},
        {"events, first request in flight",
         Target::Events,
         event_latency,
         {},
         {{Wait::RequestInFlight, 300}}},
        // 4,000 orders: reading takes about twice as long, so the first batch is accepted well
        // before the rest is read, however slow the machine.
        {"events, between batches while reading",
         Target::Events,
         {"--rate-limits", "off"},
         {},
         {{Wait::BetweenBatches, 30}},
         false,
         4000},
        {"events, one request at a time: batch k accepted, batch k+1 in flight",
         Target::Events,
         event_latency,
         {"--concurrency", "1"},
         {{Wait::BatchInFlight, 200}}},
        {"events, killed twice: a request in flight, then again after reading",
         Target::Events,
         event_latency,
         {},
         {{Wait::RequestInFlight, 300}, {Wait::AllRead, 200}}},
        {"profiles, reading the query",
         Target::Profiles,
         {"--rate-limits", "off", "--job-delay-ms", "300"},
         {},
         {{Wait::Reading, 150}}},
        {"profiles, import request in flight",
         Target::Profiles,
         {"--rate-limits", "off", "--job-delay-ms", "300", "--fault",
          "kind=latency,duration_ms=800,endpoint=bulk_import_profiles"},
         {},
         {{Wait::RequestInFlight, 400}}},
        {"profiles, bulk job open",
         Target::Profiles,
         {"--rate-limits", "off", "--job-delay-ms", "2000"},
         {},
         {{Wait::JobOpen, 500}}},
        {"profiles, killed twice: job open, then while the next run resumes it",
         Target::Profiles,
         {"--rate-limits", "off", "--job-delay-ms", "2000"},
         {},
         {{Wait::JobOpen, 500}, {Wait::Resuming, 150}}},
        {"profiles, 1% changed and 1% added, bulk job open",
         Target::Profiles,
         {"--rate-limits", "off", "--job-delay-ms", "2000"},
         {},
         {{Wait::JobOpen, 500}},
         true},
    };
    return points;
}

/// The condition of a kill point for a run of `h`.
std::function<bool()> condition(Wait wait, Harness &h, connector::e2e::Process &p, int k) {
    const std::string ledger = h.ledger();
    const bool events = h.target() == Target::Events;
    auto logged = [&p](const char *event) { return log_events(p.err_so_far(), event) > 0; };
    switch (wait) {
    case Wait::Reading:
        if (events)
            return
                [=] { return ledger_counts(ledger).records >= 1000 && !logged("query_finished"); };
        return [=] { return logged("query_columns") && !logged("query_finished"); };
    case Wait::RequestInFlight:
        return [=] {
            const LedgerCounts c = ledger_counts(ledger);
            return c.in_flight > 0 && c.open_jobs == 0;
        };
    case Wait::BetweenBatches:
        return [=] { return ledger_counts(ledger).sent >= 1000 && !logged("query_finished"); };
    case Wait::BatchInFlight:
        return [=] { return ledger_counts(ledger).sent >= 1000LL * k; };
    case Wait::AllRead:
        return [=] { return logged("query_finished"); };
    case Wait::JobOpen:
        return [=] { return logged("job_submitted"); };
    case Wait::Resuming:
        return [=] { return logged("jobs_resuming"); };
    }
    return [] { return true; };
}

long long crashed_runs(const Poco::JSON::Object::Ptr &sync) {
    long long n = 0;
    const auto runs = sync->getArray("runs");
    for (std::size_t i = 0; runs && i < runs->size(); ++i)
        n += runs->getObject(static_cast<unsigned>(i))->getValue<std::string>("status") == "crashed"
                 ? 1
                 : 0;
    return n;
}

void run_kill_point(std::size_t index) {
    const KillPoint &point = kill_points().at(index);
    const unsigned long long s = seed();
    std::mt19937_64 rng(s * 1000 + index);
    INFO("kill point " << index << " (" << point.name << "), seed " << s
                       << " (CONNECTOR_RESILIENCE_SEED)");

    Harness h(point.target, point.fake_args, 1500, point.orders);
    const long long base = point.target == Target::Profiles ? 1500 : point.orders;
    long long total = base;
    long long posts_before = 0;
    if (point.changed_data) {
        const connector::e2e::Result first = h.run(point.run_args);
        INFO(first.both());
        REQUIRE(first.exit_code == 0);
        h.shop().exec("UPDATE customers SET tier = 'platinum', version = version + 1 "
                      "WHERE customer_id % 100 = 17");
        h.shop().add_customers(1501, 1515);
        total += 15;
        posts_before = figures(h.fake().state(false)).profile_posts;
    }

    std::string where;
    for (const Kill &kill : point.kills) {
        const int k = std::uniform_int_distribution<int>(1, 2)(rng);
        const int delay = std::uniform_int_distribution<int>(0, kill.max_delay_ms)(rng);
        const std::string what =
            std::string(to_string(kill.wait)) +
            (kill.wait == Wait::BatchInFlight ? " (k=" + std::to_string(k) + ")" : std::string()) +
            " + " + std::to_string(delay) + " ms";
        auto run = h.start(point.run_args);
        try {
            kill_when(*run, condition(kill.wait, h, *run, k), std::chrono::milliseconds(delay),
                      what);
        } catch (const std::exception &e) {
            FAIL(e.what());
        }
        where +=
            (where.empty() ? "" : "; then ") + what + ": " + ledger_counts(h.ledger()).describe();
    }

    // The run after the kills, without faults, to the end.
    h.fake().clear_faults();
    const connector::e2e::Result last = h.run(point.run_args);
    INFO("killed " << where);
    INFO(last.both());
    REQUIRE(last.exit_code == 0);
    CHECK(h.report()->getValue<std::string>("status") == "success");

    const auto state = h.fake().state();
    CHECK(first_lines(fake_differences(state, h.expected(), point.target)) == "");
    const auto sync = h.status();
    CHECK(first_lines(ledger_differences(sync, total)) == "");
    CHECK(crashed_runs(sync) == static_cast<long long>(point.kills.size()));
    const FakeFigures f = figures(state);
    if (point.kills.front().wait == Wait::JobOpen) {
        // The job Klaviyo had accepted was finished by the next run, not sent again.
        CHECK(f.profile_posts - posts_before == 1);
        CHECK(f.profiles_accepted == base + (point.changed_data ? 30 : 0));
    }
    std::cout << "resilience: kill point " << index << " (" << point.name << "), seed " << s
              << ": killed " << where << "; last run retried " << h.count("retried") << ", sent "
              << h.count("sent") << ", resumed "
              << h.report()->getObject("bulk_jobs")->getValue<long long>("resumed")
              << " jobs; fake: ";
    if (point.target == Target::Events)
        std::cout << f.event_count << " events, " << f.events_dropped
                  << " resent events dropped as duplicates, " << f.event_posts
                  << " event requests\n";
    else
        std::cout << f.profile_count << " profiles, " << f.profile_writes - f.profile_count
                  << " repeated profile writes, " << f.profile_posts << " import requests\n";
}

} // namespace

TEST_CASE("Resilience: events runs killed with SIGKILL at five seeded points are finished by "
          "the next run, every event stored once",
          "[resilience][integration]") {
    run_kill_point(static_cast<std::size_t>(GENERATE(0, 1, 2, 3, 4)));
}

TEST_CASE("Resilience: profiles runs killed with SIGKILL at five seeded points are finished by "
          "the next run, every profile with its latest values",
          "[resilience][integration]") {
    run_kill_point(static_cast<std::size_t>(GENERATE(5, 6, 7, 8, 9)));
}

TEST_CASE("Resilience: a run killed with a bulk job open, whose job Klaviyo then forgot, is "
          "finished by the next run: the job's records are sent again and the run succeeds",
          "[resilience][integration]") {
    Harness h(Target::Profiles, {"--rate-limits", "off", "--job-delay-ms", "2000"});
    auto run = h.start();
    try {
        kill_when(*run, condition(Wait::JobOpen, h, *run, 1), std::chrono::milliseconds(200),
                  "with a bulk job open");
    } catch (const std::exception &e) {
        FAIL(e.what());
    }
    const LedgerCounts killed = ledger_counts(h.ledger());
    INFO("killed with a bulk job open: " << killed.describe());
    REQUIRE(killed.open_jobs >= 1);
    h.fake().reset(); // Klaviyo no longer knows the job (nor the profiles): a poll answers 404

    const connector::e2e::Result last = h.run();
    INFO(last.both());
    // Each record of the forgotten job counts once, as sent in this run, not also as
    // transient: exit 0, not 5 (partial).
    REQUIRE(last.exit_code == 0);
    CHECK(h.report()->getValue<std::string>("status") == "success");
    CHECK(log_events(last.err, "klaviyo_notice") >= 1); // the 404 was seen and said
    CHECK(h.count("transient") == 0);
    CHECK(h.count("sent") == 1500);
    CHECK(h.report()->getObject("bulk_jobs")->getValue<long long>("resumed") == killed.open_jobs);
    CHECK(first_lines(fake_differences(h.fake().state(), h.expected(), Target::Profiles)) == "");
    CHECK(first_lines(ledger_differences(h.status(), 1500)) == "");
}
