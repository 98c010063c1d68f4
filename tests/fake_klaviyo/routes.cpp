#include "routes.hpp"

namespace fake_klaviyo {

namespace {

Route operation(const std::string &method,
                const std::string &want,
                const std::string &op,
                Limits limits,
                bool has_body) {
    Route r;
    if (method != want) {
        r.kind = Route::Kind::WrongMethod;
        r.allowed = want;
        r.operation = op;
        return r;
    }
    r.kind = Route::Kind::Operation;
    r.operation = op;
    r.limits = limits;
    r.has_body = has_body;
    return r;
}

} // namespace

Route route(const std::string &method, const std::string &raw_path) {
    std::string path = raw_path;
    if (path.size() > 1 && path.back() == '/')
        path.pop_back();
    // Rate limits from the x-klaviyo-ratelimit of each operation (klaviyo-api.md §2).
    const Limits bulk{10, 150};
    if (path == "/api/profile-import")
        return operation(method, "POST", "create_or_update_profile", {75, 700}, true);
    if (path == "/api/events")
        return operation(method, "POST", "create_event", {350, 3500}, true);
    if (path == "/api/event-bulk-create-jobs")
        return operation(method, "POST", "bulk_create_events", bulk, true);
    const std::string jobs = "/api/profile-bulk-import-jobs";
    if (path == jobs) {
        if (method == "GET")
            return operation(method, "GET", "get_bulk_import_profiles_jobs", bulk, false);
        return operation(method, "POST", "bulk_import_profiles", bulk, true);
    }
    if (path.compare(0, jobs.size() + 1, jobs + "/") == 0) {
        std::string rest = path.substr(jobs.size() + 1);
        const std::string errors = "/import-errors";
        Route r;
        if (rest.size() > errors.size() &&
            rest.compare(rest.size() - errors.size(), errors.size(), errors) == 0) {
            r = operation(method, "GET", "get_errors_for_bulk_import_profiles_job", bulk, false);
            rest.resize(rest.size() - errors.size());
        } else {
            r = operation(method, "GET", "get_bulk_import_profiles_job", bulk, false);
        }
        if (rest.empty() || rest.find('/') != std::string::npos)
            return Route{};
        r.job_id = rest;
        return r;
    }
    // The retired v1/v2 and Track/Identify APIs (klaviyo-api.md §6).
    if (path == "/api/track" || path == "/api/identify" || path == "/api/track-once" ||
        path.compare(0, 8, "/api/v1/") == 0 || path.compare(0, 8, "/api/v2/") == 0) {
        Route r;
        r.kind = Route::Kind::Legacy;
        r.operation = path == "/api/identify" ? "legacy_identify"
                      : path.compare(0, 8, "/api/v1/") == 0 || path.compare(0, 8, "/api/v2/") == 0
                          ? "legacy_v1_v2"
                          : "legacy_track";
        return r;
    }
    return Route{};
}

} // namespace fake_klaviyo
