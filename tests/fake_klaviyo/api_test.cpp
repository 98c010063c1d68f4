#include "fake_klaviyo/fake_process.hpp"
#include "fake_klaviyo/test_bodies.hpp"

#include <Poco/JSON/Array.h>
#include <catch2/catch.hpp>

using fake_klaviyo::FakeKlaviyo;
namespace body = fake_klaviyo::test;

namespace {

Poco::JSON::Object::Ptr first_error(const fake_klaviyo::HttpResult &r) {
    auto errors = r.json()->getArray("errors");
    REQUIRE(errors);
    REQUIRE(errors->size() >= 1);
    return errors->getObject(0);
}

std::string pointer_of(const Poco::JSON::Object::Ptr &error) {
    return error->getObject("source")->optValue<std::string>("pointer", "");
}

} // namespace

TEST_CASE("FakeKlaviyo: prints its base URL first and stops cleanly on SIGTERM",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    CHECK(fake.base_url() == "https://127.0.0.1:" + std::to_string(fake.port()));
    CHECK(fake.port() > 0);
    CHECK(fake.get("/__fake/health").status == 200);
    CHECK(fake.stop() == 0);
}

TEST_CASE("FakeKlaviyo: profile-import creates with 201 and updates with 200",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    auto created = fake.post("/api/profile-import",
                             body::profile_import(R"("email":"ada@example.org","first_name":"Ada",)"
                                                  R"("properties":{"plan":"pro","ltv":10})"));
    REQUIRE(created.status == 201);
    auto data = created.json()->getObject("data");
    CHECK(data->getValue<std::string>("type") == "profile");
    const std::string id = data->getValue<std::string>("id");
    CHECK(id.size() == 26);
    CHECK(data->getObject("attributes")->getValue<std::string>("first_name") == "Ada");
    CHECK(created.header("RateLimit-Limit") == "700");

    // Same person by email in another case: updated, null clears, omitted keeps.
    auto updated =
        fake.post("/api/profile-import",
                  body::profile_import(R"("email":"ADA@example.org","first_name":null,)"
                                       R"("last_name":"Byron","properties":{"ltv":null})"));
    REQUIRE(updated.status == 200);
    CHECK(updated.json()->getObject("data")->getValue<std::string>("id") == id);

    auto profiles = fake.state()->getArray("profiles");
    REQUIRE(profiles->size() == 1);
    auto p = profiles->getObject(0);
    CHECK(p->getValue<std::string>("email") == "ada@example.org");
    CHECK_FALSE(p->getObject("attributes")->has("first_name"));
    CHECK(p->getObject("attributes")->getValue<std::string>("last_name") == "Byron");
    CHECK(p->getObject("properties")->getValue<std::string>("plan") == "pro");
    CHECK_FALSE(p->getObject("properties")->has("ltv"));
}

TEST_CASE("FakeKlaviyo: an unknown attribute is a 400 naming the field and its pointer",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    auto r = fake.post("/api/profile-import",
                       body::profile_import(R"("email":"ada@example.org","foo":1)"));
    REQUIRE(r.status == 400);
    auto e = first_error(r);
    CHECK(e->getValue<int>("status") == 400);
    CHECK(e->getValue<std::string>("code") == "invalid");
    CHECK(e->getValue<std::string>("title") == "Invalid input.");
    CHECK(e->getValue<std::string>("detail") ==
          "'foo' is not a valid field for the resource 'profile'.");
    CHECK(pointer_of(e) == "/data/attributes/foo");
    CHECK_FALSE(e->getValue<std::string>("id").empty());
    CHECK(fake.state()->getValue<int>("profile_count") == 0);
}

TEST_CASE("FakeKlaviyo: a bulk import job imports its profiles and adds them to the list",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--job-delay-ms", "0"});
    auto r = fake.post("/api/profile-bulk-import-jobs",
                       body::bulk_import(body::numbered_profiles(3),
                                         R"({"lists":{"data":[{"type":"list","id":"Xy12Ab"}]}})"));
    REQUIRE(r.status == 202);
    auto job = r.json()->getObject("data");
    CHECK(job->getValue<std::string>("type") == "profile-bulk-import-job");
    const std::string id = job->getValue<std::string>("id");
    auto polled = fake.get("/api/profile-bulk-import-jobs/" + id);
    REQUIRE(polled.status == 200);
    auto attrs = polled.json()->getObject("data")->getObject("attributes");
    CHECK(attrs->getValue<std::string>("status") == "complete");
    CHECK(attrs->getValue<int>("total_count") == 3);
    CHECK(attrs->getValue<int>("completed_count") == 3);
    CHECK(attrs->getValue<int>("failed_count") == 0);

    auto profiles = fake.state()->getArray("profiles");
    REQUIRE(profiles->size() == 3);
    CHECK(profiles->getObject(2)->getValue<std::string>("external_id") == "wh_2");
    CHECK(profiles->getObject(2)->getObject("properties")->getValue<int>("score") == 2);
    CHECK(profiles->getObject(0)->getArray("lists")->getElement<std::string>(0) == "Xy12Ab");
}

TEST_CASE("FakeKlaviyo: events are stored with their profile and a repeated unique_id is dropped",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    const std::string ev =
        body::create_event(R"("email":"ada@example.org")", "Placed Order", "o:1");
    auto first = fake.post("/api/events", ev);
    CHECK(first.status == 202);
    CHECK(first.body.empty());
    CHECK(fake.post("/api/events", ev).status == 202); // accepted, then dropped
    auto state = fake.state();
    REQUIRE(state->getArray("events")->size() == 1);
    auto stored = state->getArray("events")->getObject(0);
    CHECK(stored->getValue<std::string>("metric") == "Placed Order");
    CHECK(stored->getValue<std::string>("unique_id") == "o:1");
    CHECK(stored->getObject("profile")->getValue<std::string>("email") == "ada@example.org");
    CHECK(stored->getValue<double>("value") == Approx(59.9));
    CHECK(state->getObject("duplicates_dropped")->getValue<int>("events") == 1);
}

TEST_CASE("FakeKlaviyo: the legacy Track and Identify APIs answer 410",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    for (const char *path : {"/api/track", "/api/identify"}) {
        auto r = fake.request(
            "POST", path, "data=e30%3D",
            {{"content-type", "application/x-www-form-urlencoded"}, {"authorization", ""}});
        CHECK(r.status == 410);
        CHECK(first_error(r)->getValue<std::string>("code") == "gone");
    }
}

TEST_CASE("FakeKlaviyo: authentication, revision and content type are checked",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--scopeless-key", "pk_no_scopes"});
    const std::string ok = body::profile_import(R"("email":"ada@example.org")");
    SECTION("no key: 401 not_authenticated") {
        auto r = fake.post("/api/profile-import", ok, {{"authorization", ""}});
        CHECK(r.status == 401);
        CHECK(first_error(r)->getValue<std::string>("code") == "not_authenticated");
    }
    SECTION("unknown key: 401, and the key is not echoed") {
        auto r = fake.post("/api/profile-import", ok,
                           {{"authorization", "Klaviyo-API-Key pk_wrong_secret_value"}});
        CHECK(r.status == 401);
        CHECK(first_error(r)->getValue<std::string>("code") == "authentication_failed");
        CHECK(r.body.find("pk_wrong_secret_value") == std::string::npos);
    }
    SECTION("a key without the scope: 403 naming the scope") {
        auto r = fake.post("/api/profile-import", ok,
                           {{"authorization", "Klaviyo-API-Key pk_no_scopes"}});
        CHECK(r.status == 403);
        auto e = first_error(r);
        CHECK(e->getValue<std::string>("code") == "permission_denied");
        CHECK(e->getValue<std::string>("detail").find("profiles:write") != std::string::npos);
    }
    SECTION("missing or unknown revision: 400 about the revision header") {
        for (const char *rev : {"", "2023-02-22", "2026-13-45"}) {
            auto r = fake.post("/api/profile-import", ok, {{"revision", rev}});
            CHECK(r.status == 400);
            CHECK(first_error(r)->getObject("source")->getValue<std::string>("parameter") ==
                  "revision");
        }
        CHECK(fake.post("/api/profile-import", ok, {{"revision", "2026-10-15"}}).status == 201);
        CHECK(fake.post("/api/profile-import", ok, {{"revision", "2026-07-15.pre"}}).status == 200);
    }
    SECTION("content type: JSON:API and plain JSON pass, others get 415") {
        CHECK(fake.post("/api/profile-import", ok, {{"content-type", "application/json"}}).status ==
              201);
        CHECK(fake.post("/api/profile-import", ok,
                        {{"content-type", "application/vnd.api+json; charset=utf-8"}})
                  .status == 200);
        auto r = fake.post("/api/profile-import", ok, {{"content-type", "text/plain"}});
        CHECK(r.status == 415);
        CHECK(first_error(r)->getValue<std::string>("code") == "unsupported_media_type");
    }
    CHECK(fake.stop() == 0);
}
