#include "client_fixture.hpp"
#include "core/error.hpp"
#include "recording_listener.hpp"

#include <Poco/JSON/Array.h>
#include <catch2/catch.hpp>

using namespace connector;
using namespace connector::test;

TEST_CASE("KlaviyoClient: bulk profiles go to one import job with the documented headers",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &req, std::size_t) {
        if (req.method == "POST")
            return ScriptedResponse{202, job_body("job-1", "queued", 3, 0, 0)};
        if (req.uri == "/api/profile-bulk-import-jobs/job-1")
            return ScriptedResponse{200, job_body("job-1", "complete", 3, 3, 0)};
        return ScriptedResponse{200, R"({"data":[],"links":{"self":"x"}})"};
    });
    std::size_t seen_at_in_flight = 99;
    listener.on_in_flight_hook = [&] { seen_at_in_flight = server.request_count(); };
    klaviyo::KlaviyoClient client(client_options(server), Target::Profiles, listener);
    for (const char *email : {"a@example.org", "b@example.org", "c@example.org"})
        client.send(profile_record(email, R"("first_name":"Ada")"));
    const SinkStats stats = client.finish();

    const auto requests = server.requests();
    REQUIRE(requests.size() == 3);
    const auto &post = requests[0];
    CHECK(post.method == "POST");
    CHECK(post.uri == "/api/profile-bulk-import-jobs");
    CHECK(post.header("authorization") == std::string("Klaviyo-API-Key ") + test_api_key);
    CHECK(post.header("revision") == "2026-07-15");
    CHECK(post.header("accept") == "application/vnd.api+json");
    CHECK(post.header("content-type") == "application/vnd.api+json");
    CHECK(post.header("user-agent").rfind("connector/", 0) == 0);
    CHECK(post.body ==
          R"({"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":[)"
          R"({"type":"profile","attributes":{"email":"a@example.org","first_name":"Ada"}},)"
          R"({"type":"profile","attributes":{"email":"b@example.org","first_name":"Ada"}},)"
          R"({"type":"profile","attributes":{"email":"c@example.org","first_name":"Ada"}}]}}}})");
    CHECK(requests[1].method == "GET");
    CHECK(requests[1].uri == "/api/profile-bulk-import-jobs/job-1");
    CHECK(requests[1].header("revision") == "2026-07-15");
    CHECK(requests[2].uri ==
          "/api/profile-bulk-import-jobs/job-1/import-errors?page%5Bsize%5D=100");

    CHECK(seen_at_in_flight == 0); // marked in flight before the request left
    REQUIRE(listener.submitted.count("job-1") == 1);
    CHECK(listener.submitted["job-1"].size() == 3);
    CHECK(listener.finished == std::vector<std::string>{"job-1"});
    CHECK(listener.count(Outcome::Sent) == 3);
    CHECK(listener.duplicates.empty());
    CHECK(listener.overlaps == 0);
    CHECK(stats.requests_by_endpoint.at("POST /api/profile-bulk-import-jobs") == 1);
    CHECK(stats.responses_by_status.at(202) == 1);
    CHECK(stats.bytes_sent == post.body.size());
}

TEST_CASE("KlaviyoClient: import errors are mapped back to records through original_payload",
          "[klaviyo][integration]") {
    RecordingListener listener;
    int polls = 0;
    ScriptedServer server([&](const RecordedRequest &req, std::size_t) {
        if (req.method == "POST")
            return ScriptedResponse{202, job_body("j2", "queued", 4, 0, 0)};
        if (req.uri == "/api/profile-bulk-import-jobs/j2")
            return ScriptedResponse{
                200, job_body("j2", ++polls < 3 ? "processing" : "complete", 4, 2, 2)};
        if (req.uri.find("page%5Bcursor%5D=p2") != std::string::npos)
            return ScriptedResponse{
                200,
                R"({"data":[{"type":"import-error","id":"e2","attributes":{"code":"invalid","title":"Invalid input.","detail":"Invalid phone number format","source":{"pointer":"/data/attributes/profiles/data/3/attributes/phone_number"},"original_payload":{"email":"D@example.org","phone_number":"12"}}}],"links":{"self":"s","next":null}})"};
        return ScriptedResponse{
            200,
            R"({"data":[{"type":"import-error","id":"e1","attributes":{"code":"invalid","title":"Invalid input.","detail":"Invalid email address","source":{"pointer":"/data/attributes/profiles/data/1/attributes/email"},"original_payload":{"type":"profile","attributes":{"email":"b@example.org"}}}}],"links":{"self":"s","next":"https://a.klaviyo.com/api/profile-bulk-import-jobs/j2/import-errors?page%5Bcursor%5D=p2"}})"};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Profiles, listener);
    for (const char *email : {"a@example.org", "b@example.org", "c@example.org", "d@example.org"})
        client.send(profile_record(email));
    client.finish();

    CHECK(polls == 3);
    REQUIRE(listener.outcomes.size() == 4);
    CHECK(listener.outcomes["email:a@example.org"].outcome == Outcome::Sent);
    CHECK(listener.outcomes["email:c@example.org"].outcome == Outcome::Sent);
    const auto &b = listener.outcomes["email:b@example.org"];
    CHECK(b.outcome == Outcome::Failed);
    CHECK(b.code == "invalid");
    CHECK(b.message.find("Invalid email address") != std::string::npos);
    const auto &d = listener.outcomes["email:d@example.org"];
    CHECK(d.outcome == Outcome::Failed);
    CHECK(d.message.find("Invalid phone number format") != std::string::npos);
    CHECK(server.requests().back().uri ==
          "/api/profile-bulk-import-jobs/j2/import-errors?page%5Bcursor%5D=p2");
    CHECK(listener.finished == std::vector<std::string>{"j2"});
}

TEST_CASE("KlaviyoClient: bulk events are grouped by profile and never repeat a unique_id",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{202, ""};
    });
    auto options = client_options(server);
    options.concurrency = 1;
    klaviyo::KlaviyoClient client(options, Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    client.send(event_record("b@example.org", "o2"));
    client.send(event_record("a@example.org", "o3"));
    client.send(event_record("a@example.org", "o1")); // same unique_id: held for the next request
    client.finish();

    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].uri == "/api/event-bulk-create-jobs");
    const auto body = parse_json(requests[0].body);
    const auto data = body->getObject("data");
    CHECK(data->getValue<std::string>("type") == "event-bulk-create-job");
    const auto groups =
        data->getObject("attributes")->getObject("events-bulk-create")->getArray("data");
    REQUIRE(groups->size() == 2);
    const auto first = groups->getObject(0);
    CHECK(first->getValue<std::string>("type") == "event-bulk-create");
    CHECK(first->getObject("attributes")
              ->getObject("profile")
              ->getObject("data")
              ->getObject("attributes")
              ->getValue<std::string>("email") == "a@example.org");
    const auto events = first->getObject("attributes")->getObject("events")->getArray("data");
    REQUIRE(events->size() == 2);
    CHECK(events->getObject(1)->getObject("attributes")->getValue<std::string>("unique_id") ==
          "o3");
    CHECK(parse_json(requests[1].body)
              ->getObject("data")
              ->getObject("attributes")
              ->getObject("events-bulk-create")
              ->getArray("data")
              ->size() == 1);
    CHECK(listener.count(Outcome::Sent) == 3); // the repeated key is one ledger key
    CHECK(listener.in_flight.size() == 2);
}

TEST_CASE("KlaviyoClient: batches stop at the record cap", "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{202, ""};
    });
    auto options = client_options(server);
    options.max_batch_records = 4;
    klaviyo::KlaviyoClient client(options, Target::Events, listener);
    for (int i = 0; i < 10; ++i)
        client.send(
            event_record("p" + std::to_string(i % 3) + "@example.org", "id" + std::to_string(i)));
    const auto stats = client.finish();
    CHECK(server.request_count() == 3);
    CHECK(stats.requests_by_endpoint.at("POST /api/event-bulk-create-jobs") == 3);
    CHECK(listener.count(Outcome::Sent) == 10);
}
