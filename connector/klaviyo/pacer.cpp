#include "pacer.hpp"

#include <algorithm>

namespace connector::klaviyo {
namespace {

// The margins absorb the difference between when a request leaves here and when the server
// counts it (latency jitter), so a request spaced exactly one window apart never lands in the
// same server window as the one it follows.
constexpr auto burst_window = std::chrono::milliseconds(1000 + 100);
constexpr auto steady_window = std::chrono::milliseconds(60'000 + 1000);

std::size_t index(Endpoint e) {
    return static_cast<std::size_t>(e);
}

} // namespace

Pacer::Pacer(bool enabled) : enabled_(enabled) {
    for (int i = 0; i < endpoint_count; ++i) {
        State &s = states_[static_cast<std::size_t>(i)];
        s.configured = s.limits = documented_limits(static_cast<Endpoint>(i));
    }
}

void Pacer::set_limits(Endpoint e, WindowLimits limits) {
    std::lock_guard<std::mutex> lock(mutex_);
    states_[index(e)].configured = states_[index(e)].limits = limits;
}

WindowLimits Pacer::limits(Endpoint e) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return states_[index(e)].limits;
}

Pacer::Slot Pacer::reserve(Endpoint e, Clock::time_point now) {
    std::lock_guard<std::mutex> lock(mutex_);
    State &s = states_[index(e)];
    const std::uint64_t seq = ++s.sequence;
    if (!enabled_)
        return {now, seq};

    Clock::time_point at = std::max(now, s.blocked_until);
    if (!s.sent.empty())
        at = std::max(at, s.sent.back());
    const auto burst = static_cast<std::size_t>(std::max(1, s.limits.per_second));
    const auto steady = static_cast<std::size_t>(std::max(1, s.limits.per_minute));
    if (s.sent.size() >= burst)
        at = std::max(at, s.sent[s.sent.size() - burst] + burst_window);
    if (s.sent.size() >= steady)
        at = std::max(at, s.sent[s.sent.size() - steady] + steady_window);
    if (s.server_budget) {
        if (at >= s.budget_until) {
            s.server_budget.reset();
        } else if (*s.server_budget <= 0) {
            // The server's steady window is used up: wait for its reset, then start afresh.
            at = s.budget_until;
            s.server_budget.reset();
        } else {
            --*s.server_budget;
        }
    }
    s.sent.push_back(at);
    while (s.sent.size() > steady || (!s.sent.empty() && s.sent.front() + steady_window <= at))
        s.sent.pop_front();
    return {at, seq};
}

void Pacer::on_response(Endpoint e,
                        const Slot &slot,
                        Clock::time_point now,
                        std::optional<int> limit,
                        std::optional<int> remaining,
                        std::optional<double> reset_seconds) {
    if (!enabled_)
        return;
    std::lock_guard<std::mutex> lock(mutex_);
    State &s = states_[index(e)];
    if (limit && *limit > 0 && *limit < s.limits.per_minute)
        s.limits.per_minute = *limit;
    if (s.limits.per_second < s.configured.per_second &&
        now - s.last_throttled >= std::chrono::seconds(5) &&
        now - s.last_raised >= std::chrono::seconds(1)) {
        ++s.limits.per_second;
        s.last_raised = now;
    }
    if (remaining && reset_seconds && *reset_seconds >= 0) {
        // Requests reserved after this one were not counted by the server yet.
        const auto later = static_cast<long>(s.sequence - slot.sequence);
        s.server_budget = static_cast<long>(*remaining) - later;
        s.budget_until =
            now + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(*reset_seconds) + std::chrono::seconds(1));
    }
}

void Pacer::on_throttled(Endpoint e, Clock::time_point now, Clock::duration retry_after) {
    std::lock_guard<std::mutex> lock(mutex_);
    State &s = states_[index(e)];
    s.blocked_until = std::max(s.blocked_until, now + retry_after);
    s.server_budget.reset();
    // A short wait means the burst window was full although we kept to our burst limit: the
    // account's real burst is lower (or shared with another app). Send less per second.
    if (retry_after <= std::chrono::seconds(2) && s.limits.per_second > 1)
        s.limits.per_second = std::max(1, s.limits.per_second * 3 / 4);
    s.last_throttled = now;
}

} // namespace connector::klaviyo
