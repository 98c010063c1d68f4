#include "warehouse/detail/value_parser.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace connector;
using namespace connector::warehouse::detail;

TEST_CASE("parse_integer: whole strings of digits only", "[warehouse]") {
    CHECK(parse_integer("42") == 42);
    CHECK(parse_integer("-9223372036854775808") == std::numeric_limits<std::int64_t>::min());
    CHECK(parse_integer("+7") == 7);
    CHECK_FALSE(parse_integer("9223372036854775808"));
    CHECK_FALSE(parse_integer("2.5"));
    CHECK_FALSE(parse_integer(" 4"));
    CHECK_FALSE(parse_integer(""));
    CHECK_FALSE(parse_integer("+-1"));
}

TEST_CASE("parse_double: numbers and the special values drivers print", "[warehouse]") {
    CHECK(parse_double("1.5") == 1.5);
    CHECK(parse_double("1.0e+300") == 1e300);
    CHECK(parse_double("0.30000000000000004") == 0.1 + 0.2);
    CHECK(std::isnan(*parse_double("NaN")));
    CHECK(*parse_double("Infinity") == std::numeric_limits<double>::infinity());
    CHECK(*parse_double("-Infinity") == -std::numeric_limits<double>::infinity());
    CHECK(*parse_double("-inf") == -std::numeric_limits<double>::infinity());
    CHECK_FALSE(parse_double("1,5"));
    CHECK_FALSE(parse_double("abc"));
    CHECK_FALSE(parse_double("1e999"));
}

TEST_CASE("canonical_decimal: keeps every digit and the scale", "[warehouse]") {
    CHECK(canonical_decimal("12345678901234567.89") == "12345678901234567.89");
    CHECK(canonical_decimal("0.1") == "0.1");
    CHECK(canonical_decimal("-12.50") == "-12.50");
    CHECK(canonical_decimal("+0012.50") == "12.50");
    CHECK(canonical_decimal(".5") == "0.5");
    CHECK(canonical_decimal("-0.00") == "0.00");
    CHECK(canonical_decimal("7.") == "7");
    CHECK(canonical_decimal("123456789012345678901234567890.123456789") ==
          "123456789012345678901234567890.123456789");
    CHECK_FALSE(canonical_decimal("1e5"));
    CHECK_FALSE(canonical_decimal("NaN"));
    CHECK_FALSE(canonical_decimal("."));
    CHECK_FALSE(canonical_decimal("$12.00"));
}

TEST_CASE("parse_boolean: the spellings warehouses use", "[warehouse]") {
    CHECK(parse_boolean("1") == true);
    CHECK(parse_boolean("TRUE") == true);
    CHECK(parse_boolean("t") == true);
    CHECK(parse_boolean("0") == false);
    CHECK(parse_boolean("False") == false);
    CHECK_FALSE(parse_boolean("2"));
    CHECK_FALSE(parse_boolean("maybe"));
}

TEST_CASE("parse_date and parse_time: strict ISO forms with real calendar values", "[warehouse]") {
    CHECK(parse_date("2024-02-29") == Date{2024, 2, 29});
    CHECK_FALSE(parse_date("2023-02-29"));
    CHECK_FALSE(parse_date("2024-13-01"));
    CHECK_FALSE(parse_date("20240102"));
    CHECK(parse_time("03:04:05.123456") == Time{3, 4, 5, 123456000});
    CHECK(parse_time("23:59") == Time{23, 59, 0, 0});
    CHECK_FALSE(parse_time("24:00:00"));
    CHECK_FALSE(parse_time("03:04:05+02"));
}

TEST_CASE("parse_timestamp: separators, fractions and offsets", "[warehouse]") {
    auto ts = parse_timestamp("2024-01-02 03:04:05.5");
    REQUIRE(ts);
    CHECK_FALSE(ts->has_offset);
    CHECK(ts->local.date == Date{2024, 1, 2});
    CHECK(ts->local.time == Time{3, 4, 5, 500000000});

    ts = parse_timestamp("2024-01-02T03:04:05Z");
    REQUIRE(ts);
    CHECK(ts->has_offset);
    CHECK(ts->offset_seconds == 0);

    ts = parse_timestamp("2024-01-02 03:04:05.25+02");
    REQUIRE(ts);
    CHECK(ts->offset_seconds == 7200);

    ts = parse_timestamp("2024-01-02 03:04:05.1234567 -05:30");
    REQUIRE(ts);
    CHECK(ts->offset_seconds == -(5 * 3600 + 30 * 60));
    CHECK(ts->local.time.nanos == 123456700);

    ts = parse_timestamp("2024-01-02");
    REQUIRE(ts);
    CHECK(ts->local.time == Time{});

    CHECK_FALSE(parse_timestamp("2024-01-02 25:00:00"));
    CHECK_FALSE(parse_timestamp("1700000000"));
    CHECK_FALSE(parse_timestamp("2024-01-02 03:04:05 garbage"));
}

TEST_CASE("to_timestamp: an offset east of UTC moves the instant earlier", "[warehouse]") {
    const LocalDateTime local{Date{2024, 1, 2}, Time{3, 4, 5, 0}};
    CHECK(to_iso8601(to_timestamp(local, 0)) == "2024-01-02T03:04:05Z");
    CHECK(to_iso8601(to_timestamp(local, 7200)) == "2024-01-02T01:04:05Z");
    CHECK(to_iso8601(to_timestamp(LocalDateTime{Date{1969, 12, 31}, Time{23, 0, 0, 0}}, 0)) ==
          "1969-12-31T23:00:00Z");
}
