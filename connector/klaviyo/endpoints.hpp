#pragma once

#include <string>

namespace connector::klaviyo {

/// The Klaviyo operations the client calls. Each has its own rate-limit bucket.
enum class Endpoint {
    ProfileBulkImport, ///< POST /api/profile-bulk-import-jobs
    ProfileImport,     ///< POST /api/profile-import
    EventBulkCreate,   ///< POST /api/event-bulk-create-jobs
    EventCreate,       ///< POST /api/events
    JobGet,            ///< GET /api/profile-bulk-import-jobs/{id}
    JobErrors,         ///< GET /api/profile-bulk-import-jobs/{id}/import-errors
};

constexpr int endpoint_count = 6;

/// Requests per burst (1 s) and steady (1 min) window.
struct WindowLimits {
    int per_second = 0;
    int per_minute = 0;
};

/// "POST /api/profile-import": used in stats, logs and ClientOptions::rate_limits.
const char *endpoint_name(Endpoint e) noexcept;
/// The request path of a POST endpoint ("/api/profile-import"); "" for the job endpoints.
const char *endpoint_path(Endpoint e) noexcept;
/// The documented limits (klaviyo-api.md §2; 700/m for profile-import, the safe reading).
WindowLimits documented_limits(Endpoint e) noexcept;
/// Scopes the key needs for an endpoint, for the AuthError message.
const char *required_scopes(Endpoint e) noexcept;

} // namespace connector::klaviyo
