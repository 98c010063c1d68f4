#include "klaviyo/pacer.hpp"

#include <catch2/catch.hpp>

using namespace connector::klaviyo;
using namespace std::chrono_literals;
using Clock = Pacer::Clock;

namespace {

// How many of `n` requests reserved at `now` may leave within `window` of it.
int leaving_within(Pacer &pacer, Endpoint e, Clock::time_point now, int n, Clock::duration window) {
    int count = 0;
    for (int i = 0; i < n; ++i)
        if (pacer.reserve(e, now).at < now + window)
            ++count;
    return count;
}

} // namespace

TEST_CASE("Pacer: no one-second window holds more than the burst limit", "[klaviyo]") {
    Pacer pacer(true);
    const auto t0 = Clock::time_point{} + 1000s;
    // Bulk endpoints: 10/s. The first ten leave at once, the eleventh a window later.
    std::vector<Clock::time_point> at;
    for (int i = 0; i < 30; ++i)
        at.push_back(pacer.reserve(Endpoint::EventBulkCreate, t0).at);
    CHECK(at[9] == t0);
    CHECK(at[10] >= t0 + 1s);
    for (std::size_t i = 10; i < at.size(); ++i)
        CHECK(at[i] - at[i - 10] >= 1s);
}

TEST_CASE("Pacer: no minute holds more than the steady limit", "[klaviyo]") {
    Pacer pacer(true);
    const auto t0 = Clock::time_point{} + 1000s;
    std::vector<Clock::time_point> at;
    for (int i = 0; i < 400; ++i)
        at.push_back(pacer.reserve(Endpoint::ProfileBulkImport, t0).at);
    for (std::size_t i = 150; i < at.size(); ++i)
        CHECK(at[i] - at[i - 150] >= 60s);
    // Bursting is still allowed inside the minute.
    CHECK(at[149] - t0 < 20s);
}

TEST_CASE("Pacer: profile-import is budgeted at 700 per minute", "[klaviyo]") {
    Pacer pacer(true);
    CHECK(pacer.limits(Endpoint::ProfileImport).per_minute == 700);
    CHECK(pacer.limits(Endpoint::ProfileImport).per_second == 75);
    CHECK(pacer.limits(Endpoint::EventCreate).per_minute == 3500);
    const auto t0 = Clock::time_point{} + 1000s;
    CHECK(leaving_within(pacer, Endpoint::ProfileImport, t0, 800, 60s) == 700);
}

TEST_CASE("Pacer: Retry-After of a 429 closes the endpoint until it passes", "[klaviyo]") {
    Pacer pacer(true);
    const auto t0 = Clock::time_point{} + 1000s;
    pacer.on_throttled(Endpoint::EventCreate, t0, 7s);
    CHECK(pacer.reserve(Endpoint::EventCreate, t0).at >= t0 + 7s);
    CHECK(pacer.reserve(Endpoint::EventBulkCreate, t0).at == t0); // other endpoints unaffected
}

TEST_CASE("Pacer: RateLimit-Remaining 0 waits for RateLimit-Reset", "[klaviyo]") {
    Pacer pacer(true);
    const auto t0 = Clock::time_point{} + 1000s;
    const auto slot = pacer.reserve(Endpoint::EventBulkCreate, t0);
    pacer.on_response(Endpoint::EventBulkCreate, slot, t0, 150, 0, 30.0);
    CHECK(pacer.reserve(Endpoint::EventBulkCreate, t0).at >= t0 + 30s);
}

TEST_CASE("Pacer: RateLimit-Remaining counts requests reserved after the answered one",
          "[klaviyo]") {
    Pacer pacer(true);
    const auto t0 = Clock::time_point{} + 1000s;
    const auto first = pacer.reserve(Endpoint::EventCreate, t0);
    pacer.reserve(Endpoint::EventCreate, t0); // in flight, not yet counted by the server
    pacer.on_response(Endpoint::EventCreate, first, t0, std::nullopt, 2, 40.0);
    CHECK(pacer.reserve(Endpoint::EventCreate, t0).at < t0 + 1s); // the one left
    CHECK(pacer.reserve(Endpoint::EventCreate, t0).at >= t0 + 40s);
}

TEST_CASE("Pacer: a lower RateLimit-Limit lowers the steady limit", "[klaviyo]") {
    Pacer pacer(true);
    const auto t0 = Clock::time_point{} + 1000s;
    const auto slot = pacer.reserve(Endpoint::EventBulkCreate, t0);
    pacer.on_response(Endpoint::EventBulkCreate, slot, t0, 60, std::nullopt, std::nullopt);
    CHECK(pacer.limits(Endpoint::EventBulkCreate).per_minute == 60);
    pacer.on_response(Endpoint::EventBulkCreate, slot, t0, 500, std::nullopt, std::nullopt);
    CHECK(pacer.limits(Endpoint::EventBulkCreate).per_minute == 60); // never raised above
}

TEST_CASE("Pacer: disabled pacing never waits", "[klaviyo]") {
    Pacer pacer(false);
    const auto t0 = Clock::time_point{} + 1000s;
    CHECK(leaving_within(pacer, Endpoint::EventBulkCreate, t0, 1000, 1ms) == 1000);
}

TEST_CASE("Pacer: a 429 for the burst window lowers the burst limit", "[klaviyo]") {
    Pacer pacer(true);
    const auto t0 = Clock::time_point{} + 1000s;
    pacer.on_throttled(Endpoint::EventBulkCreate, t0, 1s);
    CHECK(pacer.limits(Endpoint::EventBulkCreate).per_second == 7);
    pacer.on_throttled(Endpoint::EventBulkCreate, t0, 30s); // the steady window: burst kept
    CHECK(pacer.limits(Endpoint::EventBulkCreate).per_second == 7);
    for (int i = 0; i < 20; ++i)
        pacer.on_throttled(Endpoint::EventBulkCreate, t0, 1s);
    CHECK(pacer.limits(Endpoint::EventBulkCreate).per_second == 1);
}

TEST_CASE("Pacer: a lowered burst limit recovers after a quiet spell", "[klaviyo]") {
    Pacer pacer(true);
    const auto t0 = Clock::time_point{} + 1000s;
    pacer.on_throttled(Endpoint::EventBulkCreate, t0, 1s);
    pacer.on_throttled(Endpoint::EventBulkCreate, t0, 1s);
    CHECK(pacer.limits(Endpoint::EventBulkCreate).per_second == 5);
    const auto slot = pacer.reserve(Endpoint::EventBulkCreate, t0);
    pacer.on_response(Endpoint::EventBulkCreate, slot, t0 + 2s, {}, {}, {});
    CHECK(pacer.limits(Endpoint::EventBulkCreate).per_second == 5); // too soon after the 429
    for (int i = 0; i < 20; ++i)
        pacer.on_response(Endpoint::EventBulkCreate, slot, t0 + 6s + std::chrono::seconds(i), {},
                          {}, {});
    CHECK(pacer.limits(Endpoint::EventBulkCreate).per_second == 10); // never above the limit
}
