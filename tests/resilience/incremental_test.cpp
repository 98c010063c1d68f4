// Incremental runs: a run over unchanged data sends nothing, a changed row is sent once, an
// added row is sent once, whatever else the query returns.
#include "resilience_support.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace connector::resilience;
using connector::Target;

TEST_CASE("Resilience: a profiles sync sends nothing when nothing changed, then exactly the "
          "changed and the added profiles",
          "[resilience][integration]") {
    Harness h(Target::Profiles, {"--rate-limits", "off", "--job-delay-ms", "100"});
    const long long customers = 1500;

    connector::e2e::Result r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("new") == customers);
    CHECK(h.count("sent") == customers);
    auto state = h.fake().state();
    CHECK(first_lines(fake_differences(state, h.expected(), Target::Profiles)) == "");
    const FakeFigures first = figures(state);
    CHECK(first.profile_posts == 1); // 1,500 profiles fit one bulk import job

    {
        // Unchanged: zero requests.
        r = h.run();
        INFO(r.both());
        REQUIRE(r.exit_code == 0);
        CHECK(h.count("unchanged") == customers);
        CHECK(h.count("to_send") == 0);
        CHECK(h.count("sent") == 0);
        CHECK(figures(h.fake().state(false)).requests == first.requests);
        CHECK(h.report()->getObject("klaviyo")->getValue<long long>("requests") == 0);
    }

    {
        // 1% of the rows changed: exactly those are sent, with their new values.
        h.shop().exec("UPDATE customers SET tier = 'platinum', "
                      "lifetime_value = lifetime_value + 1000, version = version + 1 "
                      "WHERE customer_id % 100 = 42");
        std::set<std::string> changed;
        for (int id = 42; id <= customers; id += 100)
            changed.insert(std::to_string(id));
        REQUIRE(changed.size() == 15);
        // Before the run the fake differs from the warehouse in exactly those rows' 3 values.
        CHECK(fake_differences(h.fake().state(), h.expected(), Target::Profiles).size() == 45);

        r = h.run();
        INFO(r.both());
        REQUIRE(r.exit_code == 0);
        CHECK(h.count("changed") == 15);
        CHECK(h.count("new") == 0);
        CHECK(h.count("unchanged") == customers - 15);
        CHECK(h.count("sent") == 15);

        state = h.fake().state();
        const FakeFigures now = figures(state);
        CHECK(now.profile_posts - first.profile_posts == 1);
        CHECK(now.profiles_accepted - first.profiles_accepted == 15);
        CHECK(now.profile_writes - first.profile_writes == 15);
        CHECK(now.profile_count == customers);
        // The profiles written twice are exactly the changed ones, and they hold the new values.
        std::set<std::string> written_twice;
        const auto profiles = state->getArray("profiles");
        for (std::size_t i = 0; i < profiles->size(); ++i) {
            const auto p = profiles->getObject(static_cast<unsigned>(i));
            if (p->getValue<long long>("writes") == 2)
                written_twice.insert(p->getValue<std::string>("external_id"));
        }
        CHECK(written_twice == changed);
        CHECK(first_lines(fake_differences(state, h.expected(), Target::Profiles)) == "");
    }

    {
        // Rows added: only they are sent.
        h.shop().add_customers(customers + 1, customers + 30);
        r = h.run();
        INFO(r.both());
        REQUIRE(r.exit_code == 0);
        CHECK(h.count("new") == 30);
        CHECK(h.count("unchanged") == customers);
        CHECK(h.count("sent") == 30);

        state = h.fake().state();
        const FakeFigures now = figures(state);
        CHECK(now.profile_posts - first.profile_posts == 2);
        CHECK(now.profiles_accepted - first.profiles_accepted == 45);
        CHECK(now.profile_writes - first.profile_writes == 45);
        CHECK(now.profile_count == customers + 30);
        CHECK(first_lines(fake_differences(state, h.expected(), Target::Profiles)) == "");
        CHECK(first_lines(ledger_differences(h.status(), customers + 30)) == "");
    }
}

TEST_CASE("Resilience: an events sync sends nothing when nothing changed, never resends a "
          "changed event, and sends exactly the added ones",
          "[resilience][integration]") {
    Harness h(Target::Events, {"--rate-limits", "off"});
    const long long orders = 3000;

    connector::e2e::Result r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("sent") == orders);
    auto expected = h.expected(); // the values as first sent
    auto state = h.fake().state();
    CHECK(first_lines(fake_differences(state, expected, Target::Events)) == "");
    const FakeFigures first = figures(state);
    CHECK(first.event_posts == 3); // 1,000 events per bulk request
    CHECK(first.events_dropped == 0);

    // Unchanged: zero requests.
    r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("unchanged") == orders);
    CHECK(h.count("sent") == 0);
    CHECK(figures(h.fake().state(false)).requests == first.requests);

    // 1% of the orders changed in the warehouse: an event is sent once per unique id, ever, so
    // they are not sent again (and Klaviyo would drop them anyway).
    h.shop().exec("UPDATE orders SET total = total + 1 WHERE order_id % 100 = 7");
    r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("unchanged") == orders);
    CHECK(h.count("sent") == 0);
    CHECK(figures(h.fake().state(false)).requests == first.requests);

    // Added orders: exactly they are sent.
    h.shop().add_orders(orders + 1, orders + 30);
    CHECK(fake_differences(h.fake().state(), h.expected(), Target::Events).size() == 30 + 30);
    r = h.run();
    INFO(r.both());
    REQUIRE(r.exit_code == 0);
    CHECK(h.count("new") == 30);
    CHECK(h.count("unchanged") == orders);
    CHECK(h.count("sent") == 30);
    state = h.fake().state();
    const FakeFigures now = figures(state);
    CHECK(now.event_posts - first.event_posts == 1);
    CHECK(now.events_accepted - first.events_accepted == 30);
    CHECK(now.events_dropped == 0);
    CHECK(now.event_count == orders + 30);
    for (const auto &[key, e] : h.expected()) {
        if (!expected.count(key))
            expected[key] = e; // the added orders
    }
    REQUIRE(expected.size() == orders + 30);
    CHECK(first_lines(fake_differences(state, expected, Target::Events)) == "");
    CHECK(first_lines(ledger_differences(h.status(), orders + 30)) == "");
}
