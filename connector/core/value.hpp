#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace connector {

/// SQL NULL.
struct Null {
    bool operator==(const Null &) const { return true; }
};

/// Exact decimal kept as its canonical text ("-12.50", "0.1", "12345678901234567.89"), never
/// rounded through a double.
struct Decimal {
    std::string digits;
    bool operator==(const Decimal &o) const { return digits == o.digits; }
};

/// Calendar date.
struct Date {
    int year = 1970;
    unsigned month = 1;
    unsigned day = 1;
    bool operator==(const Date &o) const {
        return year == o.year && month == o.month && day == o.day;
    }
};

/// Time of day.
struct Time {
    unsigned hour = 0;
    unsigned minute = 0;
    unsigned second = 0;
    std::uint32_t nanos = 0;
    bool operator==(const Time &o) const {
        return hour == o.hour && minute == o.minute && second == o.second && nanos == o.nanos;
    }
};

/// An instant, in UTC. The source converts zone-less warehouse timestamps with
/// `--warehouse-timezone` (UTC by default).
struct Timestamp {
    std::int64_t unix_seconds = 0;
    std::uint32_t nanos = 0;
    bool operator==(const Timestamp &o) const {
        return unix_seconds == o.unix_seconds && nanos == o.nanos;
    }
};

/// Binary column value, kept as bytes; the mapper decides what to do with it.
using Bytes = std::vector<std::uint8_t>;

/// One typed cell. `double` may hold NaN or infinity: the mapper rejects those.
/// `std::string` is always UTF-8 as read from the driver (the mapper validates it).
using Value = std::
    variant<Null, bool, std::int64_t, Decimal, double, std::string, Date, Time, Timestamp, Bytes>;

/// "2026-04-30".
std::string to_iso8601(const Date &d);
/// "17:05:09" or "17:05:09.250".
std::string to_iso8601(const Time &t);
/// "2026-04-30T17:05:09Z", with a fraction ("…09.250Z") only when nanos != 0.
std::string to_iso8601(const Timestamp &t);

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(int year, unsigned month, unsigned day) noexcept;
/// Inverse of days_from_civil.
Date civil_from_days(std::int64_t days) noexcept;

/// Name of the alternative held: "null", "boolean", "integer", "decimal", "double", "text",
/// "date", "time", "timestamp", "binary". Used in rejection messages.
const char *type_name(const Value &v) noexcept;

} // namespace connector
