#include "client_fixture.hpp"
#include "core/error.hpp"
#include "recording_listener.hpp"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <catch2/catch.hpp>

using namespace connector;
using namespace connector::test;

TEST_CASE("KlaviyoClient: a 429 is retried after Retry-After and counted",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t i) {
        if (i == 0)
            return ScriptedResponse{429, error_body("throttled",
                                                    "Request was throttled. Expected available "
                                                    "in 1 second.",
                                                    "/data", 429)}
                .with("Retry-After", "1");
        return ScriptedResponse{202};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    client.send(event_record("b@example.org", "o2"));
    const auto stats = client.finish();

    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].body == requests[1].body); // the same request, sent again
    CHECK(listener.count(Outcome::Sent) == 2);
    CHECK(listener.in_flight.size() == 1); // marked in flight once, not per attempt
    CHECK(stats.throttled == 1);
    CHECK(stats.retries == 1);
    CHECK(stats.responses_by_status.at(429) == 1);
    CHECK(stats.responses_by_status.at(202) == 1);
}

TEST_CASE("KlaviyoClient: every 5xx is retried with backoff", "[klaviyo][integration]") {
    const int status = GENERATE(500, 502, 503, 504, 520, 524);
    RecordingListener listener;
    ScriptedServer server([&](const RecordedRequest &, std::size_t i) {
        if (i < 2)
            return ScriptedResponse{status, "<html>upstream trouble</html>"};
        return ScriptedResponse{202};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    const auto stats = client.finish();
    CHECK(server.request_count() == 3);
    CHECK(listener.outcomes["o1"].outcome == Outcome::Sent);
    CHECK(stats.retries == 2);
    CHECK(stats.responses_by_status.at(status) == 2);
}

TEST_CASE("KlaviyoClient: a request still failing after its attempts is left Transient",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{503, error_body("service_unavailable", "try later", "/data", 503)};
    });
    auto options = client_options(server);
    options.max_attempts = 3;
    klaviyo::KlaviyoClient client(options, Target::Profiles, listener);
    client.send(profile_record("a@example.org"));
    client.send(profile_record("b@example.org"));
    const auto stats = client.finish();
    CHECK(server.request_count() == 3);
    REQUIRE(listener.outcomes.size() == 2);
    const auto &a = listener.outcomes["email:a@example.org"];
    CHECK(a.outcome == Outcome::Transient);
    CHECK(a.code == "http_503");
    CHECK(a.message.find("3 attempts") != std::string::npos);
    CHECK(listener.has_notice("left for the next run"));
    CHECK(listener.submitted.empty());
    CHECK(stats.retries == 2);
}

TEST_CASE("KlaviyoClient: a dropped connection is retried on a fresh connection",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t i) {
        ScriptedResponse r{202};
        r.drop = i == 0;
        return r;
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    const auto stats = client.finish();
    CHECK(server.request_count() == 2);
    CHECK(listener.outcomes["o1"].outcome == Outcome::Sent);
    CHECK(stats.responses_by_status.at(0) == 1);
    CHECK(stats.retries == 1);
}

TEST_CASE("KlaviyoClient: a receive timeout is retried", "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t i) {
        ScriptedResponse r{202};
        if (i == 0)
            r.delay = std::chrono::milliseconds(1500);
        return r;
    });
    auto options = client_options(server);
    options.receive_timeout = std::chrono::milliseconds(300);
    klaviyo::KlaviyoClient client(options, Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    const auto stats = client.finish();
    CHECK(server.request_count() == 2);
    CHECK(listener.outcomes["o1"].outcome == Outcome::Sent);
    CHECK(stats.responses_by_status.at(0) == 1);
}

namespace {

// Options for a client aimed at a port that was free a moment ago and has no listener now,
// retrying twice with millisecond backoff.
klaviyo::ClientOptions closed_port_options() {
    unsigned short port = 0;
    {
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = probe.address().port();
    }
    klaviyo::ClientOptions options;
    options.base_url = "https://127.0.0.1:" + std::to_string(port);
    options.ca_file = cert_path("ca.pem");
    options.api_key = test_api_key;
    options.max_attempts = 2;
    options.backoff_base = std::chrono::milliseconds(1);
    options.backoff_cap = std::chrono::milliseconds(2);
    options.pacing = false;
    return options;
}

} // namespace

TEST_CASE("KlaviyoClient: a refused connection is retried, then left Transient",
          "[klaviyo][integration]") {
    RecordingListener listener;
    const klaviyo::ClientOptions options = closed_port_options();
    ensure_ssl();
    klaviyo::KlaviyoClient client(options, Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    const auto stats = client.finish();
    const auto &o = listener.outcomes["o1"];
    CHECK(o.outcome == Outcome::Transient);
    CHECK(o.code == "network");
    CHECK(o.message.find("2 attempts") != std::string::npos);
    CHECK(stats.responses_by_status.at(0) == 2);
}

TEST_CASE("KlaviyoClient: finish() says Klaviyo was unreachable only when no request got an answer",
          "[klaviyo][integration]") {
    ensure_ssl();
    RecordingListener listener;
    SECTION("every request refused: the URL and the last error") {
        const klaviyo::ClientOptions options = closed_port_options();
        klaviyo::KlaviyoClient client(options, Target::Events, listener);
        client.send(event_record("a@example.org", "o1"));
        const auto stats = client.finish();
        CHECK(listener.outcomes["o1"].outcome == Outcome::Transient);
        CHECK_THAT(stats.unreachable,
                   Catch::StartsWith("could not reach Klaviyo at " + options.base_url + ": "));
        CHECK_THAT(stats.unreachable, Catch::Contains("refused", Catch::CaseSensitive::No));
    }
    SECTION("answered with 503 every time: reached, just failing") {
        ScriptedServer server(
            [](const RecordedRequest &, std::size_t) { return ScriptedResponse{503}; });
        auto options = client_options(server);
        options.max_attempts = 2;
        klaviyo::KlaviyoClient client(options, Target::Events, listener);
        client.send(event_record("a@example.org", "o1"));
        const auto stats = client.finish();
        CHECK(listener.outcomes["o1"].outcome == Outcome::Transient);
        CHECK(stats.unreachable.empty());
    }
    SECTION("one dropped connection, then an answer") {
        ScriptedServer server([](const RecordedRequest &, std::size_t i) {
            ScriptedResponse r{202};
            r.drop = i == 0;
            return r;
        });
        klaviyo::KlaviyoClient client(client_options(server), Target::Events, listener);
        client.send(event_record("a@example.org", "o1"));
        const auto stats = client.finish();
        CHECK(stats.responses_by_status.at(0) == 1);
        CHECK(stats.unreachable.empty());
    }
}

TEST_CASE("KlaviyoClient: the run deadline stops retries and leaves records Transient",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server(
        [](const RecordedRequest &, std::size_t) { return ScriptedResponse{500}; });
    auto options = client_options(server);
    options.run_deadline = std::chrono::milliseconds(0);
    options.max_attempts = 100;
    klaviyo::KlaviyoClient client(options, Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    client.finish();
    CHECK(server.request_count() == 1);
    CHECK(listener.outcomes["o1"].outcome == Outcome::Transient);
    CHECK(listener.outcomes["o1"].message.find("deadline") != std::string::npos);
}
