#pragma once

#include "core/value.hpp"
#include "json_text.hpp"
#include "mapping_spec.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace connector::mapping {

/// Appends a non-NULL value as JSON, converted by `cast` (see Cast). `delimiter` splits text for
/// Cast::Array (empty: the text is a JSON array); `depth` is the nesting level the value sits at.
/// Checks what Klaviyo refuses: invalid UTF-8, strings over 100 KB, NaN and infinity, binary
/// values, arrays over 4,000 items, nesting deeper than 10 levels. Returns the problem instead of
/// throwing and leaves `out` as it was then.
std::optional<ValueProblem> append_cast(
    std::string &out, const Value &value, Cast cast, const std::string &delimiter, int depth);

/// The value as plain text (numbers in their JSON spelling, booleans "true"/"false", dates and
/// timestamps in ISO-8601). nullopt for NULL and binary values.
std::optional<std::string> to_text(const Value &value);

/// The value as an instant: a Timestamp, a Date (midnight UTC), an integer (Unix seconds) or
/// ISO-8601 text (see parse_iso8601). nullopt when it is none of these.
std::optional<Timestamp> to_timestamp(const Value &value);

/// Parses "YYYY-MM-DD" or "YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|±HH[:MM]]" (no zone: UTC) into
/// an instant in UTC. nullopt when the text is not in one of these forms or out of range.
std::optional<Timestamp> parse_iso8601(std::string_view text);

/// ASCII whitespace trimmed from both ends.
std::string_view trim(std::string_view text) noexcept;

} // namespace connector::mapping
