#include "fake_klaviyo/fake_process.hpp"
#include "support/test_env.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <string>

using fake_klaviyo::FakeKlaviyo;

namespace {

// Runs sdk_client.js with Klaviyo's Node SDK against the fake; returns {call: result line}.
std::map<std::string, Poco::JSON::Object::Ptr> run_sdk(const FakeKlaviyo &fake) {
    const std::string modules = connector::test::source_path("scripts/bench/node_modules");
    const std::string command = "NODE_PATH='" + modules + "' NODE_EXTRA_CA_CERTS='" +
                                FakeKlaviyo::ca_file() + "' KLAVIYO_API_KEY='" +
                                fake_klaviyo::test_api_key + "' node '" +
                                connector::test::source_path("tests/fake_klaviyo/sdk_client.js") +
                                "' '" + fake.base_url() + "' 2>&1";
    FILE *pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe);
    std::string output;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
        output.append(buffer, n);
    const int rc = ::pclose(pipe);
    INFO(output);
    REQUIRE(rc == 0);
    std::map<std::string, Poco::JSON::Object::Ptr> results;
    std::size_t start = 0;
    while (start < output.size()) {
        const std::size_t end = output.find('\n', start);
        const std::string line = output.substr(start, end - start);
        start = end == std::string::npos ? output.size() : end + 1;
        if (line.empty() || line[0] != '{')
            continue;
        auto obj = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
        results[obj->getValue<std::string>("call")] = obj;
    }
    return results;
}

} // namespace

TEST_CASE("FakeKlaviyo: accepts what Klaviyo's official Node SDK sends",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--job-delay-ms", "0"});
    auto results = run_sdk(fake);
    auto status = [&](const std::string &call) {
        INFO(call);
        REQUIRE(results.count(call));
        const std::string body =
            results[call]->has("body") ? results[call]->get("body").toString() : std::string();
        INFO(body);
        return results[call]->getValue<int>("status");
    };
    CHECK(status("createOrUpdateProfile") == 201);
    CHECK(status("bulkImportProfiles") == 202);
    CHECK(status("getBulkImportProfilesJob") == 200);
    CHECK(status("getErrorsForBulkImportProfilesJob") == 200);
    CHECK(status("createEvent") == 202);
    CHECK(status("bulkCreateEvents") == 202);
    CHECK(status("invalidEmail") == 400); // and the SDK surfaces Klaviyo's error

    auto state = fake.state();
    CHECK(state->getValue<int>("profile_count") == 4);
    CHECK(state->getValue<int>("event_count") == 3);
    auto sdk = state->getArray("profiles")->getObject(0);
    CHECK(sdk->getValue<std::string>("email") == "sdk@example.org");
    CHECK(sdk->getObject("attributes")->getValue<std::string>("first_name") == "Sdk");
    CHECK(sdk->getObject("properties")->getArray("tags")->getElement<std::string>(0) == "sdk");
    auto bulk = state->getArray("profiles")->getObject(1);
    CHECK(bulk->getArray("lists")->getElement<std::string>(0) == "SdkList");
    // The SDK sends plain application/json.
    CHECK(state->getObject("totals")->getValue<int>("content_type application/json") >= 4);
}
