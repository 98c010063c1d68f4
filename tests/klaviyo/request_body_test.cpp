#include "client_fixture.hpp"
#include "klaviyo/request_body.hpp"
#include "recording_listener.hpp"

#include <Poco/JSON/Array.h>
#include <catch2/catch.hpp>

#include <sstream>

using namespace connector;
using namespace connector::klaviyo;
using connector::test::event_record;
using connector::test::parse_json;
using connector::test::profile_record;

namespace {

std::string canonical(const std::string &json) {
    std::ostringstream out;
    parse_json(json)->stringify(out);
    return out.str();
}

} // namespace

TEST_CASE("request bodies: a single event carries its profile inside its attributes", "[klaviyo]") {
    const Record r = event_record("a@example.org", "o1");
    const std::string body = event_single_body(r);
    const auto attributes = parse_json(body)->getObject("data")->getObject("attributes");
    CHECK(attributes->getObject("profile")->getObject("data")->getValue<std::string>("type") ==
          "profile");
    CHECK(attributes->getValue<std::string>("unique_id") == "o1");
    CHECK(attributes->getObject("properties")->getValue<std::string>("order_id") == "o1");
}

TEST_CASE("request bodies: the spliced single event equals the parsed and rebuilt one",
          "[klaviyo]") {
    Record r = event_record("a@example.org", "o1");
    const std::string spliced = event_single_body(r);
    // The same event with a trailing member after attributes cannot be spliced: it is rebuilt.
    Record odd = r;
    odd.event = R"({"attributes":)" + r.event.substr(r.event.find("{\"properties\""));
    odd.event.pop_back();
    odd.event += R"(,"type":"event"})";
    const std::string rebuilt = event_single_body(odd);
    CHECK(rebuilt.find(R"("profile")") != std::string::npos);
    const auto a = parse_json(spliced)->getObject("data")->getObject("attributes");
    const auto b = parse_json(rebuilt)->getObject("data")->getObject("attributes");
    CHECK(a->size() == b->size());
    for (const auto &name : {"properties", "metric", "time", "unique_id", "profile"}) {
        std::ostringstream x, y;
        a->get(name).isString() ? void(x << a->get(name).toString())
                                : a->getObject(name)->stringify(x);
        b->get(name).isString() ? void(y << b->get(name).toString())
                                : b->getObject(name)->stringify(y);
        CHECK(canonical("{\"v\":" + (a->get(name).isString() ? "\"" + x.str() + "\"" : x.str()) +
                        "}") ==
              canonical("{\"v\":" + (b->get(name).isString() ? "\"" + y.str() + "\"" : y.str()) +
                        "}"));
    }
}

TEST_CASE("request bodies: a string ending in braces does not fool the splice", "[klaviyo]") {
    Record r = event_record("a@example.org", "o1");
    r.event = R"({"type":"event","attributes":{"properties":{"note":"}}"},"unique_id":"o1"}})";
    const auto attributes =
        parse_json(event_single_body(r))->getObject("data")->getObject("attributes");
    CHECK(attributes->getObject("properties")->getValue<std::string>("note") == "}}");
    CHECK(attributes->has("profile"));
}

TEST_CASE("request bodies: an event that is not JSON is refused", "[klaviyo]") {
    Record r = event_record("a@example.org", "o1");
    r.event = "not json";
    CHECK_THROWS_AS(event_single_body(r), std::invalid_argument);
}

TEST_CASE("request bodies: bulk events are grouped by identical profile bytes", "[klaviyo]") {
    const Record a1 = event_record("a@example.org", "1");
    const Record b1 = event_record("b@example.org", "2");
    const Record a2 = event_record("a@example.org", "3");
    std::vector<std::vector<std::size_t>> groups;
    const std::string body = event_bulk_body({&a1, &b1, &a2}, groups);
    REQUIRE(groups.size() == 2);
    CHECK(groups[0] == std::vector<std::size_t>{0, 2});
    CHECK(groups[1] == std::vector<std::size_t>{1});
    const auto data = parse_json(body)
                          ->getObject("data")
                          ->getObject("attributes")
                          ->getObject("events-bulk-create")
                          ->getArray("data");
    CHECK(data->size() == 2);
    CHECK(body.size() < bulk_envelope_bytes + 2 * event_group_overhead_bytes + a1.profile.size() +
                            b1.profile.size() + a1.event.size() + b1.event.size() +
                            a2.event.size() + 3);
}

TEST_CASE("request bodies: bulk and single profile bodies wrap the profile as is", "[klaviyo]") {
    const Record a = profile_record("a@example.org");
    CHECK(profile_single_body(a) == R"({"data":)" + a.profile + "}");
    const std::string bulk = profile_bulk_body({&a});
    CHECK(bulk ==
          R"({"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":[)" +
              a.profile + "]}}}}");
}

TEST_CASE("request bodies: a bulk event profile carries patch_properties beside its attributes",
          "[klaviyo]") {
    const std::string single_form =
        R"({"type":"profile","attributes":{"email":"a@example.org","properties":{"meta":1},)"
        R"("meta":{"patch_properties":{"unset":["tier"]}}}})";
    CHECK(bulk_event_profile(single_form) ==
          R"({"type":"profile","attributes":{"email":"a@example.org","properties":{"meta":1}},)"
          R"("meta":{"patch_properties":{"unset":["tier"]}}})");
    const std::string plain = R"({"type":"profile","attributes":{"email":"a@example.org"}})";
    CHECK(bulk_event_profile(plain) == plain);
}
