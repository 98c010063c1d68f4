#include "fake_klaviyo/fake_process.hpp"
#include "fake_klaviyo/test_bodies.hpp"
#include "support/temp_dir.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <catch2/catch.hpp>

#include <string>

using fake_klaviyo::FakeKlaviyo;
namespace body = fake_klaviyo::test;

namespace {

Poco::JSON::Object::Ptr only_profile(FakeKlaviyo &fake) {
    auto profiles = fake.state()->getArray("profiles");
    REQUIRE(profiles->size() == 1);
    return profiles->getObject(0);
}

int import(FakeKlaviyo &fake, const std::string &attributes, const std::string &extra = "") {
    return fake.post("/api/profile-import", body::profile_import(attributes, extra)).status;
}

} // namespace

TEST_CASE("FakeKlaviyo: profile updates follow Klaviyo's null and omission rules",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    REQUIRE(
        import(fake,
               R"("email":"ada@example.org","first_name":"Ada","title":"Engineer",)"
               R"("location":{"city":"London","zip":"N1"},"properties":{"plan":"pro","ltv":10})") ==
        201);
    REQUIRE(
        import(fake,
               R"("email":"ada@example.org","title":null,"location":{"zip":null,"country":"UK"},)"
               R"("properties":{"ltv":12,"churn":null,"tier":"gold"})") == 200);
    auto p = only_profile(fake);
    auto attrs = p->getObject("attributes");
    CHECK(attrs->getValue<std::string>("first_name") == "Ada"); // omitted: kept
    CHECK_FALSE(attrs->has("title"));                           // null: cleared
    auto location = attrs->getObject("location");
    CHECK(location->getValue<std::string>("city") == "London");
    CHECK(location->getValue<std::string>("country") == "UK");
    CHECK_FALSE(location->has("zip"));
    auto props = p->getObject("properties");
    CHECK(props->getValue<std::string>("plan") == "pro");
    CHECK(props->getValue<int>("ltv") == 12);
    CHECK(props->getValue<std::string>("tier") == "gold");
    CHECK_FALSE(props->has("churn"));
    CHECK(p->getValue<int>("writes") == 2);
}

TEST_CASE("FakeKlaviyo: patch_properties appends, unappends and unsets",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    REQUIRE(
        import(fake,
               R"("email":"ada@example.org","properties":{"tags":["beta"],"legacy":1,"x":2})") ==
        201);
    REQUIRE(
        import(fake, R"("email":"ada@example.org")",
               R"(,"meta":{"patch_properties":{"append":{"tags":"winter"},"unset":["legacy"]}})") ==
        200);
    REQUIRE(import(fake, R"("email":"ada@example.org")",
                   R"(,"meta":{"patch_properties":{"unappend":{"tags":"beta"},"unset":"x"}})") ==
            200);
    auto props = only_profile(fake)->getObject("properties");
    auto tags = props->getArray("tags");
    REQUIRE(tags->size() == 1);
    CHECK(tags->getElement<std::string>(0) == "winter");
    CHECK_FALSE(props->has("legacy"));
    CHECK_FALSE(props->has("x"));
}

TEST_CASE("FakeKlaviyo: any identifier finds the profile and the others are updated on it",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    REQUIRE(import(fake, R"("phone_number":"+14155550123","external_id":"wh_1")") == 201);
    REQUIRE(import(fake, R"("phone_number":"+14155550123","email":"new@example.org")") == 200);
    REQUIRE(import(fake, R"("external_id":"wh_1","email":"newer@example.org")") == 200);
    auto p = only_profile(fake);
    CHECK(p->getValue<std::string>("email") == "newer@example.org");
    CHECK(p->getValue<std::string>("phone_number") == "+14155550123");
    // The old email no longer finds it: a new profile.
    CHECK(import(fake, R"("email":"new@example.org")") == 201);

    SECTION("identifiers of two different profiles are a conflict") {
        auto r =
            fake.post("/api/profile-import",
                      body::profile_import(R"("email":"new@example.org","external_id":"wh_1")"));
        REQUIRE(r.status == 409);
        auto e = r.json()->getArray("errors")->getObject(0);
        CHECK(e->getValue<std::string>("code") == "duplicate_profile");
        CHECK_FALSE(e->getObject("meta")->getValue<std::string>("duplicate_profile_id").empty());
    }
    SECTION("an unknown data.id is 404") {
        auto r = fake.post("/api/profile-import",
                           body::profile_import(R"("email":"x@example.org")", R"(,"id":"01NOPE")"));
        CHECK(r.status == 404);
    }
}

TEST_CASE("FakeKlaviyo: events create and update their profile, and the state lists them",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    const std::string ev =
        R"({"data":{"type":"event","attributes":{"properties":{"sku":"A1"},"value":9.5,)"
        R"("value_currency":"EUR","unique_id":"o-1","time":"2026-04-30T17:05:09.250+02:00",)"
        R"("metric":{"data":{"type":"metric","attributes":{"name":"Placed Order"}}},)"
        R"("profile":{"data":{"type":"profile","attributes":{"email":"bo@example.org","first_name":"Bo"}}}}}})";
    REQUIRE(fake.post("/api/events", ev).status == 202);
    auto state = fake.state();
    auto p = state->getArray("profiles")->getObject(0);
    CHECK(p->getValue<std::string>("email") == "bo@example.org");
    CHECK(p->getObject("attributes")->getValue<std::string>("first_name") == "Bo");
    auto e = state->getArray("events")->getObject(0);
    CHECK(e->getValue<std::string>("metric") == "Placed Order");
    CHECK(e->getValue<std::string>("profile_id") == p->getValue<std::string>("id"));
    CHECK(e->getValue<std::string>("time") == "2026-04-30T15:05:09+00:00"); // to the second, UTC
    CHECK(e->getValue<std::string>("value_currency") == "EUR");
    CHECK(e->getObject("properties")->getValue<std::string>("sku") == "A1");
    auto requests = state->getObject("requests");
    CHECK(requests->getObject("create_event")->getValue<int>("202") == 1);
    CHECK(state->getObject("totals")->getValue<int>("events_accepted") == 1);
}

TEST_CASE("FakeKlaviyo: without a unique_id, one event per profile, metric and second",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    const std::string a = body::bulk_events(
        {body::bulk_entry(R"("email":"a@example.org")", {body::event_attributes("Viewed", ""),
                                                         body::event_attributes("Clicked", "")})});
    REQUIRE(fake.post("/api/event-bulk-create-jobs", a).status == 202);
    REQUIRE(fake.post("/api/event-bulk-create-jobs", a).status == 202); // same times again
    auto state = fake.state(false);
    CHECK(state->getValue<int>("event_count") == 2);
    CHECK(state->getObject("duplicates_dropped")->getValue<int>("events") == 2);
}

TEST_CASE("FakeKlaviyo: reset forgets profiles, events, jobs and counts",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--job-delay-ms", "0"});
    REQUIRE(import(fake, R"("email":"ada@example.org")") == 201);
    REQUIRE(
        fake.post("/api/profile-bulk-import-jobs", body::bulk_import(body::numbered_profiles(2)))
            .status == 202);
    fake.reset();
    auto state = fake.state();
    CHECK(state->getValue<int>("profile_count") == 0);
    CHECK(state->getValue<int>("job_count") == 0);
    CHECK(state->getObject("requests")->size() == 0);
    CHECK(import(fake, R"("email":"ada@example.org")") == 201);
}

TEST_CASE("FakeKlaviyo: writes its final state to --state-file when stopped",
          "[fake_klaviyo][integration]") {
    connector::test::TempDir dir;
    const std::string path = dir.file("state.json");
    FakeKlaviyo fake({"--state-file", path});
    REQUIRE(import(fake, R"("email":"ada@example.org")") == 201);
    REQUIRE(fake.stop() == 0);
    auto saved = Poco::JSON::Parser()
                     .parse(connector::test::read_file(path))
                     .extract<Poco::JSON::Object::Ptr>();
    CHECK(saved->getValue<int>("profile_count") == 1);
    CHECK(saved->getArray("profiles")->getObject(0)->getValue<std::string>("email") ==
          "ada@example.org");
}

TEST_CASE("FakeKlaviyo: the API key never shows in the state", "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    REQUIRE(import(fake, R"("email":"ada@example.org")") == 201);
    fake.post("/api/profile-import", body::profile_import(R"("email":"a@example.org")"),
              {{"authorization", "Klaviyo-API-Key pk_some_other_secret"}});
    const std::string text = fake.get("/__fake/state").body;
    CHECK(text.find(fake_klaviyo::test_api_key) == std::string::npos);
    CHECK(text.find("pk_some_other_secret") == std::string::npos);
}

TEST_CASE("FakeKlaviyo: --store counts validates everything but keeps only counts",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--store", "counts", "--job-delay-ms", "0"});
    REQUIRE(
        fake.post("/api/profile-bulk-import-jobs", body::bulk_import(body::numbered_profiles(5)))
            .status == 202);
    REQUIRE(import(fake, R"("email":"ada@example.org")") == 201);
    REQUIRE(fake.post("/api/events", body::create_event(R"("email":"a@example.org")", "M", "1"))
                .status == 202);
    CHECK(import(fake, R"("email":"bad")") == 400); // still validated
    auto state = fake.state();
    CHECK(state->getValue<std::string>("store") == "counts");
    CHECK(state->getValue<int>("profile_count") == 7); // 5 + 1 + the event's profile
    CHECK(state->getValue<int>("event_count") == 1);
    CHECK(state->getArray("profiles")->size() == 0);
    CHECK(state->getArray("events")->size() == 0);
}

TEST_CASE("FakeKlaviyo: a POST without a body or Content-Length is answered at once",
          "[fake_klaviyo][integration]") {
    // `curl -X POST URL/__fake/reset` sends neither Content-Length nor a chunked body: the
    // request has no body (RFC 9112 6.3), and the fake must not wait for the client to close.
    FakeKlaviyo fake;
    const std::string url = fake.base_url();
    const auto port = static_cast<Poco::UInt16>(std::stoi(url.substr(url.rfind(':') + 1)));
    Poco::Net::Context::Params params;
    params.caLocation = fake.ca_file();
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    Poco::Net::HTTPSClientSession session("127.0.0.1", port, context);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/__fake/reset",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    REQUIRE_FALSE(request.hasContentLength());
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string answer;
    REQUIRE_NOTHROW(Poco::StreamCopier::copyToString(session.receiveResponse(response), answer));
    CHECK(static_cast<int>(response.getStatus()) == 200);
    CHECK(answer.find("reset") != std::string::npos);
}
