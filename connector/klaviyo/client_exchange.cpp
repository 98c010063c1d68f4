// KlaviyoClient: one paced, counted HTTP exchange, and the errors that stop a run.
#include "client_impl.hpp"
#include "core/error.hpp"
#include "retry_policy.hpp"

#include <algorithm>

namespace connector::klaviyo {

HttpResult KlaviyoClient::Impl::exchange(HttpsConnection &connection,
                                         Endpoint endpoint,
                                         const std::string &method,
                                         const std::string &target_path,
                                         const std::string &body,
                                         bool retry,
                                         Pacer::Slot &slot,
                                         bool &interrupted) {
    slot = pacer.reserve(endpoint, Clock::now());
    interrupted = !sleep_until(slot.at);
    if (interrupted)
        return {};
    {
        std::lock_guard<std::mutex> lock(stats_mutex);
        ++stats.requests_by_endpoint[endpoint_name(endpoint)];
        stats.bytes_sent += body.size();
        if (retry)
            ++stats.retries;
    }
    HttpResult result = connection.perform(method, target_path,
                                           method == "GET" ? common_headers : post_headers, body);
    {
        std::lock_guard<std::mutex> lock(stats_mutex);
        ++stats.responses_by_status[result.failure == FailureKind::None ? result.response.status
                                                                        : 0];
        if (result.failure != FailureKind::None)
            last_transport_error = result.error;
        if (result.response.status == 429)
            ++stats.throttled;
    }
    if (result.failure == FailureKind::None && result.response.status != 429)
        follow_rate_headers(endpoint, slot, result.response);
    return result;
}

void KlaviyoClient::Impl::follow_rate_headers(Endpoint endpoint,
                                              const Pacer::Slot &slot,
                                              const HttpResponse &r) {
    auto integer = [&](const char *name) -> std::optional<int> {
        const std::string v = r.header(name);
        if (v.empty())
            return std::nullopt;
        try {
            return std::stoi(v);
        } catch (const std::exception &) {
            return std::nullopt;
        }
    };
    const auto limit = integer("ratelimit-limit");
    const auto remaining = integer("ratelimit-remaining");
    const auto reset = integer("ratelimit-reset");
    if (limit || remaining)
        pacer.on_response(endpoint, slot, Clock::now(), limit, remaining,
                          reset ? std::optional<double>(*reset) : std::nullopt);
}

milliseconds KlaviyoClient::Impl::throttle_wait(const HttpResponse &r,
                                                const std::optional<std::vector<ApiError>> &errors,
                                                int retry) {
    if (const auto s = parse_retry_after(r.header("retry-after")))
        return *s + milliseconds(static_cast<long>(random_unit() * 250));
    if (errors)
        for (const auto &e : *errors)
            if (const auto s = seconds_in_detail(e.detail))
                return *s + milliseconds(static_cast<long>(random_unit() * 250));
    return std::max(backoff(retry), milliseconds(1000));
}

std::string KlaviyoClient::Impl::target_of(Endpoint endpoint) const {
    return server.path_prefix + endpoint_path(endpoint);
}

void KlaviyoClient::Impl::auth_failure(Endpoint endpoint,
                                       int status,
                                       const std::optional<std::vector<ApiError>> &errors) {
    std::string what = "Klaviyo refused the API key from " + options.api_key_source + " (HTTP " +
                       std::to_string(status);
    if (errors && !errors->empty())
        what += " " + errors->front().code + ": " + errors->front().detail;
    what += ") on " + std::string(endpoint_name(endpoint)) +
            "; check the key and that it is a private key with the scopes " +
            required_scopes(send_endpoint()) +
            (target == Target::Profiles && options.api_mode == ApiMode::Bulk
                 ? std::string(" (and profiles:read and lists:read to follow import jobs)")
                 : std::string());
    throw AuthError(clean(what));
}

void KlaviyoClient::Impl::gone_failure(Endpoint endpoint,
                                       const std::optional<std::vector<ApiError>> &errors) {
    std::string what = "Klaviyo answered 410 Gone for " + std::string(endpoint_name(endpoint)) +
                       " with revision " + options.revision +
                       ": the endpoint or API revision is retired; pass a current --revision "
                       "or upgrade the connector";
    if (errors && !errors->empty())
        what += " (" + errors->front().detail + ")";
    throw AuthError(clean(what));
}

void KlaviyoClient::Impl::bot_failure(Endpoint endpoint, int attempts) {
    throw SinkError(
        "Klaviyo's edge answered " + std::string(endpoint_name(endpoint)) + " at " + server.origin +
        " with a bot challenge (HTTP 403 with an HTML body or cf-mitigated) " +
        std::to_string(attempts) +
        " times: this is not an API key problem; the requests were stopped before reaching "
        "the API (check the egress IP, proxy or request rate, then run again). Unsent "
        "records are left for the next run.");
}

void KlaviyoClient::Impl::tls_failure(const HttpResult &result) {
    std::string what = "cannot verify the TLS certificate of " + server.origin + ": ";
    if (result.failure == FailureKind::TlsWrongHost)
        what += "it does not name " + server.host + " (" + result.error + ")";
    else if (options.ca_file.empty())
        what += result.error + "; for a private server pass --ca-file with its CA";
    else
        what += result.error + "; it is not signed by the CA in " + options.ca_file;
    throw SinkError(what + " (verification is never turned off)");
}

void KlaviyoClient::Impl::unexpected_failure(Endpoint endpoint, const HttpResponse &r) {
    throw SinkError(clean("unexpected HTTP " + std::to_string(r.status) + " from " +
                          endpoint_name(endpoint) + " at " + server.origin + ": " +
                          excerpt(r.body) + "; check --klaviyo-url"));
}

void KlaviyoClient::Impl::parameter_failure(Endpoint endpoint, const ApiError &error) {
    throw SinkError(clean("Klaviyo refused the '" + error.parameter + "' parameter of " +
                          endpoint_name(endpoint) + " (" + error.code + ": " + error.detail + ")" +
                          (error.parameter == "revision" ? "; pass a valid --revision" : "")));
}

} // namespace connector::klaviyo
