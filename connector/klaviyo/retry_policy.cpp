#include "retry_policy.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>

namespace connector::klaviyo {

std::chrono::milliseconds full_jitter_backoff(int retry,
                                              std::chrono::milliseconds base,
                                              std::chrono::milliseconds cap,
                                              double unit) {
    const int exponent = std::clamp(retry - 1, 0, 30);
    const double ceiling = std::min(static_cast<double>(cap.count()),
                                    static_cast<double>(base.count()) * std::ldexp(1.0, exponent));
    const double u = std::clamp(unit, 0.0, 1.0);
    return std::chrono::milliseconds(static_cast<long long>(ceiling * u));
}

std::optional<std::chrono::seconds> parse_retry_after(const std::string &header) {
    std::size_t i = 0;
    while (i < header.size() && std::isspace(static_cast<unsigned char>(header[i])))
        ++i;
    if (i == header.size() || !std::isdigit(static_cast<unsigned char>(header[i])))
        return std::nullopt;
    long long seconds = 0;
    for (; i < header.size() && std::isdigit(static_cast<unsigned char>(header[i])); ++i) {
        seconds = seconds * 10 + (header[i] - '0');
        if (seconds > 86400)
            return std::chrono::seconds(86400);
    }
    while (i < header.size() && std::isspace(static_cast<unsigned char>(header[i])))
        ++i;
    if (i != header.size())
        return std::nullopt; // an HTTP-date: Klaviyo sends seconds
    return std::chrono::seconds(seconds);
}

std::optional<std::chrono::seconds> seconds_in_detail(const std::string &detail) {
    static const std::regex pattern(R"(available in (\d{1,5}) second)", std::regex::icase);
    std::smatch m;
    if (!std::regex_search(detail, m, pattern))
        return std::nullopt;
    return std::chrono::seconds(std::stol(m[1].str()));
}

StatusClass classify_status(int status, bool json_errors, bool cf_mitigated) noexcept {
    if (status >= 200 && status < 300)
        return StatusClass::Success;
    if (status == 429)
        return StatusClass::Throttled;
    if ((status >= 500 && status < 600) || status == 408)
        return StatusClass::ServerError;
    if (status == 403 && (cf_mitigated || !json_errors))
        return StatusClass::BotChallenge;
    if (status == 401 || status == 403)
        return StatusClass::Unauthorized;
    if (status == 410)
        return StatusClass::Gone;
    if (status == 413)
        return StatusClass::TooLarge;
    // 404/405/415 name a wrong URL, method or media type: every record would fail alike.
    if ((status == 400 || status == 409 || status == 422) && json_errors)
        return StatusClass::RecordError;
    return StatusClass::Unexpected;
}

} // namespace connector::klaviyo
