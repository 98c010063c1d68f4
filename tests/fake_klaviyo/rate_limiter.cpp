#include "rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fake_klaviyo {

RateLimitMode RateLimitMode::parse(const std::string &text) {
    RateLimitMode m;
    if (text == "real")
        return m;
    if (text == "off") {
        m.kind = Kind::Off;
        return m;
    }
    const std::string prefix = "scaled:";
    if (text.compare(0, prefix.size(), prefix) == 0) {
        std::size_t used = 0;
        double f = 0;
        try {
            f = std::stod(text.substr(prefix.size()), &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used == 0 || used != text.size() - prefix.size() || !(f > 0) || !std::isfinite(f))
            throw std::invalid_argument("--rate-limits scaled:F needs a positive number F, got '" +
                                        text + "'");
        m.kind = Kind::Scaled;
        m.factor = f;
        return m;
    }
    throw std::invalid_argument("--rate-limits must be real, off or scaled:F, got '" + text + "'");
}

RateLimiter::RateLimiter(RateLimitMode mode) : mode_(mode), start_(Clock::now()) {}

Limits RateLimiter::limits(const std::string &, const Limits &real) const {
    if (mode_.kind != RateLimitMode::Kind::Scaled)
        return real;
    auto scale = [this](int n) {
        return std::max(1, static_cast<int>(std::lround(static_cast<double>(n) * mode_.factor)));
    };
    return Limits{scale(real.burst), scale(real.steady)};
}

RateLimiter::Decision
RateLimiter::take(const std::string &bucket, const Limits &real, Clock::time_point now) {
    Decision d;
    if (mode_.kind == RateLimitMode::Kind::Off)
        return d;
    d.applied = true;
    const Limits lim = limits(bucket, real);
    const long long elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - start_).count();
    const long long burst_index = elapsed_ms / 1000;
    const long long steady_index = elapsed_ms / 60000;
    const int burst_left_ms = static_cast<int>(1000 - elapsed_ms % 1000);
    const int steady_left_ms = static_cast<int>(60000 - elapsed_ms % 60000);
    auto ceil_seconds = [](int ms) { return std::max(1, (ms + 999) / 1000); };

    std::lock_guard<std::mutex> lock(mutex_);
    Window &w = windows_[bucket];
    if (w.burst_index != burst_index) {
        w.burst_index = burst_index;
        w.burst_count = 0;
    }
    if (w.steady_index != steady_index) {
        w.steady_index = steady_index;
        w.steady_count = 0;
    }
    d.limit = lim.steady;
    d.reset_seconds = ceil_seconds(steady_left_ms);
    const bool steady_full = w.steady_count >= lim.steady;
    const bool burst_full = w.burst_count >= lim.burst;
    if (steady_full || burst_full) {
        d.allowed = false;
        d.retry_after = steady_full ? ceil_seconds(steady_left_ms) : ceil_seconds(burst_left_ms);
        d.remaining = std::max(0, lim.steady - w.steady_count);
        return d;
    }
    ++w.burst_count;
    ++w.steady_count;
    if (w.first_steady_index < 0)
        w.first_steady_index = steady_index;
    const auto slot = static_cast<std::size_t>(steady_index - w.first_steady_index);
    if (w.accepted.size() <= slot)
        w.accepted.resize(slot + 1, 0);
    ++w.accepted[slot];
    w.steady_limit = lim.steady;
    d.remaining = lim.steady - w.steady_count;
    return d;
}

void RateLimiter::reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    windows_.clear();
}

Json RateLimiter::state() const {
    std::lock_guard<std::mutex> lock(mutex_);
    Json doc = Json::object();
    for (const auto &[bucket, w] : windows_) {
        if (w.accepted.empty())
            continue;
        Json counts = Json::array();
        for (const int n : w.accepted)
            counts.push(n);
        Json entry = Json::object();
        entry.add("steady_limit", w.steady_limit);
        entry.add("accepted_per_window", std::move(counts));
        doc.add(bucket, std::move(entry));
    }
    return doc;
}

} // namespace fake_klaviyo
