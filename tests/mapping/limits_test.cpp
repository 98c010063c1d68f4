// Klaviyo's data limits (klaviyo-api.md §4.8) as the mapper enforces them, each at its edge.
#include "mapping/json_mapper.hpp"
#include "mapping_fixtures.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace connector;
using namespace connector::mapping;
using namespace connector::test;

namespace {

// A result with an email and `n` property columns p0..p(n-1), all holding 1.
std::pair<std::vector<Column>, Row> wide_row(std::size_t n) {
    std::vector<Column> columns = {{"email", "VARCHAR"}};
    Row row = row_of({std::string("a@b.co")});
    for (std::size_t i = 0; i < n; ++i) {
        columns.push_back({"p" + std::to_string(i), "INTEGER"});
        row.values.push_back(std::int64_t{1});
    }
    return {columns, row};
}

MappingSpec events_spec() {
    MappingSpec spec;
    spec.constants = {{"metric", "\"Viewed\"", "event.metric"}};
    return spec;
}

} // namespace

TEST_CASE("Limits: at most 400 properties per profile", "[mapping]") {
    auto [ok_columns, ok_row] = wide_row(400);
    JsonMapper ok(default_mapping(), Target::Profiles, ok_columns);
    CHECK_NOTHROW(expect_record(ok.map(ok_row)));
    auto [columns, row] = wide_row(401);
    JsonMapper mapper(default_mapping(), Target::Profiles, columns);
    const Rejection r = expect_rejection(mapper.map(row));
    CHECK(r.code == "too_many_properties");
    CHECK_THAT(r.message, Catch::Contains("401 properties"));
    // NULLs left out do not count.
    row.values.back() = Null{};
    CHECK_NOTHROW(expect_record(mapper.map(row)));
}

TEST_CASE("Limits: at most 400 properties per event", "[mapping]") {
    auto [columns, row] = wide_row(401);
    JsonMapper mapper(events_spec(), Target::Events, columns);
    CHECK(expect_rejection(mapper.map(row)).code == "too_many_properties");
}

TEST_CASE("Limits: strings of at most 100 KB", "[mapping]") {
    // An event property: a profile property this long would break the 100 KB profile first.
    const auto names = {"email", "metric", "bio"};
    CHECK_NOTHROW(expect_record(
        map_one(default_mapping(), Target::Events, names,
                {std::string("a@b.co"), std::string("V"), std::string(100000, 'x')})));
    const Rejection r = expect_rejection(
        map_one(default_mapping(), Target::Events, names,
                {std::string("a@b.co"), std::string("V"), std::string(100001, 'x')}));
    CHECK(r.code == "string_too_long");
    CHECK(r.column == "bio");
}

TEST_CASE("Limits: a profile of at most 100 KB", "[mapping]") {
    const auto names = {"email", "a", "b"};
    const Rejection r = expect_rejection(
        map_one(default_mapping(), Target::Profiles, names,
                {std::string("a@b.co"), std::string(60000, 'x'), std::string(60000, 'y')}));
    CHECK(r.code == "profile_too_large");
    CHECK(r.key == "email:a@b.co");
    CHECK_NOTHROW(expect_record(
        map_one(default_mapping(), Target::Profiles, names,
                {std::string("a@b.co"), std::string(49000, 'x'), std::string(49000, 'y')})));
}

TEST_CASE("Limits: arrays of at most 4,000 items", "[mapping]") {
    MappingSpec spec;
    spec.columns = {{"tags", "tags", Cast::Array, ",", std::nullopt, false, "columns.\"tags\""}};
    std::string items;
    for (int i = 0; i < 4000; ++i)
        items += "t,";
    CHECK_NOTHROW(expect_record(
        map_one(spec, Target::Profiles, {"email", "tags"}, {std::string("a@b.co"), items})));
    const Rejection r = expect_rejection(
        map_one(spec, Target::Profiles, {"email", "tags"}, {std::string("a@b.co"), items + "t"}));
    CHECK(r.code == "array_too_long");
    CHECK(r.column == "tags");
}

TEST_CASE("Limits: nesting of at most 10 levels, counting the property path", "[mapping]") {
    MappingSpec spec;
    // The value sits at level 3 (a.b.c), so it may hold 8 more levels.
    spec.columns = {{"doc", "a.b.c", Cast::Object, "", std::nullopt, false, "columns.\"doc\""}};
    const auto nested = [](int levels) {
        std::string s;
        for (int i = 0; i < levels; ++i)
            s += "{\"k\":";
        s += "1";
        for (int i = 0; i < levels; ++i)
            s += "}";
        return s;
    };
    CHECK_NOTHROW(expect_record(
        map_one(spec, Target::Profiles, {"email", "doc"}, {std::string("a@b.co"), nested(8)})));
    const Rejection r = expect_rejection(
        map_one(spec, Target::Profiles, {"email", "doc"}, {std::string("a@b.co"), nested(9)}));
    CHECK(r.code == "too_deeply_nested");
}

TEST_CASE("Limits: metric names shorter than 128 characters", "[mapping]") {
    const auto names = {"email", "metric"};
    // 127 characters, some of them two bytes: characters count, not bytes.
    std::string name127;
    for (int i = 0; i < 127; ++i)
        name127 += i % 2 ? "é" : "e";
    CHECK_NOTHROW(expect_record(
        map_one(default_mapping(), Target::Events, names, {std::string("a@b.co"), name127})));
    const Rejection r = expect_rejection(
        map_one(default_mapping(), Target::Events, names, {std::string("a@b.co"), name127 + "x"}));
    CHECK(r.code == "metric_too_long");
    CHECK_THAT(r.message, Catch::Contains("128 characters"));
}

TEST_CASE("Limits: event times from 2000 to one year ahead", "[mapping]") {
    const auto names = {"email", "metric", "time"};
    JsonMapper mapper(default_mapping(), Target::Events, columns_named(names));
    const Timestamp now{1780000000, 0};
    mapper.set_now(now);
    const auto at = [&](Value time) {
        return mapper.map(row_of({std::string("a@b.co"), std::string("Viewed"), std::move(time)}));
    };
    CHECK_NOTHROW(expect_record(at(Timestamp{946684800, 0}))); // 2000-01-01T00:00:00Z
    CHECK(expect_rejection(at(Timestamp{946684799, 0})).code == "time_out_of_range");
    CHECK_THAT(expect_rejection(at(std::string("1999-12-31"))).message,
               Catch::Contains("before 2000-01-01"));
    CHECK_NOTHROW(expect_record(at(Timestamp{now.unix_seconds + 365 * 86400, 0})));
    const Rejection ahead = expect_rejection(at(Timestamp{now.unix_seconds + 365 * 86400 + 1, 0}));
    CHECK(ahead.code == "time_out_of_range");
    CHECK_THAT(ahead.message, Catch::Contains("more than a year ahead"));
}

TEST_CASE("Limits: NaN and infinity are refused", "[mapping]") {
    const auto names = {"email", "score"};
    for (const double bad : {std::nan(""), HUGE_VAL, -HUGE_VAL}) {
        const Rejection r = expect_rejection(
            map_one(default_mapping(), Target::Profiles, names, {std::string("a@b.co"), bad}));
        CHECK(r.code == "invalid_number");
        CHECK(r.column == "score");
    }
    const Rejection value =
        expect_rejection(map_one(default_mapping(), Target::Events, {"email", "metric", "value"},
                                 {std::string("a@b.co"), std::string("Viewed"), std::nan("")}));
    CHECK(value.code == "invalid_number");
}

TEST_CASE("Limits: text that is not valid UTF-8 is refused wherever it is", "[mapping]") {
    const std::string bad = "M\xFCller"; // Latin-1
    const auto check = [&](std::initializer_list<const char *> names, std::vector<Value> values,
                           const char *column) {
        const Rejection r =
            expect_rejection(map_one(default_mapping(), Target::Events, names, std::move(values)));
        CHECK(r.code == "invalid_utf8");
        CHECK(r.column == column);
        CHECK_THAT(r.message, Catch::Contains("\\xfc"));
    };
    check({"email", "metric", "last_name"}, {std::string("a@b.co"), std::string("V"), bad},
          "last_name");
    check({"email", "metric", "note"}, {std::string("a@b.co"), std::string("V"), bad}, "note");
    check({"email", "metric"}, {std::string("a@b.co"), bad}, "metric");
    check({"external_id", "metric"}, {bad, std::string("V")}, "external_id");
    const Rejection email =
        expect_rejection(map_one(default_mapping(), Target::Profiles, {"email"}, {bad + "@b.co"}));
    CHECK(email.code == "invalid_email");
}

TEST_CASE("Limits: binary columns are refused with a hint", "[mapping]") {
    const Rejection r =
        expect_rejection(map_one(default_mapping(), Target::Profiles, {"email", "avatar"},
                                 {std::string("a@b.co"), Bytes{0xFF, 0xD8}}));
    CHECK(r.code == "binary_value");
    CHECK(r.column == "avatar");
    CHECK_THAT(r.message, Catch::Contains("convert the column to text in SQL"));
}
