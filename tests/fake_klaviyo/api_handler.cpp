#include "api_handler.hpp"

#include "admin_handler.hpp"
#include "http_io.hpp"
#include "json.hpp"
#include "limits.hpp"
#include "operations.hpp"
#include "routes.hpp"

#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <set>

namespace fake_klaviyo {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(const std::string &s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return "";
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

// Revisions of the OpenAPI repository (klaviyo-api.md §1) plus 2026-10-15, the newest the docs
// name. Each also exists as a ".pre" beta revision.
bool known_revision(const std::string &revision) {
    static const std::set<std::string> known = {
        "2024-02-15", "2024-05-15", "2024-06-15", "2024-07-15", "2024-10-15",
        "2025-01-15", "2025-04-15", "2025-07-15", "2025-10-15", "2026-01-15",
        "2026-04-15", "2026-07-15", "2026-10-15"};
    const std::string pre = ".pre";
    if (revision.size() > pre.size() &&
        revision.compare(revision.size() - pre.size(), pre.size(), pre) == 0)
        return known.count(revision.substr(0, revision.size() - pre.size())) > 0;
    return known.count(revision) > 0;
}

std::string scopes_for(const std::string &operation) {
    if (operation == "bulk_import_profiles")
        return "lists:write, profiles:write";
    if (operation == "create_or_update_profile")
        return "profiles:write";
    if (operation == "create_event" || operation == "bulk_create_events")
        return "events:write";
    return "lists:read, profiles:read";
}

ApiError throttled(int seconds) {
    ApiError e;
    e.status = 429;
    e.code = "throttled";
    e.title = "Request was throttled.";
    e.detail = "Request was throttled. Expected available in " + std::to_string(seconds) +
               (seconds == 1 ? " second." : " seconds.");
    e.pointer = "/data/";
    e.links.add("type", "https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling");
    return e;
}

ApiError simple_error(int status, std::string code, std::string title, std::string detail) {
    ApiError e;
    e.status = status;
    e.code = std::move(code);
    e.title = std::move(title);
    e.detail = std::move(detail);
    return e;
}

std::string cloudflare_page(int status) {
    return "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>" +
           std::string(status == 403
                           ? "Just a moment..."
                           : "a.klaviyo.com | " + std::to_string(status) + ": Origin error") +
           "</title><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">"
           "</head><body><div id=\"cf-wrapper\"><h1>" +
           (status == 403 ? std::string("Checking your browser before accessing a.klaviyo.com")
                          : "Error " + std::to_string(status)) +
           "</h1><p>cloudflare</p></div></body></html>\n";
}

// Answers an injected status fault the way the real stack does: Klaviyo's JSON for what the
// API itself says (500, 503 and other API errors), Cloudflare's HTML for gateway errors.
void send_status_fault(Poco::Net::HTTPServerResponse &response, int status, IdGenerator &ids) {
    if (status == 502 || status == 504 || (status >= 520 && status <= 527)) {
        response.set("cf-ray", "8f00000000000000-FAKE");
        send_html(response, status, cloudflare_page(status));
        return;
    }
    if (status == 503)
        send_errors(response,
                    {simple_error(503, "service_unavailable",
                                  "Service temporarily unavailable, try again later.",
                                  "Service temporarily unavailable, try again later.")},
                    ids);
    else if (status >= 500)
        send_errors(
            response,
            {simple_error(status, "error", "A server error occurred.", "A server error occurred.")},
            ids);
    else
        send_errors(response,
                    {simple_error(status, "error", "Request failed.",
                                  "The request failed (injected fault).")},
                    ids);
}

} // namespace

Poco::Net::HTTPRequestHandler *
HandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest &request) {
    if (request.getURI().compare(0, 8, "/__fake/") == 0)
        return new AdminHandler(b_);
    return new ApiHandler(b_);
}

void ApiHandler::handleRequest(Poco::Net::HTTPServerRequest &request,
                               Poco::Net::HTTPServerResponse &response) {
    const auto started = std::chrono::steady_clock::now();
    std::string outcome;
    std::string operation = "unknown";
    Poco::URI uri;
    try {
        uri = Poco::URI(request.getURI());
    } catch (const Poco::Exception &) {
        uri = Poco::URI("/");
    }
    const std::string method = request.getMethod();
    auto finish = [&](int status) { outcome = std::to_string(status); };

    auto run = [&]() {
        const Route r = route(method, uri.getPath());
        operation = r.kind == Route::Kind::NotFound ? "unknown" : r.operation;
        if (r.kind == Route::Kind::Legacy) {
            discard_body(request, response, limits::max_body);
            send_errors(response,
                        {simple_error(410, "gone", "Gone.",
                                      "This API has been retired and is no longer in service. "
                                      "Use POST /api/events instead of Track and POST "
                                      "/api/profile-import instead of Identify: "
                                      "https://developers.klaviyo.com/en/docs/"
                                      "migrate_track_identify_and_subscribe_to_our_new_apis")},
                        b_.ids);
            return finish(410);
        }
        if (r.kind == Route::Kind::NotFound) {
            discard_body(request, response, limits::max_body);
            send_errors(response, {simple_error(404, "not_found", "Not found.", "Not found.")},
                        b_.ids);
            return finish(404);
        }
        if (r.kind == Route::Kind::WrongMethod) {
            discard_body(request, response, limits::max_body);
            response.set("Allow", r.allowed);
            send_errors(response,
                        {simple_error(405, "method_not_allowed", "Method not allowed.",
                                      "Method \"" + method + "\" not allowed.")},
                        b_.ids);
            return finish(405);
        }

        // Faults sit in front of everything, like the CDN and load balancers do.
        const RequestFault fault = b_.faults.on_request(r.operation);
        if (fault.latency.count() > 0 && b_.stop.wait_for(fault.latency)) {
            drop_connection(request);
            return (void)(outcome = "dropped");
        }
        bool drop_after = false;
        if (fault.action) {
            switch (*fault.action) {
            case FaultKind::Status:
                discard_body(request, response, limits::max_body);
                send_status_fault(response, fault.status, b_.ids);
                return finish(fault.status);
            case FaultKind::Throttle:
                discard_body(request, response, limits::max_body);
                response.set("Retry-After", std::to_string(fault.retry_after));
                send_errors(response, {throttled(std::max(1, fault.retry_after))}, b_.ids);
                return finish(429);
            case FaultKind::Cloudflare:
                discard_body(request, response, limits::max_body);
                response.set("cf-mitigated", "challenge");
                response.set("cf-ray", "8f00000000000000-FAKE");
                send_html(response, 403, cloudflare_page(403));
                return finish(403);
            case FaultKind::DropBefore:
                drop_connection(request);
                return (void)(outcome = "dropped_before");
            case FaultKind::Hang:
                b_.stop.wait_for(fault.hang);
                drop_connection(request);
                return (void)(outcome = "hang");
            case FaultKind::DropAfter:
                drop_after = true;
                break;
            default:
                break;
            }
        }

        // Authentication: Authorization: Klaviyo-API-Key <private key>.
        const std::string auth = request.get("Authorization", "");
        const std::string scheme = "klaviyo-api-key ";
        if (auth.empty()) {
            discard_body(request, response, limits::max_body);
            send_errors(response,
                        {simple_error(401, "not_authenticated",
                                      "Authentication credentials were not provided.",
                                      "Missing or invalid private key.")},
                        b_.ids);
            return finish(401);
        }
        const std::string key =
            lower(auth.substr(0, scheme.size())) == scheme ? trim(auth.substr(scheme.size())) : "";
        const auto &opts = b_.options;
        const bool scopeless = std::find(opts.scopeless_keys.begin(), opts.scopeless_keys.end(),
                                         key) != opts.scopeless_keys.end();
        const bool known =
            !key.empty() &&
            (opts.api_keys.empty() ? key.compare(0, 3, "pk_") == 0
                                   : std::find(opts.api_keys.begin(), opts.api_keys.end(), key) !=
                                         opts.api_keys.end());
        if (!scopeless && !known) {
            discard_body(request, response, limits::max_body);
            send_errors(
                response,
                {simple_error(401, "authentication_failed", "Incorrect authentication credentials.",
                              "Missing or invalid private key.")},
                b_.ids);
            return finish(401);
        }
        if (scopeless) {
            discard_body(request, response, limits::max_body);
            send_errors(
                response,
                {simple_error(
                    403, "permission_denied", "You do not have permission to perform this action.",
                    "This API key is missing required scopes: " + scopes_for(r.operation) + ".")},
                b_.ids);
            return finish(403);
        }

        // The revision header.
        const std::string revision = trim(request.get("revision", ""));
        if (!known_revision(revision)) {
            discard_body(request, response, limits::max_body);
            send_errors(
                response,
                {invalid_parameter(revision.empty() ? "Missing required header 'revision'."
                                                    : "Invalid revision '" + revision +
                                                          "': it is not a revision of this API.",
                                   "revision")},
                b_.ids);
            return finish(400);
        }

        // Rate limits: one bucket per operation.
        const auto limit = b_.limiter.take(r.operation, r.limits, std::chrono::steady_clock::now());
        if (!limit.allowed) {
            discard_body(request, response, limits::max_body);
            b_.counters.add("throttled");
            response.set("Retry-After", std::to_string(limit.retry_after));
            send_errors(response, {throttled(limit.retry_after)}, b_.ids);
            return finish(429);
        }
        if (limit.applied) {
            response.set("RateLimit-Limit", std::to_string(limit.limit));
            response.set("RateLimit-Remaining", std::to_string(limit.remaining));
            response.set("RateLimit-Reset", std::to_string(limit.reset_seconds));
        }

        Reply reply;
        if (r.has_body) {
            const std::string media =
                lower(trim(request.getContentType().substr(0, request.getContentType().find(';'))));
            const std::string encoding = lower(trim(request.get("Content-Encoding", "")));
            if ((media != "application/vnd.api+json" && media != "application/json") ||
                (!encoding.empty() && encoding != "identity")) {
                discard_body(request, response, limits::max_body);
                send_errors(
                    response,
                    {simple_error(415, "unsupported_media_type", "Unsupported media type.",
                                  encoding.empty() || encoding == "identity"
                                      ? "Unsupported media type \"" + media + "\" in request."
                                      : "Unsupported Content-Encoding \"" + encoding +
                                            "\" in request.")},
                    b_.ids);
                return finish(415);
            }
            b_.counters.add("content_type " + media);
            const std::size_t cap = r.operation == "create_or_update_profile"
                                        ? limits::max_profile_import_body
                                        : limits::max_body;
            std::string body;
            if (!read_body(request, response, cap, body)) {
                send_errors(
                    response,
                    {simple_error(413, "request_too_large", "Request entity too large.",
                                  "The request body is larger than the " + std::to_string(cap) +
                                      " bytes this endpoint accepts.")},
                    b_.ids);
                return finish(413);
            }
            Json json;
            try {
                json = Json::parse(body);
            } catch (const JsonError &e) {
                send_errors(response,
                            {simple_error(400, "parse_error", "Malformed request.",
                                          std::string("JSON parse error - ") + e.what())},
                            b_.ids);
                return finish(400);
            }
            if (r.operation == "create_or_update_profile")
                reply = create_or_update_profile(b_, json);
            else if (r.operation == "bulk_import_profiles")
                reply = bulk_import_profiles(b_, json);
            else if (r.operation == "create_event")
                reply = create_event(b_, json, revision);
            else
                reply = bulk_create_events(b_, json, revision);
        } else {
            discard_body(request, response, limits::max_body);
            if (r.operation == "get_bulk_import_profiles_job")
                reply = get_bulk_import_profiles_job(b_, r.job_id);
            else if (r.operation == "get_bulk_import_profiles_jobs")
                reply = get_bulk_import_profiles_jobs(b_);
            else
                reply =
                    get_errors_for_bulk_import_profiles_job(b_, r.job_id, uri.getQueryParameters());
        }

        if (drop_after) {
            drop_connection(request);
            return (void)(outcome = "dropped_after");
        }
        if (!reply.errors.empty())
            send_errors(response, reply.errors, b_.ids);
        else if (reply.body)
            send_json(response, reply.status, *reply.body);
        else
            send_empty(response, reply.status);
        finish(reply.errors.empty() ? reply.status : reply.errors.front().status);
    };

    try {
        run();
    } catch (const std::exception &e) {
        // A bug in the fake: say so loudly instead of hiding it behind a plausible answer.
        std::cerr << "fake_klaviyo: internal error on " << method << " " << uri.getPath() << ": "
                  << e.what() << "\n";
        if (!response.sent()) {
            response.setKeepAlive(false);
            send_errors(response,
                        {simple_error(500, "fake_internal_error", "Fake Klaviyo internal error.",
                                      e.what())},
                        b_.ids);
        }
        outcome = "500";
    }
    b_.counters.request(operation, outcome);
    if (b_.options.verbose) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
        std::cerr << "fake_klaviyo: " + method + " " + uri.getPath() + " -> " + outcome + " (" +
                         std::to_string(ms) + " ms)\n";
    }
}

} // namespace fake_klaviyo
