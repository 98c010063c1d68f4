#include "fake_klaviyo/fake_process.hpp"
#include "fake_klaviyo/test_bodies.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

using fake_klaviyo::FakeKlaviyo;
namespace body = fake_klaviyo::test;

namespace {

void check_throttled(const fake_klaviyo::HttpResult &r) {
    REQUIRE(r.status == 429);
    CHECK_FALSE(r.has_header("RateLimit-Limit"));
    CHECK_FALSE(r.has_header("RateLimit-Remaining"));
    CHECK_FALSE(r.has_header("RateLimit-Reset"));
    const std::string retry = r.header("Retry-After");
    REQUIRE_FALSE(retry.empty());
    const int seconds = std::stoi(retry);
    CHECK(seconds >= 1);
    CHECK(seconds <= 60);
    auto e = r.json()->getArray("errors")->getObject(0);
    CHECK(e->getValue<std::string>("code") == "throttled");
    CHECK(e->getValue<std::string>("detail") == "Request was throttled. Expected available in " +
                                                    retry +
                                                    (seconds == 1 ? " second." : " seconds."));
}

std::string job_body() {
    return body::bulk_import(body::numbered_profiles(2));
}

} // namespace

TEST_CASE("FakeKlaviyo: success responses carry the steady window's RateLimit headers",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    auto profile =
        fake.post("/api/profile-import", body::profile_import(R"("email":"a@example.org")"));
    CHECK(profile.header("RateLimit-Limit") == "700");
    CHECK(profile.header("RateLimit-Remaining") == "699");
    const int reset = std::stoi(profile.header("RateLimit-Reset"));
    CHECK(reset >= 1);
    CHECK(reset <= 60);
    auto event =
        fake.post("/api/events", body::create_event(R"("email":"a@example.org")", "M", "1"));
    CHECK(event.header("RateLimit-Limit") == "3500");
    auto job = fake.post("/api/profile-bulk-import-jobs", job_body());
    CHECK(job.header("RateLimit-Limit") == "150");
    CHECK(job.header("RateLimit-Remaining") == "149");
    // A 4xx that passed the limiter still counts and still carries the headers.
    auto bad = fake.post("/api/profile-import", body::profile_import(R"("email":"nope")"));
    CHECK(bad.status == 400);
    CHECK(bad.header("RateLimit-Remaining") == "698");
}

TEST_CASE("FakeKlaviyo: the burst window refuses with 429 and Retry-After, then lets through",
          "[fake_klaviyo][integration]") {
    // scaled:0.02: profile-import allows 2 a second (75 x 0.02 = 1.5, rounded) and 14 a minute.
    FakeKlaviyo fake({"--rate-limits", "scaled:0.02"});
    const std::string ok = body::profile_import(R"("email":"a@example.org")");
    fake_klaviyo::HttpResult refused;
    int passed = 0;
    for (int i = 0; i < 14 && refused.status != 429; ++i) {
        auto r = fake.post("/api/profile-import", ok);
        if (r.status == 429)
            refused = r;
        else
            ++passed;
    }
    REQUIRE(refused.status == 429);
    check_throttled(refused);
    CHECK(refused.header("Retry-After") == "1"); // the burst window, not the steady one
    REQUIRE(passed < 14);
    std::this_thread::sleep_for(std::chrono::seconds(std::stoi(refused.header("Retry-After"))));
    CHECK(fake.post("/api/profile-import", ok).status == 200);
    auto counted = fake.state(false);
    CHECK(counted->getObject("totals")->getValue<int>("throttled") >= 1);
    CHECK(counted->getObject("requests")
              ->getObject("create_or_update_profile")
              ->getValue<int>("429") >= 1);
}

TEST_CASE("FakeKlaviyo: the steady window refuses until the minute is over",
          "[fake_klaviyo][integration]") {
    // scaled:0.01: bulk import allows 1 a second and 2 a minute (150 x 0.01 = 1.5, rounded).
    FakeKlaviyo fake({"--rate-limits", "scaled:0.01"});
    auto first = fake.post("/api/profile-bulk-import-jobs", job_body());
    REQUIRE(first.status == 202);
    CHECK(first.header("RateLimit-Limit") == "2");
    CHECK(first.header("RateLimit-Remaining") == "1");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // the next burst window
    auto second = fake.post("/api/profile-bulk-import-jobs", job_body());
    REQUIRE(second.status == 202);
    CHECK(second.header("RateLimit-Remaining") == "0");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    auto third = fake.post("/api/profile-bulk-import-jobs", job_body());
    check_throttled(third);
    CHECK(std::stoi(third.header("Retry-After")) > 1); // what is left of the minute

    // Every endpoint has its own bucket.
    CHECK(fake.post("/api/profile-import", body::profile_import(R"("email":"a@example.org")"))
              .status == 201);
    const std::string job_id = first.json()->getObject("data")->getValue<std::string>("id");
    CHECK(fake.get("/api/profile-bulk-import-jobs/" + job_id).status == 200);

    // What each bucket let through per steady window (the refused third is not counted); all
    // within the fake's first minute.
    const auto windows = fake.state(false)->getObject("rate_windows");
    REQUIRE(windows);
    const auto bulk = windows->getObject("bulk_import_profiles");
    REQUIRE(bulk);
    CHECK(bulk->getValue<int>("steady_limit") == 2);
    const auto accepted = bulk->getArray("accepted_per_window");
    REQUIRE(accepted);
    REQUIRE(accepted->size() == 1);
    CHECK(accepted->getElement<int>(0) == 2);
    CHECK(windows->getObject("create_or_update_profile")
              ->getArray("accepted_per_window")
              ->getElement<int>(0) == 1);
}

TEST_CASE("FakeKlaviyo: --rate-limits off lets everything through without RateLimit headers",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--rate-limits", "off"});
    for (int i = 0; i < 15; ++i) { // more than the real burst of 10 a second
        auto r = fake.post("/api/profile-bulk-import-jobs", job_body());
        REQUIRE(r.status == 202);
        CHECK_FALSE(r.has_header("RateLimit-Limit"));
    }
}

TEST_CASE("FakeKlaviyo: a bad --rate-limits value stops the fake at start",
          "[fake_klaviyo][integration]") {
    CHECK_THROWS_WITH(FakeKlaviyo({"--rate-limits", "scaled:zero"}),
                      Catch::Contains("did not print its base URL"));
}
