#include "core/value.hpp"

#include <catch2/catch.hpp>

using namespace connector;

TEST_CASE("Value: timestamps print as ISO-8601 UTC", "[core]") {
    CHECK(to_iso8601(Timestamp{0, 0}) == "1970-01-01T00:00:00Z");
    CHECK(to_iso8601(Timestamp{1777568709, 0}) == "2026-04-30T17:05:09Z");
    CHECK(to_iso8601(Timestamp{1777568709, 250000000}) == "2026-04-30T17:05:09.250Z");
    CHECK(to_iso8601(Timestamp{-1, 0}) == "1969-12-31T23:59:59Z");
}

TEST_CASE("Value: dates round-trip through day numbers", "[core]") {
    for (std::int64_t d : {-719468LL, -1LL, 0LL, 11016LL, 20573LL, 2932896LL}) {
        const Date date = civil_from_days(d);
        CHECK(days_from_civil(date.year, date.month, date.day) == d);
    }
    CHECK(to_iso8601(Date{2024, 2, 29}) == "2024-02-29");
    CHECK(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28) == 2);
}

TEST_CASE("Value: type names name the alternative", "[core]") {
    CHECK(std::string(type_name(Value{Null{}})) == "null");
    CHECK(std::string(type_name(Value{std::int64_t{3}})) == "integer");
    CHECK(std::string(type_name(Value{Decimal{"0.1"}})) == "decimal");
    CHECK(std::string(type_name(Value{std::string("x")})) == "text");
    CHECK(std::string(type_name(Value{Bytes{1, 2}})) == "binary");
}
