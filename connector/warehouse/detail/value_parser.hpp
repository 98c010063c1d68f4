#pragma once

#include "core/value.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Internal to the warehouse module: strict parsers for the text that drivers return. Each one
// accepts the whole string or nothing (std::nullopt), so a caller can fall back to keeping text.
namespace connector::warehouse::detail {

/// A wall-clock date and time without a zone.
struct LocalDateTime {
    Date date;
    Time time;
};

/// A timestamp as written, with its UTC offset when the text had one ("Z", "+02", "-05:30").
struct ParsedTimestamp {
    LocalDateTime local;
    bool has_offset = false;
    int offset_seconds = 0; ///< east of UTC
};

/// "-42" -> -42. Optional sign, decimal digits, nothing else; nullopt on overflow.
std::optional<std::int64_t> parse_integer(std::string_view text);
/// "1.5", "1e300", "NaN", "Infinity", "-inf" -> double (never locale dependent).
std::optional<double> parse_double(std::string_view text);
/// "+012.50" -> "12.50", ".5" -> "0.5", "-0.00" -> "0.00". Plain decimals only (no exponent);
/// keeps every digit and the scale as written.
std::optional<std::string> canonical_decimal(std::string_view text);
/// "1"/"0", "t"/"f", "true"/"false", "y"/"n", "yes"/"no" (any case).
std::optional<bool> parse_boolean(std::string_view text);
/// "2024-02-29".
std::optional<Date> parse_date(std::string_view text);
/// "17:05:09", "17:05:09.123456789", "17:05".
std::optional<Time> parse_time(std::string_view text);
/// "2024-01-02 03:04:05", "2024-01-02T03:04:05.5Z", "2024-01-02 03:04:05.25+02",
/// "2024-01-02 03:04:05 -05:30", or a bare date (midnight).
std::optional<ParsedTimestamp> parse_timestamp(std::string_view text);

/// The instant of a wall-clock time at a fixed offset east of UTC.
Timestamp to_timestamp(const LocalDateTime &local, int offset_seconds);

/// True when the fields form a real calendar date and time of day.
bool is_valid(const Date &date);
bool is_valid(const Time &time);

} // namespace connector::warehouse::detail
