#pragma once

#include "api_error.hpp"
#include "backend.hpp"
#include "json.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fake_klaviyo {

/// What an operation answers: a status with a JSON body, no body, or Klaviyo errors.
struct Reply {
    int status = 200;
    std::optional<Json> body;     ///< none: no body
    std::vector<ApiError> errors; ///< non-empty: answer with the error document
};

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

/// The API operations, each behind validation (schema, then the rules the schema cannot say).
/// `revision` is the request's revision header (already checked).
Reply create_or_update_profile(Backend &b, const Json &body);
Reply bulk_import_profiles(Backend &b, const Json &body);
Reply get_bulk_import_profiles_job(Backend &b, const std::string &id);
Reply get_bulk_import_profiles_jobs(Backend &b);
Reply get_errors_for_bulk_import_profiles_job(Backend &b,
                                              const std::string &id,
                                              const QueryParameters &query);
Reply create_event(Backend &b, const Json &body, const std::string &revision);
Reply bulk_create_events(Backend &b, const Json &body, const std::string &revision);

} // namespace fake_klaviyo
