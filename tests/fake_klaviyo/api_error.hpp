#pragma once

#include "json.hpp"

#include <string>
#include <vector>

namespace fake_klaviyo {

/// One entry of Klaviyo's JSON:API error document:
/// {"errors":[{"id","status","code","title","detail","source":{"pointer"|"parameter"},"links","meta"}]}.
struct ApiError {
    int status = 400;
    std::string code;
    std::string title;
    std::string detail;
    std::string pointer;         ///< source.pointer; empty when the error has none
    std::string parameter;       ///< source.parameter (query or header name); empty when none
    Json meta = Json::object();  ///< e.g. {"duplicate_profile_id": ...}
    Json links = Json::object(); ///< e.g. {"type": <the rate-limit docs>}
};

/// 400 "invalid" with the given detail and pointer (Klaviyo's schema/field error).
ApiError invalid(std::string detail, std::string pointer);
/// 400 "invalid" about a query parameter or header.
ApiError invalid_parameter(std::string detail, std::string parameter);

/// Any error with the given fields (no source).
ApiError api_error(int status, std::string code, std::string title, std::string detail);
/// 429 "throttled": "Request was throttled. Expected available in N seconds." (Django REST
/// framework's wording, which Klaviyo's API uses), with links.type to the rate-limit docs.
ApiError throttled(int seconds);

/// The error document for `errors` (all share the status of the first). `ids` supplies one id
/// per error.
Json error_document(const std::vector<ApiError> &errors, const std::vector<std::string> &ids);

} // namespace fake_klaviyo
