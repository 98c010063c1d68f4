#include "fake_klaviyo/fake_process.hpp"
#include "fake_klaviyo/test_bodies.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

#include <Poco/JSON/Array.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

using fake_klaviyo::FakeKlaviyo;
namespace body = fake_klaviyo::test;

namespace {

Poco::JSON::Array::Ptr errors_of(const fake_klaviyo::HttpResult &r) {
    auto errors = r.json()->getArray("errors");
    REQUIRE(errors);
    REQUIRE(errors->size() >= 1);
    return errors;
}

std::string pointer_at(const fake_klaviyo::HttpResult &r, unsigned i = 0) {
    return errors_of(r)->getObject(i)->getObject("source")->optValue<std::string>("pointer", "");
}

std::string detail_at(const fake_klaviyo::HttpResult &r, unsigned i = 0) {
    return errors_of(r)->getObject(i)->getValue<std::string>("detail");
}

// The first ```json block after `heading` in klaviyo-api.md.
std::string doc_example(const std::string &heading) {
    const std::string doc =
        connector::test::read_file(connector::test::shared_path("docs/klaviyo-api.md"));
    const auto at = doc.find(heading);
    REQUIRE(at != std::string::npos);
    const auto start = doc.find("```json\n", at);
    REQUIRE(start != std::string::npos);
    const auto end = doc.find("```", start + 8);
    return doc.substr(start + 8, end - start - 8);
}

} // namespace

TEST_CASE("FakeKlaviyo: accepts the example bodies of klaviyo-api.md",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--job-delay-ms", "0"});
    CHECK(fake.post("/api/profile-import", doc_example("### 3.1 ")).status == 201);
    CHECK(fake.post("/api/profile-bulk-import-jobs", doc_example("### 3.3 ")).status == 202);
    CHECK(fake.post("/api/events", doc_example("### 3.4 ")).status == 202);
    CHECK(fake.post("/api/event-bulk-create-jobs", doc_example("### 3.5 ")).status == 202);

    auto state = fake.state();
    CHECK(state->getValue<int>("profile_count") == 3); // ada, a1, +447700900123
    CHECK(state->getValue<int>("event_count") == 2);   // SO-9001 once (deduplicated), SO-9002
    CHECK(state->getObject("duplicates_dropped")->getValue<int>("events") == 1);
}

TEST_CASE("FakeKlaviyo: malformed identifiers are 400s that point at the attribute",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    SECTION("email") {
        auto r =
            fake.post("/api/profile-import", body::profile_import(R"("email":"ada@@example")"));
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/attributes/email");
    }
    SECTION("phone not in E.164") {
        auto r = fake.post("/api/profile-import",
                           body::profile_import(R"("phone_number":"(415) 555-0123")"));
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/attributes/phone_number");
        CHECK(detail_at(r).find("E.164") != std::string::npos);
    }
    SECTION("no identifier at all") {
        auto r = fake.post("/api/profile-import", body::profile_import(R"("first_name":"Ada")"));
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/attributes");
    }
    SECTION("an event profile without an identifier") {
        auto r =
            fake.post("/api/events", body::create_event(R"("first_name":"Ada")", "Viewed", "v1"));
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/attributes/profile/data/attributes");
    }
    CHECK(fake.state()->getValue<int>("profile_count") == 0);
}

TEST_CASE("FakeKlaviyo: schema errors name the field, its type and its JSON pointer",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    SECTION("unknown field inside location") {
        auto r =
            fake.post("/api/profile-import",
                      body::profile_import(R"("email":"a@example.org","location":{"town":"X"})"));
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/attributes/location/town");
        CHECK(detail_at(r) == "'town' is not a valid field for the resource 'profile'.");
    }
    SECTION("wrong type") {
        auto r = fake.post("/api/profile-import",
                           body::profile_import(R"("email":"a@example.org","first_name":42)"));
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/attributes/first_name");
        CHECK(detail_at(r) == "Not a valid string.");
    }
    SECTION("wrong resource type") {
        auto r =
            fake.post("/api/profile-import",
                      R"({"data":{"type":"profiles","attributes":{"email":"a@example.org"}}})");
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/type");
    }
    SECTION("a required member is missing") {
        auto r = fake.post(
            "/api/events",
            R"({"data":{"type":"event","attributes":{"properties":{},)"
            R"("profile":{"data":{"type":"profile","attributes":{"email":"a@example.org"}}}}}})");
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/attributes/metric");
    }
    SECTION("camelCase names are not the wire format") {
        auto r = fake.post("/api/profile-import",
                           body::profile_import(R"("email":"a@example.org","firstName":"Ada")"));
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/attributes/firstName");
    }
    SECTION("a bad event time") {
        auto r = fake.post(
            "/api/events",
            R"({"data":{"type":"event","attributes":{"properties":{},"time":"yesterday",)"
            R"("metric":{"data":{"type":"metric","attributes":{"name":"M"}}},)"
            R"("profile":{"data":{"type":"profile","attributes":{"email":"a@example.org"}}}}}})");
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/attributes/time");
    }
    SECTION("malformed JSON") {
        auto r = fake.post("/api/profile-import", R"({"data":{"type":"profile",)");
        CHECK(r.status == 400);
        CHECK(errors_of(r)->getObject(0)->getValue<std::string>("code") == "parse_error");
    }
}

TEST_CASE("FakeKlaviyo: one bad email in a 10,000-profile job refuses the whole job",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--job-delay-ms", "0"});
    auto profiles = body::numbered_profiles(10000);
    profiles[9876] = body::profile_resource(R"("email":"not-an-email","external_id":"wh_9876")");
    auto r = fake.post("/api/profile-bulk-import-jobs", body::bulk_import(profiles));
    REQUIRE(r.status == 400);
    CHECK(errors_of(r)->size() == 1);
    CHECK(pointer_at(r) == "/data/attributes/profiles/data/9876/attributes/email");
    auto state = fake.state(false);
    CHECK(state->getValue<int>("profile_count") == 0);
    CHECK(state->getValue<int>("job_count") == 0);

    // The same job without the bad profile goes through.
    profiles[9876] =
        body::profile_resource(R"("email":"fixed@example.org","external_id":"wh_9876")");
    CHECK(fake.post("/api/profile-bulk-import-jobs", body::bulk_import(profiles)).status == 202);
    CHECK(fake.state(false)->getValue<int>("profile_count") == 10000);
}

TEST_CASE("FakeKlaviyo: every error of a bulk job is listed with its profile's index",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    auto profiles = body::numbered_profiles(30);
    profiles[3] = body::profile_resource(R"("phone_number":"12345")");
    profiles[17] = body::profile_resource(R"("email":"x@y")");
    auto r = fake.post("/api/profile-bulk-import-jobs", body::bulk_import(profiles));
    REQUIRE(r.status == 400);
    REQUIRE(errors_of(r)->size() == 2);
    CHECK(pointer_at(r, 0) == "/data/attributes/profiles/data/3/attributes/phone_number");
    CHECK(pointer_at(r, 1) == "/data/attributes/profiles/data/17/attributes/email");
}

TEST_CASE("FakeKlaviyo: size limits are enforced", "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--rate-limits", "off"});
    SECTION("more than 10,000 profiles in a job") {
        auto r = fake.post("/api/profile-bulk-import-jobs",
                           body::bulk_import(body::numbered_profiles(10001)));
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/attributes/profiles/data");
        CHECK(detail_at(r).find("10000") != std::string::npos);
    }
    SECTION("a body over 5 MB is 413") {
        std::vector<std::string> big;
        const std::string filler(90 * 1024, 'x');
        for (int i = 0; i < 60; ++i)
            big.push_back(body::profile_resource(R"("email":"p)" + std::to_string(i) +
                                                 R"(@example.org","properties":{"blob":")" +
                                                 filler + "\"}"));
        auto r = fake.post("/api/profile-bulk-import-jobs", body::bulk_import(big));
        CHECK(r.status == 413);
        CHECK(errors_of(r)->getObject(0)->getValue<std::string>("code") == "request_too_large");
    }
    SECTION("a profile over 100 KB in a job") {
        const std::string half(60 * 1024, 'y');
        auto profiles = body::numbered_profiles(3);
        profiles[1] = body::profile_resource(R"("email":"big@example.org","properties":{"a":")" +
                                             half + R"(","b":")" + half + "\"}");
        auto r = fake.post("/api/profile-bulk-import-jobs", body::bulk_import(profiles));
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/attributes/profiles/data/1");
    }
    SECTION("a string over 100 KB") {
        const std::string long_text(100 * 1024 + 1, 'z');
        const std::string ev = body::bulk_events({body::bulk_entry(
            R"("email":"a@example.org")",
            {body::event_attributes("Viewed", "v2", R"({"note":")" + long_text + "\"}")})});
        auto big = fake.post("/api/event-bulk-create-jobs", ev);
        CHECK(big.status == 400);
        CHECK(pointer_at(big) ==
              "/data/attributes/events-bulk-create/data/0/attributes/events/data/0/attributes/"
              "properties/note");
    }
    SECTION("more than 400 event properties") {
        std::string props = "{";
        for (int i = 0; i < 401; ++i)
            props += (i ? "," : "") + std::string("\"p") + std::to_string(i) + "\":1";
        props += "}";
        const std::string ev = body::bulk_events({body::bulk_entry(
            R"("email":"a@example.org")", {body::event_attributes("M", "u", props)})});
        auto r = fake.post("/api/event-bulk-create-jobs", ev);
        CHECK(r.status == 400);
        CHECK(pointer_at(r) ==
              "/data/attributes/events-bulk-create/data/0/attributes/events/data/0/attributes/"
              "properties");
    }
    SECTION("more than 1,000 events in a bulk request") {
        std::vector<std::string> entries;
        for (int p = 0; p < 11; ++p) {
            std::vector<std::string> events;
            for (int e = 0; e < 100; ++e)
                events.push_back(
                    body::event_attributes("M", std::to_string(p) + ":" + std::to_string(e)));
            entries.push_back(
                body::bulk_entry(R"("email":"p)" + std::to_string(p) + R"(@example.org")", events));
        }
        auto r = fake.post("/api/event-bulk-create-jobs", body::bulk_events(entries));
        CHECK(r.status == 400);
        CHECK(pointer_at(r) == "/data/attributes/events-bulk-create/data");
        CHECK(fake.state(false)->getValue<int>("event_count") == 0);
    }
}

TEST_CASE("FakeKlaviyo: a unique_id repeated for a profile and metric fails the whole bulk request",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    const std::string ev =
        body::bulk_events({body::bulk_entry(R"("email":"a@example.org")",
                                            {body::event_attributes("Placed Order", "o:1"),
                                             body::event_attributes("Placed Order", "o:2")}),
                           body::bulk_entry(R"("email":"b@example.org")",
                                            {body::event_attributes("Placed Order", "o:1")}),
                           body::bulk_entry(R"("email":"A@example.org")",
                                            {body::event_attributes("Placed Order", "o:1")})});
    auto r = fake.post("/api/event-bulk-create-jobs", ev);
    REQUIRE(r.status == 400);
    CHECK(
        pointer_at(r) ==
        "/data/attributes/events-bulk-create/data/2/attributes/events/data/0/attributes/unique_id");
    auto state = fake.state();
    CHECK(state->getValue<int>("event_count") == 0);
    CHECK(state->getValue<int>("profile_count") == 0);

    // The same unique_id for another metric or another profile is fine.
    const std::string ok =
        body::bulk_events({body::bulk_entry(R"("email":"a@example.org")",
                                            {body::event_attributes("Placed Order", "o:1"),
                                             body::event_attributes("Refunded Order", "o:1")}),
                           body::bulk_entry(R"("email":"b@example.org")",
                                            {body::event_attributes("Placed Order", "o:1")})});
    CHECK(fake.post("/api/event-bulk-create-jobs", ok).status == 202);
    CHECK(fake.state(false)->getValue<int>("event_count") == 3);
}
