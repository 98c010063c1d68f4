#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace connector::klaviyo {

/// One entry of a JSON:API `errors` array (or one import error of a bulk job).
struct ApiError {
    std::string code;                 ///< "invalid", "duplicate_profile", "throttled", ...
    std::string title;                ///< "Invalid input."
    std::string detail;               ///< Klaviyo's own words
    std::string pointer;              ///< source.pointer, "" when absent
    std::string parameter;            ///< source.parameter (a header or query parameter)
    std::string duplicate_profile_id; ///< meta.duplicate_profile_id of a 409 duplicate_profile
};

/// Parses a JSON:API error document. Returns nullopt when the body is not JSON or has no
/// `errors` array (an HTML page from a proxy, an empty body).
std::optional<std::vector<ApiError>> parse_api_errors(const std::string &body);

/// Where a source.pointer lands in a bulk request body.
struct PointerTarget {
    std::size_t item = 0;           ///< index in the request's data array
    std::optional<std::size_t> sub; ///< for event groups: the event index in the group
    std::string field;              ///< what is left after the item, e.g. "attributes/email"
};

/// Locates `pointer` under `items_prefix` ("/data/attributes/profiles/data"): the item index
/// and, when `sub_prefix` ("attributes/events/data") follows, the sub-index. Nullopt when the
/// pointer is not inside an item (e.g. "/data").
std::optional<PointerTarget> locate_pointer(const std::string &pointer,
                                            const std::string &items_prefix,
                                            const std::string &sub_prefix = {});

/// The message recorded for a record that Klaviyo refused: the detail, the field when known,
/// and for duplicate_profile the conflicting profile's id.
std::string describe_error(const ApiError &error, const std::string &field);

/// Replaces every occurrence of `secret` in `text` with "[REDACTED]" (a server may echo the key).
std::string redact(std::string text, const std::string &secret);

/// The first `max` bytes of `text` on one line, for messages about unexpected bodies.
std::string excerpt(const std::string &text, std::size_t max = 200);

} // namespace connector::klaviyo
