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
#include <chrono>
#include <iostream>
#include <optional>
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

// One request to /api/...: each step either answers (and returns true) or lets the next go on.
class Exchange {
  public:
    Exchange(Backend &b,
             Poco::Net::HTTPServerRequest &request,
             Poco::Net::HTTPServerResponse &response)
        : b_(b), request_(request), response_(response), method_(request.getMethod()) {
        try {
            uri_ = Poco::URI(request.getURI());
        } catch (const Poco::Exception &) {
            uri_ = Poco::URI("/");
        }
        route_ = route(method_, uri_.getPath());
        operation = route_.kind == Route::Kind::NotFound ? "unknown" : route_.operation;
    }

    void run() {
        if (answer_unroutable() || apply_fault() || authenticate() || check_revision() ||
            rate_limit())
            return;
        Reply reply;
        if (route_.has_body) {
            std::optional<Json> body = read_json();
            if (!body)
                return;
            reply = call_write(*body);
        } else {
            discard_body(request_, response_, limits::max_body);
            reply = call_read();
        }
        if (drop_after_) {
            drop_connection(request_);
            outcome = "dropped_after";
            return;
        }
        if (!reply.errors.empty())
            send_errors(response_, reply.errors, b_.ids);
        else if (reply.body)
            send_json(response_, reply.status, *reply.body);
        else
            send_empty(response_, reply.status);
        answered(reply.errors.empty() ? reply.status : reply.errors.front().status);
    }

    /// Answers with `e` after discarding the body.
    void fail(const ApiError &e) {
        discard_body(request_, response_, limits::max_body);
        send_errors(response_, {e}, b_.ids);
        answered(e.status);
    }

    std::string operation;
    std::string outcome; ///< the status code, or what happened instead of an answer
    const std::string &method() const { return method_; }
    std::string path() const { return uri_.getPath(); }

  private:
    void answered(int status) { outcome = std::to_string(status); }

    bool answer_unroutable() {
        switch (route_.kind) {
        case Route::Kind::Operation:
            return false;
        case Route::Kind::Legacy:
            fail(api_error(410, "gone", "Gone.",
                           "This API has been retired and is no longer in service. Use POST "
                           "/api/events instead of Track and POST /api/profile-import instead of "
                           "Identify: https://developers.klaviyo.com/en/docs/"
                           "migrate_track_identify_and_subscribe_to_our_new_apis"));
            return true;
        case Route::Kind::WrongMethod:
            response_.set("Allow", route_.allowed);
            fail(api_error(405, "method_not_allowed", "Method not allowed.",
                           "Method \"" + method_ + "\" not allowed."));
            return true;
        case Route::Kind::NotFound:
            break;
        }
        fail(api_error(404, "not_found", "Not found.", "Not found."));
        return true;
    }

    // Faults sit in front of everything, like the CDN and load balancers do.
    bool apply_fault() {
        const RequestFault fault = b_.faults.on_request(route_.operation);
        if (fault.latency.count() > 0 && b_.stop.wait_for(fault.latency)) {
            drop_connection(request_); // stopping
            outcome = "dropped";
            return true;
        }
        if (!fault.action)
            return false;
        switch (*fault.action) {
        case FaultKind::Status:
            discard_body(request_, response_, limits::max_body);
            if (fault.status == 502 || fault.status == 504 ||
                (fault.status >= 520 && fault.status <= 527))
                send_cloudflare(response_, fault.status);
            else if (fault.status == 503)
                send_errors(response_,
                            {api_error(503, "service_unavailable",
                                       "Service temporarily unavailable, try again later.",
                                       "Service temporarily unavailable, try again later.")},
                            b_.ids);
            else
                send_errors(response_,
                            {api_error(fault.status, "error", "A server error occurred.",
                                       "A server error occurred.")},
                            b_.ids);
            answered(fault.status);
            return true;
        case FaultKind::Throttle:
            response_.set("Retry-After", std::to_string(fault.retry_after));
            fail(throttled(std::max(1, fault.retry_after)));
            return true;
        case FaultKind::Cloudflare:
            discard_body(request_, response_, limits::max_body);
            send_cloudflare(response_, 403);
            answered(403);
            return true;
        case FaultKind::DropBefore:
            drop_connection(request_);
            outcome = "dropped_before";
            return true;
        case FaultKind::Hang:
            b_.stop.wait_for(fault.hang);
            drop_connection(request_);
            outcome = "hang";
            return true;
        case FaultKind::DropAfter:
            drop_after_ = true;
            return false;
        default:
            return false;
        }
    }

    // Authorization: Klaviyo-API-Key <private key>. The key is never echoed.
    bool authenticate() {
        const std::string auth = request_.get("Authorization", "");
        if (auth.empty()) {
            fail(api_error(401, "not_authenticated",
                           "Authentication credentials were not provided.",
                           "Missing or invalid private key."));
            return true;
        }
        const std::string scheme = "klaviyo-api-key ";
        const std::string key =
            lower(auth.substr(0, scheme.size())) == scheme ? trim(auth.substr(scheme.size())) : "";
        const auto &o = b_.options;
        const bool scopeless = std::find(o.scopeless_keys.begin(), o.scopeless_keys.end(), key) !=
                               o.scopeless_keys.end();
        const bool known =
            !key.empty() && (o.api_keys.empty() ? key.compare(0, 3, "pk_") == 0
                                                : std::find(o.api_keys.begin(), o.api_keys.end(),
                                                            key) != o.api_keys.end());
        if (scopeless) {
            fail(api_error(
                403, "permission_denied", "You do not have permission to perform this action.",
                "This API key is missing required scopes: " + scopes_for(route_.operation) + "."));
            return true;
        }
        if (!known) {
            fail(api_error(401, "authentication_failed", "Incorrect authentication credentials.",
                           "Missing or invalid private key."));
            return true;
        }
        return false;
    }

    bool check_revision() {
        revision_ = trim(request_.get("revision", ""));
        if (known_revision(revision_))
            return false;
        fail(invalid_parameter(revision_.empty() ? "Missing required header 'revision'."
                                                 : "Invalid revision '" + revision_ +
                                                       "': it is not a revision of this API.",
                               "revision"));
        return true;
    }

    // One bucket per operation; the RateLimit-* headers go on every answer that passes.
    bool rate_limit() {
        const auto d =
            b_.limiter.take(route_.operation, route_.limits, std::chrono::steady_clock::now());
        if (!d.allowed) {
            b_.counters.add("throttled");
            response_.set("Retry-After", std::to_string(d.retry_after));
            fail(throttled(d.retry_after));
            return true;
        }
        if (d.applied) {
            response_.set("RateLimit-Limit", std::to_string(d.limit));
            response_.set("RateLimit-Remaining", std::to_string(d.remaining));
            response_.set("RateLimit-Reset", std::to_string(d.reset_seconds));
        }
        return false;
    }

    // Content type, size and JSON syntax of a write's body; nullopt when it was answered.
    std::optional<Json> read_json() {
        const std::string type = request_.getContentType();
        const std::string media = lower(trim(type.substr(0, type.find(';'))));
        const std::string encoding = lower(trim(request_.get("Content-Encoding", "")));
        if (media != "application/vnd.api+json" && media != "application/json") {
            fail(api_error(415, "unsupported_media_type", "Unsupported media type.",
                           "Unsupported media type \"" + media + "\" in request."));
            return std::nullopt;
        }
        if (!encoding.empty() && encoding != "identity") {
            fail(api_error(415, "unsupported_media_type", "Unsupported media type.",
                           "Unsupported Content-Encoding \"" + encoding + "\" in request."));
            return std::nullopt;
        }
        b_.counters.add("content_type " + media);
        const std::size_t cap = route_.operation == "create_or_update_profile"
                                    ? limits::max_profile_import_body
                                    : limits::max_body;
        std::string text;
        if (!read_body(request_, response_, cap, text)) {
            send_errors(response_,
                        {api_error(413, "request_too_large", "Request entity too large.",
                                   "The request body is larger than the " + std::to_string(cap) +
                                       " bytes this endpoint accepts.")},
                        b_.ids);
            answered(413);
            return std::nullopt;
        }
        try {
            return Json::parse(text);
        } catch (const JsonError &e) {
            send_errors(response_,
                        {api_error(400, "parse_error", "Malformed request.",
                                   std::string("JSON parse error - ") + e.what())},
                        b_.ids);
            answered(400);
            return std::nullopt;
        }
    }

    Reply call_write(const Json &body) {
        const std::string &op = route_.operation;
        if (op == "create_or_update_profile")
            return create_or_update_profile(b_, body);
        if (op == "bulk_import_profiles")
            return bulk_import_profiles(b_, body);
        if (op == "create_event")
            return create_event(b_, body, revision_);
        return bulk_create_events(b_, body, revision_);
    }

    Reply call_read() {
        const std::string &op = route_.operation;
        if (op == "get_bulk_import_profiles_job")
            return get_bulk_import_profiles_job(b_, route_.job_id);
        if (op == "get_bulk_import_profiles_jobs")
            return get_bulk_import_profiles_jobs(b_);
        return get_errors_for_bulk_import_profiles_job(b_, route_.job_id,
                                                       uri_.getQueryParameters());
    }

    Backend &b_;
    Poco::Net::HTTPServerRequest &request_;
    Poco::Net::HTTPServerResponse &response_;
    std::string method_;
    Poco::URI uri_;
    Route route_;
    std::string revision_;
    bool drop_after_ = false;
};

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
    Exchange exchange(b_, request, response);
    try {
        exchange.run();
    } catch (const std::exception &e) {
        // A bug in the fake: say so loudly instead of hiding it behind a plausible answer.
        std::cerr << "fake_klaviyo: internal error on " << exchange.method() << " "
                  << exchange.path() << ": " << e.what() << "\n";
        if (!response.sent()) {
            response.setKeepAlive(false);
            send_errors(
                response,
                {api_error(500, "fake_internal_error", "Fake Klaviyo internal error.", e.what())},
                b_.ids);
        }
        exchange.outcome = "500";
    }
    b_.counters.request(exchange.operation, exchange.outcome);
    if (b_.options.verbose) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
        std::cerr << "fake_klaviyo: " + exchange.method() + " " + exchange.path() + " -> " +
                         exchange.outcome + " (" + std::to_string(ms) + " ms)\n";
    }
}

} // namespace fake_klaviyo
