#include "core/ledger.hpp"
#include "core/record.hpp"

#include <catch2/catch.hpp>

using namespace connector;

TEST_CASE("profile_key: external id wins, then lower-cased email, then phone", "[core]") {
    CHECK(profile_key("wh_1", "Ada@Example.org", "+14155550123") == "external_id:wh_1");
    CHECK(profile_key("", "Ada@Example.org", "+14155550123") == "email:ada@example.org");
    CHECK(profile_key("", "", "+14155550123") == "phone:+14155550123");
    CHECK(profile_key("", "", "").empty());
}

TEST_CASE("Decision: only new, changed and retry are sent", "[core]") {
    CHECK(should_send(Decision::New));
    CHECK(should_send(Decision::Changed));
    CHECK(should_send(Decision::Retry));
    CHECK_FALSE(should_send(Decision::Unchanged));
    CHECK_FALSE(should_send(Decision::SkipFailed));
    CHECK_FALSE(should_send(Decision::Duplicate));
}
