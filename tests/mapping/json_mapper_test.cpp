#include "core/error.hpp"
#include "mapping/json_mapper.hpp"
#include "mapping_fixtures.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <catch2/catch.hpp>

using namespace connector;
using namespace connector::mapping;
using namespace connector::test;

namespace {

std::string sha256(const std::string &bytes) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(bytes);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

ColumnRule rule(const std::string &column,
                const std::string &to,
                Cast cast = Cast::Auto,
                std::optional<NullPolicy> on_null = std::nullopt) {
    return ColumnRule{column, to, cast, "", on_null, false, "columns.\"" + column + "\""};
}

} // namespace

TEST_CASE("JsonMapper: columns named like Klaviyo fields map to them by convention", "[mapping]") {
    const Record r = expect_record(map_one(
        default_mapping(), Target::Profiles,
        {"Email", "FirstName", "last name", "PHONE", "location.city", "Location_Country", "$zip",
         "External_ID", "plan", "lifetime value"},
        {std::string(" Ada@Example.ORG "), std::string("Ada"), std::string("Lovelace"),
         std::string("+44 20 7946 0958"), std::string("London"), std::string("United Kingdom"),
         std::string("N1 9GU"), std::int64_t{42}, std::string("gold"), Decimal{"1234.50"}}));
    CHECK(
        r.profile ==
        R"({"type":"profile","attributes":{"email":"Ada@example.org","phone_number":"+442079460958",)"
        R"("external_id":"42","first_name":"Ada","last_name":"Lovelace","location":{"city":"London",)"
        R"("country":"United Kingdom","zip":"N1 9GU"},"properties":{"plan":"gold","lifetime value":1234.50}}})");
    CHECK(r.event.empty());
    CHECK(r.key == "external_id:42");
    CHECK(r.row_number == 1);
    CHECK(r.hash == sha256(r.profile));
    CHECK(r.warnings.empty());
}

TEST_CASE("JsonMapper: attributes keep Klaviyo's order whatever the column order", "[mapping]") {
    const Record a = expect_record(map_one(
        default_mapping(), Target::Profiles, {"title", "city", "location.zip", "email"},
        {std::string("Dr"), std::string("Oslo"), std::int64_t{171}, std::string("b@x.no")}));
    CHECK(a.profile == R"({"type":"profile","attributes":{"email":"b@x.no","title":"Dr",)"
                       R"("location":{"zip":"171"},"properties":{"city":"Oslo"}}})");
}

TEST_CASE("JsonMapper: the same row always gives the same bytes and hash", "[mapping]") {
    const auto columns = columns_named({"email", "score", "tags"});
    JsonMapper one(default_mapping(), Target::Profiles, columns);
    JsonMapper two(default_mapping(), Target::Profiles, columns);
    const Row row = row_of({std::string("a@b.co"), 1.5, std::string("x")}, 7);
    const Record first = expect_record(one.map(row));
    const Record again = expect_record(one.map(row));
    const Record other = expect_record(two.map(row));
    CHECK(first.profile == again.profile);
    CHECK(first.hash == again.hash);
    CHECK(first.hash == other.hash);
    const Record changed =
        expect_record(one.map(row_of({std::string("a@b.co"), 1.6, std::string("x")})));
    CHECK(changed.hash != first.hash);
    CHECK(changed.key == first.key);
}

TEST_CASE("JsonMapper: the profile key prefers external_id, then email, then phone", "[mapping]") {
    const auto names = {"external_id", "email", "phone"};
    CHECK(expect_record(map_one(default_mapping(), Target::Profiles, names,
                                {std::string("wh_1"), std::string("A@B.co"), Null{}}))
              .key == "external_id:wh_1");
    CHECK(
        expect_record(map_one(default_mapping(), Target::Profiles, names,
                              {Null{}, std::string("Ada@Example.org"), std::string("+4722442222")}))
            .key == "email:ada@example.org");
    CHECK(expect_record(map_one(default_mapping(), Target::Profiles, names,
                                {Null{}, std::string(" "), std::string("+47 22 44 22 22")}))
              .key == "phone:+4722442222");
}

TEST_CASE("JsonMapper: a row without any identifier is rejected", "[mapping]") {
    const Rejection r =
        expect_rejection(map_one(default_mapping(), Target::Profiles, {"email", "phone", "plan"},
                                 {Null{}, std::string("N/A"), std::string("gold")}));
    CHECK(r.code == "missing_identifier");
    CHECK(r.row_number == 1);
    CHECK(r.column.empty());
    CHECK_THAT(r.message, Catch::Contains("email, phone"));
    CHECK(r.key.empty());
}

TEST_CASE("JsonMapper: an invalid email rejects the row naming the column", "[mapping]") {
    mapping::JsonMapper mapper(default_mapping(), Target::Profiles,
                               columns_named({"external_id", "Email"}));
    const Rejection r = expect_rejection(
        mapper.map(row_of({std::string("wh_9"), std::string("michelle.brooks@example")}, 18)));
    CHECK(r.code == "invalid_email");
    CHECK(r.row_number == 18);
    CHECK(r.column == "Email");
    CHECK_THAT(r.message, Catch::Contains("\"michelle.brooks@example\""));
    CHECK(r.key == "external_id:wh_9");
    CHECK(expect_rejection(mapper.map(row_of({Null{}, std::int64_t{5}}))).code == "invalid_email");
}

TEST_CASE("JsonMapper: a rejected row carries its key whatever the order of the columns",
          "[mapping]") {
    // The email column comes before the key's own column: the key is still read first.
    mapping::JsonMapper profiles(default_mapping(), Target::Profiles,
                                 columns_named({"Email", "external_id"}));
    const Rejection p =
        expect_rejection(profiles.map(row_of({std::string("bad"), std::string("wh_9")}, 3)));
    CHECK(p.code == "invalid_email");
    CHECK(p.column == "Email");
    CHECK(p.key == "external_id:wh_9");
    mapping::JsonMapper events(default_mapping(), Target::Events,
                               columns_named({"metric", "email", "unique_id", "time"}));
    const Rejection e = expect_rejection(
        events.map(row_of({std::string("Placed Order"), std::string("bad"), std::string("order-7"),
                           std::string("2026-01-02T03:04:05Z")})));
    CHECK(e.code == "invalid_email");
    CHECK(e.key == "order-7");
    // An event's key is its unique_id, also when a profile identifier before it is bad.
    mapping::JsonMapper events_by_id(default_mapping(), Target::Events,
                                     columns_named({"external_id", "metric", "unique_id", "time"}));
    const Rejection x = expect_rejection(
        events_by_id.map(row_of({1.5, std::string("Placed Order"), std::string("order-8"),
                                 std::string("2026-01-02T03:04:05Z")})));
    CHECK(x.code == "invalid_external_id");
    CHECK(x.key == "order-8");
    // The message about missing identifiers still lists the columns in query order.
    const Rejection none =
        expect_rejection(profiles.map(row_of({std::string(""), std::string("")}, 4)));
    CHECK(none.code == "missing_identifier");
    CHECK_THAT(none.message, Catch::Contains("(all empty in: Email, external_id)"));
}

TEST_CASE("JsonMapper: an invalid phone is dropped with a warning when another identifier remains",
          "[mapping]") {
    const Record r = expect_record(map_one(default_mapping(), Target::Profiles, {"email", "phone"},
                                           {std::string("a@b.co"), std::string("+453 3331 9991")}));
    CHECK(r.profile == R"({"type":"profile","attributes":{"email":"a@b.co"}})");
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].code == "invalid_phone_dropped");
    CHECK(r.warnings[0].column == "phone");
    CHECK(r.warnings[0].row_number == 1);
    CHECK_THAT(r.warnings[0].message, Catch::Contains("+453 3331 9991"));
}

TEST_CASE("JsonMapper: an invalid phone that is the only identifier rejects the row", "[mapping]") {
    const Rejection r =
        expect_rejection(map_one(default_mapping(), Target::Profiles, {"email", "phone"},
                                 {Null{}, std::string("(650) 253-0000")}));
    CHECK(r.code == "invalid_phone");
    CHECK(r.column == "phone");
    CHECK_THAT(r.message, Catch::Contains("no region known"));
}

TEST_CASE("JsonMapper: phones use the default region or the row's country column", "[mapping]") {
    MappingSpec spec;
    spec.default_region = "US";
    spec.country_column = "country_code";
    JsonMapper mapper(spec, Target::Profiles, columns_named({"phone", "country_code"}));
    const Record de =
        expect_record(mapper.map(row_of({std::string("0711 2842222"), std::string("de")})));
    CHECK(de.key == "phone:+497112842222");
    const Record us = expect_record(mapper.map(row_of({std::string("(650) 253-0000"), Null{}})));
    CHECK(us.key == "phone:+16502530000");
    const Record ext =
        expect_record(mapper.map(row_of({std::string("650 253 0000 ext. 12"), std::string("US")})));
    CHECK(ext.key == "phone:+16502530000");
    REQUIRE(ext.warnings.size() == 1);
    CHECK(ext.warnings[0].code == "phone_extension_dropped");
    const Record integer = expect_record(mapper.map(row_of({std::int64_t{6502530000}, Null{}})));
    CHECK(integer.key == "phone:+16502530000");
}

TEST_CASE("JsonMapper: null policies keep, clear or unset", "[mapping]") {
    MappingSpec spec;
    spec.columns = {rule("kept", "kept"), rule("cleared", "cleared", Cast::Auto, NullPolicy::Clear),
                    rule("removed", "removed", Cast::Auto, NullPolicy::Unset),
                    rule("title", "title", Cast::Auto, NullPolicy::Clear),
                    rule("nested", "a.b", Cast::Auto, NullPolicy::Clear)};
    const auto names = {"email", "kept", "cleared", "removed", "title", "nested", "removed2"};
    SECTION("profiles: unset goes to meta.patch_properties beside attributes") {
        spec.columns.push_back(rule("removed2", "removed2", Cast::Auto, NullPolicy::Unset));
        const Record r = expect_record(
            map_one(spec, Target::Profiles, names,
                    {std::string("a@b.co"), Null{}, Null{}, Null{}, Null{}, Null{}, Null{}}));
        CHECK(r.profile == R"({"type":"profile","attributes":{"email":"a@b.co","title":null,)"
                           R"("properties":{"cleared":null,"a":{"b":null}}},)"
                           R"("meta":{"patch_properties":{"unset":["removed","removed2"]}}})");
    }
    SECTION("values are sent whatever the policy") {
        const Record r = expect_record(
            map_one(spec, Target::Profiles, names,
                    {std::string("a@b.co"), std::int64_t{1}, std::int64_t{2}, std::int64_t{3},
                     std::string("Dr"), std::int64_t{4}, std::int64_t{5}}));
        CHECK(r.profile == R"({"type":"profile","attributes":{"email":"a@b.co","title":"Dr",)"
                           R"("properties":{"kept":1,"cleared":2,"removed":3,"a":{"b":4},)"
                           R"("removed2":5}}})");
    }
    SECTION("events: the profile's meta sits inside its attributes") {
        MappingSpec ev;
        ev.columns = {rule("tier", "profile.properties.tier", Cast::Auto, NullPolicy::Unset)};
        ev.constants = {{"metric", "\"Viewed\"", "constants"}};
        const Record r = expect_record(map_one(ev, Target::Events, {"email", "tier", "sku"},
                                               {std::string("a@b.co"), Null{}, std::string("A1")}));
        CHECK(r.profile == R"({"type":"profile","attributes":{"email":"a@b.co",)"
                           R"("meta":{"patch_properties":{"unset":["tier"]}}}})");
    }
    SECTION("the file-wide default applies to columns without their own policy") {
        MappingSpec all;
        all.default_null = NullPolicy::Unset;
        const Record r =
            expect_record(map_one(all, Target::Profiles, {"email", "first_name", "plan"},
                                  {std::string("a@b.co"), Null{}, Null{}}));
        CHECK(r.profile == R"({"type":"profile","attributes":{"email":"a@b.co","first_name":null},)"
                           R"("meta":{"patch_properties":{"unset":["plan"]}}})");
        all.default_null = NullPolicy::Clear;
        const Record c =
            expect_record(map_one(all, Target::Profiles, {"email", "first_name", "plan"},
                                  {std::string("a@b.co"), Null{}, Null{}}));
        CHECK(c.profile == R"({"type":"profile","attributes":{"email":"a@b.co","first_name":null,)"
                           R"("properties":{"plan":null}}})");
    }
}

TEST_CASE("JsonMapper: casts and constants from a spec", "[mapping]") {
    MappingSpec spec;
    spec.columns = {
        rule("tags", "tags", Cast::Array),    rule("prefs", "prefs", Cast::Object),
        rule("zip", "location.zip"),          rule("lat", "location.latitude", Cast::Number),
        rule("vip", "is_vip", Cast::Boolean), rule("joined", "joined", Cast::Date)};
    spec.columns[0].delimiter = "|";
    spec.constants = {{"properties.source", "\"warehouse\"", "constants"},
                      {"organization", "\"ACME\"", "constants"}};
    const Record r = expect_record(
        map_one(spec, Target::Profiles, {"email", "tags", "prefs", "zip", "lat", "vip", "joined"},
                {std::string("a@b.co"), std::string("a|b"), std::string(R"({"k": [1]})"),
                 std::int64_t{12345}, std::string("40.7128"), std::string("yes"),
                 Timestamp{1777568709, 0}}));
    CHECK(r.profile ==
          R"({"type":"profile","attributes":{"email":"a@b.co","organization":"ACME",)"
          R"("location":{"zip":"12345","latitude":40.7128},"properties":{"tags":["a","b"],)"
          R"("prefs":{"k":[1]},"is_vip":true,"joined":"2026-04-30","source":"warehouse"}}})");
}

TEST_CASE("JsonMapper: a bad value rejects its row with the column and keeps the key",
          "[mapping]") {
    MappingSpec spec;
    spec.columns = {rule("score", "score", Cast::Integer)};
    JsonMapper mapper(spec, Target::Profiles, columns_named({"email", "score"}));
    const Rejection r =
        expect_rejection(mapper.map(row_of({std::string("A@B.co"), std::string("4.5")}, 3)));
    CHECK(r.row_number == 3);
    CHECK(r.column == "score");
    CHECK(r.code == "invalid_cast");
    CHECK(r.key == "email:a@b.co");
    CHECK_THAT(r.message, Catch::Contains("\"4.5\" (text) cannot be cast to an integer"));
    // The next row is unaffected.
    CHECK(expect_record(mapper.map(row_of({std::string("a@b.co"), std::string("4")}, 4))).profile ==
          R"({"type":"profile","attributes":{"email":"a@b.co","properties":{"score":4}}})");
}

TEST_CASE("JsonMapper: events by convention", "[mapping]") {
    JsonMapper mapper(default_mapping(), Target::Events,
                      columns_named({"email", "first_name", "event", "time", "value",
                                     "value_currency", "unique_id", "sku", "qty"}));
    mapper.set_now(Timestamp{1780000000, 0});
    const Record r = expect_record(mapper.map(
        row_of({std::string("ada@example.org"), std::string("Ada"), std::string("Placed Order"),
                Timestamp{1777568709, 0}, Decimal{"59.90"}, std::string("eur"),
                std::string("SO-9001"), std::string("A1"), std::int64_t{2}})));
    CHECK(r.profile ==
          R"({"type":"profile","attributes":{"email":"ada@example.org","first_name":"Ada"}})");
    CHECK(
        r.event ==
        R"({"type":"event","attributes":{"properties":{"sku":"A1","qty":2},)"
        R"("metric":{"data":{"type":"metric","attributes":{"name":"Placed Order"}}},)"
        R"("time":"2026-04-30T17:05:09Z","value":59.90,"value_currency":"EUR","unique_id":"SO-9001"}})");
    CHECK(r.key == "SO-9001");
    CHECK(r.hash == sha256(r.profile + r.event));
}

TEST_CASE("JsonMapper: the seed's vocabulary works for events", "[mapping]") {
    const Record r = expect_record(map_one(
        default_mapping(), Target::Events,
        {"$email", "$first_name", "$city", "Event Name", "$value", "$event_id", "Source"},
        {std::string("a@b.co"), std::string("Bo"), std::string("Oslo"), std::string("Viewed"),
         std::int64_t{3}, std::int64_t{77}, std::string("newsletter")}));
    CHECK(r.profile == R"({"type":"profile","attributes":{"email":"a@b.co","first_name":"Bo",)"
                       R"("location":{"city":"Oslo"}}})");
    CHECK(r.event == R"({"type":"event","attributes":{"properties":{"Source":"newsletter"},)"
                     R"("metric":{"data":{"type":"metric","attributes":{"name":"Viewed"}}},)"
                     R"("value":3,"unique_id":"77"}})");
    // And "Source -> property" lines in a mapping file rename, as in the seed.
    MappingSpec spec;
    spec.columns = {rule("Source", "utm_source"), rule("Total", "$value")};
    spec.constants = {{"metric", "\"Viewed\"", "event.metric"}};
    const Record renamed =
        expect_record(map_one(spec, Target::Events, {"$email", "Source", "Total"},
                              {std::string("a@b.co"), std::string("newsletter"), Decimal{"9.90"}}));
    CHECK_THAT(renamed.event, Catch::Contains(R"("properties":{"utm_source":"newsletter"})"));
    CHECK_THAT(renamed.event, Catch::Contains(R"("value":9.90)"));
}

TEST_CASE("JsonMapper: event columns named in a mapping file", "[mapping]") {
    MappingSpec spec;
    spec.columns = {rule("placed_at", "time"),
                    rule("total", "value"),
                    rule("cur", "value_currency"),
                    rule("order_id", "unique_id"),
                    rule("sku", "event.properties.item.sku"),
                    rule("tier", "profile.properties.tier")};
    spec.constants = {{"metric", "\"Placed Order\"", "event.metric"},
                      {"backfill", "true", "event.backfill"}};
    const Record r = expect_record(
        map_one(spec, Target::Events,
                {"email", "customer_id", "placed_at", "total", "cur", "order_id", "sku", "tier"},
                {std::string("a@b.co"), std::int64_t{5}, std::string("2026-04-30 19:05:09+02:00"),
                 std::string("12.5"), std::string("usd"), std::int64_t{9001}, std::string("A1"),
                 std::string("gold")}));
    // customer_id has no field name: an event property, like every other unmapped column.
    CHECK(r.profile ==
          R"({"type":"profile","attributes":{"email":"a@b.co","properties":{"tier":"gold"}}})");
    CHECK(r.key == "9001");
    CHECK(r.event ==
          R"({"type":"event","attributes":{"properties":{"customer_id":5,"item":{"sku":"A1"}},)"
          R"("metric":{"data":{"type":"metric","attributes":{"name":"Placed Order"}}},)"
          R"("time":"2026-04-30T17:05:09Z","value":12.5,"value_currency":"USD",)"
          R"("unique_id":"9001","backfill":true}})");
}

TEST_CASE("JsonMapper: an event without a unique-id column gets a derived, documented id",
          "[mapping]") {
    const auto names = {"email", "metric", "time", "value", "sku"};
    const auto event = [&](std::vector<Value> v) {
        return expect_record(map_one(default_mapping(), Target::Events, names, std::move(v)));
    };
    const std::vector<Value> base = {std::string("Ada@Example.org"), std::string("Viewed"),
                                     Timestamp{1777568709, 0}, Decimal{"1.50"}, std::string("A1")};
    const Record r = event(base);
    // docs/mapping.md: SHA-256 of these lines, hex.
    const std::string expected = sha256("connector-event-v1\nViewed\nemail:ada@example.org\n"
                                        "2026-04-30T17:05:09Z\n1.50\n{\"sku\":\"A1\"}");
    CHECK(r.key == expected);
    CHECK_THAT(r.event, Catch::Contains("\"unique_id\":\"" + expected + "\""));
    CHECK(event(base).key == r.key); // a re-run gives the same id
    for (std::size_t i = 0; i < base.size(); ++i) {
        std::vector<Value> changed = base;
        changed[i] = i == 2 ? Value{Timestamp{1777568710, 0}} : Value{std::string("Other@b.co")};
        if (i == 3)
            changed[i] = Decimal{"1.51"};
        INFO("changed column " << i);
        CHECK(event(changed).key != r.key);
    }
}

TEST_CASE("JsonMapper: event fields are validated", "[mapping]") {
    const auto names = {"email", "metric", "time", "value", "value_currency", "unique_id"};
    const auto rejected = [&](std::vector<Value> v) {
        return expect_rejection(map_one(default_mapping(), Target::Events, names, std::move(v)));
    };
    const Value email = std::string("a@b.co");
    const Value metric = std::string("Viewed");
    const Value time = Timestamp{1777568709, 0};
    CHECK(rejected({email, Null{}, time, Null{}, Null{}, std::string("u")}).code ==
          "missing_metric");
    CHECK(rejected({email, std::string("  "), time, Null{}, Null{}, std::string("u")}).code ==
          "missing_metric");
    CHECK(rejected({email, metric, Null{}, Null{}, Null{}, std::string("u")}).code ==
          "missing_time");
    const Rejection bad_time =
        rejected({email, metric, std::string("yesterday"), Null{}, Null{}, std::string("u")});
    CHECK(bad_time.code == "invalid_time");
    CHECK(bad_time.column == "time");
    CHECK(bad_time.key == "u");
    CHECK(rejected({email, metric, time, std::string("ten"), Null{}, std::string("u")}).code ==
          "invalid_value");
    CHECK(rejected({email, metric, time, Null{}, std::string("EURO"), std::string("u")}).code ==
          "invalid_currency");
    CHECK(rejected({email, metric, time, Null{}, std::string("E1R"), std::string("u")}).code ==
          "invalid_currency");
    CHECK(rejected({email, metric, time, Null{}, Null{}, 1.5}).code == "invalid_unique_id");
}

TEST_CASE("JsonMapper: configuration problems are refused before the first row", "[mapping]") {
    const auto error = [](const MappingSpec &spec, Target target,
                          std::initializer_list<const char *> names) {
        try {
            JsonMapper mapper(spec, target, columns_named(names));
        } catch (const ConfigError &e) {
            return std::string(e.what());
        }
        FAIL("no ConfigError");
        return std::string();
    };
    CHECK_THAT(error(default_mapping(), Target::Profiles, {"name", "plan"}),
               Catch::Contains("(by-convention mapping): columns: the query has no identifier "
                               "column (its columns: name, plan)"));
    CHECK_THAT(error(default_mapping(), Target::Events, {"email", "sku"}),
               Catch::Contains("events need a metric name"));
    CHECK_THAT(error(default_mapping(), Target::Profiles, {"email", "Email"}),
               Catch::Contains("\"email\" is already set by column \"email\" (by convention)"));
    MappingSpec bad_region;
    bad_region.default_region = "XX";
    CHECK_THAT(error(bad_region, Target::Profiles, {"email"}),
               Catch::Contains("phone.default_region: \"XX\" is not a region"));
    MappingSpec unset_event;
    unset_event.columns = {rule("sku", "sku", Cast::Auto, NullPolicy::Unset)};
    unset_event.constants = {{"metric", "\"X\"", "event.metric"}};
    CHECK_THAT(error(unset_event, Target::Events, {"email", "sku"}),
               Catch::Contains("columns.\"sku\": null \"unset\" removes top-level profile "
                               "properties only"));
}

TEST_CASE("JsonMapper: columns without a field name are ignored on request", "[mapping]") {
    MappingSpec spec;
    spec.unmapped_to_properties = false;
    spec.columns = {rule("plan", "plan")};
    const Record r =
        expect_record(map_one(spec, Target::Profiles, {"email", "plan", "internal"},
                              {std::string("a@b.co"), std::string("gold"), std::string("secret")}));
    CHECK(r.profile ==
          R"({"type":"profile","attributes":{"email":"a@b.co","properties":{"plan":"gold"}}})");
}
