#pragma once

#include "core/value.hpp"
#include "time_zone.hpp"

#include <string>

// Internal to the warehouse module.
namespace connector::warehouse::detail {

/// The Value alternative a column is read as (chosen per column from the driver's description).
enum class ValueKind {
    Boolean,
    Integer,
    Decimal,
    Double,
    Text,
    Date,
    Time,
    Timestamp,    ///< zone-less: wall-clock time in --warehouse-timezone
    TimestampUtc, ///< an instant: an offset in the text wins, otherwise UTC
    Binary,
};

/// "boolean", "integer", ... (as core's type_name, plus "timestamp (UTC)").
const char *to_string(ValueKind kind) noexcept;

/// The Value of `kind` written as `text` by the driver. Text that does not parse as the kind
/// (SQLite lets any column hold anything) is kept as stored: see as_stored().
Value text_to_value(ValueKind kind, std::string text, const TimeZone &zone);

/// A value whose text did not match its column's type: an integer when it is one, a double
/// when it is a plain number, otherwise the text itself.
Value as_stored(std::string text);

} // namespace connector::warehouse::detail
