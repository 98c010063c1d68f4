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
    /// No declared type (an SQLite expression): an integer or a double when the text is exactly
    /// how SQLite prints one, otherwise text. See infer_untyped().
    Untyped,
};

/// "boolean", "integer", ... (as core's type_name, plus "timestamp (UTC)").
const char *to_string(ValueKind kind) noexcept;

/// The Value of `kind` written as `text` by the driver. Text that does not parse as the kind
/// (SQLite lets any column hold anything) is kept as stored: see as_stored().
Value text_to_value(ValueKind kind, std::string text, const TimeZone &zone);

/// The value of an SQLite expression read as text: an integer when the text is a canonical
/// integer ("42", "-7"; not "007" or "+7"), a double when it is exactly how SQLite prints a
/// REAL ("1.0", "2.5", "1.0e+300": 15 significant digits, always a point), bytes when it is
/// how it prints a blob ("X'00FF'"), otherwise the text.
/// Lossless: the mapper can turn such a number back into the same text.
Value infer_untyped(std::string text);

/// A value whose text did not match its column's type: an integer when it is one, a double
/// when it is a plain number, otherwise the text itself.
Value as_stored(std::string text);

} // namespace connector::warehouse::detail
