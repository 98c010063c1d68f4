#pragma once

#include "json.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace fake_klaviyo {

/// How the fake applies Klaviyo's rate limits (--rate-limits).
struct RateLimitMode {
    enum class Kind { Real, Off, Scaled };
    Kind kind = Kind::Real;
    double factor = 1.0; ///< Scaled: every limit is multiplied by this (rounded, at least 1)

    /// Parses "real", "off" or "scaled:F" (F > 0). Throws std::invalid_argument.
    static RateLimitMode parse(const std::string &text);
};

/// Burst (per second) and steady (per minute) request limits of one endpoint.
struct Limits {
    int burst = 0;
    int steady = 0;
};

/// Klaviyo's per-account fixed-window rate limits: every endpoint has its own bucket with a 1 s
/// burst window and a 60 s steady window; going over either refuses the request. Windows are
/// aligned to the limiter's start. Thread-safe.
class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    struct Decision {
        bool allowed = true;
        bool applied = false;  ///< false when rate limits are off (then no headers are sent)
        int limit = 0;         ///< RateLimit-Limit: the steady limit
        int remaining = 0;     ///< RateLimit-Remaining: what is left of the steady window
        int reset_seconds = 0; ///< RateLimit-Reset: seconds until the steady window ends
        int retry_after = 0;   ///< Retry-After when refused: seconds until a request can pass
    };

    explicit RateLimiter(RateLimitMode mode);

    /// The effective limits of a bucket under the current mode.
    Limits limits(const std::string &bucket, const Limits &real) const;
    /// Counts one request against `bucket` (whose real limits are `real`) unless it is refused.
    Decision take(const std::string &bucket, const Limits &real, Clock::time_point now);
    /// Forgets all counts (the windows keep their alignment).
    void reset();
    /// The requests each bucket let through in every steady window since the start (or the last
    /// reset), for how close a client came to the ceiling: {"<bucket>": {"steady_limit": 150,
    /// "accepted_per_window": [150, 150, 42]}}. Empty when rate limits are off.
    Json state() const;

  private:
    struct Window {
        long long burst_index = -1;
        int burst_count = 0;
        long long steady_index = -1;
        int steady_count = 0;
        int steady_limit = 0;
        std::vector<int> accepted; ///< per steady window since the first request's window
        long long first_steady_index = -1;
    };

    RateLimitMode mode_;
    Clock::time_point start_;
    mutable std::mutex mutex_;
    std::map<std::string, Window> windows_;
};

} // namespace fake_klaviyo
