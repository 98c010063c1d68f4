#pragma once

#include "api_error.hpp"
#include "json.hpp"

#include <Poco/Timestamp.h>

#include <string>
#include <vector>

namespace fake_klaviyo {

/// The shape Klaviyo's email check accepts: local@domain.tld, no spaces, a TLD of 2+ letters.
bool valid_email(const std::string &email);
/// E.164: "+", a non-zero country code digit, 7 to 15 digits in all.
bool valid_e164(const std::string &phone);

/// Where a profile resource keeps what the checks look at. Single events put the profile's
/// identifiers in data.attributes.profile.data; the others in their own resource object.
enum class ProfileKind { Upsert, EventProfile };

/// The rules the schema cannot express for one profile resource object at `pointer`: at least
/// one identifier, email and phone shapes. Appends 400 errors (at most up to `max` in all).
void check_profile(const Json &resource,
                   const std::string &pointer,
                   ProfileKind kind,
                   std::vector<ApiError> &errors,
                   std::size_t max);

/// Every string in `value` (at `pointer`) is at most limits::max_string_bytes long.
void check_strings(const Json &value,
                   const std::string &pointer,
                   std::vector<ApiError> &errors,
                   std::size_t max);

/// One event's attributes at `pointer`: property count, metric name length, time range
/// (after 1990 for revisions from 2026-07-15 on, after 2000 before; at most a year ahead).
void check_event(const Json &attributes,
                 const std::string &pointer,
                 const std::string &revision,
                 const Poco::Timestamp &now,
                 std::vector<ApiError> &errors,
                 std::size_t max);

} // namespace fake_klaviyo
