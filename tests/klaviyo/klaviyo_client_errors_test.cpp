#include "client_fixture.hpp"
#include "core/error.hpp"
#include "recording_listener.hpp"

#include <Poco/JSON/Array.h>
#include <catch2/catch.hpp>

using namespace connector;
using namespace connector::test;

namespace {

std::size_t profiles_in(const RecordedRequest &r) {
    return parse_json(r.body)
        ->getObject("data")
        ->getObject("attributes")
        ->getObject("profiles")
        ->getArray("data")
        ->size();
}

std::size_t events_in(const RecordedRequest &r) {
    std::size_t n = 0;
    const auto groups = parse_json(r.body)
                            ->getObject("data")
                            ->getObject("attributes")
                            ->getObject("events-bulk-create")
                            ->getArray("data");
    for (std::size_t g = 0; g < groups->size(); ++g)
        n += groups->getObject(static_cast<unsigned>(g))
                 ->getObject("attributes")
                 ->getObject("events")
                 ->getArray("data")
                 ->size();
    return n;
}

} // namespace

TEST_CASE("KlaviyoClient: a 400 on a bulk import fails the record its pointer names and resends "
          "the rest",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &req, std::size_t i) {
        if (req.method == "POST" && i == 0)
            return ScriptedResponse{
                400, error_body("invalid", "Invalid email address",
                                "/data/attributes/profiles/data/1/attributes/email")};
        if (req.method == "POST")
            return ScriptedResponse{202, job_body("j", "queued", 2, 0, 0)};
        if (req.uri == "/api/profile-bulk-import-jobs/j")
            return ScriptedResponse{200, job_body("j", "complete", 2, 2, 0)};
        return ScriptedResponse{200, R"({"data":[],"links":{}})"};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Profiles, listener);
    client.send(profile_record("a@example.org"));
    client.send(profile_record("not-an-email"));
    client.send(profile_record("c@example.org"));
    client.finish();

    const auto requests = server.requests();
    REQUIRE(requests.size() >= 2);
    CHECK(profiles_in(requests[0]) == 3);
    CHECK(profiles_in(requests[1]) == 2);
    CHECK(requests[1].body.find("not-an-email") == std::string::npos);
    const auto &bad = listener.outcomes["email:not-an-email"];
    CHECK(bad.outcome == Outcome::Failed);
    CHECK(bad.code == "invalid");
    CHECK(bad.message == "Invalid email address (at attributes/email)");
    CHECK(listener.outcomes["email:a@example.org"].outcome == Outcome::Sent);
    CHECK(listener.outcomes["email:c@example.org"].outcome == Outcome::Sent);
    CHECK(listener.submitted["j"].size() == 2);
}

TEST_CASE("KlaviyoClient: a 400 pointer into an event group fails that event or the whole group",
          "[klaviyo][integration]") {
    RecordingListener listener;
    std::string pointer;
    std::string expected_field;
    std::vector<std::string> failed;
    const bool event_level = GENERATE(true, false);
    if (event_level) {
        // Groups: 0 = a (o1, o3), 1 = b (o2). The second event of group 0 is o3.
        pointer = "/data/attributes/events-bulk-create/data/0/attributes/events/data/1/attributes/"
                  "time";
        expected_field = "attributes/time";
        failed = {"o3"};
    } else {
        // A pointer at the group's profile fails every event of that profile.
        pointer = "/data/attributes/events-bulk-create/data/0/attributes/profile/data/attributes/"
                  "email";
        failed = {"o1", "o3"};
    }
    ScriptedServer server([&](const RecordedRequest &, std::size_t i) {
        if (i == 0)
            return ScriptedResponse{400, error_body("invalid", "bad value", pointer)};
        return ScriptedResponse{202};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    client.send(event_record("b@example.org", "o2"));
    client.send(event_record("a@example.org", "o3"));
    client.finish();

    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(events_in(requests[1]) == 3 - failed.size());
    for (const auto &key : failed) {
        CHECK(listener.outcomes[key].outcome == Outcome::Failed);
        CHECK(listener.outcomes[key].message.find("bad value") != std::string::npos);
        CHECK(requests[1].body.find("\"" + key + "\"") == std::string::npos);
    }
    if (!expected_field.empty())
        CHECK(listener.outcomes["o3"].message == "bad value (at " + expected_field + ")");
    CHECK(listener.count(Outcome::Sent) == 3 - failed.size());
}

TEST_CASE("KlaviyoClient: a 413 without a pointer splits the batch", "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &req, std::size_t) {
        // Anything with more than two events is too large.
        if (events_in(req) > 2)
            return ScriptedResponse{413, "<html>Request Entity Too Large</html>"};
        return ScriptedResponse{202};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Events, listener);
    for (int i = 0; i < 5; ++i)
        client.send(event_record("p@example.org", "o" + std::to_string(i)));
    client.finish();
    const auto requests = server.requests();
    std::size_t accepted = 0;
    for (const auto &r : requests)
        if (events_in(r) <= 2)
            accepted += events_in(r);
    CHECK(accepted == 5);
    CHECK(listener.count(Outcome::Sent) == 5);
}

TEST_CASE("KlaviyoClient: a 400 without a usable pointer is narrowed down to the bad record",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &req, std::size_t) {
        if (req.body.find("\"o5\"") != std::string::npos)
            return ScriptedResponse{400, error_body("invalid", "Something is wrong", "/data")};
        return ScriptedResponse{202};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Events, listener);
    for (int i = 0; i < 8; ++i)
        client.send(
            event_record("p" + std::to_string(i) + "@example.org", "o" + std::to_string(i)));
    client.finish();
    CHECK(listener.count(Outcome::Sent) == 7);
    CHECK(listener.outcomes["o5"].outcome == Outcome::Failed);
    CHECK(listener.outcomes["o5"].message == "Something is wrong");
    CHECK(listener.duplicates.empty());
}

TEST_CASE("KlaviyoClient: 409 duplicate_profile fails the record with the conflicting id, once",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{
            409,
            R"({"errors":[{"id":"x","status":409,"code":"duplicate_profile","title":"Conflict.","detail":"A profile already exists with one of these identifiers.","source":{"pointer":"/data/attributes"},"meta":{"duplicate_profile_id":"01GDDKASAP8TKDDA2GRZDSVP4H"}}]})"};
    });
    auto options = client_options(server);
    options.api_mode = klaviyo::ApiMode::Single;
    klaviyo::KlaviyoClient client(options, Target::Profiles, listener);
    client.send(profile_record("a@example.org", R"("phone_number":"+14155550123")"));
    const auto stats = client.finish();
    CHECK(server.request_count() == 1);
    const auto &o = listener.outcomes["email:a@example.org"];
    CHECK(o.outcome == Outcome::Failed);
    CHECK(o.code == "duplicate_profile");
    CHECK(o.message.find("duplicate_profile_id 01GDDKASAP8TKDDA2GRZDSVP4H") != std::string::npos);
    CHECK(stats.retries == 0);
}

TEST_CASE("KlaviyoClient: 401 stops the run with the key source and scopes, never the key",
          "[klaviyo][integration]") {
    const Target target = GENERATE(Target::Profiles, Target::Events);
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{
            401, error_body("not_authenticated",
                            std::string("Incorrect authentication credentials: ") + test_api_key,
                            "/data", 401)};
    });
    auto options = client_options(server);
    options.api_key_source = "/etc/connector/klaviyo.key";
    options.max_batch_records = 1;
    options.concurrency = 1;
    klaviyo::KlaviyoClient client(options, target, listener);
    std::string message;
    try {
        for (int i = 0; i < 50; ++i)
            client.send(target == Target::Profiles
                            ? profile_record("p" + std::to_string(i) + "@example.org")
                            : event_record("a@example.org", "o" + std::to_string(i)));
        client.finish();
    } catch (const AuthError &e) {
        message = e.what();
    }
    REQUIRE(!message.empty());
    CHECK(message.find("/etc/connector/klaviyo.key") != std::string::npos);
    CHECK(message.find(target == Target::Profiles ? "profiles:write" : "events:write") !=
          std::string::npos);
    CHECK(message.find(test_api_key) == std::string::npos);
    CHECK(server.request_count() == 1); // stopped at once
    // Every record handed over was accounted for, none as sent.
    CHECK(listener.count(Outcome::Sent) == 0);
    CHECK(listener.count(Outcome::Transient) == listener.outcomes.size());
    for (const auto &[key, o] : listener.outcomes)
        CHECK(o.message.find(test_api_key) == std::string::npos);
}

TEST_CASE("KlaviyoClient: 403 with a JSON body is a scope problem (AuthError)",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{403, error_body("permission_denied",
                                                "You do not have permission to perform this "
                                                "action.",
                                                "/data", 403)};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    CHECK_THROWS_AS(client.finish(), AuthError);
    CHECK(listener.outcomes["o1"].outcome == Outcome::Transient);
}

TEST_CASE("KlaviyoClient: a 403 bot challenge is retried a few times, then stops the run",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        ScriptedResponse r{403, "<!DOCTYPE html><html><title>Just a moment...</title></html>"};
        r.content_type = "text/html";
        return r.with("cf-mitigated", "challenge");
    });
    auto options = client_options(server);
    options.bot_challenge_attempts = 3;
    klaviyo::KlaviyoClient client(options, Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    std::string message;
    try {
        client.finish();
    } catch (const SinkError &e) {
        message = e.what();
    }
    CHECK(server.request_count() == 3);
    CHECK(message.find("bot challenge") != std::string::npos);
    CHECK(message.find("not an API key problem") != std::string::npos);
    CHECK(listener.outcomes["o1"].outcome == Outcome::Transient);
    CHECK(listener.outcomes["o1"].code == "bot_challenge");
}

TEST_CASE("KlaviyoClient: 410 means a retired endpoint or revision and stops the run",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{
            410, error_body("gone", "This API revision has been retired.", "/data", 410)};
    });
    auto options = client_options(server);
    options.revision = "2023-02-22";
    klaviyo::KlaviyoClient client(options, Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    std::string message;
    try {
        client.finish();
    } catch (const AuthError &e) {
        message = e.what();
    }
    CHECK(message.find("410") != std::string::npos);
    CHECK(message.find("2023-02-22") != std::string::npos);
    CHECK(server.request_count() == 1);
    CHECK(server.requests()[0].header("revision") == "2023-02-22");
}

TEST_CASE("KlaviyoClient: an HTML 404 is a configuration problem, not a record failure",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        ScriptedResponse r{404, "<html>Not Found</html>"};
        r.content_type = "text/html";
        return r;
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Profiles, listener);
    client.send(profile_record("a@example.org"));
    CHECK_THROWS_AS(client.finish(), SinkError);
    CHECK(listener.outcomes["email:a@example.org"].outcome == Outcome::Transient);
}

TEST_CASE("KlaviyoClient: a key echoed by the server is redacted", "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{
            400, error_body("invalid", std::string("bad header Klaviyo-API-Key ") + test_api_key,
                            "/data")};
    });
    auto options = client_options(server);
    options.api_mode = klaviyo::ApiMode::Single;
    klaviyo::KlaviyoClient client(options, Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    client.finish();
    const auto &o = listener.outcomes["o1"];
    CHECK(o.outcome == Outcome::Failed);
    CHECK(o.message.find(test_api_key) == std::string::npos);
    CHECK(o.message.find("[REDACTED]") != std::string::npos);
}

TEST_CASE("KlaviyoClient: a JSON 404 or 415 on a batch stops the run instead of failing records",
          "[klaviyo][integration]") {
    const int status = GENERATE(404, 405, 415);
    RecordingListener listener;
    ScriptedServer server([&](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{status, error_body("not_found", "Not found.", "/data", status)};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    client.send(event_record("b@example.org", "o2"));
    CHECK_THROWS_WITH(client.finish(), Catch::Contains("--klaviyo-url"));
    CHECK(server.request_count() == 1);
    CHECK(listener.count(Outcome::Failed) == 0);
    CHECK(listener.count(Outcome::Transient) == 2);
}

TEST_CASE("KlaviyoClient: a 400 about a request parameter blames no record",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{
            400,
            R"({"errors":[{"id":"x","status":400,"code":"invalid","title":"Invalid input.","detail":"Invalid revision.","source":{"parameter":"revision"}}]})"};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Events, listener);
    for (int i = 0; i < 4; ++i)
        client.send(event_record("a@example.org", "o" + std::to_string(i)));
    CHECK_THROWS_WITH(client.finish(), Catch::Contains("--revision"));
    CHECK(server.request_count() == 1); // no splitting down to single records
    CHECK(listener.count(Outcome::Failed) == 0);
    CHECK(listener.count(Outcome::Transient) == 4);
}

TEST_CASE("KlaviyoClient: a malformed revision or key is a configuration error", "[klaviyo]") {
    ensure_ssl();
    RecordingListener listener;
    klaviyo::ClientOptions options;
    options.api_key = test_api_key;
    options.revision = "latest";
    CHECK_THROWS_WITH(klaviyo::KlaviyoClient(options, Target::Events, listener),
                      Catch::Contains("--revision"));
    options.revision = "2026-07-15.pre";
    options.api_key = "pk_abc\r\nX-Injected: 1";
    CHECK_THROWS_AS(klaviyo::KlaviyoClient(options, Target::Events, listener), ConfigError);
}

TEST_CASE("KlaviyoClient: check_settings refuses what the client would, without a key",
          "[klaviyo]") {
    ensure_ssl();
    klaviyo::ClientOptions options; // no api_key: a dry run has none
    options.ca_file = cert_path("ca.pem");
    CHECK_NOTHROW(klaviyo::check_settings(options));
    SECTION("a malformed revision") {
        options.revision = "banana";
        CHECK_THROWS_WITH(klaviyo::check_settings(options),
                          "--revision must look like 2026-07-15 (or 2026-07-15.pre), not 'banana'");
    }
    SECTION("a URL with a query") {
        options.base_url = "https://127.0.0.1:8443/?x=1";
        CHECK_THROWS_WITH(klaviyo::check_settings(options),
                          Catch::Contains("must not have a query or fragment"));
    }
    SECTION("a CA file that is not a certificate") {
        options.ca_file = source_path("tests/cli/data/customers.sql");
        CHECK_THROWS_AS(klaviyo::check_settings(options), ConfigError);
        CHECK_THROWS_WITH(klaviyo::check_settings(options),
                          Catch::Contains("cannot load the CA file"));
    }
}
