#include "client_fixture.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "recording_listener.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace connector;
using namespace connector::test;

namespace {

std::string failure_of(klaviyo::ClientOptions options, RecordingListener &listener) {
    klaviyo::KlaviyoClient client(options, Target::Events, listener);
    client.send(event_record("a@example.org", "o1"));
    try {
        client.finish();
    } catch (const SinkError &e) {
        return e.what();
    }
    return {};
}

} // namespace

TEST_CASE("KlaviyoClient: a server certificate from an unknown CA is refused",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server(
        [](const RecordedRequest &, std::size_t) { return ScriptedResponse{202}; });
    auto options = client_options(server);
    options.ca_file = cert_path("other-ca.pem");
    const std::string message = failure_of(options, listener);
    CHECK(message.find("cannot verify the TLS certificate of " + server.url()) !=
          std::string::npos);
    CHECK(message.find("other-ca.pem") != std::string::npos);
    CHECK(server.request_count() == 0);
    CHECK(listener.outcomes["o1"].outcome == Outcome::Transient);
}

TEST_CASE("KlaviyoClient: the system CAs do not trust a private CA", "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server(
        [](const RecordedRequest &, std::size_t) { return ScriptedResponse{202}; });
    auto options = client_options(server);
    options.ca_file.clear();
    const std::string message = failure_of(options, listener);
    CHECK(message.find("--ca-file") != std::string::npos);
    CHECK(server.request_count() == 0);
}

TEST_CASE("KlaviyoClient: a certificate that does not name the host is refused",
          "[klaviyo][integration]") {
    RecordingListener listener;
    // The test certificate names 127.0.0.1 and localhost, not 127.0.0.2 (also loopback).
    ScriptedServer server(
        [](const RecordedRequest &, std::size_t) { return ScriptedResponse{202}; }, "127.0.0.2");
    const std::string message = failure_of(client_options(server), listener);
    CHECK(message.find("cannot verify the TLS certificate of https://127.0.0.2:") !=
          std::string::npos);
    CHECK(message.find("does not name 127.0.0.2") != std::string::npos);
    CHECK(server.request_count() == 0);
}

TEST_CASE("KlaviyoClient: a missing CA file is a configuration error", "[klaviyo]") {
    ensure_ssl();
    RecordingListener listener;
    klaviyo::ClientOptions options;
    options.api_key = test_api_key;
    options.ca_file = "/nonexistent/ca.pem";
    CHECK_THROWS_WITH(klaviyo::KlaviyoClient(options, Target::Events, listener),
                      Catch::Contains("/nonexistent/ca.pem"));
}

TEST_CASE("KlaviyoClient: only https URLs are accepted", "[klaviyo]") {
    ensure_ssl();
    RecordingListener listener;
    klaviyo::ClientOptions options;
    options.api_key = test_api_key;
    options.base_url = "http://a.klaviyo.com";
    CHECK_THROWS_AS(klaviyo::KlaviyoClient(options, Target::Events, listener), ConfigError);
}

TEST_CASE("KlaviyoClient: a stop request finishes in-flight requests and reports the rest "
          "Transient",
          "[klaviyo][integration]") {
    reset_stop();
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        ScriptedResponse r{202};
        r.delay = std::chrono::milliseconds(400);
        return r;
    });
    auto options = client_options(server);
    options.concurrency = 1;
    options.max_batch_records = 1;
    klaviyo::KlaviyoClient client(options, Target::Events, listener);
    for (int i = 0; i < 3; ++i)
        client.send(event_record("a@example.org", "o" + std::to_string(i)));
    while (server.request_count() == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    request_stop();
    client.send(event_record("a@example.org", "late")); // after the stop: not sent
    client.finish();
    reset_stop();
    CHECK(server.request_count() == 1);
    REQUIRE(listener.outcomes.size() == 4);
    CHECK(listener.count(Outcome::Sent) == 1); // the request in flight completed
    CHECK(listener.count(Outcome::Transient) == 3);
    CHECK(listener.outcomes["late"].code == "interrupted");
    CHECK(listener.duplicates.empty());
}
