#pragma once

#include "klaviyo/klaviyo_client.hpp"
#include "scripted_server.hpp"
#include "support/test_env.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>

namespace connector::test {

/// The key the tests send; it must never show up in an outcome, notice or error message.
constexpr const char *test_api_key = "pk_test_0123456789abcdef";

/// Options for a client talking to `server`: trusts the test CA, fast retries, no pacing.
inline klaviyo::ClientOptions client_options(const ScriptedServer &server) {
    klaviyo::ClientOptions o;
    o.base_url = server.url();
    o.ca_file = cert_path("ca.pem");
    o.api_key = test_api_key;
    o.api_key_source = "KLAVIYO_API_KEY";
    o.concurrency = 2;
    o.backoff_base = std::chrono::milliseconds(1);
    o.backoff_cap = std::chrono::milliseconds(5);
    o.job_poll_interval = std::chrono::milliseconds(5);
    o.job_poll_max_interval = std::chrono::milliseconds(20);
    o.bot_challenge_delay = std::chrono::milliseconds(5);
    o.stop_grace = std::chrono::milliseconds(2000);
    o.connect_timeout = std::chrono::seconds(5);
    o.receive_timeout = std::chrono::seconds(10);
    o.pacing = false;
    return o;
}

/// Parses a JSON object body (throws when it is not one).
inline Poco::JSON::Object::Ptr parse_json(const std::string &body) {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

} // namespace connector::test
