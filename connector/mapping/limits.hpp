#pragma once

#include <cstddef>
#include <cstdint>

/// Klaviyo's documented data limits (klaviyo-api.md §3.4, §4.8), enforced by the mapper so a
/// row that Klaviyo would refuse becomes a rejection before it is sent. Where the documentation
/// is vague ("100 KB") the stricter reading is used.
namespace connector::mapping::limits {

/// Properties per event or profile (the 2026-07-15 spec; older docs said 300).
constexpr std::size_t max_properties = 400;
/// Bytes in any one string value (100 KB read as 100,000 bytes).
constexpr std::size_t max_string_bytes = 100000;
/// Bytes of one serialised profile resource object.
constexpr std::size_t max_profile_bytes = 100000;
/// Bytes of one event with its profile (the request cap of POST /api/events).
constexpr std::size_t max_event_bytes = 5000000;
/// Items in one array.
constexpr std::size_t max_array_items = 4000;
/// Levels of nesting below `properties` (an object or array inside a property is level 2).
constexpr int max_nesting_depth = 10;
/// Metric names must be shorter than 128 characters (code points).
constexpr std::size_t max_metric_chars = 127;
/// Event times from 2000-01-01T00:00:00Z (the documented floor; the 2026-07-15 spec says 1990).
constexpr std::int64_t min_event_unix_seconds = 946684800;
/// Event times at most this far after the run started (one year of 365 days).
constexpr std::int64_t max_event_future_seconds = 365LL * 86400;

} // namespace connector::mapping::limits
