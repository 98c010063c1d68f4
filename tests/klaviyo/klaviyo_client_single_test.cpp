#include "client_fixture.hpp"
#include "recording_listener.hpp"

#include <catch2/catch.hpp>

using namespace connector;
using namespace connector::test;

TEST_CASE("KlaviyoClient: single mode sends one profile per call to profile-import",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t i) {
        return ScriptedResponse{i == 0 ? 201 : 200,
                                R"({"data":{"type":"profile","id":"01ABC","attributes":{}}})"};
    });
    auto options = client_options(server);
    options.api_mode = klaviyo::ApiMode::Single;
    klaviyo::KlaviyoClient client(options, Target::Profiles, listener);
    client.send(profile_record("a@example.org", R"("last_name":"Byron")"));
    client.send(profile_record("b@example.org"));
    const auto stats = client.finish();

    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    for (const auto &r : requests) {
        CHECK(r.method == "POST");
        CHECK(r.uri == "/api/profile-import");
        CHECK(r.header("content-type") == "application/vnd.api+json");
    }
    std::vector<std::string> bodies{requests[0].body, requests[1].body};
    std::sort(bodies.begin(), bodies.end());
    CHECK(
        bodies[0] ==
        R"({"data":{"type":"profile","attributes":{"email":"a@example.org","last_name":"Byron"}}})");
    CHECK(bodies[1] == R"({"data":{"type":"profile","attributes":{"email":"b@example.org"}}})");
    CHECK(listener.count(Outcome::Sent) == 2);
    CHECK(stats.requests_by_endpoint.at("POST /api/profile-import") == 2);
}

TEST_CASE("KlaviyoClient: single mode puts the profile inside the event's attributes",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{202, ""};
    });
    auto options = client_options(server);
    options.api_mode = klaviyo::ApiMode::Single;
    klaviyo::KlaviyoClient client(options, Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    client.finish();

    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].uri == "/api/events");
    const auto data = parse_json(requests[0].body)->getObject("data");
    CHECK(data->getValue<std::string>("type") == "event");
    const auto attributes = data->getObject("attributes");
    CHECK(attributes->getValue<std::string>("unique_id") == "o1");
    CHECK(attributes->getObject("metric")
              ->getObject("data")
              ->getObject("attributes")
              ->getValue<std::string>("name") == "Placed Order");
    CHECK(attributes->getObject("profile")
              ->getObject("data")
              ->getObject("attributes")
              ->getValue<std::string>("email") == "a@example.org");
    CHECK(listener.outcomes["o1"].outcome == Outcome::Sent);
}
