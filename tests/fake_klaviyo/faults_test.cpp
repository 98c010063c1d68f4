#include "fake_klaviyo/fake_process.hpp"
#include "fake_klaviyo/test_bodies.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using fake_klaviyo::FakeKlaviyo;
namespace body = fake_klaviyo::test;

namespace {

const std::string profile = body::profile_import(R"("email":"ada@example.org")");

int injected(FakeKlaviyo &fake, const std::string &name) {
    auto counts = fake.state(false)->getObject("faults")->getObject("injected");
    return counts->optValue<int>(name, 0);
}

// The statuses of `n` profile-import calls to a fake started with `args`.
std::vector<int> statuses(const std::vector<std::string> &args, int n) {
    FakeKlaviyo fake(args);
    std::vector<int> out;
    for (int i = 0; i < n; ++i)
        out.push_back(fake.post("/api/profile-import", profile).status);
    return out;
}

} // namespace

TEST_CASE("FakeKlaviyo: the n-th request gets the chosen server error",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--fault", "kind=status,status=503,nth=2,endpoint=create_or_update_profile"});
    CHECK(fake.post("/api/profile-import", profile).status == 201);
    auto failed = fake.post("/api/profile-import", profile);
    CHECK(failed.status == 503);
    CHECK(failed.json()->getArray("errors")->getObject(0)->getValue<std::string>("code") ==
          "service_unavailable");
    CHECK(fake.post("/api/profile-import", profile).status == 200);
    CHECK(injected(fake, "status_503") == 1);
    // The profile was written by the first and third calls only.
    CHECK(fake.state()->getArray("profiles")->getObject(0)->getValue<int>("writes") == 2);
}

TEST_CASE("FakeKlaviyo: 500 is Klaviyo's JSON, 502 and 520 are the CDN's HTML",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    fake.set_faults(R"({"rules":[{"kind":"status","status":500,"nth":1},
                                 {"kind":"status","status":502,"nth":2},
                                 {"kind":"status","status":520,"nth":3}]})");
    auto r500 =
        fake.post("/api/events", body::create_event(R"("email":"a@example.org")", "M", "1"));
    CHECK(r500.status == 500);
    CHECK(r500.header("Content-Type") == "application/vnd.api+json");
    CHECK(r500.json()->getArray("errors")->size() == 1);
    for (int expected : {502, 520}) {
        auto r =
            fake.post("/api/events", body::create_event(R"("email":"a@example.org")", "M", "1"));
        CHECK(r.status == expected);
        CHECK(r.header("Content-Type").find("text/html") == 0);
        CHECK(r.body.find("<html") != std::string::npos);
    }
    CHECK(fake.post("/api/events", body::create_event(R"("email":"a@example.org")", "M", "1"))
              .status == 202);
    CHECK(fake.state(false)->getValue<int>("event_count") == 1);
}

TEST_CASE("FakeKlaviyo: a share of requests fails, the same ones for the same seed",
          "[fake_klaviyo][integration]") {
    const std::vector<std::string> rule = {"--rate-limits", "off", "--fault",
                                           "kind=status,status=500,share=0.5"};
    auto with_seed = [&](const char *seed) {
        auto args = rule;
        args.insert(args.end(), {"--seed", seed});
        return statuses(args, 24);
    };
    const auto a = with_seed("7");
    const auto b = with_seed("7");
    const auto c = with_seed("8");
    CHECK(a == b);
    CHECK(a != c); // 24 coin flips agreeing by chance: 1 in 16 million
    const auto failures = std::count(a.begin(), a.end(), 500);
    CHECK(failures > 0);
    CHECK(failures < 24);
}

TEST_CASE("FakeKlaviyo: a 429 storm answers the next requests with Retry-After",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    fake.set_faults(R"({"rules":[{"kind":"throttle","next":3,"retry_after":2}]})");
    for (int i = 0; i < 3; ++i) {
        auto r = fake.post("/api/profile-import", profile);
        REQUIRE(r.status == 429);
        CHECK(r.header("Retry-After") == "2");
        CHECK_FALSE(r.has_header("RateLimit-Remaining"));
        CHECK(r.json()->getArray("errors")->getObject(0)->getValue<std::string>("code") ==
              "throttled");
    }
    CHECK(fake.post("/api/profile-import", profile).status == 201);
    CHECK(injected(fake, "throttle") == 3);
}

TEST_CASE("FakeKlaviyo: a storm for some seconds throttles everything meanwhile",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    fake.set_faults(R"({"rules":[{"kind":"throttle","for_seconds":3600}]})");
    CHECK(fake.post("/api/profile-import", profile).status == 429);
    CHECK(fake.post("/api/events", body::create_event(R"("email":"a@example.org")", "M", "1"))
              .status == 429);
    fake.clear_faults();
    CHECK(fake.post("/api/profile-import", profile).status == 201);
}

TEST_CASE("FakeKlaviyo: a connection dropped before processing leaves nothing behind",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--fault", "kind=drop_before,nth=1"});
    auto r = fake.post("/api/profile-import", profile);
    CHECK(r.status == 0);
    CHECK_FALSE(r.error.empty());
    auto state = fake.state();
    CHECK(state->getValue<int>("profile_count") == 0);
    CHECK(state->getObject("requests")
              ->getObject("create_or_update_profile")
              ->getValue<int>("dropped_before") == 1);
    CHECK(fake.post("/api/profile-import", profile).status == 201);
}

TEST_CASE("FakeKlaviyo: a connection dropped after processing keeps what it did",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--fault", "kind=drop_after,nth=1", "--job-delay-ms", "0"});
    auto r =
        fake.post("/api/profile-bulk-import-jobs", body::bulk_import(body::numbered_profiles(4)));
    CHECK(r.status == 0); // the client cannot tell whether the job landed...
    auto state = fake.state(false);
    CHECK(state->getValue<int>("job_count") == 1); // ...but it did
    CHECK(state->getValue<int>("profile_count") == 4);
    CHECK(injected(fake, "drop_after") == 1);
}

TEST_CASE("FakeKlaviyo: a hung request never answers, and the fake still stops at once",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--fault", "kind=hang,duration_ms=60000,nth=1"});
    fake.set_timeout(std::chrono::milliseconds(300));
    auto r = fake.post("/api/profile-import", profile);
    CHECK(r.status == 0);
    CHECK_FALSE(r.error.empty());
    CHECK(fake.state(false)->getValue<int>("profile_count") == 0);
    CHECK(fake.stop() == 0);
}

TEST_CASE("FakeKlaviyo: a Cloudflare challenge is a 403 with HTML and cf-mitigated",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--fault", "kind=cloudflare,nth=1"});
    auto r = fake.post("/api/profile-import", profile);
    CHECK(r.status == 403);
    CHECK(r.header("cf-mitigated") == "challenge");
    CHECK(r.header("Content-Type").find("text/html") == 0);
    CHECK(r.body.find("<html") != std::string::npos);
    CHECK(fake.post("/api/profile-import", profile).status == 201);
}

TEST_CASE("FakeKlaviyo: chosen identifiers get 409 duplicate_profile on profile-import",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    auto created = fake.post("/api/profile-import", profile);
    REQUIRE(created.status == 201);
    const std::string id = created.json()->getObject("data")->getValue<std::string>("id");
    fake.set_faults(R"({"rules":[{"kind":"duplicate_profile","match":"ADA@example.org"}]})");
    auto r = fake.post("/api/profile-import",
                       body::profile_import(R"("email":"ada@example.org","first_name":"Ada")"));
    REQUIRE(r.status == 409);
    auto e = r.json()->getArray("errors")->getObject(0);
    CHECK(e->getValue<std::string>("code") == "duplicate_profile");
    CHECK(e->getValue<std::string>("title") == "Conflict.");
    CHECK(e->getObject("source")->getValue<std::string>("pointer") == "/data/attributes");
    CHECK(e->getObject("meta")->getValue<std::string>("duplicate_profile_id") == id);
    CHECK(fake.post("/api/profile-import", body::profile_import(R"("email":"bo@example.org")"))
              .status == 201);
}

TEST_CASE("FakeKlaviyo: added latency still answers and is counted",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--fault", "kind=latency,duration_ms=50,endpoint=create_event"});
    CHECK(fake.post("/api/events", body::create_event(R"("email":"a@example.org")", "M", "1"))
              .status == 202);
    CHECK(fake.post("/api/profile-import", profile).status == 201); // another endpoint: no latency
    CHECK(injected(fake, "latency") == 1);
}

TEST_CASE("FakeKlaviyo: faults apply only to the endpoints they name",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake(
        {"--fault", "kind=status,status=500,endpoint=bulk_create_events|create_event"});
    CHECK(fake.post("/api/profile-import", profile).status == 201);
    CHECK(fake.post("/api/events", body::create_event(R"("email":"a@example.org")", "M", "1"))
              .status == 500);
}

TEST_CASE("FakeKlaviyo: a bad faults document is refused with the reason",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    CHECK_THROWS_WITH(fake.set_faults(R"({"rules":[{"kind":"status","shar":0.5}]})"),
                      Catch::Contains("fault rule 0: unknown field 'shar'"));
    CHECK_THROWS_WITH(fake.set_faults(R"({"rules":[{"kind":"explode"}]})"),
                      Catch::Contains("unknown kind 'explode'"));
    CHECK_THROWS_WITH(fake.set_faults(R"({"rules":[{"kind":"status","share":2}]})"),
                      Catch::Contains("'share' must be between 0 and 1"));
    CHECK_THROWS_WITH(fake.set_faults("not json"), Catch::Contains("not valid JSON"));
    CHECK(fake.get("/__fake/faults").json()->getArray("rules")->size() == 0);
    CHECK_THROWS(FakeKlaviyo({"--fault", "kind=status,status=200"}));
}
