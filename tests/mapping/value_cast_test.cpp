#include "mapping/value_cast.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace connector;
using namespace connector::mapping;

namespace {

std::string cast_ok(const Value &v, Cast cast, const std::string &delimiter = {}) {
    std::string out;
    const auto problem = append_cast(out, v, cast, delimiter, 1);
    INFO((problem ? problem->message : std::string()));
    REQUIRE_FALSE(problem);
    return out;
}

ValueProblem cast_fails(const Value &v, Cast cast, const std::string &delimiter = {}) {
    std::string out = "kept";
    auto problem = append_cast(out, v, cast, delimiter, 1);
    REQUIRE(problem);
    CHECK(out == "kept");
    return *problem;
}

std::string nested_json(int levels) {
    std::string s;
    for (int i = 0; i < levels; ++i)
        s += "[";
    for (int i = 0; i < levels; ++i)
        s += "]";
    return s;
}

} // namespace

TEST_CASE("ValueCast: auto keeps each SQL type's natural JSON form", "[mapping]") {
    CHECK(cast_ok(true, Cast::Auto) == "true");
    CHECK(cast_ok(std::int64_t{-42}, Cast::Auto) == "-42");
    CHECK(cast_ok(Decimal{"12.50"}, Cast::Auto) == "12.50");
    CHECK(cast_ok(Decimal{"12345678901234567.89"}, Cast::Auto) == "12345678901234567.89");
    CHECK(cast_ok(Decimal{".5"}, Cast::Auto) == "0.5");
    CHECK(cast_ok(0.1, Cast::Auto) == "0.1");
    CHECK(cast_ok(std::string("Köhler \"K\""), Cast::Auto) == "\"Köhler \\\"K\\\"\"");
    CHECK(cast_ok(Date{2026, 4, 30}, Cast::Auto) == "\"2026-04-30\"");
    CHECK(cast_ok(Time{17, 5, 9, 0}, Cast::Auto) == "\"17:05:09\"");
    CHECK(cast_ok(Timestamp{1777568709, 250000000}, Cast::Auto) == "\"2026-04-30T17:05:09.250Z\"");
}

TEST_CASE("ValueCast: NaN, infinity, binary and invalid text are refused", "[mapping]") {
    CHECK(cast_fails(std::nan(""), Cast::Auto).code == "invalid_number");
    CHECK(cast_fails(std::numeric_limits<double>::infinity(), Cast::Auto).code == "invalid_number");
    CHECK(cast_fails(-std::numeric_limits<double>::infinity(), Cast::Number).code ==
          "invalid_number");
    CHECK(cast_fails(std::nan(""), Cast::String).code == "invalid_number");
    CHECK(cast_fails(Bytes{1, 2, 3}, Cast::Auto).code == "binary_value");
    CHECK(cast_fails(Bytes{1, 2, 3}, Cast::String).code == "binary_value");
    CHECK(cast_fails(Decimal{"abc"}, Cast::Auto).code == "invalid_number");
    const ValueProblem p = cast_fails(std::string("caf\xE9"), Cast::Auto);
    CHECK(p.code == "invalid_utf8");
    CHECK_THAT(p.message, Catch::Contains("byte 3"));
    CHECK_THAT(p.message, Catch::Contains("\\xe9")); // never the raw byte in a message
}

TEST_CASE("ValueCast: string turns any scalar into text", "[mapping]") {
    CHECK(cast_ok(std::int64_t{42}, Cast::String) == "\"42\"");
    CHECK(cast_ok(Decimal{"12.50"}, Cast::String) == "\"12.50\"");
    CHECK(cast_ok(1.5, Cast::String) == "\"1.5\"");
    CHECK(cast_ok(false, Cast::String) == "\"false\"");
    CHECK(cast_ok(Date{2024, 2, 29}, Cast::String) == "\"2024-02-29\"");
    CHECK(cast_ok(Timestamp{0, 0}, Cast::String) == "\"1970-01-01T00:00:00Z\"");
    CHECK(cast_ok(std::string("x"), Cast::String) == "\"x\"");
}

TEST_CASE("ValueCast: number reads numeric text and refuses the rest", "[mapping]") {
    CHECK(cast_ok(std::string(" 3.14 "), Cast::Number) == "3.14");
    CHECK(cast_ok(std::string("-7"), Cast::Number) == "-7");
    CHECK(cast_ok(std::string("1e3"), Cast::Number) == "1e3");
    CHECK(cast_ok(std::string("+.5"), Cast::Number) == "0.5");
    CHECK(cast_ok(Decimal{"9.99"}, Cast::Number) == "9.99");
    CHECK(cast_ok(std::int64_t{5}, Cast::Number) == "5");
    CHECK(cast_ok(2.25, Cast::Number) == "2.25");
    for (const Value &bad : {Value{std::string("abc")}, Value{std::string("1,5")},
                             Value{std::string("")}, Value{true}, Value{Date{}}}) {
        const ValueProblem p = cast_fails(bad, Cast::Number);
        CHECK(p.code == "invalid_cast");
        CHECK_THAT(p.message, Catch::Contains("cannot be cast to a number"));
    }
}

TEST_CASE("ValueCast: integer refuses fractions", "[mapping]") {
    CHECK(cast_ok(std::string("42"), Cast::Integer) == "42");
    CHECK(cast_ok(std::string("42.00"), Cast::Integer) == "42");
    CHECK(cast_ok(Decimal{"7.000"}, Cast::Integer) == "7");
    CHECK(cast_ok(Decimal{"-0.0"}, Cast::Integer) == "0");
    CHECK(cast_ok(3.0, Cast::Integer) == "3");
    CHECK(cast_ok(std::int64_t{-9}, Cast::Integer) == "-9");
    CHECK(cast_fails(std::string("42.5"), Cast::Integer).code == "invalid_cast");
    CHECK(cast_fails(3.5, Cast::Integer).code == "invalid_cast");
    CHECK(cast_fails(1e300, Cast::Integer).code == "invalid_cast");
    CHECK(cast_fails(std::string("1e3"), Cast::Integer).code == "invalid_cast");
}

TEST_CASE("ValueCast: boolean reads the usual spellings", "[mapping]") {
    for (const char *t : {"true", "TRUE", "t", "yes", "Y", "1", " yes "})
        CHECK(cast_ok(std::string(t), Cast::Boolean) == "true");
    for (const char *f : {"false", "F", "no", "n", "0"})
        CHECK(cast_ok(std::string(f), Cast::Boolean) == "false");
    CHECK(cast_ok(std::int64_t{1}, Cast::Boolean) == "true");
    CHECK(cast_ok(std::int64_t{0}, Cast::Boolean) == "false");
    CHECK(cast_ok(true, Cast::Boolean) == "true");
    CHECK(cast_fails(std::int64_t{2}, Cast::Boolean).code == "invalid_cast");
    CHECK(cast_fails(std::string("maybe"), Cast::Boolean).code == "invalid_cast");
    CHECK(cast_fails(1.0, Cast::Boolean).code == "invalid_cast");
}

TEST_CASE("ValueCast: date and datetime accept dates, timestamps and ISO-8601 text", "[mapping]") {
    CHECK(cast_ok(Date{2026, 4, 30}, Cast::Date) == "\"2026-04-30\"");
    CHECK(cast_ok(Timestamp{1777568709, 0}, Cast::Date) == "\"2026-04-30\"");
    CHECK(cast_ok(std::string("2026-04-30T23:30:00-02:00"), Cast::Date) == "\"2026-05-01\"");
    CHECK(cast_ok(std::string("2026-04-30 17:05:09"), Cast::DateTime) ==
          "\"2026-04-30T17:05:09Z\"");
    CHECK(cast_ok(std::string("2026-04-30T17:05:09.25+02:00"), Cast::DateTime) ==
          "\"2026-04-30T15:05:09.250Z\"");
    CHECK(cast_ok(Date{2026, 4, 30}, Cast::DateTime) == "\"2026-04-30T00:00:00Z\"");
    CHECK(cast_ok(std::int64_t{1777568709}, Cast::DateTime) == "\"2026-04-30T17:05:09Z\"");
    for (const char *bad : {"30/04/2026", "2026-02-30", "2026-13-01", "2026-04-30T25:00",
                            "2026-04-30T10:00:00+", "yesterday"}) {
        INFO(bad);
        CHECK(cast_fails(std::string(bad), Cast::DateTime).code == "invalid_cast");
    }
    CHECK(cast_fails(std::int64_t{5}, Cast::Date).code == "invalid_cast");
}

TEST_CASE("ValueCast: ISO-8601 parsing covers zones, fractions and leap days", "[mapping]") {
    const auto [text, seconds, nanos] = GENERATE(table<std::string, std::int64_t, std::uint32_t>({
        {"1970-01-01", 0, 0},
        {"2024-02-29", 1709164800, 0},
        {"2026-04-30T17:05", 1777568700, 0},
        {"2026-04-30T17:05:09Z", 1777568709, 0},
        {"2026-04-30t17:05:09z", 1777568709, 0},
        {"2026-04-30 17:05:09+0130", 1777563309, 0},
        {"2026-04-30T17:05:09-05", 1777586709, 0},
        {"2026-04-30T17:05:09.123456789Z", 1777568709, 123456789},
    }));
    const auto ts = parse_iso8601(text);
    REQUIRE(ts);
    CHECK(ts->unix_seconds == seconds);
    CHECK(ts->nanos == nanos);
    CHECK_FALSE(parse_iso8601("2023-02-29"));
    CHECK_FALSE(parse_iso8601("2026-04-30T17:05:09Zjunk"));
}

TEST_CASE("ValueCast: array reads JSON arrays or splits delimited text", "[mapping]") {
    CHECK(cast_ok(std::string(R"([ "a", 1, 2.50, true, null, {"k": "v"} ])"), Cast::Array) ==
          R"(["a",1,2.5,true,null,{"k":"v"}])");
    CHECK(cast_ok(std::string("a; b;;c ;"), Cast::Array, ";") == R"(["a","b","c"])");
    CHECK(cast_ok(std::string("x||y"), Cast::Array, "||") == R"(["x","y"])");
    CHECK(cast_ok(std::string(""), Cast::Array, ",") == "[]");
    CHECK(cast_ok(std::string("[]"), Cast::Array) == "[]");
    CHECK(cast_fails(std::string("a,b"), Cast::Array).code == "invalid_json");
    CHECK(cast_fails(std::string(R"({"a":1})"), Cast::Array).code == "invalid_json");
    CHECK(cast_fails(std::int64_t{3}, Cast::Array).code == "invalid_cast");
}

TEST_CASE("ValueCast: object reads JSON objects and keeps their key order", "[mapping]") {
    CHECK(cast_ok(std::string(R"({"b": 1, "a": [1, 2], "c": {"z": null, "y": "ü"}})"),
                  Cast::Object) == R"({"b":1,"a":[1,2],"c":{"z":null,"y":"ü"}})");
    CHECK(cast_ok(std::string("{}"), Cast::Object) == "{}");
    CHECK(cast_fails(std::string("[1]"), Cast::Object).code == "invalid_json");
    const ValueProblem p = cast_fails(std::string(R"({"a": )"), Cast::Object);
    CHECK(p.code == "invalid_json");
    CHECK_THAT(p.message, Catch::Contains("is not a JSON object"));
}

TEST_CASE("ValueCast: JSON arrays and objects obey Klaviyo's limits", "[mapping]") {
    std::string items = "[";
    for (int i = 0; i < 4000; ++i)
        items += (i ? ",1" : "1");
    CHECK_NOTHROW(cast_ok(std::string(items + "]"), Cast::Array));
    CHECK(cast_fails(std::string(items + ",1]"), Cast::Array).code == "array_too_long");
    std::string many(4001 * 2, ',');
    for (std::size_t i = 0; i < many.size(); i += 2)
        many[i] = 'x';
    CHECK(cast_fails(many, Cast::Array, ",").code == "array_too_long");
    // The cast value sits at level 1, so ten nested arrays are the deepest allowed.
    CHECK_NOTHROW(cast_ok(nested_json(10), Cast::Array));
    CHECK(cast_fails(nested_json(11), Cast::Array).code == "too_deeply_nested");
    const std::string big(100001, 'x');
    CHECK(cast_fails("[\"" + big + "\"]", Cast::Array).code == "string_too_long");
    CHECK(cast_fails(std::string("{\"k\":\"caf\xE9\"}"), Cast::Object).code == "invalid_utf8");
}

TEST_CASE("ValueCast: strings longer than 100 KB are refused", "[mapping]") {
    CHECK_NOTHROW(cast_ok(std::string(100000, 'x'), Cast::Auto));
    const ValueProblem p = cast_fails(std::string(100001, 'x'), Cast::Auto);
    CHECK(p.code == "string_too_long");
    CHECK_THAT(p.message, Catch::Contains("100001 bytes"));
}
