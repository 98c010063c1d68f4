#pragma once

#include "rate_limiter.hpp"

#include <string>

namespace fake_klaviyo {

/// What a request path and method address.
struct Route {
    enum class Kind { Operation, Legacy, WrongMethod, NotFound };
    Kind kind = Kind::NotFound;
    std::string operation; ///< Klaviyo's operation id, e.g. "bulk_import_profiles"
    std::string allowed;   ///< WrongMethod: the method the path takes
    Limits limits;         ///< the real burst/steady limits of the operation
    std::string job_id;    ///< for /api/profile-bulk-import-jobs/{id}[/import-errors]
    bool has_body = false; ///< a write with a JSON:API body
};

/// Maps a method and path (without the query) to the operation it calls. One trailing slash is
/// ignored (revisions up to 2024-07-15 wrote paths with one).
Route route(const std::string &method, const std::string &path);

} // namespace fake_klaviyo
