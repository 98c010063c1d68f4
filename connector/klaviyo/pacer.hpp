#pragma once

#include "endpoints.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace connector::klaviyo {

/// Spaces requests per endpoint so that no 1 s window holds more than the burst limit and no
/// 1 min window more than the steady limit, whatever the server's window alignment (a sliding
/// log with a small margin, so fixed server windows are never exceeded). It also follows what
/// the server says: RateLimit-Limit lowers the steady limit, RateLimit-Remaining/-Reset cap the
/// requests left in the current steady window, and a 429's Retry-After closes the endpoint
/// until it passes. Thread-safe; pure given the times passed in (no clock inside).
class Pacer {
  public:
    using Clock = std::chrono::steady_clock;

    /// A reservation: when the request may leave, and its sequence number for on_response.
    struct Slot {
        Clock::time_point at;
        std::uint64_t sequence = 0;
    };

    /// `enabled` false makes every reservation immediate (benchmarks against an unlimited
    /// fake).
    explicit Pacer(bool enabled);

    /// Replaces the limits of one endpoint (defaults: documented_limits()).
    void set_limits(Endpoint e, WindowLimits limits);
    WindowLimits limits(Endpoint e) const;

    /// Reserves the earliest time at or after `now` a request may leave.
    Slot reserve(Endpoint e, Clock::time_point now);

    /// Headers of a non-429 response to the request that had `slot`. Any may be absent. A burst
    /// limit lowered by 429s creeps back up by 1/s per second without a 429 (AIMD).
    void on_response(Endpoint e,
                     const Slot &slot,
                     Clock::time_point now,
                     std::optional<int> limit,
                     std::optional<int> remaining,
                     std::optional<double> reset_seconds);

    /// A 429: nothing leaves for this endpoint before now + retry_after. A short retry_after
    /// (the burst window) also lowers the burst limit by a quarter, down to 1/s.
    void on_throttled(Endpoint e, Clock::time_point now, Clock::duration retry_after);

  private:
    struct State {
        WindowLimits configured;            ///< set_limits() or the documented limits
        WindowLimits limits;                ///< what is used now (lowered by the server's signals)
        std::deque<Clock::time_point> sent; ///< reserved times, ascending, last minute only
        Clock::time_point blocked_until{};
        std::uint64_t sequence = 0;
        // What the server said was left in its steady window, and until when.
        std::optional<long> server_budget;
        Clock::time_point budget_until{};
        Clock::time_point last_throttled{};
        Clock::time_point last_raised{};
    };

    bool enabled_;
    mutable std::mutex mutex_;
    std::array<State, endpoint_count> states_;
};

} // namespace connector::klaviyo
