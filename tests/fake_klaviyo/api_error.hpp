#pragma once

#include <Poco/JSON/Object.h>

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
    std::string pointer;           ///< source.pointer; empty when the error has none
    std::string parameter;         ///< source.parameter (query or header name); empty when none
    Poco::JSON::Object::Ptr meta;  ///< extra meta (e.g. duplicate_profile_id); may be null
    Poco::JSON::Object::Ptr links; ///< extra links (e.g. the rate-limit docs); may be null
};

/// 400 "invalid" with the given detail and pointer (Klaviyo's schema/field error).
ApiError invalid(std::string detail, std::string pointer);
/// 400 "invalid" about a query parameter or header.
ApiError invalid_parameter(std::string detail, std::string parameter);

/// The error document for `errors` (all share the status of the first). `ids` supplies one id
/// per error.
Poco::JSON::Object::Ptr error_document(const std::vector<ApiError> &errors,
                                       const std::vector<std::string> &ids);

} // namespace fake_klaviyo
