#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace connector::klaviyo {

/// Full-jitter exponential backoff (AWS architecture blog): the delay before retry `n` (1 for
/// the first retry) is drawn uniformly from [0, min(cap, base * 2^(n-1))). `unit` is the random
/// draw in [0, 1), passed in so the policy stays deterministic under test.
std::chrono::milliseconds full_jitter_backoff(int retry,
                                              std::chrono::milliseconds base,
                                              std::chrono::milliseconds cap,
                                              double unit);

/// Seconds from a Retry-After header ("7"); nullopt for a missing, negative or HTTP-date value.
std::optional<std::chrono::seconds> parse_retry_after(const std::string &header);

/// Seconds named in a 429 detail ("Request was throttled. Expected available in 7 seconds.").
std::optional<std::chrono::seconds> seconds_in_detail(const std::string &detail);

/// What a response status means for the request that got it.
enum class StatusClass {
    Success,      ///< 2xx
    Throttled,    ///< 429: wait Retry-After and retry
    ServerError,  ///< 5xx (Cloudflare's 52x included) or 408: retry with backoff
    Unauthorized, ///< 401/403 with a JSON body: the key or its scopes; stop the run
    BotChallenge, ///< 403 with an HTML body or cf-mitigated: a few spaced retries, then stop
    Gone,         ///< 410: endpoint or revision retired; stop the run
    TooLarge,     ///< 413: attribute by pointer, else split the batch
    RecordError,  ///< 400, 409 or 422 with a JSON:API error body: attribute to records
    Unexpected,   ///< anything else (a 404, 405, 415, a redirect): a configuration problem
};

/// Classifies a response. `json_errors` is true when the body is a JSON:API error document;
/// `cf_mitigated` when the cf-mitigated header was present.
StatusClass classify_status(int status, bool json_errors, bool cf_mitigated) noexcept;

} // namespace connector::klaviyo
