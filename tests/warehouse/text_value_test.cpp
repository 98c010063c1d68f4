#include "warehouse/detail/text_value.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace connector;
using namespace connector::warehouse::detail;

TEST_CASE("text_to_value: text of each kind becomes that kind's value", "[warehouse]") {
    const TimeZone utc("UTC");
    CHECK(std::get<std::int64_t>(text_to_value(ValueKind::Integer, "42", utc)) == 42);
    CHECK(std::get<Decimal>(text_to_value(ValueKind::Decimal, "0.10", utc)).digits == "0.10");
    CHECK(std::get<double>(text_to_value(ValueKind::Double, "2.5", utc)) == 2.5);
    CHECK(std::get<bool>(text_to_value(ValueKind::Boolean, "true", utc)) == true);
    CHECK(std::get<Date>(text_to_value(ValueKind::Date, "2024-01-02", utc)) == Date{2024, 1, 2});
    CHECK(std::get<Time>(text_to_value(ValueKind::Time, "03:04:05.5", utc)) ==
          Time{3, 4, 5, 500000000});
    CHECK(to_iso8601(std::get<Timestamp>(text_to_value(ValueKind::Timestamp, "2024-01-02 03:04:05",
                                                       utc))) == "2024-01-02T03:04:05Z");
    CHECK(std::get<std::string>(text_to_value(ValueKind::Text, "00123", utc)) == "00123");
}

TEST_CASE("text_to_value: NaN and infinity in a decimal column stay doubles", "[warehouse]") {
    const TimeZone utc("UTC");
    CHECK(std::isnan(std::get<double>(text_to_value(ValueKind::Decimal, "NaN", utc))));
    CHECK(std::isinf(std::get<double>(text_to_value(ValueKind::Decimal, "-Infinity", utc))));
}

TEST_CASE("text_to_value: an unsigned BIGINT past INT64_MAX keeps its digits", "[warehouse]") {
    const TimeZone utc("UTC");
    CHECK(
        std::get<Decimal>(text_to_value(ValueKind::Integer, "18446744073709551615", utc)).digits ==
        "18446744073709551615");
}

TEST_CASE("text_to_value: text that does not fit the column's type is kept as stored",
          "[warehouse]") {
    const TimeZone utc("UTC");
    CHECK(std::get<std::string>(text_to_value(ValueKind::Integer, "abc", utc)) == "abc");
    CHECK(std::get<double>(text_to_value(ValueKind::Integer, "2.5", utc)) == 2.5);
    CHECK(std::get<std::string>(text_to_value(ValueKind::Date, "garbage", utc)) == "garbage");
    CHECK(std::get<std::int64_t>(text_to_value(ValueKind::Timestamp, "1700000000", utc)) ==
          1700000000);
    CHECK(std::get<double>(text_to_value(ValueKind::Decimal, "1.0e+300", utc)) == 1e300);
    // "nan" written into a date column is text, not a floating-point NaN.
    CHECK(std::get<std::string>(text_to_value(ValueKind::Date, "nan", utc)) == "nan");
}

TEST_CASE("text_to_value: zone-less timestamps use the warehouse zone, offsets win",
          "[warehouse]") {
    const TimeZone paris("Europe/Paris");
    CHECK(to_iso8601(std::get<Timestamp>(text_to_value(ValueKind::Timestamp, "2024-07-01 12:00:00",
                                                       paris))) == "2024-07-01T10:00:00Z");
    CHECK(to_iso8601(std::get<Timestamp>(text_to_value(
              ValueKind::Timestamp, "2024-07-01 12:00:00+00", paris))) == "2024-07-01T12:00:00Z");
    // An instant column without an offset in its text is UTC whatever the warehouse zone.
    CHECK(to_iso8601(std::get<Timestamp>(text_to_value(
              ValueKind::TimestampUtc, "2024-07-01 12:00:00", paris))) == "2024-07-01T12:00:00Z");
}

TEST_CASE("infer_untyped: only SQLite's own renderings of numbers and blobs are converted",
          "[warehouse]") {
    CHECK(std::get<std::int64_t>(infer_untyped("42")) == 42);
    CHECK(std::get<std::int64_t>(infer_untyped("-7")) == -7);
    CHECK(std::get<double>(infer_untyped("1.0")) == 1.0);
    CHECK(std::get<double>(infer_untyped("2.5")) == 2.5);
    CHECK(std::get<double>(infer_untyped("1.0e+300")) == 1e300);
    CHECK(std::get<Bytes>(infer_untyped("X'00FF'")) == Bytes{0x00, 0xff});
    CHECK(std::get<Bytes>(infer_untyped("X''")).empty());
    for (const char *text : {"007", "+7", "-0", "1.50", "1e5", "1.", ".5", "NaN", "abc", "X'0G'",
                             "X'0'", "2024-01-02", ""}) {
        INFO(text);
        CHECK(std::get<std::string>(infer_untyped(text)) == text);
    }
}
