#pragma once

#include <cstddef>

namespace fake_klaviyo::limits {

// Klaviyo's ingestion limits (klaviyo-api.md §2 and §4). "KB" and "MB" are binary here; a
// client that stays under the decimal figures (100,000 / 5,000,000 bytes) is safe either way.
constexpr std::size_t max_body = 5 * 1024 * 1024;           ///< any request body
constexpr std::size_t max_profile_import_body = 100 * 1024; ///< POST /api/profile-import
constexpr std::size_t max_profile_bytes = 100 * 1024;       ///< one profile of a bulk job
constexpr std::size_t max_string_bytes = 100 * 1024;        ///< any string value
constexpr std::size_t max_job_profiles = 10000;             ///< profiles per bulk import job
constexpr std::size_t max_bulk_events = 1000;               ///< events per bulk create request
constexpr std::size_t max_event_properties = 400;           ///< top-level event properties
constexpr std::size_t max_metric_name = 127;                ///< metric names are < 128 chars
constexpr std::size_t max_errors = 100;                     ///< errors listed in one 400

} // namespace fake_klaviyo::limits
