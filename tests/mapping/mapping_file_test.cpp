#include "core/error.hpp"
#include "mapping/json_mapper.hpp"
#include "mapping/mapping_spec.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

#include <catch2/catch.hpp>

using namespace connector;
using namespace connector::mapping;
using connector::test::TempDir;

namespace {

MappingSpec load(const TempDir &dir, const std::string &json) {
    const std::string path = dir.file("mapping.json");
    test::write_file(path, json);
    return load_mapping_file(path);
}

// The ConfigError message for a file, which must name the file.
std::string error_for(const std::string &json) {
    TempDir dir;
    try {
        load(dir, json);
    } catch (const ConfigError &e) {
        const std::string what = e.what();
        CHECK_THAT(what, Catch::Contains(dir.file("mapping.json")));
        return what;
    }
    FAIL("no ConfigError for " << json);
    return {};
}

} // namespace

TEST_CASE("MappingFile: every key is read", "[mapping][integration]") {
    TempDir dir;
    const MappingSpec spec = load(dir, R"({
      "description": "orders",
      "columns": {
        "Email Address": "email",
        "tags": {"to": "properties.tags", "cast": "array", "delimiter": ";", "null": "unset"},
        "score": {"cast": "number"},
        "internal": {"ignore": true}
      },
      "map": ["Total -> $value", " order_no->$event_id "],
      "constants": {"properties.source": "warehouse", "properties.meta": {"b": 1, "a": [true]}},
      "unmapped_columns": "ignore",
      "null": "clear",
      "phone": {"default_region": "gb", "country_column": "country"},
      "event": {"metric": "Placed Order", "time_column": "placed_at", "value_currency": "EUR",
                "backfill": true}
    })");
    CHECK(spec.source == "mapping file " + dir.file("mapping.json"));
    REQUIRE(spec.columns.size() == 7);
    CHECK(spec.columns[0].column == "Email Address");
    CHECK(spec.columns[0].to == "email");
    CHECK(spec.columns[0].origin == "columns.\"Email Address\"");
    CHECK(spec.columns[1].cast == Cast::Array);
    CHECK(spec.columns[1].delimiter == ";");
    CHECK(spec.columns[1].on_null == NullPolicy::Unset);
    CHECK(spec.columns[2].to == "score"); // "to" defaults to the column's name
    CHECK(spec.columns[2].cast == Cast::Number);
    CHECK_FALSE(spec.columns[2].on_null);
    CHECK(spec.columns[3].ignore);
    CHECK(spec.columns[4].column == "Total");
    CHECK(spec.columns[4].to == "$value");
    CHECK(spec.columns[5].column == "order_no");
    CHECK(spec.columns[5].to == "$event_id");
    CHECK(spec.columns[6].column == "placed_at");
    CHECK(spec.columns[6].to == "time");
    REQUIRE(spec.constants.size() == 5);
    CHECK(spec.constants[0].json == "\"warehouse\"");
    CHECK(spec.constants[1].json == R"({"b":1,"a":[true]})");
    CHECK(spec.constants[2].to == "metric");
    CHECK(spec.constants[2].json == "\"Placed Order\"");
    CHECK(spec.constants[3].json == "\"EUR\"");
    CHECK(spec.constants[4].json == "true");
    CHECK_FALSE(spec.unmapped_to_properties);
    CHECK(spec.default_null == NullPolicy::Clear);
    CHECK(spec.default_region == "GB");
    CHECK(spec.country_column == "country");
}

TEST_CASE("MappingFile: mistakes are config errors naming the file, the key and the fix",
          "[mapping][integration]") {
    const auto [json, words] = GENERATE(table<std::string, std::string>({
        {R"({"colums": {}})", "colums: unknown key; allowed here: description, columns"},
        {R"({"columns": {"a": {"too": "email"}}})", "columns.\"a\".too: unknown key"},
        {R"({"columns": {"a": {"cast": 5}}})", "columns.\"a\".cast: must be a string"},
        {R"({"columns": {"a": {"cast": "float"}}})", "\"float\" is not a cast; use auto, string"},
        {R"({"columns": {"a": {"null": "drop"}}})",
         "columns.\"a\".null: \"drop\" is not a null policy"},
        {R"({"columns": {"a": {"delimiter": ","}}})", "only applies with \"cast\": \"array\""},
        {R"({"columns": {"a": 7}})", "columns.\"a\": must be a destination string"},
        {R"({"columns": {"a": ""}})", "empty destination"},
        {R"({"columns": []})", "columns: must be an object"},
        {R"({"map": ["Total $value"]})", "map[0]: \"Total $value\" has no \"->\""},
        {R"({"constants": {"properties.x": null}})", "constants.\"properties.x\": is null"},
        {R"({"unmapped_columns": "drop"})", "unmapped_columns: \"drop\" is not allowed"},
        {R"({"null": true})", "null: must be a string"},
        {R"({"phone": {"default_region": "Germany"}})",
         "phone.default_region: \"Germany\" is not a region"},
        {R"({"phone": {"region": "DE"}})", "phone.region: unknown key"},
        {R"({"event": {"metric": "A", "metric_column": "m"}})", "either metric"},
        {R"({"event": {"metric": 5}})", "event.metric: must be a string"},
        {R"({"event": {"time": "t"}})",
         "event.time: unknown key; allowed here: metric, metric_column"},
        {R"({"columns": {"a": "email"},})", "is not valid JSON"},
        {R"([1, 2])", "must hold one JSON object"},
    }));
    CHECK_THAT(error_for(json), Catch::Contains(words));
}

TEST_CASE("MappingFile: invalid JSON is named by line and column", "[mapping][integration]") {
    CHECK_THAT(error_for("{\n  \"columns\": {\n    \"email\": \"email\",\n  }\n}\n"),
               Catch::Contains("is not valid JSON at line 4, column 3 (") &&
                   Catch::Contains("check commas, quotes and braces near that spot"));
    CHECK_THAT(error_for("{\"columns\": {\"email\": \"email\"}"),
               Catch::Contains("is not valid JSON at its end (line 1, column 31)"));
    // The byte-order mark is not counted: columns are as an editor shows them.
    CHECK_THAT(error_for("\xEF\xBB\xBF{\"columns\": {,}}"),
               Catch::Contains("is not valid JSON at line 1, column 14"));
}

TEST_CASE("MappingFile: a UTF-8 byte-order mark at the start is skipped",
          "[mapping][integration]") {
    TempDir dir;
    const MappingSpec spec = load(dir, "\xEF\xBB\xBF{\"columns\": {\"mail\": \"email\"}}");
    REQUIRE(spec.columns.size() == 1);
    CHECK(spec.columns[0].column == "mail");
    CHECK(spec.columns[0].to == "email");
}

TEST_CASE("MappingFile: a missing file is a config error naming it", "[mapping][integration]") {
    TempDir dir;
    CHECK_THROWS_WITH(load_mapping_file(dir.file("nope.json")),
                      Catch::Contains(dir.file("nope.json")) && Catch::Contains("cannot be read"));
}

TEST_CASE("MappingFile: rules checked against the query name the file, key and fix",
          "[mapping][integration]") {
    TempDir dir;
    const std::vector<Column> columns = {{"email", "VARCHAR"}, {"total", "NUMERIC"}};
    const auto mapper_error = [&](const std::string &json, Target target = Target::Profiles) {
        const MappingSpec spec = load(dir, json);
        try {
            JsonMapper mapper(spec, target, columns);
        } catch (const ConfigError &e) {
            return std::string(e.what());
        }
        FAIL("no ConfigError for " << json);
        return std::string();
    };
    const std::string missing = mapper_error(R"({"columns": {"totl": "properties.total"}})");
    CHECK_THAT(missing, Catch::Contains(dir.file("mapping.json")));
    CHECK_THAT(missing, Catch::Contains("columns.\"totl\""));
    CHECK_THAT(missing, Catch::Contains("the query has no column \"totl\" (its columns: email, "
                                        "total)"));
    CHECK_THAT(mapper_error(R"({"columns": {"total": {"to": "first_name", "cast": "number"}}})"),
               Catch::Contains("cast \"number\" does not fit \"first_name\"; use \"auto\" or "
                               "\"string\""));
    CHECK_THAT(mapper_error(R"({"columns": {"total": {"to": "first_name", "null": "unset"}}})"),
               Catch::Contains("removes top-level profile properties only"));
    CHECK_THAT(mapper_error(R"({"columns": {"total": "metric"}})"),
               Catch::Contains("is an event field, but this sync writes profiles"));
    CHECK_THAT(mapper_error(R"({"columns": {"total": "email"}})"),
               Catch::Contains("\"email\" is already set by"));
    CHECK_THAT(mapper_error(R"({"columns": {"total": "location.planet"}})"),
               Catch::Contains("is not a location field"));
    CHECK_THAT(mapper_error(R"({"columns": {"total": "$foo"}})"),
               Catch::Contains("is not one of the seed's special fields"));
    CHECK_THAT(mapper_error(R"({"phone": {"country_column": "country"}})"),
               Catch::Contains("phone.country_column: the query has no column \"country\""));
    CHECK_THAT(mapper_error(R"({"constants": {"email": "x@example.org"}})"),
               Catch::Contains("cannot be a constant"));
    CHECK_THAT(mapper_error(R"({"columns": {"total": "a.b"}, "constants": {"a": 1}})"),
               Catch::Contains("\"properties.a\" is already set by"));
    CHECK_THAT(mapper_error(R"({"event": {"value_column": "total"}})", Target::Events),
               Catch::Contains("events need a metric name"));
    CHECK_THAT(mapper_error(R"({"columns": {"email": {"ignore": true}}})"),
               Catch::Contains("no identifier column"));
    CHECK_THAT(mapper_error(R"({"columns": {"total": "a.b.c.d.e.f.g.h.i.j.k"}})"),
               Catch::Contains("nests deeper than Klaviyo's 10 levels"));
}

TEST_CASE("MappingFile: the shipped mappings load", "[mapping][integration]") {
    for (const char *name : {"mappings/chinook_customers.json", "mappings/chinook_invoices.json"}) {
        INFO(name);
        CHECK_NOTHROW(load_mapping_file(test::source_path(name)));
    }
}
